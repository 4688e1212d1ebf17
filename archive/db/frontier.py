"""The crawl frontier of a watched site, kept in the article database.

Why the database and not Scrapy's JOBDIR: JOBDIR's disk queues record their head and
tail only on a clean close, so after ``kill -9`` the pending requests are lost. Here
every discovered URL is a ``queued`` row until the page that listed it *and* the fetch
results are committed together (``flush``), so a killed crawl's in-flight URLs are still
``queued`` and the next run fetches them again, while what was archived stays archived.

The frontier also decides what is due in a recurring crawl: feeds, sitemaps, sections
and seeds are polled every run; an article is re-fetched on a decaying schedule after
publication (``archive.discovery.recrawl``) or as soon as a feed or sitemap announces a
change newer than our last fetch.

The frontier is state, rebuilt from the WARCs when lost: ``rebuild_frontier_from_warcs``
in ``archive.ingest.frontier_rebuild`` (run by ``reindex``) refills it from the records' headers.

Memory: the frontier is never held whole. Rows changed since the last flush stay in memory
until they are written; other rows are read from the database when asked for and kept in
a bounded cache (``CACHE_ROWS``), so a 100,000-page crawl does not grow with its URLs.
Writes: ``flush_in_background`` takes the changes as plain values on the caller's thread
(the reactor: cheap) and writes them in one transaction on a writer thread, in order, so
the crawl never waits for the database; ``flush`` writes and waits (close, rebuild).

A database outage (PostgreSQL restarting) stops nothing: a failed write keeps its rows
for the next flush (one write in flight, so newer values win), and a lookup that cannot
be answered takes the link as new, so its page is still fetched and archived.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections import OrderedDict
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, fields
from typing import Any

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.exc import SQLAlchemyError

from archive.db.models import UrlState, WatchedSite
from archive.db.session import Database
from archive.db.text import url_key
from archive.discovery.recrawl import next_due
from archive.errors import DatabaseError

POLLED_KINDS = frozenset({"seed", "feed", "sitemap", "section"})
FETCHED, QUEUED, FAILED, GONE = "fetched", "queued", "failed", "gone"
RETRY_FAILED_AFTER = dt.timedelta(hours=1)
logger = logging.getLogger(__name__)
CACHE_ROWS = 20_000  # unchanged rows kept in memory (about 1 KB each)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=dt.UTC)


@dataclass
class UrlInfo:
    """One frontier row, as the crawl reads and changes it."""

    url: str
    kind: str = "page"
    depth: int = 0
    status: str = QUEUED
    discovered_at: dt.datetime = field(default_factory=utcnow)
    last_fetched: dt.datetime | None = None
    fetch_count: int = 0
    last_status: int | None = None
    etag: str | None = None
    last_modified: str | None = None
    payload_digest: str | None = None
    record_id: str | None = None
    warc_date: str | None = None
    target_uri: str | None = None
    published_at: dt.datetime | None = None
    announced_at: dt.datetime | None = None
    next_due: dt.datetime | None = None
    title: str | None = None
    language: str | None = None
    id: int | None = None

    def is_due(self, now: dt.datetime) -> bool:
        """Should a recurring crawl fetch this URL now?"""
        if self.status == QUEUED:
            return True
        if self.status == GONE:
            return False
        if self.kind in POLLED_KINDS:
            return True
        last = _aware(self.last_fetched)
        announced = _aware(self.announced_at)
        if announced is not None and (last is None or announced > last):
            return True
        due = _aware(self.next_due)
        return due is not None and due <= now


@dataclass(frozen=True)
class FetchResult:
    """What one response told us about a URL."""

    status: int
    etag: str | None = None
    last_modified: str | None = None
    payload_digest: str | None = None
    record_id: str | None = None
    warc_date: str | None = None
    target_uri: str | None = None
    unchanged: bool = False  # a 304 or an identical payload: keep the stored pointers


_COLUMNS = [f.name for f in fields(UrlInfo) if f.name != "id"]
_Values = dict[str, Any]


class Frontier:
    """One site's ``url_states``: changed rows and a bounded cache in memory, ordered writes."""

    def __init__(self, db: Database, site_id: int, cache_rows: int = CACHE_ROWS) -> None:
        self.db = db
        self.site_id = site_id
        self.cache_rows = cache_rows
        self._cache: OrderedDict[str, UrlInfo] = OrderedDict()  # unchanged rows, least recently used first
        self._absent: OrderedDict[str, None] = OrderedDict()  # keys just looked up and not found
        self._dirty: dict[str, UrlInfo] = {}  # changed since the last flush
        self._writing: dict[str, UrlInfo] = {}  # handed to the writer thread, maybe not committed yet
        self._lock = threading.Lock()  # guards _writing against the writer thread
        self._retry: dict[str, UrlInfo] = {}  # a failed write's rows, written again by the next flush
        self._read_failing = False  # the database did not answer the last lookup
        self._writer: ThreadPoolExecutor | None = None
        self._last_write: Future[int] | None = None

    def count(self) -> int:
        """Rows in the database (changes flushed first). Not ``__len__``: ``if frontier:``
        would then cost a flush and a query on the reactor."""
        self.flush()
        with self.db.session() as session:
            return int(session.scalar(select(func.count()).select_from(UrlState)
                                      .where(UrlState.watched_site_id == self.site_id)) or 0)

    def get(self, url: str) -> UrlInfo | None:
        return self._get(url_key(url))

    def _get(self, key: str) -> UrlInfo | None:
        info = self._dirty.get(key) or self._cache.get(key)
        if info is not None:
            if key in self._cache:
                self._cache.move_to_end(key)
            return info
        if key in self._absent:  # a link is looked up, then discovered: one query, not two
            return None
        with self._lock:
            info = self._writing.get(key) or self._retry.get(key)
        if info is None:
            try:
                info = self._read(key)
            except (DatabaseError, SQLAlchemyError) as exc:  # Database.session wraps the latter
                # PostgreSQL away mid-crawl: the link is taken as new, so the crawl goes on
                # and nothing is lost; its row's earlier state (ETag, fetch count) may be
                # overwritten by the fresh one, and ``reindex`` rebuilds it from the WARCs.
                if not self._read_failing:
                    logger.warning("Frontier row not readable (%s): links taken as new until the database is back",
                                   " ".join(str(exc).split())[:200])
                self._read_failing = True
                return None
            self._read_failing = False
        if info is None:
            self._absent[key] = None
            if len(self._absent) > 1024:
                self._absent.popitem(last=False)
            return None
        self._remember(key, info)
        return info

    def _read(self, key: str) -> UrlInfo | None:
        """One row by key, on the reactor for each new link: a Core query on a pooled
        connection (~45 us), not an ORM session (~250 us, mostly session and object set-up)."""
        with self.db.engine.connect() as conn:
            row = conn.execute(_READ_ROW, {"site": self.site_id, "key": key}).first()
        return None if row is None else _info(row)

    def _remember(self, key: str, info: UrlInfo) -> None:
        self._cache[key] = info
        self._cache.move_to_end(key)
        while len(self._cache) > self.cache_rows:
            self._cache.popitem(last=False)

    def _changed(self, key: str, info: UrlInfo) -> None:
        self._dirty[key] = info
        self._cache.pop(key, None)
        self._absent.pop(key, None)

    def all(self) -> Iterator[UrlInfo]:
        """Every row, streamed from the database (changes are flushed first)."""
        self.flush()
        with self.db.session() as session:
            rows = session.execute(select(UrlState).where(UrlState.watched_site_id == self.site_id)
                                   .order_by(UrlState.id).execution_options(yield_per=1000)).scalars()
            for row in rows:
                yield _info(row)

    def due(self, now: dt.datetime | None = None) -> list[UrlInfo]:
        now = now or utcnow()
        return [info for info in self.all() if info.is_due(now)]

    def queued(self) -> list[UrlInfo]:
        return [info for info in self.all() if info.status == QUEUED]

    def discover(
        self,
        url: str,
        kind: str = "page",
        depth: int = 0,
        *,
        published: dt.datetime | None = None,
        announced: dt.datetime | None = None,
        title: str | None = None,
        language: str | None = None,
    ) -> tuple[UrlInfo, bool]:
        """Record a URL seen in a page, feed or sitemap; (info, True) when it is new."""
        key = url_key(url)
        info = self._get(key)
        if info is None:
            info = UrlInfo(url=url, kind=kind, depth=depth, published_at=published,
                           announced_at=announced, title=title, language=language)
            self._changed(key, info)
            return info, True
        changed = False
        if kind in POLLED_KINDS and info.kind not in POLLED_KINDS or (kind == "article" and info.kind == "page"):
            info.kind, changed = kind, True
        if published and not info.published_at:
            info.published_at, changed = published, True
        announced_before = _aware(info.announced_at)
        if announced and (announced_before is None or announced > announced_before):
            info.announced_at, changed = announced, True
        for name, value in (("title", title), ("language", language)):
            if value and not getattr(info, name):
                setattr(info, name, value)
                changed = True
        if changed:
            self._changed(key, info)
        return info, False

    def record_fetch(self, url: str, result: FetchResult, now: dt.datetime | None = None) -> UrlInfo:
        """A response arrived: mark fetched and compute when it is due again."""
        now = now or utcnow()
        info, _ = self.discover(url)
        info.status = FETCHED
        info.last_fetched = now
        info.fetch_count += 1
        info.last_status = result.status
        if result.etag or not result.unchanged:
            info.etag = result.etag
        if result.last_modified or not result.unchanged:
            info.last_modified = result.last_modified
        if not result.unchanged or info.record_id is None:
            info.payload_digest = result.payload_digest
            info.record_id = result.record_id
            info.warc_date = result.warc_date
            info.target_uri = result.target_uri
        if result.status in (404, 410):
            info.status = GONE
        info.next_due = None if info.kind in POLLED_KINDS else next_due(
            _aware(info.published_at), now, info.fetch_count, now
        )
        self._changed(url_key(url), info)
        return info

    def record_failure(self, url: str, now: dt.datetime | None = None) -> None:
        """No response (DNS, refused, timeout): try again in an hour."""
        now = now or utcnow()
        info, _ = self.discover(url)
        info.status = FAILED
        info.next_due = now + RETRY_FAILED_AFTER
        self._changed(url_key(url), info)

    def flush_in_background(self) -> bool:
        """Hand every change since the last flush to the writer thread and return at once.

        Returns whether the previous write is known to have succeeded (False while it is
        still running); a failed one is raised here, its rows kept for the next flush."""
        last = self._last_write
        if last is not None:
            if not last.done():
                return False  # one write at a time, so a failed write's rows never overwrite newer ones
            self._last_write = None
            last.result()
        if self._dirty or self._retry:
            pending, values = self._take()
            if self._writer is None:
                self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="newsarchive-frontier")
            self._last_write = self._writer.submit(self._write, pending, values)
        return True

    def flush(self) -> int:
        """Write every change since the last flush in one transaction, after any background
        write; returns rows written by this call.

        If the database fails (e.g. PostgreSQL restarting), the changes are kept for the
        next flush and the error is raised."""
        last, self._last_write = self._last_write, None
        if last is not None:
            last.result()  # re-raises a failed background write (its rows wait in _retry)
        if not self._dirty and not self._retry:
            return 0
        return self._write(*self._take())

    def close(self) -> None:
        """Write what is left and stop the writer thread."""
        try:
            self.flush()
        finally:
            if self._writer is not None:
                self._writer.shutdown(wait=True)
                self._writer = None

    def _take(self) -> tuple[dict[str, UrlInfo], list[_Values]]:
        """The changes as plain values, taken now: the rows may change again meanwhile."""
        with self._lock:
            retry, self._retry = self._retry, {}
        pending = {**retry, **self._dirty}  # a newer change of a row wins over a failed write of it
        self._dirty = {}
        values = [{**{name: _utc(getattr(info, name)) for name in _COLUMNS},
                   "watched_site_id": self.site_id, "url_key": key} for key, info in pending.items()]
        with self._lock:
            self._writing.update(pending)
        for key, info in pending.items():  # likely asked for again soon (fetched, recorded)
            self._remember(key, info)
        return pending, values

    def _write(self, pending: dict[str, UrlInfo], values: list[_Values]) -> int:
        """One transaction of upserts (two ad-hoc crawls of one host may discover the same URL)."""
        try:
            with self.db.session() as session:
                connection = session.connection()
                statement = _upsert_for(connection.dialect.name)(UrlState)
                statement = statement.on_conflict_do_update(
                    index_elements=[UrlState.watched_site_id, UrlState.url_key],
                    set_={name: getattr(statement.excluded, name) for name in _COLUMNS},
                )
                connection.execute(statement, values)
        except (DatabaseError, SQLAlchemyError):
            with self._lock:
                self._retry = {**pending, **self._retry}
            raise
        finally:
            with self._lock:
                for key, info in pending.items():
                    if self._writing.get(key) is info:
                        del self._writing[key]
        return len(values)


_URL_STATES = UrlState.__table__
_READ_ROW = select(_URL_STATES).where(_URL_STATES.c.watched_site_id == bindparam("site"),
                                      _URL_STATES.c.url_key == bindparam("key"))


def _info(row: Any) -> UrlInfo:
    """A ``UrlInfo`` from a ``UrlState`` object or a Core row of ``url_states`` (same names)."""
    return UrlInfo(**{name: getattr(row, name) for name in _COLUMNS}, id=row.id)


def _utc(value: object) -> object:
    """Aware times in UTC: SQLite stores a datetime's wall time and drops its offset, so
    a feed's ``09:15+04:30`` would otherwise come back as 09:15 UTC, 4.5 hours late."""
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.UTC)
    return value


def _upsert_for(dialect: str):  # type: ignore[no-untyped-def]
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert


def mark_crawl(db: Database, site_id: int, *, started: dt.datetime | None = None,
               finished: dt.datetime | None = None) -> None:
    values = {}
    if started is not None:
        values["last_crawl_started"] = started
    if finished is not None:
        values["last_crawl_finished"] = finished
    with db.session() as session:
        session.execute(update(WatchedSite).where(WatchedSite.id == site_id).values(**values))

