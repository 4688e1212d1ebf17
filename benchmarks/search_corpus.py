"""Build (once) and cache the search benchmark databases under /tmp, never in the repository.

    python benchmarks/search_corpus.py --engine sqlite --size 1000000
    python benchmarks/search_corpus.py --engine postgresql --size 1000000

What goes in: ``benchmarks/corpus.py``'s articles (bodies of 300-1,500 words drawn from a
Zipf vocabulary per language; 24 sites; en / Dari with U+200C compounds / Pashto; 14
sections; 3,000 authors; publication dates over ten years) as **pre-extracted records**:
no HTML is generated and nothing is extracted (that costs ~20 ms a page and is measured
by ``bench_extract.py``); the records are what the extractor would hand to the database.

How: a generator process draws the articles while this one stores them through the
real ingest path, ``Ingestor.ingest_many`` (what ``reindex`` uses), ``--batch`` pages per
transaction. The tantivy search index is fed as the product feeds it: every commit
pokes ``searchindex``'s background updater, which indexes whatever committed meanwhile;
nothing is optimised or merged by hand afterwards. The rates printed are ingest
(articles stored per second, generation overlapped) and, at the end, the time until the
index had caught up.

SQLite lives in ``DIR/sqlite/`` (default ``/tmp/newsarchive-bench``), PostgreSQL in the
schema ``bench_search``; the index in ``DIR/index-ENGINE``. A larger ``--size``
continues where the cache stopped. ``--drop`` deletes the cache of an engine (the corpora
take several GB: delete them when done).
"""

from __future__ import annotations

import argparse
import itertools
import multiprocessing as mp
import os
import shutil
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import text  # noqa: E402

from archive.db import searchindex  # noqa: E402
from archive.db.ingest import Ingestor  # noqa: E402
from archive.db.session import Database, open_database  # noqa: E402
from benchmarks.corpus import Corpus  # noqa: E402

CACHE = Path(os.environ.get("NEWSARCHIVE_BENCH_DIR", "/tmp/newsarchive-bench"))
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
PG_SCHEMA = "bench_search"
BATCH = 1000


def index_dir(engine: str) -> Path:
    return CACHE / f"index-{engine}"


def open_cached(engine: str) -> Database:
    """The cached database of ``engine``; its search index is ``index_dir(engine)`` (set in the environment)."""
    os.environ["ARCHIVE_SEARCH_INDEX_DIR"] = str(index_dir(engine))
    if engine == "sqlite":
        return open_database(CACHE / "sqlite", None)
    import psycopg

    with psycopg.connect(PG_URL.replace("+psycopg", ""), autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA IF NOT EXISTS {PG_SCHEMA}")
    (CACHE / "pg").mkdir(parents=True, exist_ok=True)
    return open_database(CACHE / "pg", f"{PG_URL}?options=-csearch_path%3D{PG_SCHEMA}")


def drop(engine: str) -> None:
    if engine == "sqlite":
        shutil.rmtree(CACHE / "sqlite", ignore_errors=True)
    else:
        import psycopg

        with psycopg.connect(PG_URL.replace("+psycopg", ""), autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA IF EXISTS {PG_SCHEMA} CASCADE")
        shutil.rmtree(CACHE / "pg", ignore_errors=True)
    shutil.rmtree(index_dir(engine), ignore_errors=True)


def article_count(db: Database) -> int:
    with db.session() as session:
        return session.execute(text("SELECT count(*) FROM articles")).scalar() or 0


def _produce(start: int, count: int, batch: int, out: Any) -> None:
    """Generator process: batches of (CaptureInfo, Article) onto ``out``, then None."""
    import queue

    corpus = Corpus()
    pages = corpus.articles(start, count)
    parent = mp.parent_process()
    chunks = iter(lambda: [p for _, p in zip(range(batch), pages, strict=False)], [])
    for chunk in itertools.chain(chunks, [None]):  # lazily: one batch in memory at a time
        while True:  # a killed parent leaves no orphan blocked on a full queue
            try:
                out.put(chunk, timeout=5)
                break
            except queue.Full:
                if parent is None or not parent.is_alive():
                    return


def batches(start: int, count: int, batch: int) -> Iterator[list[Any]]:
    """Batches drawn in another process (so generation overlaps ingest), in order."""
    ctx = mp.get_context("spawn")
    queue = ctx.Queue(maxsize=4)
    proc = ctx.Process(target=_produce, args=(start, count, batch, queue), daemon=True)
    proc.start()
    try:
        while (chunk := queue.get()) is not None:
            yield chunk
    finally:
        proc.kill()
        proc.join()


def grow(db: Database, size: int, batch: int = BATCH) -> dict[str, float]:
    """Ingest articles ``have .. size`` of the corpus; prints progress, returns the rates."""
    have = article_count(db)
    count = max(0, size - have)
    began, done = time.perf_counter(), 0
    for chunk in batches(have, count, batch):
        with db.session() as session:
            Ingestor(session).ingest_many(chunk)
        done += len(chunk)
        if done % 20_000 < batch:
            rate = done / (time.perf_counter() - began)
            print(f"  {have + done} articles ({rate:.0f}/s)", file=sys.stderr, flush=True)
    stored = time.perf_counter() - began
    searchindex.wait_for_updates()
    caught_up = time.perf_counter() - began
    return {"added": done, "seconds": round(stored, 1), "per_second": round(done / stored) if stored else 0,
            "index_caught_up_seconds": round(caught_up, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engine", choices=["sqlite", "postgresql"], required=True)
    parser.add_argument("--size", type=int, default=0)
    parser.add_argument("--batch", type=int, default=BATCH, help="Pages per ingest transaction.")
    parser.add_argument("--drop", action="store_true", help="Delete this engine's cached corpus and index first.")
    args = parser.parse_args()
    if args.drop:
        drop(args.engine)
    db = open_cached(args.engine)
    try:
        rates = grow(db, args.size, args.batch)
        print(f"{args.engine}: {article_count(db)} articles; this run: {rates}")
    finally:
        db.dispose()


if __name__ == "__main__":
    main()
