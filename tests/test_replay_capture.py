"""Issue 2's replay check: what ``newsarchive crawl`` wrote replays in pywb as it was sent.

The WARCs go into a collection made by pywb's own ``wb-manager`` (``init`` + ``add``,
pywb's indexer, independent of ``archive.replay``), served by ``wayback`` on 127.0.0.1.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from archive.warc.reader import WarcRecord, iter_records
from tests.pywb_support import Wayback, build_collection, crawl, fetch, requires_pywb

pytestmark = requires_pywb

ENCODED_PATHS = ["/gzip/article.html", "/br/article.html", "/chunked-gzip/article.html"]
PLAIN_PATHS = ["/chunked/article.html", "/cp1256/article.html"]
# What a browser (and our crawler) offers; pywb then passes encoded bodies through.
ACCEPT_ALL = {"Accept-Encoding": "gzip, deflate, br"}


@dataclass
class Captured:
    url: str
    timestamp: str
    record: WarcRecord


@dataclass
class Replayed:
    base: str
    pages: list[Captured]

    def address(self, page: Captured, mode: str = "") -> str:
        return f"{self.base}/news/{page.timestamp}{mode}/{page.url}"


def _html_pages(warcs: list[Path]) -> list[Captured]:
    pages = []
    for path in warcs:
        for record in iter_records(path):
            mime = (record.http_header("Content-Type") or "").split(";")[0].strip()
            if record.rec_type == "response" and record.http_status == 200 and mime == "text/html":
                timestamp = re.sub(r"\D", "", record.headers["WARC-Date"])[:14]
                pages.append(Captured(record.target_uri, timestamp, record))
    return pages


@pytest.fixture(scope="module")
def replayed(mockserver, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Replayed]:
    data_dir = tmp_path_factory.mktemp("capture-replay")
    seeds = [mockserver.url(p) for p in ENCODED_PATHS + PLAIN_PATHS] + [mockserver.url("/")]
    crawl(seeds, data_dir, "--max-pages", "25")
    warcs = sorted((data_dir / "warcs").glob("*.warc.gz"))
    root = data_dir / "pywb"
    build_collection(root, warcs)
    with Wayback(root) as wayback:
        yield Replayed(wayback.base_url, _html_pages(warcs))


def test_the_crawl_captured_the_article_pages(replayed: Replayed, mockserver) -> None:
    urls = {page.url for page in replayed.pages}
    assert {mockserver.url(p) for p in ENCODED_PATHS + PLAIN_PATHS} <= urls
    assert len(urls) >= 10, "the demo site's articles should be there too"


def test_every_captured_page_replays_with_status_200(replayed: Replayed) -> None:
    for page in replayed.pages:
        for mode in ("", "mp_", "id_"):
            got = fetch(replayed.address(page, mode), headers=ACCEPT_ALL)
            assert got.status == 200, f"{mode or 'framed'} {page.url}: {got.status}"


def test_id_mode_is_byte_identical_to_what_the_server_sent(replayed: Replayed, mockserver) -> None:
    # The mock server logs the entity body as it went on the wire (still gzip/br encoded,
    # chunk framing removed), which is also what the WARC stores. In id_ mode pywb sends
    # the stored payload unchanged, Content-Encoding header included, to a client that
    # accepts the encoding; so the raw bytes must match the server's, not a decoded form.
    for page in replayed.pages:
        got = fetch(replayed.address(page, "id_"), headers=ACCEPT_ALL)
        sent = {entry.body for entry in mockserver.sent(page.url)}
        assert sent, f"the mock server never sent {page.url}"
        assert got.body in sent, f"{page.url}: replayed body differs from every body the server sent"
        assert got.body == page.record.payload
        assert got.header("Content-Encoding") == page.record.http_header("Content-Encoding")


def test_encoded_pages_really_are_replayed_encoded(replayed: Replayed, mockserver) -> None:
    for path in ENCODED_PATHS:
        page = next(p for p in replayed.pages if p.url == mockserver.url(path))
        got = fetch(replayed.address(page, "id_"), headers=ACCEPT_ALL)
        assert got.header("Content-Encoding") in ("gzip", "br")
        assert got.body != page.record.decoded_payload()


def test_id_mode_decodes_for_a_client_that_accepts_no_encoding(replayed: Replayed, mockserver) -> None:
    # Without Accept-Encoding pywb inflates the body itself and drops Content-Encoding:
    # then the bytes equal the server's body once decoded.
    for path in ENCODED_PATHS:
        page = next(p for p in replayed.pages if p.url == mockserver.url(path))
        got = fetch(replayed.address(page, "id_"), headers={"Accept-Encoding": "identity"})
        assert got.status == 200
        assert got.header("Content-Encoding") is None
        assert got.body == page.record.decoded_payload()
