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
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field, fields

from sqlalchemy import select, update

from archive.db.models import UrlState, WatchedSite
from archive.db.session import Database
from archive.db.text import url_key
from archive.discovery.recrawl import next_due
from archive.errors import DatabaseError

POLLED_KINDS = frozenset({"seed", "feed", "sitemap", "section"})
FETCHED, QUEUED, FAILED, GONE = "fetched", "queued", "failed", "gone"
RETRY_FAILED_AFTER = dt.timedelta(hours=1)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=dt.UTC)


@dataclass
class UrlInfo:
    """One frontier row held in memory while a crawl runs."""

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


class Frontier:
    """In-memory view of one site's ``url_states`` with batched, ordered writes."""

    def __init__(self, db: Database, site_id: int) -> None:
        self.db = db
        self.site_id = site_id
        self._rows: dict[str, UrlInfo] = {}
        self._dirty: dict[str, UrlInfo] = {}
        self._load()

    def _load(self) -> None:
        with self.db.session() as session:
            rows = session.execute(select(UrlState).where(UrlState.watched_site_id == self.site_id)).scalars()
            for row in rows:
                info = UrlInfo(**{name: getattr(row, name) for name in _COLUMNS}, id=row.id)
                self._rows[row.url_key] = info

    def __len__(self) -> int:
        return len(self._rows)

    def get(self, url: str) -> UrlInfo | None:
        return self._rows.get(url_key(url))

    def all(self) -> Iterable[UrlInfo]:
        return self._rows.values()

    def due(self, now: dt.datetime | None = None) -> list[UrlInfo]:
        now = now or utcnow()
        return [info for info in self._rows.values() if info.is_due(now)]

    def queued(self) -> list[UrlInfo]:
        return [info for info in self._rows.values() if info.status == QUEUED]

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
        info = self._rows.get(key)
        if info is None:
            info = UrlInfo(url=url, kind=kind, depth=depth, published_at=published,
                           announced_at=announced, title=title, language=language)
            self._rows[key] = info
            self._dirty[key] = info
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
            self._dirty[key] = info
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
        self._dirty[url_key(url)] = info
        return info

    def record_failure(self, url: str, now: dt.datetime | None = None) -> None:
        """No response (DNS, refused, timeout): try again in an hour."""
        now = now or utcnow()
        info, _ = self.discover(url)
        info.status = FAILED
        info.next_due = now + RETRY_FAILED_AFTER
        self._dirty[url_key(url)] = info

    def flush(self) -> int:
        """Write every change since the last flush in one transaction; returns rows written.

        If the database fails (e.g. PostgreSQL restarting), the changes are kept for the
        next flush, and rows created in the rolled-back transaction are forgotten."""
        if not self._dirty:
            return 0
        pending, self._dirty = self._dirty, {}
        created: list[UrlInfo] = []
        try:
            with self.db.session() as session:
                connection = session.connection()
                upsert = _upsert_for(connection.dialect.name)
                for key, info in pending.items():
                    values = {name: _utc(getattr(info, name)) for name in _COLUMNS}
                    if info.id is None:
                        # Upsert: two ad-hoc crawls of one host may discover the same URL.
                        statement = upsert(UrlState).values(
                            **values, watched_site_id=self.site_id, url_key=key
                        )
                        statement = statement.on_conflict_do_update(
                            index_elements=[UrlState.watched_site_id, UrlState.url_key], set_=values
                        ).returning(UrlState.id)
                        info.id = connection.execute(statement).scalar_one()
                        created.append(info)
                    else:
                        connection.execute(update(UrlState).where(UrlState.id == info.id).values(**values))
        except DatabaseError:
            for info in created:
                info.id = None
            self._dirty = {**pending, **self._dirty}
            raise
        return len(pending)


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

