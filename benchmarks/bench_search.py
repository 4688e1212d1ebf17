"""Search latency at scale through the product's ``search()``: SQL against the tantivy index (issue 10, target 4).

    python benchmarks/search_corpus.py --engine sqlite --size 100000       # build/extend the cache once
    python benchmarks/bench_search.py --engine sqlite [--build]

What is measured, on the cached database of ``search_corpus.py`` (realistic articles,
ingested incrementally through ``Ingestor.ingest_many``, no optimize step):

* queries of 1-2 words drawn from four frequency bands of the corpus vocabulary (``stop``:
  the 50 most frequent words, in most articles; ``common``: ranks 50-2,000; ``mid``:
  2,000-20,000; ``rare``: the rest), in English and Dari, ``--queries`` per band;
* each through ``archive.db.search.search()`` with limit 20, rows and snippets included:
  ``relevance``; ``relevance-filters`` with a site, section, language, author or
  date-range filter (rotating); ``newest`` and ``newest-filters`` (``sort="newest"``);
* ``sql-*`` with ``ARCHIVE_SEARCH_INDEX=off`` (FTS5 or tsvector, as shipped: BM25 over the
  500 newest matches past 20,000 matches), ``index-*`` through the tantivy index
  (``archive/db/searchindex.py``), which is built by ``searchindex.rebuild`` when missing
  or with ``--build`` (the build rate is reported) under ``/tmp/newsarchive-bench/index-ENGINE``;
  ``index-ids-*``: the index's share alone (the page's article ids, before rows and snippets
  are read from the database); ``index-facets*``: the exact total and the five facets over
  every match (tantivy aggregations, what the web page adds); ``*-browse-newest*``: no
  search words, newest first (the web front page), without and with a filter.

Each query runs once after a warm-up pass over all of them (the index is in the page
cache, as on a server in use); p50/p95 in ms per band. The machine is shared: see the
CPU load printed with the figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from archive.db import searchindex  # noqa: E402
from archive.db.search import SearchFilters, index_facets, search  # noqa: E402
from archive.db.session import Database  # noqa: E402
from benchmarks.corpus import BANDS, SECTIONS, SITES, Corpus  # noqa: E402
from benchmarks.search_corpus import CACHE, article_count, open_cached  # noqa: E402

LANGS = ("en", "fa-AF")


def make_queries(corpus: Corpus, per_band: int) -> list[tuple[str, str]]:
    """(band, query) pairs: 1-2 words of one band and one language."""
    rng = random.Random(11)
    out = []
    for band in BANDS:
        for k in range(per_band):
            words = corpus.query_words(LANGS[k % 2], band)
            out.append((band, " ".join(rng.choice(words) for _ in range(1 + k % 2))))
    return out


def rotating_filter(k: int) -> dict[str, object]:
    kind = k % 5
    if kind == 0:
        return {"site": f"site{k % SITES}.example"}
    if kind == 1:
        return {"section": SECTIONS[k % len(SECTIONS)]}
    if kind == 2:
        return {"language": "fa"}
    if kind == 3:
        return {"author": f"Author {k * 37 % 3000}"}
    start = dt.datetime(2017 + k % 8, 1, 1, tzinfo=dt.UTC)
    return {"since": start, "until": start + dt.timedelta(days=180)}


def timed(queries: list[tuple[str, str]], run: Callable[[int, str], int]) -> dict[str, object]:
    for k, (_, q) in enumerate(queries):  # warm-up pass
        run(k, q)
    times: dict[str, list[float]] = {b: [] for b in BANDS}
    hits = []
    for k, (band, q) in enumerate(queries):
        began = time.perf_counter()
        hits.append(run(k, q))
        times[band].append((time.perf_counter() - began) * 1000)
    every = [t for ts in times.values() for t in ts]
    return {"all": _pct(every), **{b: _pct(ts) for b, ts in times.items() if ts and len(times) > 1 and ts != every},
            "hits": round(statistics.mean(hits), 1)}


def _pct(values: list[float]) -> str:
    """"p50/p95" in ms."""
    values = sorted(values)
    p95 = values[max(0, -(-95 * len(values) // 100) - 1)]
    return f"{statistics.median(values):.1f}/{p95:.1f}"


def modes(db: Database, queries: list[tuple[str, str]], label: str) -> dict[str, object]:
    """The product's ``search()`` in four modes; ``label`` names the engine in the keys."""
    def run(sort: str, filtered: bool) -> Callable[[int, str], int]:
        def one(k: int, q: str) -> int:
            extra = rotating_filter(k) if filtered else {}
            with db.session() as s:
                return len(search(s, q, SearchFilters(limit=20, sort=sort, **extra)))  # type: ignore[arg-type]
        return one

    runs = {"relevance": run("relevance", False), "relevance-filters": run("relevance", True),
            "newest": run("newest", False), "newest-filters": run("newest", True)}
    out = {f"{label}-{name}": timed(queries, fn) for name, fn in runs.items()}
    browse = [("stop", "")] * max(4, len(queries) // 4)  # no words: the front page, newest first
    out[f"{label}-browse-newest"] = timed(browse, run("newest", False))
    out[f"{label}-browse-newest-filters"] = timed(browse, run("newest", True))
    return out


def engine_only(db: Database, queries: list[tuple[str, str]]) -> dict[str, object]:
    """The index's share of ``index-*``: ids of the page from tantivy, no rows, no snippets."""
    from archive.db.query import parse_query
    from archive.db.searchindex_query import search_ids

    def run(sort: str, filtered: bool) -> Callable[[int, str], int]:
        def one(k: int, q: str) -> int:
            extra = rotating_filter(k) if filtered else {}
            with db.session() as s:
                idx = searchindex.open_for_search(db.engine, searchindex.latest_version_id(s.connection()))
                assert idx is not None, "the search index is missing or behind"
                return len(search_ids(idx, s, parse_query(q) if q else None, SearchFilters(limit=20, sort=sort, **extra)))  # type: ignore[arg-type]
        return one

    def facets(filtered: bool) -> Callable[[int, str], int]:
        def one(k: int, q: str) -> int:
            extra = rotating_filter(k) if filtered else {}
            with db.session() as s:
                found = index_facets(s, q, SearchFilters(**extra))  # type: ignore[arg-type]
                assert found is not None, "the search index is missing or behind"
                return found.total
        return one

    runs = {"relevance": run("relevance", False), "relevance-filters": run("relevance", True),
            "newest": run("newest", False), "newest-filters": run("newest", True)}
    out = {f"index-ids-{name}": timed(queries, fn) for name, fn in runs.items()}
    out["index-facets"] = timed(queries, facets(False))  # "hits" here: mean matches counted
    out["index-facets-filters"] = timed(queries, facets(True))
    browse = [("stop", "")] * max(4, len(queries) // 4)  # no words: the front page, newest first
    out["index-browse-newest"] = timed(browse, run("newest", False))
    out["index-browse-newest-filters"] = timed(browse, run("newest", True))
    return out


def build_index(db: Database) -> dict[str, float]:
    """``searchindex.rebuild`` (what ``reindex --rebuild`` ends with), timed."""
    began = time.perf_counter()
    documents = searchindex.rebuild(db.engine)
    seconds = time.perf_counter() - began
    path = searchindex.index_dir(db.engine)
    return {"documents": documents, "seconds": round(seconds, 1), "per_second": round(documents / seconds),
            "size_mb": round(sum(f.stat().st_size for f in path.iterdir()) / 2**20, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engine", choices=["sqlite", "postgresql"], required=True)
    parser.add_argument("--queries", type=int, default=30, help="Queries per frequency band.")
    parser.add_argument("--build", action="store_true", help="Rebuild the search index even if it exists.")
    parser.add_argument("--no-sql", action="store_true", help="Measure the search index only.")
    args = parser.parse_args()
    db = open_cached(args.engine)
    corpus = Corpus()
    queries = make_queries(corpus, args.queries)
    report: dict[str, object] = {"engine": args.engine, "articles": article_count(db),
                                 "loadavg_before": os.getloadavg()[0]}
    os.environ["ARCHIVE_SEARCH_INDEX_DIR"] = str(CACHE / f"index-{args.engine}")
    try:
        if not args.no_sql:
            os.environ["ARCHIVE_SEARCH_INDEX"] = "off"
            report.update(modes(db, queries, "sql"))
        os.environ["ARCHIVE_SEARCH_INDEX"] = "auto"
        if args.build or not searchindex.index_dir(db.engine).exists():
            report["index_build"] = build_index(db)
        report.update(modes(db, queries, "index"))
        report.update(engine_only(db, queries))
    finally:
        db.dispose()
    report["loadavg_after"] = os.getloadavg()[0]
    print("{\n" + ",\n".join(f" {json.dumps(k)}: {json.dumps(v)}" for k, v in report.items()) + "\n}")


if __name__ == "__main__":
    main()
