"""Capture overhead: bare Scrapy CrawlSpider vs ``newsarchive crawl`` writing WARCs.

Both crawl the same static site (default 2,000 article pages of ~50 KB, gzipped by
nginx) with the same concurrency, alternating, three rounds; we report pages/s of each
and the ratio of the medians. Target: ratio >= 0.9.

    python benchmarks/bench_capture.py [--articles 2000] [--rounds 3] [--concurrency 8]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.nginx import Nginx  # noqa: E402
from benchmarks.sitegen import generate_site  # noqa: E402

HERE = Path(__file__).resolve().parent


def _run(command: list[str]) -> dict[str, float]:
    result = subprocess.run(command, capture_output=True, text=True, check=True, cwd=HERE.parent)
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-capture-"))
    work.chmod(0o755)  # nginx workers run as an unprivileged user
    generate_site(work / "site", args.articles)
    server = Nginx(work / "site")
    bare_rates, our_rates = [], []
    try:
        for round_number in range(args.rounds):
            bare = _run([sys.executable, str(HERE / "bare_spider.py"), server.url, str(args.concurrency)])
            data_dir = work / f"data-{round_number}"
            ours = _run([sys.executable, str(HERE / "our_crawl.py"), server.url, str(args.concurrency), str(data_dir)])
            warc_bytes = sum(p.stat().st_size for p in (data_dir / "warcs").glob("*.warc.gz"))
            shutil.rmtree(data_dir)
            bare_rates.append(bare["responses"] / bare["seconds"])
            our_rates.append(ours["responses"] / ours["seconds"])
            print(
                f"round {round_number + 1}: bare {bare['responses']:.0f} pages in {bare['seconds']:.2f} s "
                f"({bare_rates[-1]:.0f}/s); newsarchive {ours['responses']:.0f} pages in "
                f"{ours['seconds']:.2f} s ({our_rates[-1]:.0f}/s), WARC {warc_bytes / 1e6:.1f} MB"
            )
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)
    bare_median, our_median = statistics.median(bare_rates), statistics.median(our_rates)
    print(
        f"median pages/s: bare Scrapy {bare_median:.0f}, newsarchive {our_median:.0f}, "
        f"ratio {our_median / bare_median:.2f} (target >= 0.90)"
    )


if __name__ == "__main__":
    main()
