"""Crawl throughput: bare Scrapy CrawlSpider vs ``newsarchive crawl``, DB off and default.

All three crawl the same static site (default 1,000 article pages of ~50 KB plus list
pages, gzipped by nginx on 127.0.0.1; each article carries the metadata a real news
article carries: OpenGraph and ``article:*`` dates, JSON-LD ``NewsArticle``, a byline,
section links and related-story links, see ``benchmarks/sitegen.py``) with the same
concurrency, AutoThrottle off, alternating within each round:

* ``bare``: ``benchmarks/bare_spider.py``, a CrawlSpider that follows every link, keeps nothing;
* ``capture``: ``newsarchive crawl -s ARCHIVE_DB_ENABLED=False`` (WARC capture, discovery);
* ``default``: ``newsarchive crawl`` as users run it: WARC + extraction in worker
  processes + SQLite rows, timed until every row is stored.

Reported per mode: pages/s over the crawl's ``elapsed_time_seconds`` (median of the
rounds) and its ratio to bare Scrapy in the same run (targets: capture >= 0.95,
default >= 0.9); CPU seconds (user + sys of the crawl and every process it started,
extraction workers included) per response, and the crawl process's own share; as the
floor for the default crawl's CPU, bare Scrapy's CPU per page plus plain
``trafilatura.extract`` CPU per page measured in this process on the same pages
(target: default <= 1.15x that sum); peak RSS.

``--compare DIR`` (another checkout, e.g. ``git archive main | tar -x -C DIR``) adds a
fourth mode, ``compare``: that checkout's default crawl, in the same rounds.

    python benchmarks/bench_capture.py [--articles 1000] [--rounds 3] [--concurrency 16] [--compare DIR]
"""

from __future__ import annotations

import argparse
import ctypes
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

from benchmarks.nginx import Nginx  # noqa: E402
from benchmarks.sitegen import generate_site  # noqa: E402

HERE = Path(__file__).resolve().parent
_PR_SET_CHILD_SUBREAPER = 36
MODES = ("bare", "capture", "default")


def _adopt_orphans() -> None:
    """Make this process the reaper of its descendants: the extraction workers' fork server
    outlives the crawl process, and only a reaped process's CPU shows in RUSAGE_CHILDREN."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        raise SystemExit("prctl(PR_SET_CHILD_SUBREAPER) failed: CPU of worker processes would be missed")


def _reap(keep: int) -> None:
    """Wait for every child but ``keep`` (nginx): the crawl's orphaned fork server among them."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        children = [pid for pid in _children() if pid != keep]
        if not children:
            return
        for pid in children:
            os.waitpid(pid, 0)


def _children() -> list[int]:
    me, found = str(os.getpid()), []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":\t", 1) for line in status.read_text().splitlines() if ":\t" in line)
        except (OSError, ValueError):
            continue
        if fields.get("PPid", "").strip() == me:
            found.append(int(status.parent.name))
    return found


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _run(command: list[str], keep: int, root: Path = HERE.parent) -> dict[str, float]:
    """Run one crawl (the code of checkout ``root``); its stats plus CPU of its whole process tree and its RSS curve."""
    cpu_before, wall = _cpu(), time.monotonic()
    env = {**os.environ, "PYTHONPATH": str(root)}
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=root, env=env)
    rss = []
    while proc.poll() is None:
        rss.append(_rss_mb(proc.pid))
        time.sleep(0.5)
    out, err = proc.communicate()
    if proc.returncode:
        raise SystemExit(f"{command} failed:\n{err[-2000:]}")
    _reap(keep)
    result = json.loads(out.strip().splitlines()[-1])
    result.update(cpu=_cpu() - cpu_before, wall=time.monotonic() - wall, rss=[r for r in rss if r])
    return result


def _command(mode: str, url: str, concurrency: int, data_dir: Path, compare: Path | None) -> list[str]:
    if mode == "bare":
        return [sys.executable, str(HERE / "bare_spider.py"), url, str(concurrency)]
    extra = ["--db"] if mode in ("default", "compare") else []
    script = (compare / "benchmarks" if mode == "compare" and compare else HERE) / "our_crawl.py"
    return [sys.executable, str(script), url, str(concurrency), str(data_dir), *extra]


