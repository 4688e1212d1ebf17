"""Build (once) and cache the search benchmark databases under /tmp, never in the repository.

    python benchmarks/search_corpus.py --engine sqlite --size 100000

The articles of ``benchmarks/corpus.py`` go in through ``Ingestor.ingest_many`` (the
reindex path) in batches of 200, one transaction each, exactly as an incremental
reindex would put them; nothing is optimised afterwards. SQLite lives in
``/tmp/newsarchive-bench/sqlite/``, PostgreSQL in the schema ``bench_search``; a
larger ``--size`` continues where the cache stopped.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import text  # noqa: E402

from archive.db.ingest import Ingestor  # noqa: E402
from archive.db.session import Database, open_database  # noqa: E402
from benchmarks.corpus import Corpus  # noqa: E402

CACHE = Path("/tmp/newsarchive-bench")
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
PG_SCHEMA = "bench_search"
BATCH = 200


def open_cached(engine: str) -> Database:
    if engine == "sqlite":
        return open_database(CACHE / "sqlite", None)
    import psycopg

    with psycopg.connect(PG_URL.replace("+psycopg", ""), autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA IF NOT EXISTS {PG_SCHEMA}")
    (CACHE / "pg").mkdir(parents=True, exist_ok=True)
    return open_database(CACHE / "pg", f"{PG_URL}?options=-csearch_path%3D{PG_SCHEMA}")


def article_count(db: Database) -> int:
    with db.session() as session:
        return session.execute(text("SELECT count(*) FROM articles")).scalar() or 0


def grow(db: Database, corpus: Corpus, size: int) -> None:
    """Ingest articles ``have .. size`` of the corpus; prints the rate."""
    have = article_count(db)
    began, done = time.perf_counter(), 0
    pages = corpus.articles(have, max(0, size - have))
    while True:
        chunk = [p for _, p in zip(range(BATCH), pages, strict=False)]
        if not chunk:
            break
        with db.session() as session:
            Ingestor(session).ingest_many(chunk)
        done += len(chunk)
        if done % 10_000 == 0:
            rate = done / (time.perf_counter() - began)
            print(f"  {have + done} articles ({rate:.0f}/s incl. generation)", file=sys.stderr, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engine", choices=["sqlite", "postgresql"], required=True)
    parser.add_argument("--size", type=int, required=True)
    args = parser.parse_args()
    db = open_cached(args.engine)
    try:
        grow(db, Corpus(), args.size)
        print(f"{args.engine}: {article_count(db)} articles")
    finally:
        db.dispose()


if __name__ == "__main__":
    main()
