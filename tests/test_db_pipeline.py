"""scraper/pipelines/articles.py: settings, crawl row, extraction off the reactor, storage."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from scrapy import Spider
from scrapy.exceptions import NotConfigured
from scrapy.utils.test import get_crawler
from sqlalchemy import select

from archive.db.ingest import CaptureInfo
from archive.db.models import ArticleVersion, Capture, Crawl
from archive.db.session import open_database
from archive.errors import ConfigError
from archive.ingest.record import Extracted
from scraper import settings as project_settings
from scraper.downloadermiddlewares.warc_capture import WarcCaptureMiddleware
from scraper.durability import CAPTURE_MIDDLEWARE, DurabilityGate
from scraper.pipelines.articles import ArticlePipeline
from tests.test_db_reindex import CAPTURES, T0, URL, _write

ROOT = Path(__file__).resolve().parent.parent


def _items(data_dir: Path) -> list[dict]:
    locations = _write(data_dir / "warcs" / "crawl.warc.gz", CAPTURES)
    return [
        {"url": URL, "status": 200, "mime_type": "text/html", "fetched_at": T0 + dt.timedelta(hours=h),
         "location": loc, "warc_date": "", "target_uri": URL}
        for loc, (h, _) in zip(locations, CAPTURES, strict=False)
    ]


def test_disabled_raises_not_configured() -> None:
    crawler = get_crawler(settings_dict={"ARCHIVE_DB_ENABLED": False})
    with pytest.raises(NotConfigured, match="ARCHIVE_DB_ENABLED"):
        ArticlePipeline.from_crawler(crawler)


CAPTURE_ON = {"ARCHIVE_WARC_ENABLED": True, "DOWNLOADER_MIDDLEWARES": {CAPTURE_MIDDLEWARE: 950}}


@pytest.mark.parametrize(("settings", "message"), [
    ({"ARCHIVE_WARC_ENABLED": False}, "needs WARC capture, but ARCHIVE_WARC_ENABLED is False"),
    ({"ARCHIVE_WARC_ENABLED": True, "DOWNLOADER_MIDDLEWARES": {CAPTURE_MIDDLEWARE: None}},
     f"needs WARC capture, but {CAPTURE_MIDDLEWARE} is not in DOWNLOADER_MIDDLEWARES"),
])
def test_refuses_to_run_without_capture(settings: dict, message: str) -> None:
    """Rows must never point at WARC records nobody made durable: no capture, no pipeline."""
    with pytest.raises(NotConfigured, match=re.escape(message)):
        ArticlePipeline.from_crawler(get_crawler(settings_dict=settings))


def test_storing_without_a_registered_writer_fails_loudly(tmp_path: Path) -> None:
    """Capture configured but its writer never registered (e.g. the middleware renamed): no row."""
    [item, *_] = _items(tmp_path)
    crawler = get_crawler(settings_dict={"ARCHIVE_DATA_DIR": str(tmp_path), **CAPTURE_ON})
    pipeline = ArticlePipeline.from_crawler(crawler)
    pipeline.db = open_database(tmp_path)
    capture = CaptureInfo(url=URL, fetched_at=item["fetched_at"], location=item["location"], status=200)
    with pytest.raises(ConfigError, match="no WARC writer is registered for this crawl"):
        pipeline._store([(capture, Extracted())])
    with pipeline.db.session() as s:
        assert s.scalars(select(Capture)).all() == []
    pipeline.db.dispose()


def test_the_capture_middleware_provides_the_gate(tmp_path: Path) -> None:
    """The gate waits on the middleware's own writer: a record it wrote is on disk when ``wait`` returns."""
    from archive.warc.reader import read_record

    project = {name: getattr(project_settings, name) for name in dir(project_settings) if name.startswith("ARCHIVE_")}
    crawler = get_crawler(settings_dict={**project, "ARCHIVE_DATA_DIR": str(tmp_path)})
    middleware = WarcCaptureMiddleware.from_crawler(crawler)
    middleware.spider_opened(Spider(name="news"))
    try:
        location = middleware.writer.write_metadata("https://news.example/", "<urn:uuid:x>", [("note", "gate")])
        DurabilityGate.of(crawler).wait(location)
        path = middleware.writer.current_path
        assert path is not None and path.name.startswith(location.file)
        record = read_record(path, location.offset, location.length)
        assert record.target_uri == "https://news.example/"
    finally:
        middleware.spider_closed(Spider(name="news"))


def test_settings_are_read(tmp_path: Path) -> None:
    crawler = get_crawler(settings_dict={"ARCHIVE_DATA_DIR": str(tmp_path), "ARCHIVE_DB_URL": "sqlite:///x.db",
                                         "ARCHIVE_DB_WORKERS": 3, **CAPTURE_ON})
    pipeline = ArticlePipeline.from_crawler(crawler)
    assert (pipeline.data_dir, pipeline.db_url, pipeline.workers) == (tmp_path, "sqlite:///x.db", 3)


