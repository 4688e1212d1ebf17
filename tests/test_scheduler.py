"""``newsarchive scheduler``: starts due crawls, one per site at a time, survives restarts."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.crawl_support import REPO_ROOT
from tests.incremental_support import cli, query
from tests.mockserver import MockServer

FAST = ["-s", "AUTOTHROTTLE_ENABLED=False", "-s", "ROBOTSTXT_OBEY=True"]


@pytest.fixture
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MockServer]:
    with MockServer(log_dir=tmp_path_factory.mktemp("sched-server")) as server:
        server.live_reset()
        server.live_crawl_delay(0.2)  # each crawl takes a few seconds: runs could overlap
        yield server


def _scheduler(data_dir: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "scraper.cli", "scheduler", "--data-dir", str(data_dir), "--interval", "0.3",
         *[a for pair in FAST[1::2] for a in ("-s", pair)], *args],
        cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )


def _runs(data_dir: Path) -> list[tuple]:
    return query(data_dir, "SELECT id, status, started_at, finished_at, pages, pid FROM schedule_runs ORDER BY id")


def test_scheduler_starts_due_crawls_one_at_a_time(live: MockServer, tmp_path: Path) -> None:
    assert cli(tmp_path, "site", "add", "live", live.url("/live/"), "--allow", "/live/").returncode == 0
    added = cli(tmp_path, "schedule", "add", "live", "--every", "1s")
    assert added.returncode == 0 and "every 1s" in added.stdout
    scheduler = _scheduler(tmp_path)
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            runs = _runs(tmp_path)
            if len([r for r in runs if r[1] != "running"]) >= 2:
                break
            time.sleep(0.5)
    finally:
        scheduler.send_signal(signal.SIGTERM)
        output, _ = scheduler.communicate(timeout=120)
    assert scheduler.returncode == 0, output
    runs = _runs(tmp_path)
    finished = [r for r in runs if r[1] == "succeeded"]
    assert len(finished) >= 2, (runs, output)
    assert finished[0][4] > 0  # the first run archived pages
    for earlier, later in zip(runs, runs[1:], strict=False):
        assert later[2] >= earlier[3], "a run started before the previous one finished"
    assert "started crawl of live" in output and "finished with exit 0" in output
    assert all(r[1] in ("succeeded", "interrupted") for r in runs), runs  # stopping interrupts, never fails
    listed = cli(tmp_path, "schedule", "list")
    assert "live\tevery 1s" in listed.stdout and "last " in listed.stdout


def test_restarted_scheduler_does_not_start_a_site_whose_crawl_still_runs(
    live: MockServer, tmp_path: Path
) -> None:
    assert cli(tmp_path, "site", "add", "live", live.url("/live/"), "--allow", "/live/").returncode == 0
    assert cli(tmp_path, "schedule", "add", "live", "--every", "1s").returncode == 0
    first = _scheduler(tmp_path)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not _runs(tmp_path):
        time.sleep(0.2)
    first.kill()  # the scheduler dies; its crawl child goes on
    first.communicate()
    [run] = _runs(tmp_path)
    assert run[1] == "running"
    second = _scheduler(tmp_path)
    try:
        time.sleep(2.0)
        runs = _runs(tmp_path)
        # the orphan crawl is still running (crawl-delay), so nothing new was started
        if runs[0][1] == "running":
            assert len(runs) == 1
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and _runs(tmp_path)[0][1] == "running":
            time.sleep(0.3)
    finally:
        second.send_signal(signal.SIGTERM)
        second.communicate(timeout=120)
    runs = _runs(tmp_path)
    assert runs[0][1] == "succeeded"  # closed from its summary file by the new scheduler
    assert runs[0][4] > 0
    for earlier, later in zip(runs, runs[1:], strict=False):
        assert later[2] >= earlier[3]
