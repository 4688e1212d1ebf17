"""RSS of the crawl process over one long crawl (issue 10, target 6: flat).

Crawls a generated site served by nginx once and prints the crawl process's RSS at each
tenth of the run (the extraction workers are separate processes, not counted here).

    python benchmarks/bench_rss.py [--articles 5000] [--db]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench_capture import _adopt_orphans, _command, _run
from benchmarks.nginx import Nginx
from benchmarks.sitegen import generate_site


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--db", action="store_true", help="the default crawl (else ARCHIVE_DB_ENABLED=False)")
    args = parser.parse_args()
    _adopt_orphans()
    work = Path(tempfile.mkdtemp(prefix="bench-rss-"))
    work.chmod(0o755)
    generate_site(work / "site", args.articles)
    server = Nginx(work / "site")
    try:
        mode = "default" if args.db else "capture"
        result = _run(_command(mode, server.url, args.concurrency, work / "data"), server.process.pid)
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)
    rss = result["rss"]
    curve = [rss[min(len(rss) - 1, len(rss) * k // 10)] for k in range(1, 11)]
    print(f"{mode}: {result['responses']:.0f} responses in {result['seconds']:.1f} s; "
          f"RSS MB at each tenth of the run: {', '.join(f'{r:.0f}' for r in curve)}")


if __name__ == "__main__":
    main()
