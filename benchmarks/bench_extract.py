"""Body-extraction benchmark: our extractor vs plain ``trafilatura.extract``, same settings, one run.

Data: ``../shared/benchdata/zyte-dev/`` next to the repository (scrapinghub
article-extraction-benchmark layout: ``html/<id>.html.gz`` or ``.html``, and
``ground-truth.json`` mapping id -> {"articleBody": ...}). It is never copied here.

Metric (the benchmark README): 4-token shingles of ``\\w+`` tokens, per-page precision
and recall, means over pages, F1 of the means. Speed is pages/s on one core.

    python benchmarks/bench_extract.py [--data DIR] [--worst N]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO.parent / "shared" / "benchdata" / "zyte-dev"
_TOKEN = re.compile(r"\w+", re.UNICODE)


def shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN.findall(text.lower())
    return Counter(tuple(tokens[i : i + n]) for i in range(max(len(tokens) - n + 1, 1))) if tokens else Counter()


def precision_recall(predicted: str, expected: str) -> tuple[float, float]:
    """Per-page scores as in the benchmark: empty vs empty is perfect."""
    pred, true = shingles(predicted), shingles(expected)
    if not pred and not true:
        return 1.0, 1.0
    overlap = sum((pred & true).values())
    precision = overlap / sum(pred.values()) if pred else 0.0
    recall = overlap / sum(true.values()) if true else 0.0
    return precision, recall


def load(data: Path) -> list[tuple[str, bytes, str]]:
    truth = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for page_id, item in sorted(truth.items()):
        for name in (f"{page_id}.html.gz", f"{page_id}.html"):
            path = data / "html" / name
            if path.exists():
                raw = path.read_bytes()
                pages.append((page_id, gzip.decompress(raw) if name.endswith(".gz") else raw, item.get("articleBody") or ""))
                break
    return pages


def run(name: str, extract: Callable[[bytes, str], str], pages: list[tuple[str, bytes, str]]) -> dict[str, object]:
    scores: dict[str, tuple[float, float]] = {}
    started = time.process_time()
    for page_id, html, expected in pages:
        scores[page_id] = precision_recall(extract(html, page_id), expected)
    elapsed = time.process_time() - started
    p = sum(s[0] for s in scores.values()) / len(scores)
    r = sum(s[1] for s in scores.values()) / len(scores)
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {"name": name, "precision": p, "recall": r, "f1": f1, "pages_per_s": len(pages) / elapsed, "scores": scores}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--worst", type=int, default=5, help="list the N pages where we lose most to trafilatura")
    args = parser.parse_args()
    if not (args.data / "ground-truth.json").is_file():
        print(f"benchmark data not found: {args.data} (expected ground-truth.json and html/ there)", file=sys.stderr)
        return 2
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    sys.path.insert(0, str(REPO))
    from archive.errors import ExtractionError
    from archive.extract import extract_article
    from archive.extract.trafilatura import plain_extract

    def ours(html: bytes, page_id: str) -> str:
        try:
            return extract_article(html, f"https://benchmark.invalid/{page_id}").body
        except ExtractionError:
            return ""

    def baseline(html: bytes, page_id: str) -> str:
        return plain_extract(html, f"https://benchmark.invalid/{page_id}")

    pages = load(args.data)
    results = [run("trafilatura", baseline, pages), run("newsarchive", ours, pages)]
    print(f"{len(pages)} pages from {args.data}")
    print(f"{'extractor':<14}{'precision':>10}{'recall':>10}{'F1':>10}{'pages/s':>10}")
    for res in results:
        print(f"{res['name']:<14}{res['precision']:>10.4f}{res['recall']:>10.4f}{res['f1']:>10.4f}{res['pages_per_s']:>10.1f}")
    base, mine = results[0]["scores"], results[1]["scores"]
    def f1(s: tuple[float, float]) -> float:
        return 2 * s[0] * s[1] / (s[0] + s[1]) if sum(s) else 0.0
    losses = sorted(((f1(mine[k]) - f1(base[k]), k) for k in base))[: args.worst]  # type: ignore[index]
    print("largest per-page F1 losses vs trafilatura:", ", ".join(f"{k} {d:+.3f}" for d, k in losses))
    print(f"speed ratio: {results[1]['pages_per_s'] / results[0]['pages_per_s']:.2f}x")  # type: ignore[operator]
    return 0


if __name__ == "__main__":
    sys.exit(main())
