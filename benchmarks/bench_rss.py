"""RSS of the crawl process over one long crawl (issue 10, target 6: flat).

Crawls a generated site served by nginx once and prints the crawl process's RSS at each
tenth of the run (the extraction workers are separate processes, not counted here).

``--frontier N`` instead drives the crawl frontier alone (``archive.db.frontier``) through N
pages as the crawl does: each page discovers itself and 80 links (mostly known), is
recorded as fetched, and the changes are flushed in the background every 200 pages;
RSS of this process at each tenth. It isolates the frontier from Scrapy's own per-URL
state (the dupefilter's fingerprints), which a bare Scrapy crawl keeps as well.

    python benchmarks/bench_rss.py [--articles 5000] [--db]
    python benchmarks/bench_rss.py --frontier 100000
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench_capture import _adopt_orphans, _command, _run
from benchmarks.nginx import Nginx
from benchmarks.sitegen import generate_site


def _frontier_curve(pages: int, work: Path) -> list[float]:
    import datetime as dt

    from archive.db.frontier import FetchResult, Frontier
    from archive.db.session import open_database
    from archive.db.sites import adhoc_site

    db = open_database(work)
    site = adhoc_site(db, ["https://bench.example/"])
    frontier = Frontier(db, site.id)
    curve, now = [], dt.datetime.now(dt.UTC)
    for n in range(pages):
        url = f"https://bench.example/a/{n}.html"
        frontier.discover(url, "page", depth=1)
        for link in range(80):  # the page's links: its neighbours and the same front pages
            frontier.discover(f"https://bench.example/a/{max(0, n - 40 + link)}.html"
                              if link < 60 else f"https://bench.example/list/{link}.html")
        frontier.record_fetch(url, FetchResult(status=200, etag=f'"{n}"', record_id=f"<urn:uuid:{n}>"), now=now)
        if n % 200 == 199:
            frontier.flush_in_background()
        if (n + 1) % (pages // 10) == 0:
            curve.append(_self_rss_mb())
    frontier.close()
    db.dispose()
    return curve


def _self_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--db", action="store_true", help="the default crawl (else ARCHIVE_DB_ENABLED=False)")
    parser.add_argument("--frontier", type=int, default=0, metavar="PAGES", help="the frontier alone, PAGES pages")
    args = parser.parse_args()
    if args.frontier:
        work = Path(tempfile.mkdtemp(prefix="bench-rss-frontier-"))
        try:
            curve = _frontier_curve(args.frontier, work)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        print(f"frontier alone, {args.frontier} pages: RSS MB at each tenth: {', '.join(f'{r:.0f}' for r in curve)}")
        return
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
