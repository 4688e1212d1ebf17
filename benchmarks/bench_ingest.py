"""Ingest rate through ``Ingestor.ingest_many``, the path crawl and reindex use (issue 10, target 3).

    python benchmarks/bench_ingest.py --engine sqlite --articles 20000
    python benchmarks/bench_ingest.py --engine postgresql --articles 20000

What is measured: pages of the realistic corpus (``benchmarks/corpus.py``: 300-1,500-word
bodies, three languages) are generated first, outside the clock; then stored into a
fresh, migrated database in batches of ``--batch`` pages, one transaction per batch
(reindex's ``COMMIT_EVERY`` is 200), including the full-text index upkeep (FTS5
triggers; PostgreSQL generated tsvector columns and GIN indexes). Then the same pages
are stored again as recaptures (``--recapture``: every page once more with a new
record id; half of them with changed text) to time the unchanged/new-version path.
``--single`` also times one page per call (what the crawl's writer thread does per
item) on the first ``--single`` pages. Rounds alternate engines' runs only if you
run them so; each figure is the median of ``--rounds`` rounds on fresh databases.

``--reindex N`` measures ``newsarchive reindex`` instead: N article pages (6 paragraphs
of 80 words, ``benchmarks/newssite.py``) are written to WARC files outside the clock,
then ``archive.ingest.reindex.reindex`` (scan, extraction in one worker per core,
batched ingest) rebuilds a fresh database from them; it reports pages/s and how many
cores were busy on average (CPU seconds of the process and its workers / wall seconds).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import text  # noqa: E402

from archive.db.ingest import Ingestor  # noqa: E402
from archive.db.session import Database, open_database  # noqa: E402
from benchmarks.corpus import Corpus  # noqa: E402

PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def fresh_database(engine: str) -> tuple[Database, str | None]:
    if engine == "sqlite":
        return open_database(Path(tempfile.mkdtemp(prefix="bench-ingest-")), None), None
    import psycopg

    schema = f"bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_URL.replace("+psycopg", ""), autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    return open_database(Path(tempfile.mkdtemp()), f"{PG_URL}?options=-csearch_path%3D{schema}"), schema


def drop(schema: str | None) -> None:
    if schema:
        import psycopg

        with psycopg.connect(PG_URL.replace("+psycopg", ""), autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


def store(db: Database, pages: list, batch: int) -> tuple[float, float]:  # noqa: ANN001
    """(pages per wall second, pages per CPU second), ``batch`` pages per transaction."""
    clock = _Clock(db)
    for start in range(0, len(pages), batch):
        with db.session() as session:
            Ingestor(session).ingest_many(pages[start:start + batch])
    return clock.rates(len(pages))


def store_singly(db: Database, pages: list) -> tuple[float, float]:  # noqa: ANN001
    clock = _Clock(db)
    for page in pages:
        with db.session() as session:
            Ingestor(session).ingest(*page)
    return clock.rates(len(pages))


class _Clock:
    """Wall time, and CPU time of this process plus (PostgreSQL) its server backend.

    CPU time is the figure to trust on a shared machine: other jobs stretch the wall
    clock but not the CPU seconds our own work needs.
    """

    def __init__(self, db: Database) -> None:
        self.backend = None
        if db.dialect == "postgresql":
            with db.session() as session:
                self.backend = session.execute(text("SELECT pg_backend_pid()")).scalar()
        self.wall, self.cpu = time.perf_counter(), self._cpu()

    def _cpu(self) -> float:
        used = time.process_time()
        if self.backend:
            fields = Path(f"/proc/{self.backend}/stat").read_text().rsplit(")", 1)[1].split()
            used += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        return used

    def rates(self, n: int) -> tuple[float, float]:
        return n / (time.perf_counter() - self.wall), n / (self._cpu() - self.cpu)


def recaptures(pages: list, offset: int) -> list:  # noqa: ANN001
    out = []
    for n, (capture, article) in enumerate(pages):
        loc = dataclasses.replace(capture.location, record_id=f"<urn:uuid:{uuid.UUID(int=offset + n)}>")
        when = capture.fetched_at.replace(year=capture.fetched_at.year + 11)
        if n % 2:
            article = dataclasses.replace(article, body=article.body + "\n\nA correction was added.")
        out.append((dataclasses.replace(capture, location=loc, fetched_at=when), article))
    return out


def short_pages(count: int) -> list:
    """The corpus of the issue's baseline figures (bench_db.Corpus: ~120-word bodies)."""
    from archive.db.ingest import CaptureInfo
    from benchmarks.bench_db import T0, RecordLocation
    from benchmarks.bench_db import Corpus as ShortCorpus

    corpus, out = ShortCorpus(), []
    for i in range(count):
        a = corpus.article(i)
        loc = RecordLocation("bench.warc.gz", i * 2000, 1900, f"<urn:uuid:{uuid.UUID(int=i)}>", f"sha1:{i}")
        out.append((CaptureInfo(a.url, T0 + dt.timedelta(minutes=i), loc, 200, "text/html"), a))
    return out


