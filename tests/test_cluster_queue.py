"""The leased queue and the shared host budget against a real Redis (no crawl)."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from scrapy import Request, Spider
from scrapy.settings import Settings

from scraper.cluster.connection import connect
from scraper.cluster.hostbudget import HostBudget
from scraper.cluster.keys import ClusterKeys
from scraper.cluster.leasedqueue import META_LEASE, LeasedHostQueue
from scraper.cluster.status import read_status, render
from scraper.cluster.worker import WorkerLife
from tests.cluster_support import redis_frontier


class _Spider(Spider):
    name = "news"


@pytest.fixture
def frontier() -> Iterator[tuple[str, str]]:
    yield from redis_frontier()


def _queue(url: str, prefix: str, worker: str, delay: float = 0.0, leases: int = 4) -> LeasedHostQueue:
    spider = _Spider()
    spider.settings = Settings({"ARCHIVE_CLUSTER_PREFIX": prefix, "ARCHIVE_CLUSTER_WORKER_ID": worker,
                                "ARCHIVE_CLUSTER_HOST_LEASES": leases, "ARCHIVE_CLUSTER_HOST_DELAY": delay})
    server = connect(url)
    WorkerLife(server, ClusterKeys(prefix), worker, "run", lease_timeout=30).register({"urls": []})
    queue = LeasedHostQueue(server, spider, f"{prefix}:run")
    queue.join()
    return queue


def _drain(queue: LeasedHostQueue) -> list[Request]:
    popped = []
    while (request := queue.pop()) is not None:
        popped.append(request)
    return popped


def test_pop_leases_and_ack_forgets(frontier: tuple[str, str]) -> None:
    queue = _queue(*frontier, worker="w1")
    queue.push(Request("http://a.test/1"))
    queue.push(Request("http://a.test/2", priority=5))
    assert len(queue) == 2
    first = queue.pop()
    assert first is not None and first.url == "http://a.test/2"  # higher priority first
    assert len(queue) == 1 and queue.leased() == 1
    queue.ack(first.meta[META_LEASE])
    assert queue.leased() == 0


def test_seen_mark_and_push_are_one_step(frontier: tuple[str, str]) -> None:
    """A kill between "mark seen" and "push" would lose the URL for good: the script does both."""
    queue = _queue(*frontier, worker="w1")
    seen_key = queue._k("test-dupefilter")
    assert queue.push(Request("http://a.test/1"), seen_key, "fp-1") is True
    assert queue.push(Request("http://a.test/1"), seen_key, "fp-1") is False  # seen: not queued again
    assert queue.push(Request("http://a.test/1", dont_filter=True), seen_key, "") is True  # always queued
    assert len(queue) == 2
    assert queue.server.sismember(seen_key, "fp-1")


def test_dead_workers_leases_go_back(frontier: tuple[str, str]) -> None:
    url, prefix = frontier
    dying = _queue(url, prefix, worker="dying")
    for n in range(3):
        dying.push(Request(f"http://h{n}.test/page"))
    taken = _drain(dying)
    assert len(taken) == 3 and len(dying) == 0 and dying.leased() == 3
    survivor = _queue(url, prefix, worker="survivor")
    assert survivor.reclaim() == 0  # the dying worker's heartbeat still exists
    dying.server.delete(ClusterKeys(prefix).heartbeat("dying"))  # what kill -9 leads to
    assert survivor.reclaim() == 3
    assert sorted(r.url for r in _drain(survivor)) == sorted(r.url for r in taken)
    assert survivor.leased() == 3


def test_a_host_is_not_handed_out_again_before_its_delay(frontier: tuple[str, str]) -> None:
    queue = _queue(*frontier, worker="w1", delay=0.5)
    for n in range(2):
        queue.push(Request(f"http://slow.test/{n}"))
    queue.push(Request("http://other.test/0"))
    first = _drain(queue)
    assert sorted(r.url for r in first) == ["http://other.test/0", "http://slow.test/0"]
    assert queue.next_ready is not None and 0 < queue.next_ready <= 0.5
    time.sleep(0.6)
    assert [r.url for r in _drain(queue)] == ["http://slow.test/1"]


def test_lease_cap_per_host(frontier: tuple[str, str]) -> None:
    queue = _queue(*frontier, worker="w1", leases=2)
    for n in range(4):
        queue.push(Request(f"http://busy.test/{n}"))
    assert len(_drain(queue)) == 2
    queue.ack_all()
    time.sleep(0.06)
    assert len(_drain(queue)) == 2


def test_host_budget_spaces_requests_from_the_end_of_the_previous_one(frontier: tuple[str, str]) -> None:
    url, prefix = frontier
    budget = HostBudget(connect(url), ClusterKeys(prefix), delay=0.0, concurrency=2, token_ttl=30, margin=0.0)
    assert budget.acquire("h.test", "robots") == 0.0
    assert budget.acquire("h.test", "other") == -1.0  # robots.txt unknown: one at a time
    budget.release("h.test", "robots")
    budget.learn_crawl_delay("h.test", 0.4)
    wait = budget.acquire("h.test", "a")
    assert 0.3 < wait <= 0.4
    time.sleep(wait)
    assert budget.acquire("h.test", "a") == 0.0
    assert budget.acquire("h.test", "b") == -1.0  # a delay means one request at a time
    budget.release("h.test", "a")
    assert 0.3 < budget.acquire("h.test", "b") <= 0.4


def test_pause_holds_every_worker(frontier: tuple[str, str]) -> None:
    url, prefix = frontier
    budget = HostBudget(connect(url), ClusterKeys(prefix), delay=0.0, concurrency=4, token_ttl=30, margin=0.0)
    budget.learn_crawl_delay("p.test", 0.0)
    budget.pause("p.test", 2.0)
    assert 1.5 < budget.acquire("p.test", "x") <= 2.0


def test_status_lists_workers_runs_and_hosts(frontier: tuple[str, str]) -> None:
    url, prefix = frontier
    queue = _queue(url, prefix, worker="w1")
    queue.push(Request("http://a.test/1"))
    queue.push(Request("http://a.test/2"))
    queue.push(Request("http://b.test/1"))
    HostBudget(queue.server, ClusterKeys(prefix), 0.0, 2, 30, 0.0).learn_crawl_delay("a.test", 2.0)
    queue.server.sadd(ClusterKeys(prefix).hosts, "a.test")
    lines = render(read_status(queue.server, ClusterKeys(prefix)))
    assert lines[0] == "Workers: 1 alive, 0 gone"
    assert "  run: 3 queued, 0 leased, 0 URLs seen" in lines
    assert "    a.test: 2 queued" in lines and "    b.test: 1 queued" in lines
    assert "  a.test: Crawl-delay 2 s, 0 on the wire" in lines


def test_download_time_limit_survives_a_trip_to_another_machine(
        frontier: tuple[str, str], monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """ARCHIVE_MAX_DOWNLOAD_TIME bounds a URL's tries together; a retry queued on machine A
    (whose monotonic clock started at its boot) may be fetched on machine B."""
    from types import SimpleNamespace

    from scrapy.utils.test import get_crawler

    from scraper import settings as project_settings
    from scraper.cluster import leasedqueue
    from scraper.downloadermiddlewares.warc_capture import (
        META_FIRST_TRY,
        DownloadTimeExceeded,
        WarcCaptureMiddleware,
    )

    queue = _queue(*frontier, worker="w1")
    clock_a = SimpleNamespace(monotonic=lambda: time.monotonic() - 1e6)  # A booted ~12 days after B
    with monkeypatch.context() as patch:
        patch.setattr(leasedqueue, "time", clock_a)
        for url, used in (("http://a.test/used-50s", 50.0), ("http://b.test/used-70s", 70.0)):
            queue.push(Request(url, meta={META_FIRST_TRY: clock_a.monotonic() - used}))
    stored = [queue._decode_request(data) for key in queue.server.scan_iter(match=f"{queue.key}:q:*")
              for data in queue.server.zrange(key, 0, -1)]
    assert sorted(round(r.meta[leasedqueue.META_TRIED_FOR]) for r in stored) == [50, 70]
    assert all(META_FIRST_TRY not in r.meta for r in stored), "no machine's clock in Redis"

    on_b = {r.url: r for r in _drain(queue)}  # taken by a worker on machine B
    project = {name: getattr(project_settings, name) for name in dir(project_settings) if name.startswith("ARCHIVE_")}
    crawler = get_crawler(settings_dict={**project, "ARCHIVE_DATA_DIR": str(tmp_path),
                                         "ARCHIVE_MAX_DOWNLOAD_TIME": 60, "DOWNLOAD_TIMEOUT": 180})
    capture = WarcCaptureMiddleware.from_crawler(crawler)
    capture.process_request(on_b["http://a.test/used-50s"])
    assert 9 < on_b["http://a.test/used-50s"].meta["download_timeout"] <= 11  # 10 s left (+1 s grace)
    with pytest.raises(DownloadTimeExceeded, match="its tries took over 60 s"):
        capture.process_request(on_b["http://b.test/used-70s"])


def test_every_cluster_setting_is_documented() -> None:
    from pathlib import Path

    from scraper.cluster.settings import DEFAULTS

    text = (Path(__file__).resolve().parents[1] / "docs" / "scale.md").read_text(encoding="utf-8")
    assert [name for name in DEFAULTS if f"`{name}`" not in text] == []


def test_unreachable_or_bad_frontier_is_one_line(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from click.testing import CliRunner

    from scraper.cli import main

    runner = CliRunner()
    result = runner.invoke(main, ["crawl", "http://127.0.0.1:9/", "--allow-private", "--data-dir", str(tmp_path),
                                  "--frontier", "redis://127.0.0.1:1/0"])
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1].startswith("Error: cannot reach the frontier at redis://127.0.0.1:1/0")
    result = runner.invoke(main, ["status", "--frontier", "http://example.org/"])
    assert (result.exit_code, result.output) == (1, "Error: bad --frontier 'http://example.org/': "
                                                    "expected redis://HOST:6379/0\n")
    result = runner.invoke(main, ["status"], env={"NEWSARCHIVE_FRONTIER": ""})
    assert result.exit_code == 2 and "--frontier (or NEWSARCHIVE_FRONTIER) is required" in result.output
