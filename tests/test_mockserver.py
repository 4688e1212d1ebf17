"""The mock news server (tests/mockserver/) and the demo site it serves.

Why test a test helper: every capture test trusts these bytes. If the server
silently decoded gzip or dropped a Set-Cookie, WARC tests would pass for the
wrong reason. Clients here are http.client or raw sockets, which never
decode anything behind our back.
"""

from __future__ import annotations

import gzip
import hashlib
import http.client
import json
import re
import socket
import struct
import time
import urllib.request
import xml.etree.ElementTree as ET
import zlib
from urllib.parse import urlsplit

import brotli
import pytest

from archive.demosite import serve_demo_site
from tests.mockserver import MockServer, bodies
from tests.mockserver.demo_content import ARTICLES, ZWNJ

pytestmark = pytest.mark.timeout(60)


def _conn(server: MockServer) -> http.client.HTTPConnection:
    parts = urlsplit(server.base_url)
    return http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)


def _get(server: MockServer, path: str, method: str = "GET") -> tuple[int, list[tuple[str, str]], bytes]:
    conn = _conn(server)
    try:
        conn.request(method, path)
        resp = conn.getresponse()
        return resp.status, resp.getheaders(), resp.read()
    finally:
        conn.close()


def _raw(server: MockServer, path: str) -> tuple[bytes, bytes]:
    """Send a GET on a raw socket, read until close; return (header block, raw body)."""
    parts = urlsplit(server.base_url)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: {parts.netloc}\r\nConnection: close\r\n\r\n".encode())
        data = b"".join(iter(lambda: sock.recv(65536), b""))
    head, _, body = data.partition(b"\r\n\r\n")
    return head, body


def _dechunk(raw: bytes) -> tuple[bytes, list[int]]:
    """Strict single de-chunking; returns the body and the chunk sizes seen."""
    body, sizes, pos = bytearray(), [], 0
    while True:
        eol = raw.index(b"\r\n", pos)
        size = int(raw[pos:eol], 16)
        sizes.append(size)
        pos = eol + 2
        if size == 0:
            assert raw[pos:] == b"\r\n", "chunked body must end with an empty trailer"
            return bytes(body), sizes
        body += raw[pos:pos + size]
        assert raw[pos + size:pos + size + 2] == b"\r\n"
        pos += size + 2


def _header(headers: list[tuple[str, str]], name: str) -> list[str]:
    return [v for k, v in headers if k.lower() == name.lower()]


def _sha1(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()


# -- demo site ----------------------------------------------------------------

def test_front_page_links_to_newest_articles(mockserver: MockServer) -> None:
    status, headers, body = _get(mockserver, "/")
    assert status == 200
    assert _header(headers, "Content-Type") == ["text/html; charset=UTF-8"]
    html = body.decode()
    assert "<title>Kabul Demo Times" in html
    newest = sorted(ARTICLES, key=lambda a: a.iso_published, reverse=True)[:10]
    for article in newest:
        assert f'href="{article.path}"' in html


@pytest.mark.parametrize("article", ARTICLES, ids=lambda a: a.slug)
def test_every_article_page_has_metadata(mockserver: MockServer, article) -> None:
    status, _, body = _get(mockserver, article.path)
    assert status == 200
    html = body.decode("utf-8")
    ld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)[1])
    assert ld["@type"] == "NewsArticle"
    assert ld["headline"] == article.headline
    assert ld["datePublished"].endswith("+04:30")
    assert f'<link rel="canonical" href="{article.path}">' in html
    assert "<figcaption" in html and 'id="cookie-notice"' in html
    if article.lang != "en":
        assert f'<html lang="{article.lang}" dir="rtl">' in html
        assert ZWNJ in html


def test_dari_words_keep_zwnj(mockserver: MockServer) -> None:
    _, _, body = _get(mockserver, "/2024/03/08/kabul-municipality-roads/")
    html = body.decode("utf-8")
    assert "می\u200cشود" in html and "خبرگزاری\u200cها" in html


