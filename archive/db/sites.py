"""Watched sites in the database: a cache of ``DATA_DIR/sites.toml`` beside run state.

``sync_sites`` brings the ``watched_sites`` and ``schedules`` rows in line with the file
(``archive.siteconfig``), which is the configuration: a site or schedule that is not in
the file is dropped here, one added there appears here, and a schedule keeps its next
run time while its rule is unchanged. What only the database holds is state: the
frontier (rebuilt from the WARCs by ``reindex``), run logs, the last crawl times, and the
implicit ``adhoc:HOST`` sites of ``crawl URL`` (so an ad-hoc crawl can be resumed).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import overload
from urllib.parse import urlsplit

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from archive.db.models import Schedule, ScheduleRun, UrlState, WatchedSite
from archive.db.session import Database
from archive.discovery.recrawl import parse_interval
from archive.errors import ConfigError
from archive.siteconfig import SiteDeclaration, read_sites, write_sites

ADHOC_PREFIX = "adhoc:"


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@overload
def aware(value: dt.datetime) -> dt.datetime: ...
@overload
def aware(value: None) -> None: ...
def aware(value: dt.datetime | None) -> dt.datetime | None:
    """SQLite gives back naive datetimes; every time we store is UTC."""
    return value.replace(tzinfo=dt.UTC) if value is not None and value.tzinfo is None else value


@dataclass(frozen=True)
class SiteConfig:
    id: int
    name: str
    url: str
    feeds: list[str]
    sitemaps: list[str]
    sections: list[str]
    allow: list[str]
    deny: list[str]
    adhoc: bool = False

    @classmethod
    def from_row(cls, row: WatchedSite) -> SiteConfig:
        return cls(row.id, row.name, row.url, list(row.feeds), list(row.sitemaps), list(row.sections),
                   list(row.allow), list(row.deny), row.adhoc)


# -- the cache of sites.toml -------------------------------------------------------------


def sync_sites(db: Database, data_dir: Path) -> dict[str, SiteDeclaration]:
    """Make the database's sites and schedules those of ``sites.toml``; returns the declarations.

    Without a file, the sites of an older database (kept only there) are written to a new
    ``sites.toml`` once, so nothing an archivist set up is lost.
    """
    declared = read_sites(data_dir)
    if declared is None:
        declared = _move_to_file(db, data_dir)
    now = utcnow()
    with db.session() as session:
        rows = {r.name: r for r in session.scalars(select(WatchedSite).where(WatchedSite.adhoc.is_(False)))}
        for name, gone in rows.items():
            if name not in declared:
                _delete_site(session, gone.id)
        for site in declared.values():
            row = rows.get(site.name)
            if row is None:
                row = WatchedSite(name=site.name, url=site.url, adhoc=False, created_at=now)
                session.add(row)
            _apply(row, site)
            session.flush()
            _sync_schedule(session, row.id, site, now)
    return declared


def _apply(row: WatchedSite, site: SiteDeclaration) -> None:
    """Copy the declaration, writing only what changed (the scheduler syncs every poll)."""
    for key in ("url", "feeds", "sitemaps", "sections", "allow", "deny"):
        value = getattr(site, key)
        value = list(value) if isinstance(value, tuple) else value
        if getattr(row, key) != value:
            setattr(row, key, value)


def _sync_schedule(session: Session, site_id: int, site: SiteDeclaration, now: dt.datetime) -> None:
    """One schedule row per declared schedule; a new or changed rule is due at once."""
    existing = session.scalar(select(Schedule).where(Schedule.watched_site_id == site_id))
    every_seconds = int(parse_interval(site.every).total_seconds()) if site.every else None
    if existing is not None and (existing.every_seconds, existing.cron) == (every_seconds, site.cron):
        return
    if existing is not None:
        session.delete(existing)
        session.flush()
    if site.every or site.cron:
        session.add(Schedule(watched_site_id=site_id, every_seconds=every_seconds, cron=site.cron,
                             next_run=now, created_at=now))


def _move_to_file(db: Database, data_dir: Path) -> dict[str, SiteDeclaration]:
    from archive.scheduling import format_interval

    with db.session() as session:
        rows = session.execute(
            select(WatchedSite, Schedule).outerjoin(Schedule, Schedule.watched_site_id == WatchedSite.id)
            .where(WatchedSite.adhoc.is_(False)).order_by(WatchedSite.name)
        ).all()
        sites = [
            SiteDeclaration(
                name=row.name, url=row.url, feeds=tuple(row.feeds), sitemaps=tuple(row.sitemaps),
                sections=tuple(row.sections), allow=tuple(row.allow), deny=tuple(row.deny),
                every=format_interval(schedule.every_seconds) if schedule and schedule.every_seconds else None,
                cron=schedule.cron if schedule else None,
            )
            for row, schedule in rows
        ]
    if sites:
        write_sites(data_dir, sites)
    return {site.name: site for site in sites}


def _delete_site(session: Session, site_id: int) -> None:
    session.execute(delete(UrlState).where(UrlState.watched_site_id == site_id))
    session.execute(delete(ScheduleRun).where(ScheduleRun.watched_site_id == site_id))
    session.execute(delete(Schedule).where(Schedule.watched_site_id == site_id))
    session.execute(delete(WatchedSite).where(WatchedSite.id == site_id))


# -- reading -----------------------------------------------------------------------------


def get_site(db: Database, name: str) -> SiteConfig:
    with db.session() as session:
        row = session.scalar(select(WatchedSite).where(WatchedSite.name == name))
        if row is None:
            raise ConfigError(f"no site named {name!r} (see: newsarchive site list)")
        return SiteConfig.from_row(row)


def find_site(db: Database, name: str) -> SiteConfig | None:
    try:
        return get_site(db, name)
    except ConfigError:
        return None


def adhoc_site(db: Database, seeds: list[str]) -> SiteConfig:
    """The implicit site of ``crawl URL...``: one per seed host, so it can be resumed."""
    name = ADHOC_PREFIX + (urlsplit(seeds[0]).netloc.lower() or "unknown")
    with db.session() as session:
        row = session.scalar(select(WatchedSite).where(WatchedSite.name == name))
        if row is None:
            row = WatchedSite(name=name, url=seeds[0], feeds=[], sitemaps=[], sections=list(seeds[1:]),
                              allow=[], deny=[], adhoc=True, created_at=utcnow())
            session.add(row)
            session.flush()
        return SiteConfig.from_row(row)


def remember_discovered(db: Database, site_id: int, feeds: list[str], sitemaps: list[str]) -> None:
    """Keep feeds and sitemaps found by autodiscovery for this run's site row.

    They are state, not configuration: the next sync resets the row to the declared
    lists, and the frontier (which holds them as ``feed``/``sitemap`` URLs, polled every
    run) is where they last.
    """
    with db.session() as session:
        row = session.get(WatchedSite, site_id)
        if row is None:
            return
        row.feeds = list(dict.fromkeys([*row.feeds, *feeds]))
        row.sitemaps = list(dict.fromkeys([*row.sitemaps, *sitemaps]))


@dataclass(frozen=True)
class SiteSummary:
    site: SiteConfig
    urls: int
    fetched: int
    queued: int
    last_crawl_started: dt.datetime | None
    last_crawl_finished: dt.datetime | None
    schedule: Schedule | None
    discovered_feeds: list[str]
    discovered_sitemaps: list[str]


def list_sites(db: Database, include_adhoc: bool = True) -> list[SiteSummary]:
    """Every site with its frontier counts, last crawl, schedule and discovered feeds."""
    with db.session() as session:
        rows = session.scalars(select(WatchedSite).order_by(WatchedSite.name)).all()
        return [_summary(session, row) for row in rows if include_adhoc or not row.adhoc]


def _summary(session: Session, row: WatchedSite) -> SiteSummary:
    counts = dict(session.execute(
        select(UrlState.status, func.count()).where(UrlState.watched_site_id == row.id)
        .group_by(UrlState.status)).all())
    found = session.execute(select(UrlState.kind, UrlState.url).where(
        UrlState.watched_site_id == row.id, UrlState.kind.in_(("feed", "sitemap"))).order_by(UrlState.url)).all()
    return SiteSummary(
        SiteConfig.from_row(row), sum(counts.values()), counts.get("fetched", 0), counts.get("queued", 0),
        aware(row.last_crawl_started), aware(row.last_crawl_finished),
        session.scalar(select(Schedule).where(Schedule.watched_site_id == row.id)),
        [url for kind, url in found if kind == "feed"], [url for kind, url in found if kind == "sitemap"],
    )
