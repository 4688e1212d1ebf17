"""The live site of the mock server (tests/mockserver/live.py): a news site that changes between crawls.

Why: incremental-crawl tests (issue 5) trust that publish, edit and touch
change exactly what they claim, and that the site's validators and traps
behave like a real host. This module has its own server, because it changes
the site's state; the session ``mockserver`` stays untouched.
"""

from __future__ import annotations

import difflib
import hashlib
import http.client
import json
import re
import urllib.robotparser
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from email.utils import formatdate, parsedate_to_datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.mockserver import MockServer
from tests.mockserver.live_content import ZWNJ

pytestmark = pytest.mark.timeout(60)

NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9", "news": "http://www.google.com/schemas/sitemap-news/0.9",
      "atom": "http://www.w3.org/2005/Atom"}
INITIAL_SLUGS = [
    "flood-defences-tested-in-spring-drill", "teachers-receive-delayed-salaries", "solar-panels-power-village-clinic",
    "cricket-team-wins-regional-cup", "herat-library-reopens", "carpet-weavers-find-online-buyers",
    "snowfall-closes-salang-pass", "provincial-hospital-opens-new-wing", "winter-classes-begin-in-kabul",
    "new-bus-routes-for-western-districts", "wheat-prices-fall-at-border-markets", "city-council-approves-water-plan",
]
Response = tuple[int, dict[str, str], bytes]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MockServer]:
    with MockServer(log_dir=tmp_path_factory.mktemp("mockserver-live")) as s:
        yield s


@pytest.fixture
def live(server: MockServer) -> MockServer:
    server.live_reset()
    return server


def _get(server: MockServer, target: str, headers: dict[str, str] | None = None, method: str = "GET") -> Response:
    parts = urlsplit(server.base_url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        conn.request(method, target.removeprefix(server.base_url), headers=headers or {})
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


def _ok(server: MockServer, target: str) -> bytes:
    status, _, body = _get(server, target)
    assert status == 200, target
    return body


def _json_ld(html: str) -> dict:
    return json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html)[1])


def _links(body: bytes) -> list[str]:
    return re.findall(r'href="([^"]+)"', body.decode("utf-8"))


def _rss_links(live: MockServer) -> list[str]:
    return [e.text for e in ET.fromstring(_ok(live, "/live/feed/")).findall("channel/item/link")]


def _changed_lines(before: bytes, after: bytes) -> list[str]:
    diff = difflib.unified_diff(before.decode().splitlines(), after.decode().splitlines(), n=0, lineterm="")
    return [line for line in diff if line[:1] in "+-" and line[:3] not in ("+++", "---")]


# -- the initial site -------------------------------------------------------------

def test_initial_articles(live: MockServer) -> None:
    info = live.live_article_info()
    assert [a["slug"] for a in info] == INITIAL_SLUGS
    assert live.live_articles() == [a["url"] for a in info]
    assert sum(a["lang"] == "fa" for a in info) == 2
    for a in info:
        assert re.fullmatch(r"/live/\d{4}/\d{2}/\d{2}/[a-z0-9-]+/", a["path"])
        html = _ok(live, a["url"]).decode("utf-8")
        ld = _json_ld(html)
        assert ld["@type"] == "NewsArticle" and ld["headline"] == a["headline"]
        assert ld["datePublished"] == a["published"] and ld["dateModified"] == a["modified"]
        assert f'<link rel="canonical" href="{a["path"]}">' in html and 'class="byline"' in html
        content = re.search(r'<div class="entry-content">(.*?)</div>', html, re.S)[1]
        assert content.count("<p>") == 3
        related = [h for h in _links(html.encode()) if re.fullmatch(r"/live/\d{4}/.*/", h) and h != a["path"]]
        assert len(related) == 2
        assert f'href="/live/calendar/?month={a["published"][:7]}"' in html
        if a["lang"] == "fa":
            assert '<html lang="fa" dir="rtl">' in html and ZWNJ in html


def test_front_page_links(live: MockServer) -> None:
    links = _links(_ok(live, "/live/"))
    articles = [urlsplit(u).path for u in live.live_articles()]
    assert [h for h in links if h in articles] == articles[:10]
    for trap in ("/live/calendar/?month=2025-02", "/live/loop/a", "/live/refresh/a", "/live/grow?x=1",
                 "/live/section/news/", "/live/feed/"):
        assert trap in links
    assert not any("_control" in h or "ratelimited" in h for h in links)


