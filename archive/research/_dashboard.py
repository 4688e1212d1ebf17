"""Per-site figures for archivists: articles per day, last crawl, schedule, errors, extraction health.

Health is computed from the articles table (latest versions): the share of empty bodies
and of missing publication dates, over all articles and over those first seen in the
last ``RECENT_DAYS``; a jump of ``JUMP`` (absolute share) between the two is flagged,
because that is what a site redesign that breaks extraction looks like.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from archive.db.models import Article, ArticleVersion, Capture, Schedule, ScheduleRun, Site, WatchedSite

RECENT_DAYS = 7
JUMP = 0.2
MIN_RECENT = 5


@dataclass
class SiteHealth:
    """One row of the sites dashboard."""

    host: str
    name: str
    articles: int = 0
    empty_bodies: float = 0.0
    missing_dates: float = 0.0
    recent_articles: int = 0
    recent_empty_bodies: float = 0.0
    recent_missing_dates: float = 0.0
    per_day: list[tuple[str, int]] = field(default_factory=list)
    http_errors: int = 0
    last_crawl: dt.datetime | None = None
    last_outcome: str | None = None
    last_message: str | None = None
    next_run: dt.datetime | None = None
    warnings: list[str] = field(default_factory=list)


def sites_dashboard(session: Session, days: int = 30, now: dt.datetime | None = None) -> list[SiteHealth]:
    """Every site with articles or a watch entry, by name."""
    now = now or dt.datetime.now(dt.timezone.utc)
    recent = now - dt.timedelta(days=RECENT_DAYS)
    sites = _health(session, recent)
    by_id = {site_id: health for site_id, health in sites}
    _per_day(session, by_id, now, days)
    for site_id, n in session.execute(select(Capture.site_id, func.count()).where(
            Capture.status >= 400, Capture.fetched_at >= recent).group_by(Capture.site_id)):
        if site_id in by_id:
            by_id[site_id].http_errors = n
    rows = {h.host: h for h in by_id.values()}
    _watched(session, rows)
    for health in rows.values():
        _warn(health)
    return sorted(rows.values(), key=lambda h: h.name.casefold())


def _health(session: Session, recent: dt.datetime) -> list[tuple[int, SiteHealth]]:
    av = ArticleVersion
    empty = case((func.length(func.trim(func.coalesce(av.body, ""))) == 0, 1), else_=0)
    undated = case((av.published_at.is_(None), 1), else_=0)
    is_recent = case((Article.first_seen >= recent, 1), else_=0)
    stmt = (select(Site.id, Site.host, Site.name, func.count(Article.id), func.sum(empty), func.sum(undated),
                   func.sum(is_recent), func.sum(is_recent * empty), func.sum(is_recent * undated))
            .join(Article, Article.site_id == Site.id).join(av, av.id == Article.latest_version_id)
            .group_by(Site.id, Site.host, Site.name))
    out = []
    for sid, host, name, n, n_empty, n_undated, n_recent, r_empty, r_undated in session.execute(stmt):
        out.append((sid, SiteHealth(
            host, name or host, n, _share(n_empty, n), _share(n_undated, n), n_recent or 0,
            _share(r_empty, n_recent), _share(r_undated, n_recent))))
    return out


def _share(part: int | None, whole: int | None) -> float:
    return (part or 0) / whole if whole else 0.0


def _per_day(session: Session, by_id: dict[int, SiteHealth], now: dt.datetime, days: int) -> None:
    """New articles per day over ``days`` days ending today (or on the last day with any)."""
    latest = session.scalar(select(func.max(Article.first_seen)))
    if latest is None:
        return
    latest = latest if latest.tzinfo else latest.replace(tzinfo=dt.timezone.utc)
    end = now.date() if (now - latest).days < days else latest.date()
    start = end - dt.timedelta(days=days - 1)
    since = dt.datetime.combine(start, dt.time(), dt.timezone.utc)
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
    return when.replace(tzinfo=dt.timezone.utc) if when and not when.tzinfo else when


def _warn(health: SiteHealth) -> None:
    if health.recent_articles < MIN_RECENT:
        return
    for label, overall, recent in (("empty bodies", health.empty_bodies, health.recent_empty_bodies),
                                   ("missing dates", health.missing_dates, health.recent_missing_dates)):
        if recent - overall >= JUMP:
            health.warnings.append(f"share of {label} jumped to {recent:.0%} in the last {RECENT_DAYS} days "
                                   f"(all time {overall:.0%}): check extraction for this site")
