"""The two body-extraction benchmark sets and their own metrics, shared by the benchmark and the quality gate.

``zyte-dev`` (news pages with a ground-truth body) is scored as the Zyte
article-extraction-benchmark README says: 4-token shingles of ``\\w+`` tokens, per-page
precision and recall, means over pages, F1 of the means. ``trafilatura-web`` (general web
pages with must-have / must-not-have snippets) is scored as trafilatura's evaluation
does: a snippet is found by plain substring search, and precision/recall/F1 are computed
over all snippets of the set. The data lives in ``../shared/benchdata/`` beside the
repository and is never copied into it.
"""

from __future__ import annotations

import gzip
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BENCHDATA = REPO.parent / "shared" / "benchdata"
SETS = ("zyte-dev", "trafilatura-web")
_TOKEN = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Page:
    """One benchmark page: raw bytes plus what its set scores it against."""

    set_name: str
    page_id: str
    url: str
    html: bytes
    expected: str = ""
    with_snippets: tuple[str, ...] = ()
    without_snippets: tuple[str, ...] = ()


@dataclass(frozen=True)
class Score:
    """Per-page counts: shingle precision/recall (zyte) or snippet tp/fn/fp/tn (trafilatura-web)."""

    precision: float = 0.0
    recall: float = 0.0
    tp: int = 0
    fn: int = 0
    fp: int = 0
    tn: int = 0

    @property
    def f1(self) -> float:
        """The page's own F1, used to compare two extractors page by page."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def available(root: Path = BENCHDATA) -> bool:
    """True when both sets are present under ``root``."""
    return (root / "zyte-dev" / "ground-truth.json").is_file() and (root / "trafilatura-web" / "evaldata.json").is_file()


def load_pages(root: Path = BENCHDATA, sets: Iterable[str] = SETS) -> list[Page]:
    """Every page of the requested sets, in a stable order."""
    pages: list[Page] = []
    for name in sets:
        pages.extend(_load_zyte(root / name) if name == "zyte-dev" else _load_web(root / name))
    return pages


def _load_zyte(data: Path) -> list[Page]:
    truth = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for page_id, item in sorted(truth.items()):
        path = data / "html" / f"{page_id}.html.gz"
        if path.exists():
            html = gzip.decompress(path.read_bytes())
            pages.append(Page("zyte-dev", page_id, item.get("url") or f"https://benchmark.invalid/{page_id}", html,
                              expected=item.get("articleBody") or ""))
    return pages


def _load_web(data: Path) -> list[Page]:
    evaldata = json.loads((data / "evaldata.json").read_text(encoding="utf-8"))
    pages = []
    for key, item in sorted(evaldata.items()):
        path = data / "html" / item["file"]
        if path.exists():
            url = key.split("::", 1)[-1]
            url = url if url.startswith("http") else f"https://{url.removesuffix('.html')}/"
            pages.append(Page("trafilatura-web", key, url, gzip.decompress(path.read_bytes()),
                              with_snippets=tuple(item.get("with") or ()),
                              without_snippets=tuple(item.get("without") or ())))
    return pages


def _shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN.findall(text.lower())
    return Counter(tuple(tokens[i : i + n]) for i in range(max(len(tokens) - n + 1, 1))) if tokens else Counter()


def score_page(page: Page, body: str) -> Score:
    """Score one extracted body with its set's metric."""
    if page.set_name == "zyte-dev":
        pred, true = _shingles(body), _shingles(page.expected)
        if not pred and not true:
            return Score(1.0, 1.0)
        overlap = sum((pred & true).values())
        return Score(overlap / sum(pred.values()) if pred else 0.0, overlap / sum(true.values()) if true else 0.0)
    tp = sum(1 for s in page.with_snippets if s in body)
    fp = sum(1 for s in page.without_snippets if s in body)
    fn, tn = len(page.with_snippets) - tp, len(page.without_snippets) - fp
    precision = tp / (tp + fp) if tp + fp else (1.0 if not page.with_snippets else 0.0)
    recall = tp / (tp + fn) if tp + fn else 1.0
    return Score(precision, recall, tp, fn, fp, tn)


def summarize(set_name: str, scores: list[Score]) -> tuple[float, float, float]:
    """Set-level precision, recall and F1 with the set's own aggregation."""
    if not scores:
        return 0.0, 0.0, 0.0
    if set_name == "zyte-dev":
        p = sum(s.precision for s in scores) / len(scores)
        r = sum(s.recall for s in scores) / len(scores)
    else:
        tp, fn, fp = (sum(getattr(s, k) for s in scores) for k in ("tp", "fn", "fp"))
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def our_body(page: Page) -> str:
    """The body ``extract_article`` gives (empty when it refuses the page)."""
    from archive.errors import ExtractionError
    from archive.extract import extract_article

    try:
        return extract_article(page.html, page.url).body
    except ExtractionError:
        return ""


def score_ours(page: Page) -> Score:
    """Picklable worker for process pools: extract with our extractor and score."""
    return score_page(page, our_body(page))


Extractor = Callable[[Page], str]