def test_section_pagination(live: MockServer) -> None:
    articles = [urlsplit(u).path for u in live.live_articles()]
    page1 = _ok(live, "/live/section/news/").decode()
    assert '<link rel="next" href="/live/section/news/page/2/">' in page1
    assert '<a class="next" href="/live/section/news/page/2/">Older posts</a>' in page1
    assert [h for h in _links(page1.encode()) if h in articles] == articles[:10]
    page2 = _ok(live, "/live/section/news/page/2/").decode()
    assert [h for h in _links(page2.encode()) if h in articles] == articles[10:]
    assert 'rel="next"' not in page2 and '<link rel="prev" href="/live/section/news/">' in page2
    assert _get(live, "/live/section/news/page/3/")[0] == 404
    assert _get(live, "/live/section/news/page/1/")[1]["location"] == "/live/section/news/"
    live.live_publish(9)
    assert 'rel="next" href="/live/section/news/page/3/"' in _ok(live, "/live/section/news/page/2/").decode()


def test_robots_names_live_sitemap_and_crawl_delay(live: MockServer) -> None:
    robots = _ok(live, "/robots.txt").decode()
    base = live.base_url
    assert "Disallow: /private/" in robots and f"Sitemap: {base}/sitemap.xml\n" in robots
    assert f"Sitemap: {base}/live/sitemap.xml\n" in robots and "Crawl-delay" not in robots
    live.live_crawl_delay(3)
    parser = urllib.robotparser.RobotFileParser()
    parser.parse(_ok(live, "/robots.txt").decode().splitlines())
    assert parser.crawl_delay("newsarchive") == 3
    assert parser.site_maps() == [f"{base}/sitemap.xml", f"{base}/live/sitemap.xml"]
    live.live_reset()
    assert _ok(live, "/robots.txt").decode() == robots


def test_feeds_and_sitemaps(live: MockServer) -> None:
    base, urls = live.base_url, live.live_articles()
    assert _get(live, "/live/feed/")[1]["content-type"].startswith("application/rss+xml")
    rss = ET.fromstring(_ok(live, "/live/feed/"))
    assert [e.text for e in rss.findall("channel/item/link")] == urls[:10]
    assert all(parsedate_to_datetime(e.text) for e in rss.findall("channel/item/pubDate"))
    atom = ET.fromstring(_ok(live, "/live/feed/atom/"))
    assert [e.get("href") for e in atom.findall("atom:entry/atom:link", NS)] == urls[:10]

    index = ET.fromstring(_ok(live, "/live/sitemap.xml"))
    assert [e.text for e in index.findall("sm:sitemap/sm:loc", NS)] == [
        f"{base}/live/sitemap-news.xml", f"{base}/live/sitemap-posts.xml"]
    news = ET.fromstring(_ok(live, "/live/sitemap-news.xml")).findall("sm:url", NS)
    info = live.live_article_info()
    assert [u.find("sm:loc", NS).text for u in news] == urls
    for u, a in zip(news, info, strict=True):
        assert u.find("sm:lastmod", NS).text == a["modified"]
        assert u.find("news:news/news:publication_date", NS).text == a["published"]
        assert u.find("news:news/news:title", NS).text == a["headline"]
        assert u.find("news:news/news:publication/news:language", NS).text == a["lang"]
    posts = ET.fromstring(_ok(live, "/live/sitemap-posts.xml")).findall("sm:url", NS)
    assert [(u.find("sm:loc", NS).text, u.find("sm:lastmod", NS).text) for u in posts] == [
        (a["url"], a["modified"]) for a in info]


# -- changes --------------------------------------------------------------------------

def test_publish_adds_to_top_and_leaves_old_pages_alone(live: MockServer) -> None:
    old = live.live_articles()
    old_bodies = {u: _ok(live, u) for u in old}
    new = live.live_publish(2)
    assert len(new) == 2 and not set(new) & set(old)
    assert live.live_articles() == new + old
    assert _rss_links(live)[:2] == new and len(_rss_links(live)) == 10
    atom = ET.fromstring(_ok(live, "/live/feed/atom/"))
    assert [e.get("href") for e in atom.findall("atom:entry/atom:link", NS)][:2] == new
    news = ET.fromstring(_ok(live, "/live/sitemap-news.xml"))
    assert [u.text for u in news.findall("sm:url/sm:loc", NS)][:2] == new
    posts = ET.fromstring(_ok(live, "/live/sitemap-posts.xml"))
    assert len(posts.findall("sm:url", NS)) == 14
    assert [h for h in _links(_ok(live, "/live/")) if h.startswith("/live/2")][:2] == [urlsplit(u).path for u in new]
    assert {u: _ok(live, u) for u in old} == old_bodies  # no old article changed
    ld = _json_ld(_ok(live, new[0]).decode())
    assert ld["datePublished"] == ld["dateModified"] and ld["datePublished"][:4] >= "2025"
    assert live.live_publish(1)[0] not in new  # slugs never repeat


