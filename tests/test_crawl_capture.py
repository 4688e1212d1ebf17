"""End to end: ``newsarchive crawl`` against the mock news site writes faithful WARCs.

One crawl of every special path (module fixture) backs most assertions; each test
checks one property of what was written against what the server logged as sent.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from archive.warc.check import check_file
from archive.warc.reader import WarcRecord
from tests.crawl_support import CrawlResult, run_crawl, warcio_command
from tests.mockserver import MockServer

SPECIAL_PATHS = [
    "/gzip/article.html",
    "/br/article.html",
    "/chunked/article.html",
    "/chunked-gzip/article.html",
    "/redirect/start",
    "/missing",
    "/img/photo.png",
    "/cp1256/article.html",
    "/cookies.html",
    "/private-links.html",
    "/redirect-private",
    "/truncated.html",
]


@pytest.fixture(scope="module")
def crawl(mockserver: MockServer, tmp_path_factory: pytest.TempPathFactory) -> CrawlResult:
    data_dir = tmp_path_factory.mktemp("capture")
    seeds = [mockserver.url("/")] + [mockserver.url(p) for p in SPECIAL_PATHS]
    result = run_crawl(data_dir, *seeds, "--depth", "1")
    # The /missing seed answers 404: archived like every page, and the crawl says so.
    assert result.returncode == 1, result.stderr[-3000:]
    assert result.stderr.strip() == f"Error: seed {mockserver.url('/missing')}: HTTP 404", result.stderr[-3000:]
    return result


def _one(crawl: CrawlResult, url: str) -> WarcRecord:
    records = crawl.responses(url)
    assert records, f"no response record for {url}"
    return records[-1]


def test_every_warc_passes_warcio_gzip_and_our_check(crawl: CrawlResult) -> None:
    assert crawl.warc_paths
    assert not list((crawl.data_dir / "warcs").glob("*.open"))
    for path in crawl.warc_paths:
        subprocess.run(["gzip", "-t", str(path)], check=True)
        warcio = subprocess.run([str(warcio_command()), "check", str(path)], capture_output=True, text=True)
        assert warcio.returncode == 0, warcio.stdout + warcio.stderr
        report = check_file(path)
        assert report.ok, report.problems
    cli = subprocess.run(
        [sys.executable, "-m", "scraper.cli", "check", str(crawl.data_dir / "warcs")], capture_output=True, text=True
    )
    assert cli.returncode == 0 and cli.stdout.startswith("OK   "), cli.stdout + cli.stderr


def test_payloads_equal_what_the_server_sent(crawl: CrawlResult, mockserver: MockServer) -> None:
    checked = 0
    for path in ["/", "/gzip/article.html", "/br/article.html", "/chunked/article.html",
                 "/chunked-gzip/article.html", "/img/photo.png", "/cp1256/article.html", "/missing"]:
        sent = mockserver.sent(path)[-1]
        record = _one(crawl, mockserver.url(path))
        assert record.payload == sent.body, path
        assert record.http_status == sent.status
        checked += 1
    assert checked == 8


def test_compressed_bodies_stay_compressed_with_their_header(crawl: CrawlResult, mockserver: MockServer) -> None:
    for path, encoding in [("/gzip/article.html", "gzip"), ("/br/article.html", "br")]:
        record = _one(crawl, mockserver.url(path))
        assert record.http_header("Content-Encoding") == encoding
        assert int(record.http_header("Content-Length") or -1) == len(record.payload)
        assert b"<html" in record.decoded_payload().lower()
        assert b"<html" not in record.payload.lower()


def test_chunked_body_stored_dechunked_exactly_once(crawl: CrawlResult, mockserver: MockServer) -> None:
    record = _one(crawl, mockserver.url("/chunked/article.html"))
    assert record.http_header("Transfer-Encoding") is None
    assert record.payload.startswith(b"a\r\n0123456789\r\n")
    assert record.http_header("Content-Length") in (None, str(len(record.payload)))


def test_redirect_chain_is_captured_hop_by_hop(crawl: CrawlResult, mockserver: MockServer) -> None:
    statuses = [
        _one(crawl, mockserver.url(p)).http_status
        for p in ("/redirect/start", "/redirect/middle", "/redirect/end.html")
    ]
    assert statuses == [302, 301, 200]
    assert _one(crawl, mockserver.url("/redirect/start")).http_header("Location", ).endswith("/redirect/middle")


def test_repeated_set_cookie_headers_all_kept(crawl: CrawlResult, mockserver: MockServer) -> None:
    record = _one(crawl, mockserver.url("/cookies.html"))
    assert record.http_header_list("Set-Cookie") == mockserver.sent("/cookies.html")[-1].header("Set-Cookie")
    assert len(record.http_header_list("Set-Cookie")) == 3


def test_status_line_is_http11_with_standard_reason(crawl: CrawlResult, mockserver: MockServer) -> None:
    from archive.warc.members import iter_members

    status_lines = set()
    for path in crawl.warc_paths:
        for member in iter_members(path):
            if b"WARC-Type: response" in member.data[:200]:
                http = member.data.split(b"\r\n\r\n", 1)[1]
                status_lines.add(http.split(b"\r\n", 1)[0])
    assert b"HTTP/1.1 404 Not Found" in status_lines
    assert b"HTTP/1.1 302 Found" in status_lines
    assert all(line.startswith(b"HTTP/1.1 ") for line in status_lines)


def test_request_records_hold_headers_actually_sent(crawl: CrawlResult, mockserver: MockServer) -> None:
    records = crawl.records()
    responses = {r.record_id: r for r in records if r.rec_type == "response"}
    requests = [r for r in records if r.rec_type == "request"]
    assert len(requests) == len(responses)
    for request in requests:
        response = responses[request.headers["WARC-Concurrent-To"]]
        assert request.headers["WARC-Date"] == response.headers["WARC-Date"]
        assert request.target_uri == response.target_uri
        assert request.http_header("Accept-Encoding") == "gzip, deflate, br"
        assert request.http_header("User-Agent", ).startswith("newsarchive/")
        assert request.http_header("Host") == mockserver.base_url.split("//", 1)[1]
    first_response = records[1]
    assert first_response.headers.get("WARC-IP-Address") == "127.0.0.1"
    assert first_response.headers.get("WARC-Protocol") == "http/1.1"


def test_cut_connection_is_archived_as_truncated(crawl: CrawlResult, mockserver: MockServer) -> None:
    record = _one(crawl, mockserver.url("/truncated.html"))
    assert record.headers.get("WARC-Truncated") == "disconnect"
    assert record.http_header("X-Archive-Orig-Content-Length") == "10000"
    assert record.http_header("Content-Length") == str(len(record.payload))


def test_private_links_and_redirects_are_refused_and_logged(crawl: CrawlResult) -> None:
    targets = {r.target_uri for r in crawl.records()}
    for forbidden in ("127.0.0.1:1", "[::1]", "169.254.169.254", "10.0.0.1", "file:"):
        assert not any(forbidden in t for t in targets), forbidden
    assert "169.254.169.254" in crawl.log and "Refused" in crawl.log
    assert "use --allow-private to allow" in crawl.log


def test_robots_txt_is_obeyed_and_archived(crawl: CrawlResult, mockserver: MockServer) -> None:
    assert _one(crawl, mockserver.url("/robots.txt")).http_status == 200
    assert not crawl.responses(mockserver.url("/private/secret.html"))
