"""RSS of the crawl process over one long crawl (issue 10, target 6: flat).

Crawls a generated site served by nginx once, samples every ``--every`` seconds, and
prints for each tenth of the pages served (counted in nginx's access log) the median RSS of
the crawl process and the median PSS of its whole process tree (the crawl plus the extraction workers and their fork server; PSS so
that pages the forked workers share with their parent are counted once).
``--mode``: ``default`` (``newsarchive crawl``: WARC + extraction + SQLite, what users run),
``capture`` (``ARCHIVE_DB_ENABLED=False``) or ``bare`` (a bare Scrapy CrawlSpider, whose
dupefilter keeps a fingerprint per URL: the part of the growth that is Scrapy's own).
``--site DIR`` reuses (or generates once into DIR) the site, so that several modes crawl
the same pages; ``--samples FILE`` writes every sample (seconds, pages, RSS, tree PSS) as CSV.

``--frontier N`` instead drives the crawl frontier alone (``archive.db.frontier``) through N
pages as the crawl does: each page discovers itself and 80 links (mostly known), is
recorded as fetched, and the changes are flushed in the background every 200 pages;
RSS of this process at each tenth. It isolates the frontier from Scrapy's own per-URL
state (the dupefilter's fingerprints), which a bare Scrapy crawl keeps as well.

    python benchmarks/bench_rss.py [--articles 5000] [--mode default|capture|bare] [--site DIR]
    python benchmarks/bench_rss.py --frontier 100000
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench_capture import HERE, _adopt_orphans, _command, _reap, _rss_mb
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


def _descendants(root: int) -> list[int]:
    """``root`` and every process below it (the extraction fork server and its workers)."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    tree, frontier = [root], [root]
    while frontier:
        frontier = [pid for pid, ppid in parents.items() if ppid in frontier]
        tree.extend(frontier)
    return tree


def _pss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


class _AccessLog:
    """Requests nginx has served so far: lines of its access log, read incrementally."""

    def __init__(self, path: Path) -> None:
        self.path, self.offset, self.lines = path, 0, 0

    def count(self) -> int:
        try:
            with self.path.open("rb") as log:
                log.seek(self.offset)
                chunk = log.read()
        except OSError:
            return self.lines
        complete = chunk.rfind(b"\n") + 1
        self.lines += chunk.count(b"\n", 0, complete)
        self.offset += complete
        return self.lines


def _crawl(command: list[str], log: _AccessLog, keep: int, every: float) -> tuple[dict[str, float], list[tuple[float, ...]]]:
    """Run one crawl; sample (seconds, pages served, crawl RSS MB, tree PSS MB, processes) every ``every`` s."""
    env = {**os.environ, "PYTHONPATH": str(HERE.parent)}
    started = time.monotonic()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=HERE.parent, env=env)
    samples: list[tuple[float, ...]] = []
    while proc.poll() is None:
        tree = _descendants(proc.pid)
        rss = _rss_mb(proc.pid)
        if rss:
            samples.append((time.monotonic() - started, log.count(), rss, sum(map(_pss_mb, tree)), len(tree)))
        time.sleep(every)
    out, err = proc.communicate()
    if proc.returncode:
        raise SystemExit(f"{command} failed:\n{err[-2000:]}")
    _reap(keep)
    return json.loads(out.strip().splitlines()[-1]), samples


def _tenths(samples: list[tuple[float, ...]]) -> list[list[tuple[float, ...]]]:
    """The samples taken in each tenth of the pages served (RSS swings while the search
    index catches up every 10 s, so one sample per tenth would be noise; medians are not)."""
    total = samples[-1][1]
    bands: list[list[tuple[float, ...]]] = [[] for _ in range(10)]
    for sample in samples:
        if sample[1] > 0:
            bands[min(9, int(sample[1] * 10 // total) if sample[1] < total else 9)].append(sample)
    return bands


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--mode", choices=("default", "capture", "bare"), default="capture")
    parser.add_argument("--db", action="store_true", help="same as --mode default")
    parser.add_argument("--site", type=Path, help="the generated site's folder: reused if there, else generated and kept")
    parser.add_argument("--samples", type=Path, help="write every sample to this CSV file")
    parser.add_argument("--every", type=float, default=2.0, help="seconds between samples")
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
    mode = "default" if args.db else args.mode
    _adopt_orphans()
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start", flush=True)
    work = Path(tempfile.mkdtemp(prefix="bench-rss-"))
    work.chmod(0o755)  # nginx workers run as an unprivileged user
    site = args.site or work / "site"
    if not (site / "index.html").exists():
        generate_site(site, args.articles)
    server = Nginx(site, access_log=work / "access.log")
    try:
        result, samples = _crawl(_command(mode, server.url, args.concurrency, work / "data", None),
                                 _AccessLog(work / "access.log"), server.process.pid, args.every)
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)
    if args.samples:
        args.samples.write_text("seconds,pages,crawl_rss_mb,tree_pss_mb,processes\n"
                                + "".join(",".join(f"{v:.1f}" for v in s) + "\n" for s in samples))
    print(f"load average {os.getloadavg()[0]:.1f} at end")
    print(f"{mode}: {result['responses']:.0f} responses in {result['seconds']:.1f} s "
          f"({result['responses'] / result['seconds']:.1f}/s)")
    print("each tenth of the pages served, up to N pages -> crawl process RSS MB, median (min-max) of its samples "
          "/ process tree PSS MB, median (max):")
    for band in _tenths(samples):
        if band:
            rss, pss = [s[2] for s in band], [s[3] for s in band]
            print(f"  {band[-1][1]:>8.0f} -> {statistics.median(rss):4.0f} ({min(rss):.0f}-{max(rss):.0f}) "
                  f"/ {statistics.median(pss):4.0f} ({max(pss):.0f}), {len(band)} samples")
    print(f"peak: crawl RSS {max(s[2] for s in samples):.0f} MB, tree PSS {max(s[3] for s in samples):.0f} MB")


if __name__ == "__main__":
    main()
