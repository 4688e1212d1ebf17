"""Scheduled crawls: the one place that decides what is due, and the log of each run.

Schedules are declared in ``DATA_DIR/sites.toml`` (``archive.siteconfig``) and cached in
the database with their next run time; ``due_crawls`` syncs that cache and says which
sites to crawl now, ``start_run`` moves a schedule to its next time (``next_run_after``:
an interval, or a cron expression through ``archive.discovery.cron``). The scheduler
process (``scraper.scheduler``) only runs what it is told, so it is stateless apart from
its children: runs and their PIDs live in the database, so a restarted scheduler picks
up where the old one stopped, marks runs whose process died as ``interrupted``, and
never starts a site whose previous run is still alive.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from archive.db.models import Schedule, ScheduleRun, WatchedSite
from archive.db.session import Database
from archive.db.sites import aware, sync_sites, utcnow
from archive.discovery.cron import next_cron_time

_UNITS = (("w", 604800), ("d", 86400), ("h", 3600), ("m", 60), ("s", 1))


def format_interval(seconds: int) -> str:
    """``21600`` -> ``6h``, ``5400`` -> ``1h30m``: the ``--every`` spelling, read back by it."""
    parts = []
    for unit, size in _UNITS:
        count, seconds = divmod(seconds, size)
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts) or "0s"


def describe_schedule(schedule: Schedule | None) -> str | None:
    """``every 6h`` or ``cron 0 */6 * * *``."""
    if schedule is None:
        return None
    if schedule.cron:
        return f"cron {schedule.cron}"
    return f"every {format_interval(schedule.every_seconds or 0)}"


def next_run_after(schedule: Schedule, started: dt.datetime) -> dt.datetime:
    """When the next run is due, counted from the start of the run just begun."""
    if schedule.cron:
        return next_cron_time(schedule.cron, started)
    return started + dt.timedelta(seconds=schedule.every_seconds or 0)


def pid_alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@dataclass(frozen=True)
class ScheduleRow:
    site: str
    rule: str
    next_run: dt.datetime
    last_outcome: str | None


@dataclass(frozen=True)
class DueCrawl:
    schedule_id: int
    site_id: int
    site: str


def list_schedules(db: Database) -> list[ScheduleRow]:
    with db.session() as session:
        rows = session.execute(select(Schedule, WatchedSite.name).join(
            WatchedSite, WatchedSite.id == Schedule.watched_site_id).order_by(WatchedSite.name)).all()
        result = []
        for schedule, name in rows:
            last = session.scalar(select(ScheduleRun).where(ScheduleRun.watched_site_id == schedule.watched_site_id)
                                  .order_by(ScheduleRun.id.desc()).limit(1))
            outcome = None
            if last is not None:
                outcome = f"{last.status} at {aware(last.started_at):%Y-%m-%d %H:%M} UTC ({last.pages} pages)"
            result.append(ScheduleRow(name, describe_schedule(schedule) or "", aware(schedule.next_run), outcome))
        return result


def due_crawls(db: Database, data_dir: Path, now: dt.datetime | None = None,
               alive: Callable[[int | None], bool] = pid_alive) -> list[DueCrawl]:
    """Schedules due now whose site has no live run; dead 'running' runs become 'interrupted'.

    Reads ``sites.toml`` first, so an edit to the file takes effect at the next poll.
    """
    sync_sites(db, data_dir)
    now = now or utcnow()
    due = []
    with db.session() as session:
        for run in session.scalars(select(ScheduleRun).where(ScheduleRun.status == "running")):
            if not alive(run.pid):
                _close_orphan(run, now)
        session.flush()
        busy = set(session.scalars(select(ScheduleRun.watched_site_id).where(ScheduleRun.status == "running")))
        rows = session.execute(select(Schedule, WatchedSite.name).join(
            WatchedSite, WatchedSite.id == Schedule.watched_site_id)).all()
        for schedule, name in rows:
            if aware(schedule.next_run) <= now and schedule.watched_site_id not in busy:
                due.append(DueCrawl(schedule.id, schedule.watched_site_id, name))
    return due


def summary_path_for(log_path: str) -> Path:
    """Where a scheduled crawl writes its counts (beside its log)."""
    return Path(log_path).with_suffix(".summary.json")


def _close_orphan(run: ScheduleRun, now: dt.datetime) -> None:
    """A run whose process is gone and that no live scheduler reaped (it was restarted)."""
    run.finished_at = now
    try:
        data = json.loads(summary_path_for(run.log_path or "").read_text())
    except (OSError, ValueError):
        run.status = "interrupted"
        run.message = "the crawl process was gone (killed, or the machine restarted)"
        return
    run.status = "succeeded" if not data.get("message") else "failed"
    run.pages, run.responses, run.errors = (int(data.get(k, 0)) for k in ("pages", "responses", "errors"))
    run.message = data.get("message")


def start_run(db: Database, crawl: DueCrawl, pid: int, log_path: str, now: dt.datetime | None = None) -> int:
    """Record a started run and move the schedule to its next time."""
    now = now or utcnow()
    with db.session() as session:
        schedule = session.get(Schedule, crawl.schedule_id)
        if schedule is not None:
            schedule.next_run = max(next_run_after(schedule, now), now)
        run = ScheduleRun(watched_site_id=crawl.site_id, started_at=now, status="running", pid=pid,
                          log_path=log_path)
        session.add(run)
        session.flush()
        return run.id


def finish_run(db: Database, run_id: int, exit_code: int, counts: dict[str, int], message: str | None,
               *, stopped: bool = False) -> None:
    """Close a run; ``stopped``: the scheduler itself was asked to stop and interrupted it."""
    with db.session() as session:
        run = session.get(ScheduleRun, run_id)
        if run is None:
            return
        run.finished_at = utcnow()
        run.exit_code = exit_code
        run.status = "succeeded" if exit_code == 0 else ("interrupted" if stopped else "failed")
        run.pages = counts.get("pages", 0)
        run.responses = counts.get("responses", 0)
        run.errors = counts.get("errors", 0)
        run.message = message
