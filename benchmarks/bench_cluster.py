"""Cluster scaling: 1, 2, 3 ``crawl --frontier`` workers on a latency-bound site, and Redis memory.

    python benchmarks/bench_cluster.py [--hosts 24] [--articles 12] [--workers 1,2,3]
                                       [--concurrency 2] [--delay-every 4] [--crawl-delay 0.5]
                                       [--db URL] [--memory 100000] [--rounds 3]

1. The loopback news site of tests/cluster_support.py on ``--hosts`` hosts (127.0.0.2 ...),
   each response delayed 100-300 ms, Crawl-delay 0.5 s on every fourth host
   (``--delay-every``, ``--crawl-delay``).
2. For each worker count, that many workers crawl it through one Redis frontier (a fresh
   key prefix each time). pages/s = pages fetched / the span between the first and the last
   request the servers saw; steady pages/s counts only from the moment the last worker
   joined to the 90th-percentile page (start-up is staggered on a loaded machine).
   Politeness is checked from the servers' log: no host with a Crawl-delay saw two
   requests closer than it.
   ``--rounds`` alternates the worker counts (1, 2, 3, 1, 2, 3, ...) so that a shared
   machine's load falls on every count alike; each round's ratios are against that round's
   1-worker crawl, and the medians over the rounds are reported.
3. Redis memory: ``--memory`` typical requests pushed through the leased queue, and as many
   fingerprints into the dupefilter set; MEMORY USAGE of the keys, per million.

Each worker has ``CONCURRENT_REQUESTS=--concurrency``: its own throughput is bound by the
latency, so more workers should mean more pages/s until the hosts' budgets bind.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.cluster_support import ClusterSite, start_worker  # noqa: E402

REDIS = "redis://127.0.0.1:6379/0"


def run_workers(site: ClusterSite, workers: int, base: Path, concurrency: int, db: str | None) -> dict[str, float]:
    prefix = f"bench{uuid.uuid4().hex[:8]}"
    extra = ["-s", f"CONCURRENT_REQUESTS={concurrency}", "-s", "LOG_LEVEL=INFO"]
    extra += ["--db", db] if db else ["-s", "ARCHIVE_DB_ENABLED=False"]
    before = len(site.requests())
    cpu_before = _children_cpu()
    procs = [start_worker(base / f"n{workers}-w{i}", REDIS, prefix, site.urls, *extra) for i in range(workers)]
    codes = [p.wait(timeout=1800) for p in procs]
    cpu = _children_cpu() - cpu_before
    entries = site.requests()[before:]
    times = sorted(e["t"] for e in entries)
    page_times = sorted(e["t"] for e in entries if e["path"] != "/robots.txt")
    span = times[-1] - times[0]
    _cleanup(prefix)
    # Steady state: from the moment the last worker joined to the 90th percentile page,
    # so staggered process start-up (10-20 s on a loaded machine) and the tail of the
    # Crawl-delay hosts do not count.
    all_in = max(_joined_at(base / f"n{workers}-w{i}.log") for i in range(workers))
    end = page_times[int(len(page_times) * 0.9)]
    steady = [t for t in page_times if all_in <= t <= end]
    delayed = {site.urls[i].split("/")[2] for i in site.delays}
    ends = {kind: max((e["t"] for e in entries if (e["host"] in delayed) == is_delayed), default=times[0])
            - times[0] for kind, is_delayed in (("delay", True), ("other", False))}
    return {"workers": workers, "exit_codes": codes, "requests": len(entries), "pages": len(page_times),
            # when the Crawl-delay hosts and the other hosts were done: the end is politeness-bound
            # when the first is much later than the second
            "crawl_delay_hosts_done_s": round(ends["delay"], 1), "other_hosts_done_s": round(ends["other"], 1),
            "seconds": round(span, 1), "pages_per_s": round(len(page_times) / span, 2),
            "steady_pages_per_s": round(len(steady) / max(end - all_in, 0.001), 2),
            "worker_cpu_s_per_page": round(cpu / len(page_times), 3), "load_avg_1m": os.getloadavg()[0]}


def _children_cpu() -> float:
    """CPU seconds (user + system) of the worker processes waited for so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _joined_at(log: Path) -> float:
    """When the worker logged "Joined run" (Scrapy's log time, local, 1 s resolution)."""
    for line in log.read_text().splitlines():
        if "Joined run" in line:
            stamp = time.strptime(line[:19], "%Y-%m-%d %H:%M:%S")
            return time.mktime(stamp)
    raise RuntimeError(f"{log}: the worker never joined")


def spacing_ok(site: ClusterSite) -> list[str]:
    return site.spacing_violations()


