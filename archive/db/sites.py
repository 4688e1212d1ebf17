"""Watched sites and their schedules: add, list, show, remove (kept in the database)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy import delete, func, select

from archive.db.models import Schedule, ScheduleRun, UrlState, WatchedSite
from archive.db.session import Database
from archive.discovery.cron import next_cron_time
from archive.discovery.recrawl import parse_interval
from archive.errors import ConfigError

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


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


def _check_url(url: str, what: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"{what} {url!r} is not an http(s) URL")
    return url


def _check_patterns(patterns: list[str], option: str) -> list[str]:
    for pattern in patterns:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ConfigError(f"bad {option} pattern {pattern!r}: {exc}") from exc
    return patterns


def add_site(
    db: Database, name: str, url: str, *, feeds: list[str] = (), sitemaps: list[str] = (),  # type: ignore[assignment]
    sections: list[str] = (), allow: list[str] = (), deny: list[str] = (),  # type: ignore[assignment]
) -> SiteConfig:
    if not _NAME.match(name):
        raise ConfigError(f"bad site name {name!r}: use letters, digits, '.', '_', '-' (max 100)")
    _check_url(url, "site URL")
    for option, urls in (("--feed", feeds), ("--sitemap", sitemaps), ("--section", sections)):
        for value in urls:
            _check_url(value, option)
    with db.session() as session:
        if session.scalar(select(WatchedSite.id).where(WatchedSite.name == name)) is not None:
            raise ConfigError(f"a site named {name!r} exists already (newsarchive site remove {name})")
        row = WatchedSite(
            name=name, url=url, feeds=list(feeds), sitemaps=list(sitemaps), sections=list(sections),
            allow=_check_patterns(list(allow), "--allow"), deny=_check_patterns(list(deny), "--deny"),
            adhoc=False, created_at=utcnow(),
        )
        session.add(row)
        session.flush()
        return SiteConfig.from_row(row)


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
    name = "adhoc:" + (urlsplit(seeds[0]).netloc.lower() or "unknown")
    with db.session() as session:
        row = session.scalar(select(WatchedSite).where(WatchedSite.name == name))
        if row is None:
            row = WatchedSite(name=name, url=seeds[0], feeds=[], sitemaps=[], sections=list(seeds[1:]),
                              allow=[], deny=[], adhoc=True, created_at=utcnow())
            session.add(row)
            session.flush()
        return SiteConfig.from_row(row)


def remember_discovered(db: Database, site_id: int, feeds: list[str], sitemaps: list[str]) -> None:
    """Keep feeds and sitemaps found by autodiscovery, so later runs poll them directly."""
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
    schedule: str | None


def list_sites(db: Database, include_adhoc: bool = True) -> list[SiteSummary]:
    with db.session() as session:
        rows = session.scalars(select(WatchedSite).order_by(WatchedSite.name)).all()
        summaries = []
        for row in rows:
            if row.adhoc and not include_adhoc:
                continue
            counts = dict(session.execute(
                select(UrlState.status, func.count()).where(UrlState.watched_site_id == row.id)
                .group_by(UrlState.status)).all())
            schedule = session.scalar(select(Schedule).where(Schedule.watched_site_id == row.id))
            summaries.append(SiteSummary(
                SiteConfig.from_row(row), sum(counts.values()), counts.get("fetched", 0), counts.get("queued", 0),
                row.last_crawl_started, row.last_crawl_finished, describe_schedule(schedule),
            ))
        return summaries


def remove_site(db: Database, name: str) -> None:
    site = get_site(db, name)
    with db.session() as session:
        session.execute(delete(UrlState).where(UrlState.watched_site_id == site.id))
        session.execute(delete(ScheduleRun).where(ScheduleRun.watched_site_id == site.id))
        session.execute(delete(Schedule).where(Schedule.watched_site_id == site.id))
        session.execute(delete(WatchedSite).where(WatchedSite.id == site.id))


# -- schedules -------------------------------------------------------------------------


def describe_schedule(schedule: Schedule | None) -> str | None:
    if schedule is None:
        return None
    if schedule.cron:
        return f"cron {schedule.cron}"
    return f"every {dt.timedelta(seconds=schedule.every_seconds or 0)}"


def add_schedule(db: Database, name: str, every: str | None, cron: str | None) -> Schedule:
    """Crawl site ``name`` every interval or on a cron expression; the first run is due now."""
    if bool(every) == bool(cron):
        raise ConfigError("give exactly one of --every or --cron")
    site = get_site(db, name)
    now = utcnow()
    every_seconds = int(parse_interval(every).total_seconds()) if every else None
    if cron:
        next_cron_time(cron, now)  # validates, with a one-line error naming the bad field
    with db.session() as session:
        existing = session.scalar(select(Schedule).where(Schedule.watched_site_id == site.id))
        if existing is not None:
            session.delete(existing)
            session.flush()
        schedule = Schedule(watched_site_id=site.id, every_seconds=every_seconds, cron=cron,
                            next_run=now, created_at=now)
        session.add(schedule)
        session.flush()
        return schedule


def remove_schedule(db: Database, name: str) -> None:
    site = get_site(db, name)
    with db.session() as session:
        if session.execute(delete(Schedule).where(Schedule.watched_site_id == site.id)).rowcount == 0:
            raise ConfigError(f"site {name!r} has no schedule")


def next_run_after(schedule: Schedule, started: dt.datetime) -> dt.datetime:
    """When the next run is due, counted from the start of the run just begun."""
    if schedule.cron:
        return next_cron_time(schedule.cron, started)
    return started + dt.timedelta(seconds=schedule.every_seconds or 0)
