"""Scheduled crawls: which are due, and the log of each run (state in the database).

The scheduler process (``newsarchive scheduler``) is stateless apart from its children:
schedules, runs and their PIDs live in the database, so a restarted scheduler picks up
where the old one stopped, marks runs whose process died as ``interrupted``, and never
starts a site whose previous run is still alive.
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
from archive.db.sites import describe_schedule, next_run_after, utcnow


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


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


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
                outcome = f"{last.status} at {_aware(last.started_at):%Y-%m-%d %H:%M} ({last.pages} pages)"
            result.append(ScheduleRow(name, describe_schedule(schedule) or "", _aware(schedule.next_run), outcome))
        return result


def due_crawls(db: Database, now: dt.datetime | None = None,
               alive: Callable[[int | None], bool] = pid_alive) -> list[DueCrawl]:
    """Schedules due now whose site has no live run; dead 'running' runs become 'interrupted'."""
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
            if _aware(schedule.next_run) <= now and schedule.watched_site_id not in busy:
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
