"""Feed the article database during a crawl.

For each captured HTML page the spider yields an item holding the page's
``RecordLocation``. This pipeline reads the record back from the WARC and extracts it
in a process pool (``ARCHIVE_DB_WORKERS``, default one per core), then stores it from a
single writer thread. The reactor only waits on Deferreds: it never extracts or writes.

Settings: ``ARCHIVE_DB_ENABLED`` (default True), ``ARCHIVE_DB_URL`` (default SQLite in
``ARCHIVE_DATA_DIR``), ``ARCHIVE_DB_WORKERS``. Counts go to ``crawler.stats`` under
``newsarchive/db/...`` and to the crawl's row in the ``crawls`` table.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import reactor
from twisted.internet.defer import Deferred

from archive.db.ingest import CaptureInfo, IngestResult, Ingestor
from archive.db.models import Crawl
from archive.db.session import Database, open_database
from archive.db.source import Extracted, extract_record, is_html, process_pool
from archive.errors import ArchiveError
from archive.warc.location import RecordLocation

T = TypeVar("T")
_COUNTED = ("new-article", "new-version", "unchanged", "revisit", "not-article", "duplicate", "error")


class ArticlePipeline:
    """Extract each captured page in worker processes and store it in the article database."""

    def __init__(self, data_dir: Path, db_url: str | None, workers: int, crawler: Crawler | None = None) -> None:
        self.data_dir = data_dir
        self.db_url = db_url
        self.workers = workers
        self.crawler = crawler
        self.db: Database | None = None
        self.crawl_id: int | None = None
        self.counts = dict.fromkeys(_COUNTED, 0)
        self._extractors: ProcessPoolExecutor | None = None
        self._writer: ThreadPoolExecutor | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArticlePipeline:
        settings = crawler.settings
        if not settings.getbool("ARCHIVE_DB_ENABLED", True):
            raise NotConfigured("ARCHIVE_DB_ENABLED is False: the article database is not fed during the crawl")
        return cls(
            data_dir=Path(settings.get("ARCHIVE_DATA_DIR") or "newsarchive-data"),
            db_url=settings.get("ARCHIVE_DB_URL") or os.environ.get("NEWSARCHIVE_DB") or None,
            workers=settings.getint("ARCHIVE_DB_WORKERS", 0) or os.cpu_count() or 1,
            crawler=crawler,
        )

    def open_spider(self, spider: Any = None) -> None:
        self.db = open_database(self.data_dir, self.db_url)
        spider = spider or (self.crawler.spider if self.crawler else None)
        settings = self.crawler.settings if self.crawler else None
        with self.db.session() as session:
            crawl = Crawl(
                spider=getattr(spider, "name", None), started_at=_now(), status="running",
                seeds=[str(u) for u in getattr(spider, "start_urls", []) or []],
                settings=_archive_settings(settings) if settings else {},
            )
            session.add(crawl)
            session.flush()
            self.crawl_id = crawl.id
        if self.crawler and self.crawler.stats:  # the crawl summary judges this crawl's extraction
            self.crawler.stats.set_value("newsarchive/db/crawl_id", self.crawl_id)
        self._extractors = process_pool(self.workers)
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="newsarchive-db")

    async def process_item(self, item: Any, spider: Any = None) -> Any:
        location = item.get("location") if isinstance(item, dict) else None
        if not isinstance(location, RecordLocation) or not is_html(item.get("mime_type")):
            return item
        assert self._extractors is not None and self._writer is not None
        path = self.data_dir / "warcs" / location.file
        url = item.get("url") or item.get("target_uri") or ""
        capture = CaptureInfo(
            url=url, fetched_at=item.get("fetched_at") or _now(), location=location, status=item.get("status"),
            mime_type=(item.get("mime_type") or "").split(";")[0].strip() or None, crawl_id=self.crawl_id,
            revisit_of=item.get("revisit_of"),
        )
        if capture.revisit_of:  # same payload as an earlier capture: nothing new to extract
            extracted = Extracted()
        else:
            extracted = await self._wait(self._extractors.submit(extract_record, str(path), location.offset,
                                                                  location.length, url))
        try:
            result = await self._wait(self._writer.submit(self._store, capture, extracted))
        except ArchiveError as exc:
            self._count("error")
            if self.crawler and self.crawler.spider:
                self.crawler.spider.logger.error("article database: %s", exc)
            return item
        self._count(result.outcome)
        if extracted.error:
            self._count("error")
            if self.crawler and self.crawler.spider:
                self.crawler.spider.logger.warning("article database: no article from %s", extracted.error)
        return item

    def close_spider(self, spider: Any = None) -> None:
        if self._extractors is not None:
            self._extractors.shutdown(wait=True, cancel_futures=True)
        if self._writer is not None:
            self._writer.shutdown(wait=True)
        if self.db is None:
            return
        reason = "finished"
        if self.crawler and self.crawler.stats:
            reason = str(self.crawler.stats.get_value("finish_reason") or "finished")
        with self.db.session() as session:
            crawl = session.get(Crawl, self.crawl_id)
            if crawl is not None:
                crawl.finished_at, crawl.status = _now(), reason
                crawl.pages = sum(self.counts[k] for k in _COUNTED if k != "error")
                crawl.articles_new = self.counts["new-article"]
                crawl.versions_new = self.counts["new-article"] + self.counts["new-version"]
                crawl.unchanged = self.counts["unchanged"] + self.counts["revisit"]
                crawl.errors = self.counts["error"]
        self.db.dispose()

    def _store(self, capture: CaptureInfo, extracted: Extracted) -> IngestResult:
        """Runs in the writer thread: one short transaction per page.

        The WARC writer fsyncs in batches; a row must never point at a record that is not
        on disk yet, so this waits for the record's batch first (off the reactor).
        """
        assert self.db is not None
        wait_durable = getattr(self.crawler, "newsarchive_wait_durable", None)
        if wait_durable is not None:
            wait_durable(capture.location)
        with self.db.session() as session:
            return Ingestor(session).ingest(capture, extracted.article)

    def _count(self, outcome: str) -> None:
        self.counts[outcome] = self.counts.get(outcome, 0) + 1
        if self.crawler and self.crawler.stats:
            self.crawler.stats.inc_value(f"newsarchive/db/{outcome}")

    @staticmethod
    async def _wait(future: Future[T]) -> T:
        """Await a concurrent future from the reactor without blocking it."""
        deferred: Deferred[T] = Deferred()

        def done(f: Future[T]) -> None:
            exc = f.exception()
            fire: Callable[[Any], Any] = deferred.errback if exc is not None else deferred.callback
            reactor.callFromThread(fire, exc if exc is not None else f.result())  # type: ignore[attr-defined]

        future.add_done_callback(done)
        return await maybe_deferred_to_future(deferred)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _archive_settings(settings: Any) -> dict[str, Any]:
    """The crawl's ``ARCHIVE_*`` settings, minus anything that may hold a credential."""
    secret = ("URL", "PASSWORD", "SECRET", "TOKEN", "KEY")
    return {
        k: _plain(settings.get(k)) for k in sorted(settings.attributes)
        if k.startswith("ARCHIVE_") and not any(word in k for word in secret)
    }


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return str(value)
