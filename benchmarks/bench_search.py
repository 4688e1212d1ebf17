"""Search latency at scale: FTS5, PostgreSQL and tantivy side by side (issue 10, target 4).

    python benchmarks/search_corpus.py --engine sqlite --size 100000       # build/extend the cache once
    python benchmarks/bench_search.py --engine sqlite --tantivy

What is measured, on the cached database of ``search_corpus.py`` (realistic articles,
ingested incrementally through ``Ingestor.ingest_many``, no optimize step):

* queries of 1-2 words drawn from four frequency bands of the corpus vocabulary (``stop``:
  the 50 most frequent words, in most articles; ``common``: ranks 50-2,000; ``mid``:
  2,000-20,000; ``rare``: the rest), in English and Dari, ``--queries`` per band;
* ``relevance-window``: ``search()`` as shipped before this change (BM25/ts_rank over the
  500 newest matches); ``relevance-all``: the same ranking over every match (window off);
  ``relevance-filters``: with a site, section, language, author or date-range filter
  (rotating); ``newest`` and ``newest-filters``: ``--sort newest``; limit 20 each;
* ``tantivy-*``: the same queries on a tantivy index of the same latest versions
  (folded text, BM25 over every match with block-max WAND, filters as term/range
  queries, newest via a fast field), built from the database by ``--tantivy``.

Each query runs once after a warm-up pass over all of them (the index is in the page
cache, as on a server in use); p50/p95/max in ms per band. The machine is shared: see
the CPU load printed with the figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.corpus import BANDS, SECTIONS, SITES, Corpus  # noqa: E402
from benchmarks.search_corpus import CACHE, article_count, open_cached  # noqa: E402
from sqlalchemy import text  # noqa: E402

import archive.db.search as search_module  # noqa: E402
from archive.db.search import SearchFilters, search  # noqa: E402
from archive.db.session import Database  # noqa: E402
from archive.db.text import fold_for_search  # noqa: E402

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
    start = dt.datetime(2017 + k % 8, 1, 1, tzinfo=dt.timezone.utc)
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
    return {"all": _pct(every), **{b: _pct(ts) for b, ts in times.items()}, "hits": round(statistics.mean(hits), 1)}


def _pct(values: list[float]) -> str:
    """"p50/p95" in ms."""
    values = sorted(values)
    p95 = values[max(0, -(-95 * len(values) // 100) - 1)]
    return f"{statistics.median(values):.1f}/{p95:.1f}"


def sql_modes(db: Database, queries: list[tuple[str, str]]) -> dict[str, object]:
    def run(sort: str, filtered: bool, window: int) -> Callable[[int, str], int]:
        def one(k: int, q: str) -> int:
            search_module.RANK_WINDOW = window
            extra = rotating_filter(k) if filtered else {}
            with db.session() as s:
                return len(search(s, q, SearchFilters(limit=20, sort=sort, **extra)))  # type: ignore[arg-type]
        return one

    modes = {"relevance-window": run("relevance", False, 500), "relevance-all": run("relevance", False, 0),
             "relevance-filters": run("relevance", True, 0), "newest": run("newest", False, 500),
             "newest-filters": run("newest", True, 500)}
    try:
        return {name: timed(queries, fn) for name, fn in modes.items()}
    finally:
        search_module.RANK_WINDOW = 500


def build_tantivy(db: Database, path: Path) -> dict[str, float]:
    import tantivy

    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)
    sb = tantivy.SchemaBuilder()
    sb.add_integer_field("id", stored=True, fast=True, indexed=True)
    sb.add_text_field("text")
    sb.add_text_field("title")
    for name in ("site", "language", "author"):
        sb.add_text_field(name, tokenizer_name="raw")
    sb.add_text_field("section")
    sb.add_date_field("published", fast=True, indexed=True)
    index = tantivy.Index(sb.build(), path=str(path))
    writer = index.writer(heap_size=256_000_000, num_threads=2)
    began, n = time.perf_counter(), 0
    with db.engine.connect() as conn:
        rows = conn.execution_options(stream_results=True, yield_per=2000).execute(text(
            "SELECT a.id, v.title, v.summary, v.body, s.host, v.language, v.section, v.authors, v.published_at "
            "FROM articles a JOIN article_versions v ON v.id = a.latest_version_id LEFT JOIN sites s ON s.id = a.site_id"
        ))
        for r in rows:
            doc = tantivy.Document(id=r.id, text=fold_for_search(f"{r.title or ''}\n{r.summary or ''}\n{r.body}"),
                                   title=fold_for_search(r.title or ""), site=r.host or "",
                                   language=(r.language or "").lower().split("-")[0], section=(r.section or "").lower())
            authors = json.loads(r.authors) if isinstance(r.authors, str) else (r.authors or [])
            for name in authors:
                doc.add_text("author", " ".join(fold_for_search(name).casefold().split()))
            if r.published_at is not None:
                when = r.published_at if isinstance(r.published_at, dt.datetime) else dt.datetime.fromisoformat(r.published_at)
                doc.add_date("published", when.replace(tzinfo=None))
            writer.add_document(doc)
            n += 1
    writer.commit()
    writer.wait_merging_threads()
    return {"documents": n, "seconds": round(time.perf_counter() - began, 1),
            "size_mb": round(sum(f.stat().st_size for f in path.iterdir()) / 2**20, 1)}


def tantivy_modes(path: Path, queries: list[tuple[str, str]]) -> dict[str, object]:
    import tantivy

    index = tantivy.Index.open(str(path))
    schema, searcher = index.schema, index.searcher()

    def text_query(q: str) -> object:
        words = fold_for_search(q).casefold().split()
        return tantivy.Query.boolean_query([(tantivy.Occur.Must, tantivy.Query.term_query(schema, "text", w))
                                            for w in words])

    def filter_query(k: int) -> object:
        f = rotating_filter(k)
        if "site" in f:
            return tantivy.Query.term_query(schema, "site", f["site"])
        if "section" in f:
            return tantivy.Query.term_query(schema, "section", f["section"])
        if "language" in f:
            return tantivy.Query.term_query(schema, "language", f["language"])
        if "author" in f:
            return tantivy.Query.term_query(schema, "author", str(f["author"]).casefold())
        return tantivy.Query.range_query(schema, "published", tantivy.FieldType.Date,
                                         f["since"].replace(tzinfo=None), f["until"].replace(tzinfo=None))

    def run(filtered: bool, newest: bool) -> Callable[[int, str], int]:
        def one(k: int, q: str) -> int:
            query = text_query(q)
            if filtered:
                query = tantivy.Query.boolean_query([(tantivy.Occur.Must, query), (tantivy.Occur.Must, filter_query(k))])
            kw = {"order_by_field": "published"} if newest else {}
            return len(searcher.search(query, limit=20, count=False, **kw).hits)
        return one

    return {"tantivy-relevance-all": timed(queries, run(False, False)),
            "tantivy-relevance-filters": timed(queries, run(True, False)),
            "tantivy-newest": timed(queries, run(False, True)),
            "tantivy-newest-filters": timed(queries, run(True, True))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engine", choices=["sqlite", "postgresql"], required=True)
    parser.add_argument("--queries", type=int, default=30, help="Queries per frequency band.")
    parser.add_argument("--tantivy", action="store_true", help="Also build and measure a tantivy index.")
    parser.add_argument("--no-sql", action="store_true")
    args = parser.parse_args()
    db = open_cached(args.engine)
    corpus = Corpus()
    queries = make_queries(corpus, args.queries)
    report: dict[str, object] = {"engine": args.engine, "articles": article_count(db),
                                 "loadavg_before": os.getloadavg()[0]}
    try:
        if not args.no_sql:
            report.update(sql_modes(db, queries))
        if args.tantivy:
            path = CACHE / f"tantivy-{args.engine}"
            report["tantivy_build"] = build_tantivy(db, path)
            report.update(tantivy_modes(path, queries))
    finally:
        db.dispose()
    report["loadavg_after"] = os.getloadavg()[0]
    print("{\n" + ",\n".join(f" {json.dumps(k)}: {json.dumps(v)}" for k, v in report.items()) + "\n}")


if __name__ == "__main__":
    main()