def test_sections_paginate(mockserver: MockServer) -> None:
    _, _, page1 = _get(mockserver, "/section/economy/")
    assert b'href="/section/economy/page/2/"' in page1
    status, _, page2 = _get(mockserver, "/section/economy/page/2/")
    assert status == 200 and b'href="/2024/03/05/saffron-exports-rise/"' in page2
    status, _, _ = _get(mockserver, "/section/politics/")
    assert status == 200


def test_robots_feeds_and_sitemaps_use_absolute_urls(mockserver: MockServer) -> None:
    base = mockserver.base_url
    _, _, robots = _get(mockserver, "/robots.txt")
    assert b"Disallow: /private/" in robots
    assert f"Sitemap: {base}/sitemap.xml".encode() in robots

    ns = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
          "news": "http://www.google.com/schemas/sitemap-news/0.9"}
    index = ET.fromstring(_get(mockserver, "/sitemap.xml")[2])
    locs = [e.text for e in index.findall("sm:sitemap/sm:loc", ns)]
    assert locs == [f"{base}/sitemap-news.xml", f"{base}/sitemap-pages.xml"]
    news = ET.fromstring(_get(mockserver, "/sitemap-news.xml")[2])
    urls = news.findall("sm:url", ns)
    assert len(urls) == len(ARTICLES)
    assert {u.find("news:news/news:publication/news:language", ns).text for u in urls} == {"en", "fa", "ps"}
    assert all(u.find("news:news/news:publication_date", ns).text.endswith("+04:30") for u in urls)

    status, headers, rss = _get(mockserver, "/feed/")
    assert status == 200 and _header(headers, "Content-Type")[0].startswith("application/rss+xml")
    links = [e.text for e in ET.fromstring(rss).findall("channel/item/link")]
    assert len(links) == len(ARTICLES) and all(link.startswith(base + "/20") for link in links)
    atom = ET.fromstring(_get(mockserver, "/feed/atom/")[2])
    assert len(atom.findall("{http://www.w3.org/2005/Atom}entry")) == len(ARTICLES)


def test_demo_404_private_and_directory_redirect(mockserver: MockServer) -> None:
    status, _, body = _get(mockserver, "/no/such/page/")
    assert status == 404 and b"Page not found" in body
    status, _, body = _get(mockserver, "/private/secret.html")
    assert status == 200 and b"Staff only" in body
    status, headers, _ = _get(mockserver, "/2024/03/04/provincial-budget-debate")
    assert status == 301 and _header(headers, "Location") == ["/2024/03/04/provincial-budget-debate/"]


def test_images_are_real(mockserver: MockServer) -> None:
    status, headers, png = _get(mockserver, "/img/photo.png")
    assert status == 200 and _header(headers, "Content-Type") == ["image/png"]
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and png.endswith(b"IEND\xaeB`\x82")
    width, height = struct.unpack(">II", png[16:24])
    assert (width, height) == (64, 48)
    _, headers, jpeg = _get(mockserver, ARTICLES[0].image_path)
    assert _header(headers, "Content-Type") == ["image/jpeg"]
    assert jpeg.startswith(b"\xff\xd8\xff\xe0") and jpeg.endswith(b"\xff\xd9")


def test_serve_demo_site_in_process() -> None:
    with serve_demo_site() as demo:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/", demo.url)
        with urllib.request.urlopen(demo.url + "robots.txt", timeout=10) as resp:
            assert f"Sitemap: {demo.url}sitemap.xml" in resp.read().decode()
        with urllib.request.urlopen(demo.url + "feed", timeout=10) as resp:  # 301 to /feed/
            assert resp.url == demo.url + "feed/" and b"<rss" in resp.read()


# -- encodings and framing ----------------------------------------------------

def test_gzip_article(mockserver: MockServer) -> None:
    status, headers, body = _get(mockserver, "/gzip/article.html")
    assert status == 200
    assert _header(headers, "Content-Encoding") == ["gzip"]
    assert _header(headers, "Content-Length") == [str(len(body))]
    html = gzip.decompress(body)
    assert html == _get(mockserver, bodies.ARTICLE_PATH)[2]
    assert b"Lawmakers clash over provincial budget shares" in html
    sent = mockserver.sent("/gzip/article.html")[-1]  # other tests share the server
    assert sent.body_sha1 == _sha1(body) and sent.body == body  # logged still compressed


