"""The page-type labelled set: real dev articles, the demo site, test fixtures and synthetic pages.

Labels live in ``benchmarks/pagetype_labels.json`` (name -> {"label", "url"}). Names say
where the page comes from: ``zyte-dev/ID`` (``../shared/benchdata``, all articles),
``demo:PATH`` (``archive/demo_site``), ``fixture:PATH`` (``tests/fixtures/extract``) and
``synthetic:KIND-LANG-N`` (``benchmarks/pagetype_pages.py``).
"""

from __future__ import annotations

import gzip
import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from benchmarks.extract_sets import BENCHDATA, REPO
from benchmarks.pagetype_pages import build

LABELS = REPO / "benchmarks" / "pagetype_labels.json"
INDEX_LABELS = ("index",)


def labelled_pages(root: Path = BENCHDATA) -> Iterator[tuple[str, str, bytes, str]]:
    """``(name, url, html, label)`` for every labelled page whose source is present."""
    for name, entry in json.loads(LABELS.read_text(encoding="utf-8")).items():
        source, _, rest = name.partition(":") if not name.startswith("zyte-dev/") else ("zyte", "", name)
        if source == "synthetic":
            url, html = build(name)
            yield name, url, html.encode("utf-8"), entry["label"]
            continue
        path = {"zyte": root / "zyte-dev" / "html" / f"{rest.removeprefix('zyte-dev/')}.html.gz",
                "demo": REPO / "archive" / "demo_site" / rest, "fixture": REPO / "tests" / "fixtures" / "extract" / rest}[source]
        if path.is_file():
            raw = path.read_bytes()
            yield name, entry["url"], gzip.decompress(raw) if path.suffix == ".gz" else raw, entry["label"]


def classify_all(root: Path = BENCHDATA) -> list[tuple[str, str, str]]:
    """``(name, expected, predicted)`` for the whole set."""
    from archive.errors import ExtractionError
    from archive.extract import extract_article

    results = []
    for name, url, html, label in labelled_pages(root):
        try:
            predicted = extract_article(html, url).page_type
        except ExtractionError:
            predicted = "unparseable"
        results.append((name, label, predicted))
    return results


def rates(results: list[tuple[str, str, str]]) -> dict[str, float]:
    """Accuracy, share of articles typed article, share of index pages typed index."""
    def share(kind: str) -> float:
        rows = [r for r in results if r[1] == kind]
        return sum(1 for r in rows if r[2] == kind) / len(rows) if rows else 1.0
    return {"accuracy": sum(1 for r in results if r[1] == r[2]) / max(len(results), 1),
            "article": share("article"), "index": share("index")}


def confusion(results: list[tuple[str, str, str]]) -> Counter[tuple[str, str]]:
    """Counts of (expected, predicted)."""
    return Counter((expected, predicted) for _, expected, predicted in results)
