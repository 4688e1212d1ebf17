"""Extraction-quality floor: F1 on both benchmark sets may not fall below the committed figures.

The data is ``../shared/benchdata/`` beside the clone (never copied into the repository).
Without it the test skips, except under CI (``CI=true``), where its absence is a failure.
The figures live in ``benchmarks/extract_baseline.json`` (``python
benchmarks/bench_extract.py --write-baseline`` rewrites them after a measured improvement).
"""

from __future__ import annotations

import json
import os
from concurrent.futures import ProcessPoolExecutor

import pytest

from benchmarks.extract_sets import BENCHDATA, REPO, SETS, available, load_pages, score_ours, summarize

TOLERANCE = 0.005


@pytest.fixture(scope="module")
def figures() -> dict[str, tuple[float, float, float]]:
    if not available():
        if os.environ.get("CI") == "true":
            pytest.fail(f"benchmark data missing under {BENCHDATA} (CI must have ../shared/benchdata)")
        pytest.skip(f"benchmark data not found under {BENCHDATA}")
    pages = load_pages()
    with ProcessPoolExecutor(max_workers=min(2, os.cpu_count() or 1)) as pool:
        scores = list(pool.map(score_ours, pages, chunksize=8))
    return {name: summarize(name, [s for p, s in zip(pages, scores, strict=False) if p.set_name == name]) for name in SETS}


@pytest.mark.parametrize("set_name", SETS)
def test_f1_does_not_drop_below_the_committed_figure(figures: dict[str, tuple[float, float, float]], set_name: str) -> None:
    baseline = json.loads((REPO / "benchmarks" / "extract_baseline.json").read_text(encoding="utf-8"))[set_name]
    precision, recall, f1 = figures[set_name]
    assert f1 >= baseline["f1"] - TOLERANCE, (
        f"{set_name}: F1 {f1:.4f} (P {precision:.4f}, R {recall:.4f}) is below the committed {baseline['f1']:.4f}"
    )
