"""Shared fixtures for the web interface tests: a small archive with real WARC records.

It holds no tests. ``archive_dir`` builds, on SQLite and on PostgreSQL, an archive of
four articles (an English one with two versions and an image, a second site's article,
a Dari one with U+200C, one whose title is hostile markup), each capture a real gzip
WARC record in DATA_DIR/warcs so that record downloads can be checked byte for byte.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from archive.db.ingest import CaptureInfo, Ingestor
from archive.db.models import Schedule, ScheduleRun, WatchedSite
from archive.db.session import open_database
from archive.extract.article import Article, Image
from archive.warc.location import RecordLocation

NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)
DARI_TITLE = "بازگشایی مکتب\u200cها"
DARI_BODY = ("وزارت معارف اعلام کرد که مکتب\u200cها از هفته آینده باز می\u200cشوند.\n\n"
             "شاگردان می\u200cتوانند به صنف\u200cهای خود برگردند.")
HOSTILE_TITLE = '<script>alert("pwned")</script><img src=x onerror=alert(2)>'
BORDER_URL = "https://example.com/politics/border-talks"


@dataclass(frozen=True)
class Page:
    url: str
    title: str
    body: str
    days_ago: float
    meta: dict


PAGES = [
    Page(BORDER_URL, "Border talks resume", "Peace talks at the border resumed on Monday.\n\n"
         "Officials do not expect a deal.", 3,
         {"site_name": "Example News", "authors": ["Jane Doe"], "section": "Politics", "language": "en",
          "published": "2025-01-10T08:00:00+00:00",
          "images": [Image("https://example.com/img/border.jpg", "Delegates at the border", "Photo: Jane Doe")]}),
    Page("https://news.example.org/sport/cricket", "Cricket final in Kabul", "Kabul won the cricket final; "
         "the crowd at the border celebrated.", 2.5,
         {"site_name": "Example Sport", "authors": ["Ali Rahimi"], "section": "Sport", "language": "en",
          "published": "2025-03-10T09:30:00+00:00"}),
    Page("https://example.af/society/schools", DARI_TITLE, DARI_BODY, 2,
         {"site_name": "Kabul Daily", "authors": ["احمد"], "section": "جامعه", "language": "fa-AF",
          "direction": "rtl", "published": "2025-03-12T06:00:00+00:00"}),
    Page("https://example.com/x/hostile", HOSTILE_TITLE, 'Talks about <b>markup</b></p><script>alert(3)</script>',
         1.5, {"site_name": "Example News", "authors": ["Mallory"], "section": "Politics", "language": "en",
               "published": "2024-11-05T10:00:00+00:00"}),
    Page(BORDER_URL, "Border talks resume after a pause", "Peace talks at the border resumed on Tuesday.\n\n"
         "Officials do not expect a deal soon.\n\nA third paragraph was added.", 1,
         {"site_name": "Example News", "authors": ["Jane Doe"], "section": "Politics", "language": "en",
          "published": "2025-01-10T08:00:00+00:00",
          "images": [Image("https://example.com/img/border.jpg", "Delegates at the border", "Photo: Jane Doe")]}),
]


@dataclass(frozen=True)
class ArchiveDir:
    data_dir: Path
    db_url: str | None
    records: dict[tuple[str, dt.datetime], bytes]  # (url, fetched_at) -> the record's bytes


def _write_warc(path: Path) -> tuple[list[RecordLocation], dict[int, bytes]]:
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = io.BytesIO()
    writer = WARCWriter(raw, gzip=True)
    locations, blobs = [], {}
    for n, page in enumerate(PAGES):
        html = f"<html><head><title>{page.title}</title></head><body><p>{page.body}</p></body></html>".encode()
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        fetched = NOW - dt.timedelta(days=page.days_ago)  # the capture time the database gets, so replay finds it
        record = writer.create_warc_record(page.url, "response", payload=io.BytesIO(html), http_headers=headers,
                                           warc_headers_dict={"WARC-Date": fetched.strftime("%Y-%m-%dT%H:%M:%SZ")})
        start = raw.tell()
        writer.write_record(record)
        end = raw.tell()
        blobs[n] = raw.getvalue()[start:end]
        locations.append(RecordLocation(path.name, start, end - start, record.rec_headers.get_header("WARC-Record-ID"),
                                        None))
    path.write_bytes(raw.getvalue())
    return locations, blobs


def build_archive(data_dir: Path, url: str | None) -> ArchiveDir:
    """Write the WARC and ingest every page through the crawl's own ``Ingestor``."""
    locations, blobs = _write_warc(data_dir / "warcs" / "web-test.warc.gz")
    db = open_database(data_dir, url)
    records = {}
    try:
        with db.session() as session:
            ingestor = Ingestor(session)
            for n, (page, loc) in enumerate(zip(PAGES, locations, strict=False)):
                fetched = NOW - dt.timedelta(days=page.days_ago)
                records[(page.url, fetched)] = blobs[n]
                info = CaptureInfo(url=page.url, fetched_at=fetched, location=loc, status=200, mime_type="text/html")
                article = Article(url=page.url, canonical_url=page.url, title=page.title, body=page.body,
                                  page_type="article", extractor="test-1", **page.meta)
                assert ingestor.ingest(info, article).outcome in ("new-article", "new-version")
            _watch(session)
    finally:
        db.dispose()
    return ArchiveDir(data_dir, url, records)


def _watch(session) -> None:  # noqa: ANN001
    site = WatchedSite(name="example", url="https://www.example.com/", feeds=[], sitemaps=[], sections=[],
                       allow=[], deny=[], adhoc=False, created_at=NOW - dt.timedelta(days=10))
    session.add(site)
    session.flush()
    session.add(Schedule(watched_site_id=site.id, every_seconds=6 * 3600, next_run=NOW + dt.timedelta(hours=5),
                         created_at=NOW - dt.timedelta(days=10)))
    session.add(ScheduleRun(watched_site_id=site.id, started_at=NOW - dt.timedelta(hours=1),
                            finished_at=NOW - dt.timedelta(minutes=50), status="finished", pages=12, errors=1))


@pytest.fixture
def archive_dir(db_url: str | None, tmp_path: Path) -> Iterator[ArchiveDir]:  # noqa: F811
    yield build_archive(tmp_path / "data", db_url)


class LiveServer:
    """The app under uvicorn in a thread, on 127.0.0.1 and a free port (for HTTP and browser tests)."""

    def __init__(self, app: object) -> None:
        import socket

        import uvicorn

        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.base_url = f"http://127.0.0.1:{self.socket.getsockname()[1]}"
        self.server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))

    def __enter__(self) -> LiveServer:
        import threading
        import time

        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.socket]}, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started and time.monotonic() < deadline:
            time.sleep(0.02)
        assert self.server.started, "uvicorn did not start"
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)
        self.socket.close()

    def get(self, path: str) -> tuple[int, dict[str, str], bytes]:
        """(status, headers with lower-case names, body); errors are answers, not exceptions."""
        import urllib.error
        import urllib.request

        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        try:
            with opener.open(self.base_url + path, timeout=30) as response:
                return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, {k.lower(): v for k, v in exc.headers.items()}, exc.read()