def test_edit_changes_one_paragraph_modified_date_and_etag(live: MockServer) -> None:
    slug = "cricket-team-wins-regional-cup"
    url = next(u for u in live.live_articles() if slug in u)
    others = {u: _ok(live, u) for u in live.live_articles() if u != url}
    _, h1, before = _get(live, url)
    assert live.live_edit(slug) == url
    _, h2, after = _get(live, url)
    assert h2["etag"] != h1["etag"] and hashlib.sha1(after).hexdigest() != hashlib.sha1(before).hexdigest()
    assert parsedate_to_datetime(h2["last-modified"]) > parsedate_to_datetime(h1["last-modified"])
    ld1, ld2 = _json_ld(before.decode()), _json_ld(after.decode())
    assert ld2["datePublished"] == ld1["datePublished"] and ld2["dateModified"] > ld1["dateModified"]
    changed = _changed_lines(before, after)
    paragraphs = [line for line in changed if line[1:4] == "<p>"]
    assert len(paragraphs) == 2 and "Update 1:" in paragraphs[1]  # one paragraph out, one in
    assert all("<p>" in line or "modified_time" in line or "dateModified" in line for line in changed)
    assert {u: _ok(live, u) for u in others} == others
    posts = ET.fromstring(_ok(live, "/live/sitemap-posts.xml"))
    lastmod = {u.find("sm:loc", NS).text: u.find("sm:lastmod", NS).text for u in posts.findall("sm:url", NS)}
    assert lastmod[url] == ld2["dateModified"]
    live.live_edit(slug)
    assert "Update 2:" in _ok(live, url).decode() and "Update 1:" not in _ok(live, url).decode()


def test_touch_changes_only_the_counter(live: MockServer) -> None:
    url = next(u for u in live.live_articles() if "herat-library-reopens" in u)
    _, h1, before = _get(live, url)
    feed = _ok(live, "/live/feed/")
    assert live.live_touch("herat-library-reopens") == url
    _, h2, after = _get(live, url)
    assert _changed_lines(before, after) == ['-<p class="views">views: 396</p>', '+<p class="views">views: 397</p>']
    assert h2["etag"] != h1["etag"] and h2["last-modified"] == h1["last-modified"]
    assert _ok(live, "/live/feed/") == feed


def test_unknown_slug_and_bad_control_calls(live: MockServer) -> None:
    with pytest.raises(RuntimeError, match="404 no live article with slug 'nope'"):
        live.live_edit("nope")
    with pytest.raises(RuntimeError, match="400 count must be"):
        live.live_publish(0)
    status, _, body = _get(live, "/_control/live/publish")
    assert status == 405 and json.loads(body) == {"error": "POST only"}
    assert _get(live, "/_control/live/nothing")[0] == 404


# -- conditional GET ------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/live/", "/live/section/news/", "/live/feed/", "/live/feed/atom/",
                                  "/live/sitemap.xml", "/live/sitemap-news.xml", "/live/sitemap-posts.xml",
                                  "/live/2025/02/02/carpet-weavers-find-online-buyers/"])
def test_304_on_if_none_match_and_if_modified_since(live: MockServer, path: str) -> None:
    status, headers, body = _get(live, path)
    etag, last_modified = headers["etag"], headers["last-modified"]
    assert status == 200 and etag == f'"{hashlib.sha1(body).hexdigest()}"'
    status, h304, body304 = _get(live, path, {"If-None-Match": etag})
    assert (status, body304, h304["etag"]) == (304, b"", etag) and "content-length" not in h304
    assert _get(live, path, {"If-None-Match": f'"other", W/{etag}'})[0] == 304
    assert _get(live, path, {"If-None-Match": '"other"'})[0] == 200
    assert _get(live, path, {"If-Modified-Since": last_modified})[0] == 304
    later = formatdate(parsedate_to_datetime(last_modified).timestamp() + 3600, usegmt=True)
    earlier = formatdate(parsedate_to_datetime(last_modified).timestamp() - 1, usegmt=True)
    assert _get(live, path, {"If-Modified-Since": later})[0] == 304
    assert _get(live, path, {"If-Modified-Since": earlier})[0] == 200
    assert _get(live, path, {"If-None-Match": '"other"', "If-Modified-Since": later})[0] == 200  # INM wins
    assert _get(live, path, {"If-None-Match": etag}, method="HEAD")[0] == 304
    [sent] = [e for e in live.requests_for(path)
              if e.path == path and e.method == "GET" and e.request_header("If-None-Match") == [etag]]
    assert sent.status == 304 and sent.body_length == 0


def test_changes_defeat_validators(live: MockServer) -> None:
    _, h, _ = _get(live, "/live/feed/")
    live.live_publish(1)
    assert _get(live, "/live/feed/", {"If-None-Match": h["etag"]})[0] == 200
    assert _get(live, "/live/feed/", {"If-Modified-Since": h["last-modified"]})[0] == 200
    url = live.live_articles()[5]
    _, h, _ = _get(live, url)
    live.live_touch(url.rstrip("/").rsplit("/", 1)[1])
    assert _get(live, url, {"If-None-Match": h["etag"]})[0] == 200
    assert _get(live, url, {"If-Modified-Since": h["last-modified"]})[0] == 304  # dates unchanged by touch


