"""What a crawl knows between requests: its site, frontier, scope and trap guard.

Kept apart from the spider so the spider only turns responses into requests; the
decisions (is this URL in scope, is it due, which validators to send, which earlier
record a revisit points at) live here and in ``archive.db.frontier``.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from archive.db.frontier import FetchResult, Frontier, UrlInfo, mark_crawl, utcnow
from archive.db.session import Database, open_database
from archive.db.sites import SiteConfig, adhoc_site, get_site, remember_discovered
from archive.discovery.canonical import canonicalize
from archive.discovery.errors import UrlError
from archive.discovery.traps import TrapGuard
from archive.errors import DatabaseError
from archive.scope import Scope
from archive.warc.records import RevisitTarget

logger = logging.getLogger(__name__)


@dataclass
class CrawlState:
    """One crawl's decisions. ``frontier`` is None when the database is disabled."""

    seeds: list[str]
    scope: Scope
    incremental: bool = False
    resume: bool = False
    site: SiteConfig | None = None
    frontier: Frontier | None = None
    db: Database | None = None
    resume_since: dt.datetime | None = None
    started: dt.datetime = field(default_factory=utcnow)
    guard: TrapGuard = field(default_factory=TrapGuard)
    allow: list[re.Pattern[str]] = field(default_factory=list)
    deny: list[re.Pattern[str]] = field(default_factory=list)
    _flush_failing: bool = False

    @classmethod
    def open(cls, settings: Any, seeds: list[str], site_name: str | None, allow_domains: list[str],
             resume: bool) -> CrawlState:
        db = None
        site = None
        if settings.getbool("ARCHIVE_DB_ENABLED") and settings.getbool("ARCHIVE_FRONTIER_ENABLED"):
            db = open_database(settings.get("ARCHIVE_DATA_DIR"), settings.get("ARCHIVE_DB_URL") or None)
            site = get_site(db, site_name) if site_name else adhoc_site(db, seeds)
        elif site_name:
            raise ValueError("crawling a named site needs the database (ARCHIVE_DB_ENABLED)")
        if site is not None and site_name:
            seeds = [site.url, *site.sections]
        state = cls(seeds=seeds, scope=Scope.for_seeds(seeds, allow_domains), incremental=bool(site_name),
                    resume=resume, site=site, db=db)
        if site is not None and db is not None:
            state.allow = [re.compile(p) for p in site.allow]
            state.deny = [re.compile(p) for p in site.deny]
            state.frontier = Frontier(db, site.id)
            state.resume_since = _last_started(db, site.id)
            mark_crawl(db, site.id, started=state.started)
        return state

    # -- decisions -------------------------------------------------------------------

    def canonical(self, url: str) -> str | None:
        return _canonical(url)

    def in_scope(self, url: str) -> bool:
        if not self.scope.contains(url):
            return False
        if self.allow and not any(p.search(url) for p in self.allow):
            return False
        return not any(p.search(url) for p in self.deny)

    def trap(self, url: str, chain: list[str] | None = None) -> str | None:
        return self.guard.refusal(url, chain=chain or ())

    def wanted(self, info: UrlInfo | None, new: bool) -> bool:
        """Fetch this URL in this run?"""
        if info is None or new:
            return True
        if info.status == "gone":
            return False
        if self.incremental:
            return info.is_due(utcnow())
        if self.resume and self.resume_since and info.last_fetched:
            return _aware(info.last_fetched) < self.resume_since  # done before the interruption
        return True

    def start_urls(self) -> list[UrlInfo]:
        """URLs to fetch at start besides seeds, feeds and sitemaps."""
        if self.frontier is None:
            return []
        if self.incremental:
            return self.frontier.due()
        if self.resume:
            return [i for i in self.frontier.all() if self.wanted(i, False)]
        return []

    @staticmethod
    def conditional_headers(info: UrlInfo | None) -> dict[str, str]:
        if info is None or info.record_id is None or info.last_status != 200 and info.last_status != 304:
            return {}
        headers = {}
        if info.etag:
            headers["If-None-Match"] = info.etag
        if info.last_modified:
            headers["If-Modified-Since"] = info.last_modified
        return headers

    @staticmethod
    def revisit_target(info: UrlInfo | None) -> RevisitTarget | None:
        if info is None or not (info.record_id and info.payload_digest and info.warc_date and info.target_uri):
            return None
        return RevisitTarget(info.record_id, info.target_uri, info.warc_date, info.payload_digest)

    # -- bookkeeping -----------------------------------------------------------------

    def record(self, url: str, result: FetchResult) -> None:
        if self.frontier is not None:
            self.frontier.record_fetch(url, result)

    def remember(self, feeds: list[str] = (), sitemaps: list[str] = ()) -> None:  # type: ignore[assignment]
        if self.db is not None and self.site is not None and (feeds or sitemaps):
            remember_discovered(self.db, self.site.id, list(feeds), list(sitemaps))

    def flush(self) -> None:
        """Called on the reactor every few seconds: the writes happen on the frontier's thread.

        A database outage (PostgreSQL restarting) keeps the changes for the next try
        instead of stopping the crawl's saves."""
        if self.frontier is None:
            return
        try:
            saved = self.frontier.flush_in_background()
        except DatabaseError as exc:
            if not self._flush_failing:
                logger.warning("Per-URL state not saved (%s): kept in memory, tried again at the next flush", exc)
            self._flush_failing = True
            return
        if saved:
            if self._flush_failing:
                logger.warning("Per-URL state saved again: the database is back")
            self._flush_failing = False

    def close(self) -> None:
        if self.frontier is not None and self.db is not None and self.site is not None:
            self.frontier.close()
            mark_crawl(self.db, self.site.id, finished=utcnow())
            self.db.dispose()


@lru_cache(maxsize=65536)
def _canonical(url: str) -> str | None:
    """Cached: every article links to the same front page and sections."""
    try:
        return canonicalize(url)
    except UrlError:
        return None


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _last_started(db: Database, site_id: int) -> dt.datetime | None:
    from archive.db.models import WatchedSite

    with db.session() as session:
        row = session.get(WatchedSite, site_id)
        return _aware(row.last_crawl_started) if row and row.last_crawl_started else None
