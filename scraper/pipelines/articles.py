"""Feed the article database during a crawl.

For each captured HTML page the spider yields an item holding the page's
``RecordLocation``. This pipeline reads the record back from the WARC and extracts it
in a process pool (``ARCHIVE_DB_WORKERS``, default one per core), then stores it from a
single writer thread. The reactor never extracts or writes.

The writer stores pages in batches: once ``_BATCH`` pages are waiting, or the oldest has
waited ``_LINGER`` seconds, or the crawl is closing, it takes the oldest page (waiting for
its extraction) and every page after it whose extraction is already done, up to
``_BATCH``, and writes them with ``Ingestor.ingest_many`` in one transaction. One commit
(one fsync) per batch instead of per page: a page costs the writer ~2.7 ms of CPU alone,
~1.1 ms in a batch of 16 or more. Without the linger, extraction that keeps up with the
crawl made batches of two pages.

The crawl does not wait for a page's row: ``process_item`` hands the page over and
returns, so fetching goes on while extraction catches up. Only when
``ARCHIVE_DB_BACKLOG`` pages are queued does it wait for one to finish (bounded memory;
Scrapy's scraper slot then holds back new downloads). ``close_spider`` waits for the
backlog to drain, so ``crawl`` exits with every row stored. A worker process that dies
breaks the pool; the pool is started again and the pages it held are extracted again
(``_ATTEMPTS`` times, then left to the start-up catch-up of ``archive.catchup``).

Settings: ``ARCHIVE_DB_ENABLED`` (default True), ``ARCHIVE_DB_URL`` (default SQLite in
``ARCHIVE_DATA_DIR``), ``ARCHIVE_DB_WORKERS``, ``ARCHIVE_DB_BACKLOG``. Counts go to
``crawler.stats`` under ``newsarchive/db/...`` (``newsarchive/db/backlog`` is the queue
now, shown in the progress line) and to the crawl's row in the ``crawls`` table.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.utils.defer import deferred_from_coro, maybe_deferred_to_future
from twisted.internet import reactor, threads
from twisted.internet.defer import Deferred
from twisted.python.failure import Failure

from archive.contenttype import is_html
from archive.db import searchindex
from archive.db.ingest import CaptureInfo, Ingestor, IngestResult
from archive.db.models import Crawl
from archive.db.session import Database, open_database
from archive.errors import ArchiveError
from archive.ingest.record import Extracted, extract_record, process_pool
from archive.warc.location import RecordLocation
from scraper.durability import DurabilityGate, require_capture

logger = logging.getLogger(__name__)
_ATTEMPTS = 3  # extractions of one page before it is left to the next start-up catch-up
_BATCH = 64  # pages stored in one transaction at most
_LINGER = 0.5  # s the oldest page waits for others to share its transaction (see the module docstring)
DEFAULT_BACKLOG = 128  # pages handed over but not stored yet; at 0.2 s group commit, >= 640 pages/s
_COUNTED = ("new-article", "new-version", "unchanged", "revisit", "not-article", "duplicate", "error")


@dataclass
class _Page:
    """One page between ``process_item`` and its row: its extraction and where to report."""

    capture: CaptureInfo
    future: Future[Extracted] | None  # None: a revisit (nothing to extract) or the pool was broken
    handed_at: float = field(default_factory=time.monotonic)
    done: Deferred[tuple[IngestResult | None, Extracted]] = field(default_factory=Deferred)

    def ready(self) -> bool:
        return self.future is None or self.future.done()


class ArticlePipeline:
    """Extract each captured page in worker processes and store it in the article database."""

    def __init__(self, data_dir: Path, db_url: str | None, workers: int, gate: DurabilityGate,
                 crawler: Crawler | None = None, backlog: int = DEFAULT_BACKLOG, linger: float = _LINGER) -> None:
        self.data_dir = data_dir
        self.gate = gate
        self.db_url = db_url
        self.workers = workers
        self.crawler = crawler
        self.backlog = max(1, backlog)
        self.linger = linger
        self.extract: Callable[[str, int, int, str], Extracted] = extract_record  # picklable, module level
        self.pending = 0  # pages handed over and not stored yet
        self.peak_pending = 0
        self._room: list[Deferred[None]] = []  # process_item calls waiting for the backlog to shrink
        self._drained: list[Deferred[None]] = []
        self._pool_lock = threading.Lock()
        self.restarts = 0  # extraction pools replaced after a worker died
        self.db: Database | None = None
        self.crawl_id: int | None = None
        self.counts = dict.fromkeys(_COUNTED, 0)
        self._extractors: ProcessPoolExecutor | None = None
        self._pages: deque[_Page] = deque()  # handed to the writer, in crawl order
        self._wake = threading.Condition()
        self._closing = False
        self._hurry = False  # the crawl is closing: write what is waiting without lingering
        self._writer: threading.Thread | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArticlePipeline:
        settings = crawler.settings
        if not settings.getbool("ARCHIVE_DB_ENABLED", True):
            raise NotConfigured("ARCHIVE_DB_ENABLED is False: the article database is not fed during the crawl")
        gate = require_capture(crawler, "the article database (ARCHIVE_DB_ENABLED)")
        return cls(
            data_dir=Path(settings.get("ARCHIVE_DATA_DIR") or "newsarchive-data"),
            db_url=settings.get("ARCHIVE_DB_URL") or os.environ.get("NEWSARCHIVE_DB") or None,
            workers=settings.getint("ARCHIVE_DB_WORKERS", 0) or os.cpu_count() or 1,
            gate=gate,
            crawler=crawler,
            backlog=settings.getint("ARCHIVE_DB_BACKLOG", DEFAULT_BACKLOG),
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
        self._writer = threading.Thread(target=self._write_loop, name="newsarchive-db", daemon=True)
        self._writer.start()

    async def process_item(self, item: Any, spider: Any = None) -> Any:
        """Hand the page to extraction and return; wait only while the backlog is full."""
        location = item.get("location") if isinstance(item, dict) else None
        if not isinstance(location, RecordLocation) or not is_html(item.get("mime_type")):
            return item
        url = item.get("url") or item.get("target_uri") or ""
        capture = CaptureInfo(
            url=url, fetched_at=item.get("fetched_at") or _now(), location=location, status=item.get("status"),
            mime_type=(item.get("mime_type") or "").split(";")[0].strip() or None, crawl_id=self.crawl_id,
            revisit_of=item.get("revisit_of"),
        )
        while self.pending >= self.backlog:
            waiter: Deferred[None] = Deferred()
            self._room.append(waiter)
            await maybe_deferred_to_future(waiter)
        self._set_pending(self.pending + 1)
        deferred_from_coro(self._ingest(capture)).addBoth(self._done)
        return item

    async def close_spider(self, spider: Any = None) -> None:
        """Wait for the backlog to drain (the crawl may finish first), then close the crawl row."""
        with self._wake:
            self._hurry = True
            self._wake.notify_all()
        while self.pending:
            waiter: Deferred[None] = Deferred()
            self._drained.append(waiter)
            await maybe_deferred_to_future(waiter)
        with self._wake:
            self._closing = True
            self._wake.notify_all()
        if self._writer is not None:
            self._writer.join()
        if self._extractors is not None:
            self._extractors.shutdown(wait=True, cancel_futures=True)
        if self.db is None:
            return
        # During the crawl the search index is caught up at most every UPDATE_INTERVAL s; the
        # crawl ends with it caught up to every row stored (off the reactor: it may take a second).
        await maybe_deferred_to_future(threads.deferToThread(searchindex.wait_for_updates))
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

    async def _ingest(self, capture: CaptureInfo) -> None:
        """Extract (in a worker) then store (in the writer thread) one page.

        Extraction starts now, in parallel with the others; the writer thread takes pages
        in the order they were handed over, so two captures of one URL are stored in
        crawl order whichever finishes extracting first.
        """
        page = _Page(capture, None if capture.revisit_of else self._submit(capture))
        with self._wake:
            self._pages.append(page)
            self._wake.notify()
        try:
            result, extracted = await maybe_deferred_to_future(page.done)
        except ArchiveError as exc:
            self._count("error")
            if self.crawler and self.crawler.stats:  # rows the WARCs hold: caught up after the crawl
                self.crawler.stats.inc_value("newsarchive/db/unstored")
            logger.error("article database: %s (%s is in the WARC; the database catches up after the crawl)",
                         exc, capture.url)
            return
        if result is None:
            self._count("error")
            logger.error("article database: extraction of %s failed %d times; the next crawl's start-up "
                         "catch-up stores it", capture.url, _ATTEMPTS)
            return
        self._count(result.outcome)
        if extracted.error:
            self._count("error")
            logger.warning("article database: no article from %s", extracted.error)

    def _submit(self, capture: CaptureInfo) -> Future[Extracted] | None:
        """Start the page's extraction; None when the pool is broken (the writer retries)."""
        location = capture.location
        path = str(self.data_dir / "warcs" / location.file)
        with self._pool_lock:
            pool = self._extractors
            assert pool is not None
            try:
                return pool.submit(self.extract, path, location.offset, location.length, capture.url)
            except BrokenProcessPool:
                return None

    # -- the writer thread -------------------------------------------------------------

    def _write_loop(self) -> None:
        """Store batches until ``close_spider`` says the crawl is over and nothing is left."""
        while (batch := self._take()) is not None:
            try:
                outcomes: list[Any] = self._write(batch)
            except Exception as exc:  # noqa: BLE001 - reported per page on the reactor; the loop goes on
                outcomes = [Failure(exc)] * len(batch)
            reactor.callFromThread(self._deliver, batch, outcomes)  # type: ignore[attr-defined]

    def _take(self) -> list[_Page] | None:
        """The oldest page, then each following page whose extraction is done (crawl order kept);
        first lingering until a batch (or the backlog) is full, the oldest page has waited ``linger`` s,
        or the crawl closes."""
        with self._wake:
            self._wake.wait_for(lambda: bool(self._pages) or self._closing)
            if not self._pages:
                return None
            full = min(_BATCH, self.backlog)  # a full backlog holds the crawl back: never linger then
            while len(self._pages) < full and not (self._hurry or self._closing):
                remaining = self._pages[0].handed_at + self.linger - time.monotonic()
                if remaining <= 0:
                    break
                self._wake.wait(remaining)
            batch = [self._pages.popleft()]
            while self._pages and len(batch) < _BATCH and self._pages[0].ready():
                batch.append(self._pages.popleft())
            return batch

    def _write(self, batch: list[_Page]) -> list[Any]:
        """Each page's extraction (a dead worker's pool is replaced and the page tried again),
        then the rows in one transaction, each only once its WARC record is durable."""
        extracted = [self._extracted(page) for page in batch]
        stored = [(page.capture, e) for page, e in zip(batch, extracted, strict=True) if e is not None]
        try:
            results = iter(self._store(stored))
        except ArchiveError:  # one bad page must not cost the batch its rows: store them one by one
            results = iter([self._store_one(capture, e) for capture, e in stored])
        return [(None, Extracted(error="extraction failed")) if e is None else (next(results), e)
                for e in extracted]

    def _extracted(self, page: _Page) -> Extracted | None:
        if page.capture.revisit_of:
            return Extracted()
        future = page.future
        for _ in range(_ATTEMPTS):
            future = future or self._submit(page.capture)
            try:
                extracted = future.result() if future is not None else None
            except BrokenProcessPool:
                extracted = None
            if extracted is not None:
                return extracted
            self._replace_pool()
            future = None
        return None

    def _store_one(self, capture: CaptureInfo, extracted: Extracted) -> IngestResult | ArchiveError:
        try:
            return self._store([(capture, extracted)])[0]
        except ArchiveError as exc:
            return exc

    def _deliver(self, batch: list[_Page], outcomes: list[Any]) -> None:
        """On the reactor: each page's outcome to its ``_ingest``."""
        for page, outcome in zip(batch, outcomes, strict=True):
            if isinstance(outcome, Failure):
                page.done.errback(outcome)
            elif isinstance(outcome[0], ArchiveError):
                page.done.errback(Failure(outcome[0]))
            else:
                page.done.callback(outcome)

    def _replace_pool(self) -> None:
        """Start a new pool when the current one is broken (every page it held comes here)."""
        with self._pool_lock:
            broken = self._extractors
            if broken is None or not getattr(broken, "_broken", False):
                return
            logger.warning("article database: an extraction worker died; starting the workers again")
            self.restarts += 1
            broken.shutdown(wait=False, cancel_futures=True)
            self._extractors = process_pool(self.workers)

    def _done(self, result: Any) -> None:
        """One page left the backlog: let a waiting ``process_item`` (or ``close_spider``) go on."""
        if isinstance(result, Failure):
            logger.error("article database: %s", result.getErrorMessage())
        if self.crawler and self.crawler.stats and self.restarts:
            self.crawler.stats.set_value("newsarchive/db/worker-restart", self.restarts)
        self._set_pending(self.pending - 1)
        if self._room:
            self._room.pop(0).callback(None)
        if not self.pending:
            drained, self._drained = self._drained, []
            for waiter in drained:
                waiter.callback(None)

    def _set_pending(self, value: int) -> None:
        self.pending = value
        self.peak_pending = max(self.peak_pending, value)
        if self.crawler and self.crawler.stats:
            self.crawler.stats.set_value("newsarchive/db/backlog", value)
            self.crawler.stats.max_value("newsarchive/db/backlog_max", value)

    def _store(self, pages: list[tuple[CaptureInfo, Extracted]]) -> list[IngestResult]:
        """Runs in the writer thread: the pages' rows in one transaction.

        The WARC writer fsyncs in batches; a row must never point at a record that is not
        on disk yet, so this waits for each record's batch first (off the reactor).
        """
        assert self.db is not None
        if not pages:
            return []
        for capture, _ in pages:
            self.gate.wait(capture.location)
        with self.db.session() as session:
            return Ingestor(session).ingest_many([(capture, e.article) for capture, e in pages])

    def _count(self, outcome: str) -> None:
        self.counts[outcome] = self.counts.get(outcome, 0) + 1
        if self.crawler and self.crawler.stats:
            self.crawler.stats.inc_value(f"newsarchive/db/{outcome}")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


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