def test_crawl_through_the_reactor(tmp_path: Path) -> None:
    """A real Twisted reactor (in a subprocess): items in, crawl row and versions out."""
    items = _items(tmp_path)
    script = textwrap.dedent(f"""
        import datetime as dt, sys
        sys.path.insert(0, {str(ROOT)!r})
        from twisted.internet import reactor
        from twisted.internet.defer import ensureDeferred, inlineCallbacks
        from scrapy.utils.test import get_crawler
        from scrapy import Spider
        from scraper.pipelines.articles import ArticlePipeline
        from scraper.durability import DurabilityGate
        from archive.warc.location import RecordLocation
        items = {[{**i, "location": i["location"].__dict__, "fetched_at": i["fetched_at"].isoformat()}
                  for i in items]!r}
        crawler = get_crawler(Spider, settings_dict={{"ARCHIVE_DATA_DIR": {str(tmp_path)!r}, "ARCHIVE_DB_WORKERS": 2,
                                                     **{CAPTURE_ON!r}}})
        crawler.spider = Spider(name="news", start_urls=["https://news.example.com/"])
        pipeline = ArticlePipeline.from_crawler(crawler)
        DurabilityGate.of(crawler).provide(lambda location: None)  # the WARCs were written (and closed) above

        @inlineCallbacks
        def run():
            pipeline.open_spider()
            for item in items:
                item["location"] = RecordLocation(**item["location"])
                item["fetched_at"] = dt.datetime.fromisoformat(item["fetched_at"])
                out = yield ensureDeferred(pipeline.process_item(item))
                assert out is item
            yield ensureDeferred(pipeline.close_spider())
            print("stats", sorted((k, v) for k, v in crawler.stats.get_stats().items() if "newsarchive" in k))

        def stop(result):
            reactor.stop()
            return result
        run().addBoth(stop).addErrback(lambda f: (f.printTraceback(), sys.exit(1)))
        reactor.run()
    """)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert "('newsarchive/db/new-article', 1)" in proc.stdout and "('newsarchive/db/new-version', 1)" in proc.stdout
    db = open_database(tmp_path)
    with db.session() as s:
        crawl = s.scalars(select(Crawl)).one()
        assert (crawl.spider, crawl.pages, crawl.articles_new, crawl.versions_new, crawl.unchanged) == ("news", 3, 1, 2, 1)
        assert crawl.seeds == ["https://news.example.com/"] and crawl.finished_at is not None
        assert crawl.settings["ARCHIVE_DB_WORKERS"] == 2
        assert {c.crawl_id for c in s.scalars(select(Capture))} == {crawl.id}
        assert len(s.scalars(select(ArticleVersion)).all()) == 2
    db.dispose()


def test_a_batch_is_stored_in_crawl_order_and_one_bad_page_costs_only_its_row(tmp_path: Path) -> None:
    """The writer stores ready pages in one transaction; when that fails, page by page, so
    the good pages still get their rows and only the bad one reports an error."""
    from concurrent.futures import Future

    from archive.errors import DatabaseError
    from archive.ingest.record import extract_record
    from scraper.pipelines.articles import _Page

    items = _items(tmp_path)
    crawler = get_crawler(settings_dict={"ARCHIVE_DATA_DIR": str(tmp_path), **CAPTURE_ON})
    pipeline = ArticlePipeline.from_crawler(crawler)
    pipeline.db = open_database(tmp_path)
    DurabilityGate.of(crawler).provide(lambda location: None)
    pages = []
    for n, item in enumerate(items):
        capture = CaptureInfo(url=URL, fetched_at=item["fetched_at"], location=item["location"], status=200,
                              mime_type="text/html")
        future: Future[Extracted] = Future()
        loc = item["location"]
        future.set_result(extract_record(str(tmp_path / "warcs" / loc.file), loc.offset, loc.length, URL)
                          if n != 1 else Extracted(error="poisoned"))
        pages.append(_Page(capture, future))
    store = pipeline._store

    def failing_store(batch):  # type: ignore[no-untyped-def]
        if any(e.error == "poisoned" for _, e in batch):
            raise DatabaseError("database error: the poisoned page")
        return store(batch)

    pipeline._store = failing_store  # type: ignore[method-assign]
    try:
        outcomes = pipeline._write(pages)
        with pipeline.db.session() as s:
            stored = [c.warc_offset for c in s.scalars(select(Capture).order_by(Capture.id))]
    finally:
        pipeline.db.dispose()
    assert [o[0].outcome for o in (outcomes[0], outcomes[2])] == ["new-article", "new-version"]
    assert isinstance(outcomes[1][0], DatabaseError)
    assert stored == [items[0]["location"].offset, items[2]["location"].offset]  # crawl order, no bad row
