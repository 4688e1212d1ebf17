"""Body-extraction benchmark: ours vs plain ``trafilatura.extract`` (defaults, and precision mode), both sets, one run.

Sets and metrics: see ``benchmarks/extract_sets.py`` (zyte-dev: shingle metric;
trafilatura-web: snippet metric). Speed is pages/s of CPU time on one core (the process is
pinned to one CPU; the extractors take turns page by page, and each one's first call, which
loads its models and stop lists, is made before the clock starts). Each set is run ``--rounds``
times (default 3); pages/s and the speed ratio are the medians over the rounds (the scores are
the same every round). "worse" counts the pages where ours loses more than 0.05 F1 to plain
trafilatura on that page.

    python benchmarks/bench_extract.py [--data DIR] [--set NAME] [--worst N] [--rounds N] [--write-baseline]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.extract_sets import (
    BENCHDATA,
    REPO,
    SETS,
    Page,
    Score,
    available,
    load_pages,
    our_body,
    score_page,
    summarize,
)

BASELINE = REPO / "benchmarks" / "extract_baseline.json"
_MARGIN = 0.05


def _trafilatura_defaults(page: Page) -> str:
    import trafilatura

    return trafilatura.extract(page.html, url=page.url) or ""


def _trafilatura_precision(page: Page) -> str:
    import trafilatura

    return trafilatura.extract(page.html, url=page.url, favor_precision=True, include_comments=False) or ""


EXTRACTORS = {"trafilatura": _trafilatura_defaults, "trafilatura-precision": _trafilatura_precision, "newsarchive": our_body}


def run(pages: list[Page]) -> dict[str, tuple[dict[str, Score], float]]:
    """Per extractor: scores by page id and the CPU seconds spent extracting.

    The extractors take turns page by page, so a change in the machine's load during the run
    (it is shared) weighs on all of them alike and the speed ratio stays fair.
    """
    scores: dict[str, dict[str, Score]] = {name: {} for name in EXTRACTORS}
    spent = dict.fromkeys(EXTRACTORS, 0.0)
    for page in pages:
        for name, extract in EXTRACTORS.items():
            started = time.process_time()
            body = extract(page)
            spent[name] += time.process_time() - started
            scores[name][page.page_id] = score_page(page, body)
    return {name: (scores[name], spent[name]) for name in EXTRACTORS}


def report(set_name: str, pages: list[Page], worst: int, rounds: int) -> dict[str, float]:
    """Print one set's table; return our figures for the baseline file."""
    runs = [run(pages) for _ in range(max(rounds, 1))]
    results = runs[0]
    speeds = {name: statistics.median(len(pages) / max(r[name][1], 1e-9) for r in runs) for name in EXTRACTORS}
    print(f"\n{set_name}: {len(pages)} pages, {len(runs)} round(s), pages/s and speed ratio are medians")
    print(f"{'extractor':<24}{'precision':>10}{'recall':>10}{'F1':>10}{'pages/s':>10}{'worse':>7}")
    plain = results["trafilatura"][0]
    for name, (scores, _) in results.items():
        p, r, f1 = summarize(set_name, list(scores.values()))
        worse = sum(1 for k, s in scores.items() if s.f1 < plain[k].f1 - _MARGIN)
        print(f"{name:<24}{p:>10.4f}{r:>10.4f}{f1:>10.4f}{speeds[name]:>10.1f}{worse:>7}")
    ours = results["newsarchive"][0]
    losses = sorted((ours[k].f1 - plain[k].f1, k) for k in ours)[:worst]
    print("largest per-page F1 losses vs trafilatura:", ", ".join(f"{k} {d:+.3f}" for d, k in losses if d < 0) or "none")
    ratios = [r["trafilatura"][1] / max(r["newsarchive"][1], 1e-9) for r in runs]
    print(f"speed ratio (ours / trafilatura defaults): {statistics.median(ratios):.2f}x "
          f"(rounds: {', '.join(f'{x:.2f}' for x in ratios)})")
    p, r, f1 = summarize(set_name, list(ours.values()))
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f1, 4)}


def _warm_up(pages: list[Page]) -> None:
    """One untimed call per extractor: imports, justext stop lists and caches are not page cost."""
    for extract in EXTRACTORS.values():
        for page in pages:
            extract(page)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=BENCHDATA, help="folder holding zyte-dev/ and trafilatura-web/")
    parser.add_argument("--set", choices=SETS, action="append", help="only this set (repeatable); default both")
    parser.add_argument("--worst", type=int, default=5, help="list the N pages where we lose most to trafilatura")
    parser.add_argument("--rounds", type=int, default=3, help="runs per set; speeds are the medians (default 3)")
    parser.add_argument("--write-baseline", action="store_true", help=f"store our F1 figures in {BASELINE.name}")
    args = parser.parse_args()
    if not available(args.data):
        print(f"benchmark data not found under {args.data} (expected zyte-dev/ and trafilatura-web/)", file=sys.stderr)
        return 2
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    warnings.simplefilter("ignore")  # dateutil's timezone-name warnings on some pages
    _warm_up(load_pages(args.data, [SETS[0]])[:1])
    figures = {}
    for set_name in args.set or SETS:
        figures[set_name] = report(set_name, load_pages(args.data, [set_name]), args.worst, args.rounds)
    if args.write_baseline:
        BASELINE.write_text(json.dumps(figures, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        print(f"\nwrote {BASELINE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
