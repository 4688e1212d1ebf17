"""Incremental recrawl vs full recrawl of a local news site where 1% changed.

    python benchmarks/bench_incremental.py [--articles 10000] [--changed 0.01]

1. nginx serves a static news site (feed, sitemap index, paginated section, articles).
2. ``newsarchive site add bench URL`` + ``newsarchive crawl bench``: the first crawl.
3. 1% of the articles are rewritten and their sitemap ``lastmod`` bumped.
4. ``newsarchive crawl bench`` again (incremental) and, for comparison, a full recrawl of
   the changed site into a fresh data dir. Requests made (Scrapy's
   downloader/request_count) and wall time are reported. Target: incremental <= 5% of
   the full crawl's requests.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.newssite import NewsSite  # noqa: E402
from benchmarks.nginx import Nginx  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
CRAWL_SETTINGS = ["-s", "AUTOTHROTTLE_ENABLED=False", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8",
                  "-s", "LOG_LEVEL=WARNING", "-s", "ARCHIVE_PROGRESS_ENABLED=False", "--allow-private"]


def newsarchive(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "scraper.cli", *args], cwd=REPO, capture_output=True,
                          text=True, check=True)


def crawl(data_dir: Path, target: str) -> dict[str, float]:
    summary = data_dir / "summary.json"
    started = time.monotonic()
    newsarchive("crawl", target, "--data-dir", str(data_dir), "--summary-file", str(summary), *CRAWL_SETTINGS)
    seconds = time.monotonic() - started
    stats = json.loads(summary.read_text())
    return {"seconds": seconds, "responses": stats["responses"], "pages": stats["pages"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--changed", type=float, default=0.01)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-incremental-"))
    work.chmod(0o755)
    root = work / "site"
    root.mkdir()
    server = Nginx(root)
    try:
        site = NewsSite(root, args.articles, server.url)
        site.write_all()
        data = work / "data"
        newsarchive("site", "add", "bench", server.url, "--data-dir", str(data))
        first = crawl(data, "bench")
        print(f"first crawl: {first['responses']:.0f} responses in {first['seconds']:.1f} s")
        changed = site.edit(args.changed)
        incremental = crawl(data, "bench")
        print(f"incremental recrawl ({len(changed)} articles changed): "
              f"{incremental['responses']:.0f} responses in {incremental['seconds']:.1f} s")
        full = crawl(work / "full", server.url)
        print(f"full recrawl (fresh data dir): {full['responses']:.0f} responses in {full['seconds']:.1f} s")
        print(f"incremental / full: requests {incremental['responses'] / full['responses']:.2%}, "
              f"time {incremental['seconds'] / full['seconds']:.2%} (target: requests <= 5%)")
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
