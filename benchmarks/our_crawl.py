"""Our pipeline: ``run_crawl`` writing WARCs, with the same concurrency as the baseline.

Run as ``python benchmarks/our_crawl.py URL CONCURRENCY DATA_DIR [--db] [NAME=VALUE ...]``; prints JSON
stats. Without ``--db`` it is ``newsarchive crawl -s ARCHIVE_DB_ENABLED=False`` (capture
and discovery only); with ``--db`` it is the default crawl: WARC + extraction in worker
processes + SQLite rows (and the frontier), exiting once every row is stored.
``NAME=VALUE`` arguments are Scrapy settings, as ``crawl -s NAME=VALUE`` (for A/B runs).
With ``BENCH_TRACEMALLOC=DIR`` in the environment the crawl process traces its allocations
and writes a snapshot to DIR every ``BENCH_TRACEMALLOC_EVERY`` seconds (default 60), to diff
what grew between two points of a long crawl (slow: for finding a leak, not for figures).
"""

from __future__ import annotations

import json
import os
import resource
import sys
import threading
import time
import tracemalloc
from pathlib import Path

from scraper.run import CrawlOptions, run_crawl


def _trace_allocations(directory: Path, every: float) -> None:
    """Snapshots of the traced allocations, numbered, from a daemon thread."""
    tracemalloc.start(1)
    directory.mkdir(parents=True, exist_ok=True)

    def dump() -> None:
        for n in range(1_000_000):
            time.sleep(every)
            tracemalloc.take_snapshot().dump(str(directory / f"{n:04d}.snapshot"))

    threading.Thread(target=dump, name="bench-tracemalloc", daemon=True).start()


def main() -> None:
    if os.environ.get("BENCH_TRACEMALLOC"):
        _trace_allocations(Path(os.environ["BENCH_TRACEMALLOC"]), float(os.environ.get("BENCH_TRACEMALLOC_EVERY", 60)))
    url, concurrency, data_dir = sys.argv[1], sys.argv[2], Path(sys.argv[3])
    database = "--db" in sys.argv[4:]
    overrides = {
        "LOG_LEVEL": "WARNING",
        "ROBOTSTXT_OBEY": "False",
        "AUTOTHROTTLE_ENABLED": "False",
        "CONCURRENT_REQUESTS": concurrency,
        "CONCURRENT_REQUESTS_PER_DOMAIN": concurrency,
        "ARCHIVE_PROGRESS_ENABLED": "False",
    }
    if not database:
        overrides["ARCHIVE_DB_ENABLED"] = "False"
    overrides.update(arg.split("=", 1) for arg in sys.argv[4:] if "=" in arg)
    summary = run_crawl(CrawlOptions(seeds=[url], data_dir=data_dir, allow_private=True, overrides=overrides))
    stats = summary.stats
    print(json.dumps({"responses": summary.responses,
                      "seconds": stats.get("elapsed_time_seconds", summary.seconds),
                      "rows": sum(v for k, v in stats.items() if k.startswith("newsarchive/db/")
                                  and k.split("/")[-1] in ("new-article", "not-article", "new-version")),
                      "backlog_max": stats.get("newsarchive/db/backlog_max", 0),
                      "self_cpu": _own_cpu()}))


def _own_cpu() -> float:
    """CPU seconds of this (the crawl) process alone, every thread; extraction workers excluded."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


if __name__ == "__main__":
    main()
