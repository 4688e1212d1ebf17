"""Three ``crawl --frontier`` workers on one shared Redis frontier and one PostgreSQL database.

The site is spread over eight loopback hosts (127.0.0.2 ... 127.0.0.9) with Crawl-delay
on two of them; the server logs each request's arrival, so politeness is checked as the
servers saw it, across all workers together.
"""

from __future__ import annotations

import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cluster_support import ClusterSite, article_rows, captured_urls, redis_frontier, start_worker
from tests.test_db_support import pg_schema_url

HOSTS, ARTICLES = 8, 6
DELAYS = {0: 0.3, 3: 0.4}


@pytest.fixture
def frontier() -> Iterator[tuple[str, str]]:
    yield from redis_frontier()


@pytest.fixture
def pg_url() -> Iterator[str]:
    yield from pg_schema_url()  # fails instead of skipping under CI


def _wait_all(workers: list, timeout: float = 240) -> list[int]:
    deadline = time.monotonic() + timeout
    codes = []
    for proc in workers:
        codes.append(proc.wait(timeout=max(1.0, deadline - time.monotonic())))
    return codes


def _logs(tmp_path: Path, count: int) -> str:
    return "\n".join((tmp_path / f"w{i}.log").read_text()[-3000:] for i in range(count))


def test_three_workers_capture_every_article_once_and_keep_crawl_delay(
        tmp_path: Path, frontier: tuple[str, str], pg_url: str) -> None:
    url, prefix = frontier
    with ClusterSite(tmp_path, HOSTS, ARTICLES, DELAYS) as site:
        workers = [start_worker(tmp_path / f"w{i}", url, prefix, site.urls, "--db", pg_url) for i in range(3)]
        codes = _wait_all(workers)
        assert codes == [0, 0, 0], _logs(tmp_path, 3)
        seen = captured_urls([tmp_path / f"w{i}" for i in range(3)])
        assert {u for u in site.article_urls() if seen[u] != 1} == set(), "each article exactly once"
        assert site.spacing_violations() == []
        fetched = [entry["path"] for entry in site.requests() if entry["path"].startswith("/a/")]
        assert len(fetched) == HOSTS * ARTICLES  # a URL is fetched once across all workers
    rows = article_rows(pg_url, tmp_path)
    assert set(rows) >= site.article_urls() and set(rows.values()) == {1}
    for i in range(3):
        assert "Crawl finished (finished)" in (tmp_path / f"w{i}.log").read_text()


def test_a_worker_killed_halfway_loses_nothing(tmp_path: Path, frontier: tuple[str, str], pg_url: str) -> None:
    url, prefix = frontier
    with ClusterSite(tmp_path, HOSTS, ARTICLES, DELAYS, latency=(0.05, 0.15)) as site:
        workers = [start_worker(tmp_path / f"w{i}", url, prefix, site.urls, "--db", pg_url) for i in range(3)]
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            done = sum(1 for e in site.requests() if e["path"].startswith("/a/"))
            if done >= HOSTS * ARTICLES // 3 and "Joined run" in (tmp_path / "w0.log").read_text():
                break
            time.sleep(0.2)
        workers[0].send_signal(signal.SIGKILL)
        assert workers[0].wait(timeout=10) == -signal.SIGKILL
        assert _wait_all(workers[1:]) == [0, 0], _logs(tmp_path, 3)
        seen = captured_urls([tmp_path / f"w{i}" for i in range(3)])
        assert site.article_urls() - set(seen) == set(), "every article archived"
        assert site.spacing_violations() == []
    rows = article_rows(pg_url, tmp_path)
    assert set(rows.values()) == {1}, "no article twice in the database"


def test_workers_wait_for_a_restarted_redis(tmp_path: Path) -> None:
    from tests.cluster_support import PrivateRedis

    server = PrivateRedis(tmp_path)
    server.start()
    try:
        with ClusterSite(tmp_path, 3, 6, {0: 0.3}, latency=(0.05, 0.1)) as site:
            worker = start_worker(tmp_path / "w0", server.url, "restart", site.urls, "-s", "ARCHIVE_DB_ENABLED=False")
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline and sum(e["path"].startswith("/a/") for e in site.requests()) < 4:
                time.sleep(0.1)
            server.stop()
            time.sleep(3)
            server.start()
            assert worker.wait(timeout=180) == 0, _logs(tmp_path, 1)
            log = (tmp_path / "w0.log").read_text()
            assert log.count("waiting to reconnect") == 1, "one line per outage, not one per client"
            assert "is back after" in log, [line for line in log.splitlines() if "Redis" in line]
            assert site.article_urls() - set(captured_urls([tmp_path / "w0"])) == set()
    finally:
        server.stop()


def test_two_schedulers_enqueue_one_run_and_a_worker_crawls_it(
        tmp_path: Path, frontier: tuple[str, str], pg_url: str) -> None:
    import subprocess
    import sys

    import redis

    from scraper.cluster.keys import ClusterKeys
    from tests.cluster_support import REPO_ROOT, WORKER_FAST

    url, prefix = frontier
    keys = ClusterKeys(prefix)
    data = tmp_path / "data"

    def cli(*args: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "scraper.cli", *args, "--data-dir", str(data), "--db", pg_url],
                              cwd=REPO_ROOT, capture_output=True, text=True, timeout=240, **kwargs)

    with ClusterSite(tmp_path, 1, 4) as site:
        assert cli("site", "add", "kabul", site.urls[0]).returncode == 0
        assert cli("schedule", "add", "kabul", "--every", "1h").returncode == 0
        schedulers = [subprocess.Popen([sys.executable, "-m", "scraper.cli", "scheduler", "--once", "--data-dir",
                                        str(data), "--db", pg_url, "--frontier", url, "--prefix", prefix],
                                       cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
                      for _ in range(2)]
        outputs = [proc.communicate(timeout=120)[0] for proc in schedulers]
        client = redis.Redis.from_url(url)
        assert client.smembers(keys.runs) == {b"site:kabul"}, outputs
        assert sum("enqueued kabul" in out for out in outputs) == 1, outputs
        worker = cli("worker", "--once", "--frontier", url, "--prefix", prefix, *WORKER_FAST)
        assert worker.returncode == 0, worker.stderr[-3000:]
        assert client.smembers(keys.runs) == set() and not client.exists(keys.run_lock("site:kabul"))
        seen = captured_urls([data])
        assert site.article_urls() - set(seen) == set()
