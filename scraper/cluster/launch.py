"""``newsarchive scheduler --frontier``: due crawls go into the shared frontier.

Instead of starting a local ``crawl NAME`` process, the scheduler lists the site's run in
Redis, where every ``newsarchive worker`` joins it. A lock per run (``SET NX``) makes this
safe with several schedulers: one run per site at a time; the worker that finds the run
finished releases the lock. The database's ``schedule_runs`` row is closed by whichever
scheduler sees the run gone from Redis, since the process ids are on other machines.
"""

from __future__ import annotations

import json
import logging
import os
import socket
from typing import Any

from sqlalchemy import select

from archive.db.models import ScheduleRun
from archive.scheduling import due_crawls, finish_run, start_run
from scraper.cluster.connection import connect
from scraper.cluster.keys import ClusterKeys, run_name
from scraper.scheduler import Scheduler

logger = logging.getLogger(__name__)

_LOG_PREFIX = "frontier:"  # schedule_runs.log_path of runs handed to the frontier


class FrontierScheduler(Scheduler):
    """The scheduler, with the frontier instead of child processes."""

    def attach(self, frontier: str, prefix: str) -> FrontierScheduler:
        self.server: Any = connect(frontier)
        self.keys = ClusterKeys(prefix)
        self.me = f"{socket.gethostname()}-{os.getpid()}"
        return self

    def start_due(self) -> None:
        for crawl in due_crawls(self.db, self.data_dir, alive=lambda pid: True):  # pids: other machines
            run = run_name(crawl.site, [])
            if not self.server.set(self.keys.run_lock(run), self.me, nx=True):
                logger.info("%s: a run is already active in the frontier, not enqueued again", crawl.site)
                continue
            self.server.hset(self.keys.run_args, run, json.dumps({"site": crawl.site}))
            self.server.sadd(self.keys.runs, run)
            run_id = start_run(self.db, crawl, os.getpid(), _LOG_PREFIX + run)
            logger.info("enqueued %s into the frontier (run %d)", crawl.site, run_id)

    def reap(self) -> None:
        with self.db.session() as session:
            rows = session.execute(select(ScheduleRun.id, ScheduleRun.log_path).where(
                ScheduleRun.status == "running", ScheduleRun.log_path.startswith(_LOG_PREFIX))).all()
        for run_id, log_path in rows:
            run = log_path[len(_LOG_PREFIX):]
            if not self.server.sismember(self.keys.runs, run) and not self.server.exists(self.keys.run_lock(run)):
                finish_run(self.db, run_id, 0, {}, None)
                logger.info("frontier run %s finished", run)

    def _wait_for_children(self, stop: bool) -> None:
        return None  # the runs belong to the workers, not to this process
