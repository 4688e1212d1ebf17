"""Per-site figures for archivists: articles per day, last crawl, schedule, errors, extraction health.

Extraction health (the newest crawl of each site against its earlier crawls: empty
bodies, missing titles, dates and authors, body length) comes from
``archive.db.health``, the same figures and thresholds as ``newsarchive stats``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from archive.db.health import ExtractionHealth, site_health
from archive.db.models import Article, Capture, Schedule, ScheduleRun, Site, WatchedSite

RECENT_DAYS = 7


@dataclass
class SiteHealth:
    """One row of the sites dashboard."""

    host: str
    name: str
    articles: int = 0
    extraction: ExtractionHealth | None = None
    per_day: list[tuple[str, int]] = field(default_factory=list)
    http_errors: int = 0
    last_crawl: dt.datetime | None = None
    last_outcome: str | None = None
    last_message: str | None = None
    next_run: dt.datetime | None = None
    warnings: list[str] = field(default_factory=list)


def sites_dashboard(session: Session, days: int = 30, now: dt.datetime | None = None) -> list[SiteHealth]:
    """Every site with articles or a watch entry, by name."""
    now = now or dt.datetime.now(dt.UTC)
    recent = now - dt.timedelta(days=RECENT_DAYS)
    by_id = _articles(session)
    _per_day(session, by_id, now, days)
    for site_id, n in session.execute(select(Capture.site_id, func.count()).where(
            Capture.status >= 400, Capture.fetched_at >= recent).group_by(Capture.site_id)):
        if site_id in by_id:
            by_id[site_id].http_errors = n
    rows = {h.host: h for h in by_id.values()}
    _watched(session, rows)
    for extraction in site_health(session):
        if extraction.host in rows:
            rows[extraction.host].extraction = extraction
            rows[extraction.host].warnings.extend([extraction.summary()] if extraction.broken else [])
    return sorted(rows.values(), key=lambda h: h.name.casefold())


def _articles(session: Session) -> dict[int, SiteHealth]:
    stmt = (select(Site.id, Site.host, Site.name, func.count(Article.id))
            .join(Article, Article.site_id == Site.id).group_by(Site.id, Site.host, Site.name))
    return {sid: SiteHealth(host, name or host, n) for sid, host, name, n in session.execute(stmt)}


def _per_day(session: Session, by_id: dict[int, SiteHealth], now: dt.datetime, days: int) -> None:
    """New articles per day over ``days`` days ending today (or on the last day with any)."""
    latest = session.scalar(select(func.max(Article.first_seen)))
    if latest is None:
        return
    latest = latest if latest.tzinfo else latest.replace(tzinfo=dt.UTC)
    end = now.date() if (now - latest).days < days else latest.date()
    start = end - dt.timedelta(days=days - 1)
    since = dt.datetime.combine(start, dt.time(), dt.UTC)
    counts: dict[tuple[int, str], int] = {}
    day = func.date(Article.first_seen)
    for site_id, when, n in session.execute(select(Article.site_id, day, func.count())
                                            .where(Article.first_seen >= since).group_by(Article.site_id, day)):
        counts[(site_id, str(when)[:10])] = n
    labels = [(start + dt.timedelta(days=i)).isoformat() for i in range(days)]
    for site_id, health in by_id.items():
        health.per_day = [(label, counts.get((site_id, label), 0)) for label in labels]


def _watched(session: Session, rows: dict[str, SiteHealth]) -> None:
    """Last crawl, its outcome and the next scheduled run of followed sites."""
    for watched in session.scalars(select(WatchedSite)):
        host = (urlsplit(watched.url).hostname or watched.name).removeprefix("www.")
        health = rows.setdefault(host, SiteHealth(host, watched.name))
        health.last_crawl = watched.last_crawl_started
        run = session.scalar(select(ScheduleRun).where(ScheduleRun.watched_site_id == watched.id)
                             .order_by(ScheduleRun.id.desc()).limit(1))
        if run is not None:
            health.last_crawl = max(filter(None, [_aware(health.last_crawl), _aware(run.started_at)]))
            health.last_outcome = f"{run.status}: {run.pages} pages, {run.errors} errors"
            health.last_message = run.message
        schedule = session.scalar(select(Schedule).where(Schedule.watched_site_id == watched.id))
        health.next_run = schedule.next_run if schedule else None


def _aware(when: dt.datetime | None) -> dt.datetime | None:
    return when.replace(tzinfo=dt.UTC) if when and not when.tzinfo else when
