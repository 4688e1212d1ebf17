"""Page-type benchmark: accuracy and confusion matrix on the labelled set (``benchmarks/pagetype_labels.json``).

Targets (issue 9): at least 97% of articles typed ``article`` and 95% of index pages
(section fronts, tag, author and search pages) typed ``index``.

    python benchmarks/bench_pagetype.py [--data DIR] [--show-errors]
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.extract_sets import BENCHDATA
from benchmarks.pagetype_set import classify_all, confusion, rates


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=BENCHDATA, help="folder holding zyte-dev/ (its pages are articles)")
    parser.add_argument("--show-errors", action="store_true", help="list every misclassified page")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    results = classify_all(args.data)
    matrix = confusion(results)
    labels = sorted({e for e, _ in matrix} | {p for _, p in matrix})
    print(f"{len(results)} labelled pages; rows = expected, columns = predicted")
    print(f"{'':<14}" + "".join(f"{label[:12]:>13}" for label in labels))
    for expected in sorted({e for e, _ in matrix}):
        print(f"{expected:<14}" + "".join(f"{matrix[(expected, p)]:>13}" for p in labels))
    figures = rates(results)
    print(f"accuracy {figures['accuracy']:.3f}; articles typed article {figures['article']:.3f} (target 0.97); "
          f"index pages typed index {figures['index']:.3f} (target 0.95)")
    if args.show_errors:
        for name, expected, predicted in results:
            if expected != predicted:
                print(f"  {name}: expected {expected}, got {predicted}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