def one_round(engine: str, pages: list, args: argparse.Namespace) -> dict[str, float]:
    db, schema = fresh_database(engine)
    try:
        result = dict(zip(("new_per_wall_s", "new_per_cpu_s"), store(db, pages, args.batch), strict=False))
        if args.recapture:
            again = recaptures(pages, 10**9)
            result.update(zip(("recapture_per_wall_s", "recapture_per_cpu_s"), store(db, again, args.batch), strict=False))
        if args.single:
            singles = recaptures(pages[:args.single], 2 * 10**9)
            result.update(zip(("single_per_wall_s", "single_per_cpu_s"), store_singly(db, singles), strict=False))
        return result
    finally:
        db.dispose()
        drop(schema)


def write_warcs(directory: Path, count: int) -> None:
    """``count`` article pages of ``benchmarks/newssite.py`` as one crawl's WARC files."""
    import random

    from archive.warc.records import Exchange
    from archive.warc.writer import WarcWriter
    from benchmarks.newssite import _article

    writer, rng = WarcWriter(directory), random.Random(5)
    start = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    try:
        for n in range(count):
            body = _article(n, start + dt.timedelta(minutes=30 * n), rng, 0).encode()
            writer.write_exchange(Exchange(
                url=f"https://bench.example/article/{n}.html", method="GET", request_headers=[(b"Accept", b"*/*")],
                status=200, response_headers=[(b"Content-Type", b"text/html; charset=utf-8")], body=body,
                fetched_at=start + dt.timedelta(days=1, seconds=n)))
    finally:
        writer.close()


def reindex_rounds(engine: str, count: int, rounds: int) -> dict[str, object]:
    from archive.ingest.reindex import reindex

    data_dir = Path(tempfile.mkdtemp(prefix="bench-reindex-"))
    write_warcs(data_dir / "warcs", count)
    results = []
    for _ in range(rounds):
        db, schema = fresh_database(engine)
        cpu = time.process_time()
        try:
            stats = reindex(db, data_dir)
        finally:
            db.dispose()
            drop(schema)
        results.append({"pages": stats.pages, "seconds": stats.seconds, "pages_per_s": stats.pages / stats.seconds,
                        "cores_busy": stats.cpu_seconds / stats.seconds, "workers": stats.workers,
                        "cpu_ms_per_page": 1000 * stats.cpu_seconds / stats.pages,
                        "main_cpu_ms_per_page": 1000 * (time.process_time() - cpu) / stats.pages})
        print(json.dumps({engine: results[-1], "line": stats.rate()}), file=sys.stderr)
    return {k: round(statistics.median(r[k] for r in results), 2) for k in results[0]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engine", choices=["sqlite", "postgresql"], nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--batch", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--recapture", action="store_true")
    parser.add_argument("--single", type=int, default=0)
    parser.add_argument("--short", action="store_true",
                        help="bench_db.py's old corpus (3 x 40-word paragraphs), the one the 688/153 rows/s came from")
    parser.add_argument("--reindex", type=int, default=0, help="time reindex of this many WARC-captured pages")
    args = parser.parse_args()
    if args.reindex:
        print(json.dumps({e: reindex_rounds(e, args.reindex, args.rounds) for e in args.engine}, indent=2))
        return
    began = time.perf_counter()
    pages = list(Corpus().articles(0, args.articles)) if not args.short else short_pages(args.articles)
    words = sum(len(a.body.split()) for _, a in pages) / len(pages)
    report: dict[str, object] = {"articles": args.articles, "mean_body_words": round(words),
                                 "generate_s": round(time.perf_counter() - began, 1), "batch": args.batch}
    rounds: dict[str, list[dict[str, float]]] = {e: [] for e in args.engine}
    for _ in range(args.rounds):
        for engine in args.engine:  # alternate engines round by round
            rounds[engine].append(one_round(engine, pages, args))
            print(json.dumps({engine: rounds[engine][-1]}), file=sys.stderr)
    for engine, results in rounds.items():
        report[engine] = {k: round(statistics.median(r[k] for r in results)) for k in results[0]}
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
