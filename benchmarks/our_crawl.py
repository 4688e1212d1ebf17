"""Our pipeline: ``run_crawl`` writing WARCs, with the same concurrency as the baseline.

Run as ``python benchmarks/our_crawl.py URL CONCURRENCY DATA_DIR``; prints JSON stats.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from scraper.run import CrawlOptions, run_crawl


def main() -> None:
    url, concurrency, data_dir = sys.argv[1], sys.argv[2], Path(sys.argv[3])
    summary = run_crawl(
        CrawlOptions(
            seeds=[url],
            data_dir=data_dir,
            allow_private=True,
            overrides={
                "LOG_LEVEL": "WARNING",
                "ROBOTSTXT_OBEY": "False",
                "AUTOTHROTTLE_ENABLED": "False",
                "CONCURRENT_REQUESTS": concurrency,
                "CONCURRENT_REQUESTS_PER_DOMAIN": concurrency,
                "ARCHIVE_PROGRESS_ENABLED": "False",
                "ARCHIVE_DB_ENABLED": "False",
            },
        )
    )
    print(json.dumps({"responses": summary.responses,
                      "seconds": summary.stats.get("elapsed_time_seconds", summary.seconds)}))


if __name__ == "__main__":
    main()
