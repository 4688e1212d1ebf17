"""``newsarchive scheduler``: start due crawls as child processes, log each run.

What is due is decided by ``archive.scheduling`` (from ``DATA_DIR/sites.toml`` and the
run state in the database); this module only runs it: one child per due site, reaped
when it exits, stopped gracefully with the scheduler.

Each crawl runs as ``python -m scraper.cli crawl NAME`` in its own process (Twisted's
reactor is one per process, and a crash in one crawl must not take the scheduler down),
with its output in ``DATA_DIR/logs/``. The run's counts come back through a small JSON
summary file the crawl writes at exit.
"""

from __future__ import annotations

import json
import logging
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from archive.db.session import Database, open_database
from archive.scheduling import due_crawls, finish_run, start_run, summary_path_for

logger = logging.getLogger(__name__)


@dataclass
class _Child:
    run_id: int
    site: str
    process: subprocess.Popen[bytes]
    summary_path: Path


@dataclass
class Scheduler:
    data_dir: Path
    db_url: str | None = None
    poll_interval: float = 30.0
    crawl_args: list[str] = field(default_factory=list)
    children: dict[str, _Child] = field(default_factory=dict)
    _stopping: bool = False

    def __post_init__(self) -> None:
        self.db: Database = open_database(self.data_dir, self.db_url)
        (self.data_dir / "logs").mkdir(parents=True, exist_ok=True)

    def run(self, once: bool = False) -> None:
        """Poll until stopped (SIGINT/SIGTERM); with ``once``, start what is due and wait."""
        previous = {sig: signal.signal(sig, self._stop) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            while not self._stopping:
                self.reap()
                self.start_due()
                if once:
                    break
                self._sleep(self.poll_interval)
            self._wait_for_children(stop=not once)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def start_due(self) -> None:
        for crawl in due_crawls(self.db, self.data_dir):
            if crawl.site in self.children:
                continue
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
            safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in crawl.site)
            log_path = self.data_dir / "logs" / f"{safe}-{stamp}.log"
            summary_path = summary_path_for(str(log_path))
            command = [sys.executable, "-m", "scraper.cli", "crawl", crawl.site, "--data-dir", str(self.data_dir),
                       "--summary-file", str(summary_path), *self.crawl_args]
            if self.db_url:
                command += ["--db", self.db_url]
            with open(log_path, "ab") as log:
                process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
            run_id = start_run(self.db, crawl, process.pid, str(log_path))
            self.children[crawl.site] = _Child(run_id, crawl.site, process, summary_path)
            logger.info("started crawl of %s (pid %d, run %d), log %s", crawl.site, process.pid, run_id, log_path)

    def reap(self) -> None:
        for site, child in list(self.children.items()):
            code = child.process.poll()
            if code is None:
                continue
            counts, message = _read_summary(child.summary_path)
            finish_run(self.db, child.run_id, code, counts, message, stopped=self._stopping)
            logger.info("crawl of %s finished with exit %d: %s pages, %s responses, %s errors",
                        site, code, counts.get("pages", 0), counts.get("responses", 0), counts.get("errors", 0))
            del self.children[site]

    def _wait_for_children(self, stop: bool) -> None:
        for child in self.children.values():
            if stop and child.process.poll() is None:
                child.process.send_signal(signal.SIGINT)  # Scrapy closes gracefully on one SIGINT
        deadline = time.monotonic() + 120
        while self.children and time.monotonic() < deadline:
            self.reap()
            time.sleep(0.2)

    def _stop(self, signum: int, frame: object) -> None:
        self._stopping = True

    def _sleep(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while not self._stopping and time.monotonic() < deadline:
            time.sleep(min(0.2, seconds))
            self.reap()


def _read_summary(path: Path) -> tuple[dict[str, int], str | None]:
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}, "no summary: the crawl process did not finish normally"
    return {k: int(data.get(k, 0)) for k in ("pages", "responses", "errors")}, data.get("message")