def test_brotli_article(mockserver: MockServer) -> None:
    status, headers, body = _get(mockserver, "/br/article.html")
    assert status == 200 and _header(headers, "Content-Encoding") == ["br"]
    assert brotli.decompress(body) == bodies.article_html()


def test_chunked_framing_is_on_the_wire(mockserver: MockServer) -> None:
    head, raw = _raw(mockserver, "/chunked/article.html")
    assert b"\r\nTransfer-Encoding: chunked" in head
    assert b"Content-Length" not in head
    assert raw.startswith(b"1f\r\na\r\n0123456789\r\n")  # first chunk: 31 bytes
    body, sizes = _dechunk(raw)
    assert len(sizes) > 2 and sizes[-1] == 0
    assert body.startswith(bodies.CHUNKED_PREFIX + b"<!DOCTYPE html>")
    assert body == bodies.CHUNKED_PREFIX + bodies.article_html()
    sent = mockserver.sent("/chunked/article.html")[-1]
    assert sent.body_sha1 == _sha1(body)  # logged without framing


def test_chunked_gzip_article(mockserver: MockServer) -> None:
    head, raw = _raw(mockserver, "/chunked-gzip/article.html")
    assert b"Transfer-Encoding: chunked" in head and b"Content-Encoding: gzip" in head
    body, _ = _dechunk(raw)
    assert gzip.decompress(body) == bodies.article_html()
    assert mockserver.sent("/chunked-gzip/article.html")[-1].body == body


def test_cp1256_page_decodes_with_zwnj(mockserver: MockServer) -> None:
    status, headers, body = _get(mockserver, "/cp1256/article.html")
    assert _header(headers, "Content-Type") == ["text/html; charset=windows-1256"]
    assert b"\x9d" in body  # ZWNJ in windows-1256
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    text = body.decode("windows-1256")
    assert ZWNJ in text and "مي\u200cشود" in text  # Arabic yeh: cp1256 has no Persian one
    assert '<html lang="fa" dir="rtl">' in text


# -- redirects, errors, cookies -------------------------------------------------

def test_redirect_chain_on_one_keepalive_connection(mockserver: MockServer) -> None:
    conn = _conn(mockserver)
    seen = []
    path = "/redirect/start"
    try:
        for _ in range(3):
            conn.request("GET", path)
            resp = conn.getresponse()
            resp.read()
            seen.append((resp.status, resp.getheader("Location")))
            path = resp.getheader("Location") or path
    finally:
        conn.close()
    assert seen == [(302, "/redirect/middle"), (301, "/redirect/end.html"), (200, None)]


def test_error_statuses_have_html_bodies(mockserver: MockServer) -> None:
    status, headers, body = _get(mockserver, "/missing")
    assert status == 404 and b"404 Not Found" in body
    assert _header(headers, "Content-Type") == ["text/html; charset=utf-8"]
    status, _, body = _get(mockserver, "/error500")
    assert status == 500 and b"<html" in body
    status, headers, _ = _get(mockserver, "/redirect-private")
    assert status == 302 and _header(headers, "Location") == ["http://169.254.169.254/latest/meta-data/"]


def test_three_set_cookie_headers(mockserver: MockServer) -> None:
    _, headers, _ = _get(mockserver, "/cookies.html")
    cookies = _header(headers, "Set-Cookie")
    assert len(cookies) == 3 and len({c.split(";")[0] for c in cookies}) == 3
    assert mockserver.sent("/cookies.html")[-1].header("set-cookie") == cookies


def test_private_links_page(mockserver: MockServer) -> None:
    _, _, body = _get(mockserver, "/private-links.html")
    hrefs = re.findall(rb'href="([^"]+)"', body)
    assert b"http://[::1]:1/x" in hrefs and b"file:///etc/passwd" in hrefs
    assert bodies.ARTICLE_PATH.encode() in hrefs


# -- size and time cases --------------------------------------------------------