def _trafilatura_cpu_per_page(site: Path, sample: int = 200) -> float:
    """Plain ``trafilatura.extract`` on the site's pages: the least extraction can cost."""
    import trafilatura

    pages = sorted(site.rglob("*.html"))[:sample]
    started = time.process_time()
    for page in pages:
        trafilatura.extract(page.read_text(encoding="utf-8"), url=f"http://bench/{page.name}")
    return (time.process_time() - started) / len(pages)


def _round(url: str, concurrency: int, work: Path, number: int, keep: int,
           compare: Path | None) -> dict[str, dict[str, float]]:
    results = {}
    for mode in MODES + (("compare",) if compare else ()):
        data_dir = work / f"data-{mode}-{number}"
        root = compare if mode == "compare" and compare else HERE.parent
        results[mode] = _run(_command(mode, url, concurrency, data_dir, compare), keep, root)
        shutil.rmtree(data_dir, ignore_errors=True)
        r = results[mode]
        print(f"round {number + 1} {mode:8}: {r['responses']:.0f} responses in {r['seconds']:.2f} s "
              f"({r['responses'] / r['seconds']:.1f}/s, process wall {r['wall']:.1f} s), CPU {r['cpu']:.1f} s, "
              f"peak RSS {max(r['rss'], default=0):.0f} MB"
              + (f", crawl process {r['self_cpu']:.1f} s" if "self_cpu" in r else "")
              + (f", {r['rows']:.0f} rows, backlog max {r['backlog_max']:.0f}" if mode in ("default", "compare") else ""),
              flush=True)
    return results


def _summary(rounds: list[dict[str, dict[str, float]]], trafilatura_cpu: float) -> None:
    rate = {m: statistics.median(r[m]["responses"] / r[m]["seconds"] for r in rounds) for m in MODES}
    cpu = {m: statistics.median(r[m]["cpu"] / r[m]["responses"] for r in rounds) for m in MODES}
    print(f"median pages/s: bare Scrapy {rate['bare']:.1f}, capture (DB off) {rate['capture']:.1f} "
          f"(ratio {rate['capture'] / rate['bare']:.2f}, target >= 0.95), default {rate['default']:.1f} "
          f"(ratio {rate['default'] / rate['bare']:.2f}, target >= 0.90)")
    floor = cpu["bare"] + trafilatura_cpu
    print(f"median CPU ms/page: bare {cpu['bare'] * 1e3:.1f}, capture {cpu['capture'] * 1e3:.1f}, "
          f"default {cpu['default'] * 1e3:.1f}; plain trafilatura {trafilatura_cpu * 1e3:.1f}; "
          f"default / (bare + trafilatura) = {cpu['default'] / floor:.2f} (target <= 1.15)")
    if "compare" in rounds[0]:
        compare_rate = statistics.median(r["compare"]["responses"] / r["compare"]["seconds"] for r in rounds)
        compare_cpu = statistics.median(r["compare"]["cpu"] / r["compare"]["responses"] for r in rounds)
        print(f"compare (--compare checkout's default crawl): {compare_rate:.1f} pages/s "
              f"(ratio {compare_rate / rate['bare']:.2f}), CPU {compare_cpu * 1e3:.1f} ms/page "
              f"= {compare_cpu / floor:.2f}x (bare + trafilatura)")
    own = statistics.median(r["default"]["self_cpu"] / r["default"]["responses"] for r in rounds)
    print(f"default crawl: crawl process {own * 1e3:.1f} ms/page ({own / cpu['default']:.0%} of its CPU), "
          f"extraction workers and the rest {(cpu['default'] - own) * 1e3:.1f} ms/page")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--compare", type=Path, help="another checkout whose default crawl runs in the same rounds")
    args = parser.parse_args()
    _adopt_orphans()
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start", flush=True)
    work = Path(tempfile.mkdtemp(prefix="bench-capture-"))
    work.chmod(0o755)  # nginx workers run as an unprivileged user
    generate_site(work / "site", args.articles)
    server = Nginx(work / "site")
    try:
        compare = args.compare.resolve() if args.compare else None
        rounds = [_round(server.url, args.concurrency, work, n, server.process.pid, compare)
                  for n in range(args.rounds)]
        trafilatura_cpu = _trafilatura_cpu_per_page(work / "site")
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)
    print(f"load average {os.getloadavg()[0]:.1f} at end")
    _summary(rounds, trafilatura_cpu)


if __name__ == "__main__":
    main()