def _cleanup(prefix: str) -> None:
    import redis

    client = redis.Redis.from_url(REDIS)
    for key in client.scan_iter(match=f"{prefix}:*", count=1000):
        client.delete(key)


def redis_memory(count: int) -> dict[str, float]:
    """Bytes per million queued requests and per million fingerprints."""
    import redis
    from scrapy import Request, Spider
    from scrapy.settings import Settings

    from scraper.cluster.leasedqueue import LeasedHostQueue

    client = redis.Redis.from_url(REDIS)
    prefix = f"benchmem{uuid.uuid4().hex[:8]}"
    spider = Spider(name="news")
    spider.settings = Settings({"ARCHIVE_CLUSTER_PREFIX": prefix, "ARCHIVE_CLUSTER_WORKER_ID": "bench",
                                "ARCHIVE_CLUSTER_HOST_LEASES": 4, "ARCHIVE_CLUSTER_HOST_DELAY": 0.0})
    queue = LeasedHostQueue(client, spider, f"{prefix}:run")
    for n in range(count):
        url = f"https://news{n % 500}.example.org/2024/03/{n % 28 + 1:02d}/story-number-{n}-about-the-budget/"
        queue.push(Request(url, meta={"archive_kind": "article", "depth": 2}, priority=n % 100))
    queued = _key_bytes(client, f"{prefix}:run:*")
    pipe = client.pipeline(transaction=False)
    for n in range(count):
        pipe.sadd(f"{prefix}:run:dupefilter", hashlib.sha1(str(n).encode()).hexdigest())
        if n % 10000 == 9999:
            pipe.execute()
    pipe.execute()
    fingerprints = _key_bytes(client, f"{prefix}:run:dupefilter")
    _cleanup(prefix)
    scale = 1_000_000 / count
    return {"per_million_requests_mb": round(queued * scale / 1e6), "per_million_fingerprints_mb":
            round(fingerprints * scale / 1e6), "sample": count}


def _key_bytes(client, pattern: str) -> int:  # type: ignore[no-untyped-def]
    """MEMORY USAGE of every key matching ``pattern`` (exact: SAMPLES 0); a shared Redis's
    used_memory moves with everyone else's keys."""
    return sum(int(client.memory_usage(key, samples=0) or 0) for key in client.scan_iter(match=pattern, count=1000))


def _summarise(rounds: list[dict[int, dict]], counts: list[int]) -> None:
    """Median pages/s per worker count, and the median of each round's ratio to its 1-worker crawl."""
    one = counts[0]
    for key in ("pages_per_s", "steady_pages_per_s"):
        for workers in counts:
            values = [r[workers][key] for r in rounds]
            line = f"{workers} workers: {key} median {statistics.median(values):.2f} ({', '.join(map(str, values))})"
            if workers != one:
                ratios = [r[workers][key] / r[one][key] for r in rounds]
                line += (f"; {statistics.median(ratios):.2f}x the 1-worker crawl "
                         f"(rounds: {', '.join(f'{x:.2f}' for x in ratios)})")
            print(line)
    violations = sum(r[w]["politeness_violations"] for r in rounds for w in counts)
    print(f"politeness: {violations} Crawl-delay violations over {len(rounds)} rounds")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--hosts", type=int, default=24)
    parser.add_argument("--articles", type=int, default=12)
    parser.add_argument("--workers", default="1,2,3")
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--delay-every", type=int, default=4, help="Crawl-delay on every Nth host")
    parser.add_argument("--crawl-delay", type=float, default=0.5)
    parser.add_argument("--db", default=None, help="PostgreSQL URL (default: no database, frontier only)")
    parser.add_argument("--memory", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds of every worker count")
    args = parser.parse_args()
    counts = [int(n) for n in args.workers.split(",")]
    rounds: list[dict[int, dict]] = []
    with tempfile.TemporaryDirectory(prefix="bench-cluster-") as tmp:
        base = Path(tmp)
        for number in range(args.rounds):
            results: dict[int, dict] = {}
            (base / f"r{number}").mkdir()
            for workers in counts:
                delays = {i: args.crawl_delay for i in range(0, args.hosts, args.delay_every)}
                run_dir = base / f"r{number}-site{workers}"
                run_dir.mkdir()
                with ClusterSite(run_dir, args.hosts, args.articles, delays, latency=(0.1, 0.3)) as site:
                    result = run_workers(site, workers, base / f"r{number}", args.concurrency, args.db)
                    result["politeness_violations"] = len(spacing_ok(site))
                result["round"] = number
                results[workers] = result
                print(json.dumps(result), flush=True)
            rounds.append(results)
    _summarise(rounds, counts)
    if args.memory:
        print(json.dumps(redis_memory(args.memory)))


if __name__ == "__main__":
    main()