def test_bomb_is_small_on_the_wire(mockserver: MockServer) -> None:
    size = 32 * 1024 * 1024
    status, headers, wire = _get(mockserver, f"/bomb.html?size={size}")
    assert status == 200 and _header(headers, "Content-Encoding") == ["gzip, gzip"]
    inflated = gzip.decompress(gzip.decompress(wire))
    assert len(inflated) == size and inflated.count(0) == size
    print(f"bomb ?size={size}: {len(wire)} bytes on the wire, ratio {size // len(wire)}:1")
    assert len(wire) < 2_000
    assert mockserver.sent(f"/bomb.html?size={size}")[-1].body_sha1 == _sha1(wire)


def test_full_bomb_declares_five_gib_without_inflating(mockserver: MockServer) -> None:
    _, headers, wire = _get(mockserver, "/bomb.html")
    inner = gzip.decompress(wire)  # one layer only: a few MB
    isize = struct.unpack("<I", inner[-4:])[0]
    print(f"bomb: {len(wire)} bytes on the wire, {len(inner)} after one layer, 5 GiB after two")
    assert len(wire) <= 100_000
    assert isize == (5 * 1024**3) & 0xFFFFFFFF
    d = zlib.decompressobj(31)
    assert d.decompress(inner, 1 << 20) == bytes(1 << 20)  # starts inflating to zeros


def test_big_pages(mockserver: MockServer) -> None:
    _, _, index = _get(mockserver, "/big/")
    links = re.findall(rb'href="(/big/\d+\.html)"', index)
    assert len(links) == 40
    status, headers, page = _get(mockserver, "/big/40.html")
    assert status == 200 and int(_header(headers, "Content-Length")[0]) == len(page)
    assert 190_000 < len(page) < 210_000
    assert len(gzip.compress(page)) > 0.3 * len(page)  # incompressible-ish
    assert page.rstrip().endswith(b"</html>")
    assert _get(mockserver, "/big/41.html")[0] == 404


def test_truncated_response(mockserver: MockServer) -> None:
    head, body = _raw(mockserver, "/truncated.html")
    assert b"Content-Length: 10000" in head
    assert len(body) == 2000
    assert mockserver.sent("/truncated.html")[-1].body_length == 2000


def test_slow_large_streams(mockserver: MockServer) -> None:
    path = "/slow-large.html?seconds=0.6&size=400000"
    start = time.monotonic()
    status, headers, body = _get(mockserver, path)
    elapsed = time.monotonic() - start
    assert status == 200 and len(body) == 400000 == int(_header(headers, "Content-Length")[0])
    assert 0.5 < elapsed < 5
    assert mockserver.sent(path)[-1].body_sha1 == _sha1(body)


# -- protocol -------------------------------------------------------------------

def test_head_and_keepalive(mockserver: MockServer) -> None:
    conn = _conn(mockserver)
    try:
        conn.request("HEAD", "/gzip/article.html")
        head = conn.getresponse()
        assert head.read() == b"" and int(head.getheader("Content-Length")) > 0
        conn.request("GET", "/robots.txt")  # same socket
        assert b"User-agent" in conn.getresponse().read()
    finally:
        conn.close()
    assert mockserver.sent("/gzip/article.html")[-1].method in ("GET", "HEAD")


def test_post_and_headers_echo(mockserver: MockServer) -> None:
    conn = _conn(mockserver)
    try:
        conn.request("POST", "/post-echo", body=b"q=\xd9\x85\xdb\x8c", headers={"Content-Type": "text/plain"})
        resp = conn.getresponse()
        assert resp.status == 200 and resp.read() == b"q=\xd9\x85\xdb\x8c"
        conn.putrequest("GET", "/headers-echo", skip_accept_encoding=True)
        conn.putheader("X-Test", "one")
        conn.putheader("X-Test", "two")
        conn.endheaders()
        echoed = json.loads(conn.getresponse().read())
    finally:
        conn.close()
    assert echoed["method"] == "GET"
    assert [v for k, v in echoed["headers"] if k == "X-Test"] == ["one", "two"]


def test_sigterm_shuts_down_cleanly(tmp_path) -> None:
    server = MockServer(log_dir=tmp_path)
    with server:
        assert _get(server, "/robots.txt")[0] == 200
    assert server.exit_code == 0
    assert (tmp_path / "sent.jsonl").read_text().count("\n") == 1