def test_validators_can_be_turned_off(live: MockServer) -> None:
    _, h, _ = _get(live, "/live/feed/")
    live.live_etag(False)
    status, h2, body = _get(live, "/live/feed/", {"If-None-Match": h["etag"], "If-Modified-Since": h["last-modified"]})
    assert status == 200 and body and "etag" not in h2 and "last-modified" not in h2
    live.live_etag(True)
    assert _get(live, "/live/feed/", {"If-None-Match": h["etag"]})[0] == 304


# -- politeness and traps -------------------------------------------------------------

@pytest.mark.parametrize(("path", "status", "after"),
                         [("/live/ratelimited", 429, "2"), ("/live/unavailable", 503, "1")])
def test_retry_after_once_per_reset(live: MockServer, path: str, status: int, after: str) -> None:
    first, headers, _ = _get(live, path)
    assert (first, headers["retry-after"]) == (status, after)
    second, headers, body = _get(live, path)
    assert second == 200 and "retry-after" not in headers and b"<html" in body
    live.live_reset()
    assert _get(live, path)[0] == status


def test_redirect_loop(live: MockServer) -> None:
    hops, path = [], "/live/loop/a"
    for _ in range(4):
        status, headers, _ = _get(live, path)
        hops.append((status, headers["location"]))
        path = headers["location"]
    assert hops == [(302, "/live/loop/b"), (302, "/live/loop/a")] * 2


def test_meta_refresh_loop(live: MockServer) -> None:
    for here, there in (("a", "b"), ("b", "a")):
        status, _, body = _get(live, f"/live/refresh/{here}")
        assert status == 200
        assert f'<meta http-equiv="refresh" content="0; url=/live/refresh/{there}">' in body.decode()


def test_query_string_grows(live: MockServer) -> None:
    path = "/live/grow?x=1"
    for n in range(1, 6):
        body = _ok(live, path).decode()
        [link] = [h.replace("&amp;", "&") for h in _links(body.encode()) if h.startswith("/live/grow")]
        assert link == "/live/grow?" + "&".join(["x=1"] * (n + 1))
        path = link


def test_calendar_links_onward_forever(live: MockServer) -> None:
    month, seen = "2025-02", []
    for _ in range(14):
        body = _ok(live, f"/live/calendar/?month={month}").decode()
        [month] = re.findall(r'rel="next" href="/live/calendar/\?month=(\d{4}-\d{2})"', body)
        seen.append(month)
    assert seen[0] == "2025-03" and seen[-1] == "2026-04"
    body = _ok(live, "/live/calendar/?month=2025-01").decode()
    assert 'href="/live/calendar/?month=2024-12"' in body
    assert body.count('<li class="post">') == 6
    assert _get(live, "/live/calendar/?month=2025-13")[0] == 404


# -- reset and the sent log -------------------------------------------------------------

def _snapshot(live: MockServer) -> dict[str, bytes]:
    paths = ["/live/", "/live/section/news/", "/live/feed/", "/live/feed/atom/", "/live/sitemap-news.xml",
             "/live/sitemap-posts.xml", "/robots.txt"]
    return {p: _ok(live, p) for p in paths + live.live_articles()}


def test_reset_restores_initial_site(live: MockServer) -> None:
    before = _snapshot(live)
    live.live_publish(3)
    live.live_edit("snowfall-closes-salang-pass")
    live.live_touch("city-council-approves-water-plan")
    live.live_crawl_delay(5)
    live.live_etag(False)
    assert _snapshot(live) != before
    live.live_reset()
    assert _snapshot(live) == before
    assert "etag" in _get(live, "/live/feed/")[1]


def test_requests_for_and_request_headers(live: MockServer) -> None:
    url = live.live_articles()[0]
    _get(live, url, {"If-None-Match": '"abc"', "User-Agent": "newsarchive-test"})
    path = urlsplit(url).path
    entry = live.requests_for(path)[-1]
    assert (entry.method, entry.path, entry.status) == ("GET", path, 200)
    assert entry.request_header("if-none-match") == ['"abc"']
    assert entry.request_header("User-Agent") == ["newsarchive-test"]
    assert all(e.path.startswith("/live/") for e in live.requests_for("/live/"))
    assert live.requests_for(live.base_url + path)[-1] == entry
    raw = json.loads((Path(live.log_dir) / "sent.jsonl").read_text().splitlines()[-1])
    assert raw["request_headers"][0] == ["Host", urlsplit(live.base_url).netloc]
