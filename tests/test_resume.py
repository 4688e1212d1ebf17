"""Stopping a crawl and resuming it: Ctrl-C then --resume, and kill -9 then --resume."""

from __future__ import annotations

import signal
import subprocess
import time
from collections import Counter
from pathlib import Path

import pytest

from archive.warc.check import check_file
from archive.warc.members import iter_members
from tests.crawl_support import REPO_ROOT, crawl_command, pages_without_rows, run_crawl
from tests.mockserver import MockServer

SLOW = ["--depth", "1", "-s", "DOWNLOAD_DELAY=0.15", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1",
        "-s", "ARCHIVE_FRONTIER_FLUSH_INTERVAL=0.5"]
BIG_PAGES = {f"/big/{n}.html" for n in range(1, 41)}


def _archived_big_pages(data_dir: Path) -> int:
    count = 0
    for path in (data_dir / "warcs").glob("*.warc.gz*"):
        if path.name.endswith(".tail"):
            continue
        for member in iter_members(path):
            if member.error:
                break
            if b"WARC-Type: response" in member.data[:300] and b"/big/" in member.data[:600]:
                count += 1
    return count


def _interrupt(mockserver: MockServer, data_dir: Path, how: signal.Signals) -> None:
    process = subprocess.Popen(crawl_command(data_dir, mockserver.url("/big/"), *SLOW), cwd=REPO_ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and _archived_big_pages(data_dir) < 12:
        time.sleep(0.2)
    process.send_signal(how)
    process.wait(60)


def _sent_big_pages(mockserver: MockServer, since: int) -> Counter[str]:
    return Counter(e.path for e in mockserver.requests_for("/big/")[since:] if e.path in BIG_PAGES)


@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGKILL], ids=["ctrl-c", "kill-9"])
def test_resume_continues_where_the_crawl_stopped(mockserver: MockServer, tmp_path: Path,
                                                   how: signal.Signals) -> None:
    before = len(mockserver.requests_for("/big/"))
    _interrupt(mockserver, tmp_path, how)
    first_run = _sent_big_pages(mockserver, before)
    # 12 archived responses include the /big/ index itself, so at least 10 pages were sent
    assert 10 <= sum(first_run.values()) < 40, "the crawl should stop part-way"
    middle = len(mockserver.requests_for("/big/"))

    resumed = run_crawl(tmp_path, mockserver.url("/big/"), *SLOW, "--resume")
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    second_run = _sent_big_pages(mockserver, middle)
    assert set(first_run) | set(second_run) == BIG_PAGES  # every page archived in the end
    refetched = set(first_run) & set(second_run)
    if how == signal.SIGINT:
        assert refetched == set(), f"a clean stop loses nothing: {sorted(refetched)}"
    else:
        # kill -9: only what was in flight or not yet flushed (0.5 s) is fetched again
        assert len(refetched) <= 4, sorted(refetched)
    assert not list((tmp_path / "warcs").glob("*.open"))
    assert pages_without_rows(tmp_path, "/big/") == []  # the database caught up with the WARCs
    for path in sorted((tmp_path / "warcs").glob("*.warc.gz")):
        report = check_file(path)
        assert report.ok, (path, report.problems)
