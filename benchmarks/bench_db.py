"""Article database benchmark: ingest rate, search latency, Parquet export time and memory.

    python benchmarks/bench_db.py --engine sqlite --ingest 100000 --size 100000
    python benchmarks/bench_db.py --engine postgresql --size 1000000 --ingest 100000

``--ingest N`` articles go through the real ``Ingestor`` (the crawl/reindex path) and give
rows/s. When ``--size`` is larger, the rest is bulk-filled with plain INSERTs (same rows,
no per-page checks) so that search can be measured at 1M without waiting hours. Search:
``--queries`` random 1-3 word queries (Zipf-distributed vocabulary, so both rare and
common words), limit 20, relevance order; p50/p95 in ms. Export: 100,000 articles to
Parquet in a fresh subprocess, time and peak RSS (``ru_maxrss``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, text  # noqa: E402

from archive.db.ingest import CaptureInfo, Ingestor  # noqa: E402
from archive.db.models import Article as ArticleRow  # noqa: E402
from archive.db.models import ArticleVersion, Site  # noqa: E402
from archive.db.search import SearchFilters, search  # noqa: E402
from archive.db.session import Database, open_database  # noqa: E402
from archive.db.text import change_key, url_key  # noqa: E402
from archive.extract.article import Article  # noqa: E402
from archive.warc.location import RecordLocation  # noqa: E402

T0 = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
SYLLABLES = ["ka", "bul", "her", "at", "ma", "zar", "na", "gar", "ban", "dar", "is", "lam", "pol", "ti", "co",
             "ver", "ment", "so", "ci", "e", "ty", "mar", "ket", "ra", "di", "o", "sta", "tion", "pro", "gram"]


def vocabulary(size: int, rng: random.Random) -> list[str]:
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
    return sorted(words)


class Corpus:
    """Deterministic synthetic articles: Zipf word frequencies, ~120-word bodies."""

    def __init__(self, vocab_size: int = 50_000, seed: int = 7) -> None:
        self.rng = random.Random(seed)
        self.vocab = vocabulary(vocab_size, self.rng)
        weights = [1.0 / (rank + 1) for rank in range(vocab_size)]
        total = sum(weights)
        self.cum = list(_accumulate(w / total for w in weights))

    def words(self, n: int) -> list[str]:
        return self.rng.choices(self.vocab, cum_weights=self.cum, k=n)

    def article(self, i: int) -> Article:
        paras = [" ".join(self.words(40)).capitalize() + "." for _ in range(3)]
        return Article(
            url=f"https://site{i % 50}.example/{i}", canonical_url=f"https://site{i % 50}.example/{i}",
            site_name=f"Site {i % 50}", title=" ".join(self.words(6)).capitalize(), section=f"section{i % 12}",
            authors=[f"Author {i % 500}"], published=(T0 + dt.timedelta(minutes=i)).isoformat(),
            language=("en", "fa", "ps")[i % 3], body="\n\n".join(paras), page_type="article", extractor="bench",
        )


def _accumulate(values):  # noqa: ANN001, ANN202
    total = 0.0
    for v in values:
        total += v
        yield total


def ingest(db: Database, corpus: Corpus, start: int, count: int) -> float:
    began = time.perf_counter()
    done = 0
    while done < count:
        with db.session() as session:
            ing = Ingestor(session)
            for i in range(start + done, start + min(done + 1000, count)):
                a = corpus.article(i)
                loc = RecordLocation("bench.warc.gz", i * 2000, 1900, f"<urn:uuid:{uuid.UUID(int=i)}>", f"sha1:{i}")
                ing.ingest(CaptureInfo(a.url, T0 + dt.timedelta(minutes=i), loc, 200, "text/html"), a)
        done = min(done + 1000, count)
        print(f"  ingested {start + done}", file=sys.stderr, end="\r")
    return count / (time.perf_counter() - began)


def bulk_fill(db: Database, corpus: Corpus, start: int, count: int) -> float:
    """Articles + versions without the Ingestor: plain INSERTs (SQLite) or COPY (PostgreSQL).

    Bodies are three paragraphs drawn from a pool of 30,000 Zipf paragraphs (titles stay
    unique), so that generating a million rows does not dominate the run.
    """
    began = time.perf_counter()
    pool = [" ".join(corpus.words(40)).capitalize() + "." for _ in range(30_000)]
    with db.session() as s:
        vbase = (s.execute(text("SELECT coalesce(max(id), 0) FROM article_versions")).scalar() or 0) + 1
        abase = (s.execute(text("SELECT coalesce(max(id), 0) FROM articles")).scalar() or 0) + 1
        site_id = s.execute(text("SELECT min(id) FROM sites")).scalar()
        if site_id is None:
            site_id = s.execute(insert(Site).values(host="bulk.example", first_seen=T0).returning(Site.id)).scalar()
    rng = random.Random(start)
    gin = ("ix_article_versions_search_vector", "ix_article_versions_title_vector")
    if db.dialect == "postgresql":  # bulk-load practice: build the GIN indexes once, after the load
        with db.engine.begin() as conn:
            for name in gin:
                conn.execute(text(f"DROP INDEX IF EXISTS {name}"))
    for chunk in range(0, count, 10_000):
        arts, vers = [], []
        for k in range(min(10_000, count - chunk)):
            i = start + chunk + k
            url = f"https://site{i % 50}.example/{i}"
            title = " ".join(corpus.words(6)).capitalize()
            body = "\n\n".join(rng.sample(pool, 3))
            when = T0 + dt.timedelta(minutes=i)
            aid, vid = abase + chunk + k, vbase + chunk + k
            arts.append(dict(id=aid, site_id=site_id, canonical_url=url, url_key=url_key(url), first_seen=when,
                             last_seen=when, version_count=1, latest_version_id=vid))
            vers.append(dict(id=vid, article_id=aid, number=1, text_hash=change_key(title, body), url=url,
                             title=title, summary=None, body=body, authors=[f"Author {i % 500}"], tags=[],
                             published=when.isoformat(), modified=None, published_at=when,
                             language=("en", "fa", "ps")[i % 3], direction="ltr", section=f"section{i % 12}",
                             page_type="article", extractor="bench", first_seen=when, last_seen=when,
                             capture_id=None, last_capture_id=None))
        if db.dialect == "postgresql":
            _copy(db, "articles", arts)
            _copy(db, "article_versions", vers)
        else:
            with db.session() as s:
                s.connection().execute(insert(ArticleRow), arts)
                s.connection().execute(insert(ArticleVersion), vers)
        print(f"  bulk-filled {start + chunk + len(arts)}", file=sys.stderr, end="\r")
    if db.dialect == "postgresql":
        with db.engine.begin() as conn:
            conn.execute(text("SET maintenance_work_mem = '512MB'"))
            for name, column in zip(gin, ("search_vector", "title_vector"), strict=False):
                conn.execute(text(f"CREATE INDEX {name} ON article_versions USING gin ({column})"))
            for table in ("articles", "article_versions"):
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"))
    return count / (time.perf_counter() - began)


def _copy(db: Database, table: str, rows: list[dict]) -> None:
    columns = list(rows[0])
    raw = db.engine.raw_connection()
    try:
        with raw.cursor() as cur, cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([json.dumps(v) if isinstance(v, list) else v for v in row.values()])
        raw.commit()
    finally:
        raw.close()


def analyze(db: Database) -> None:
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("ANALYZE" if db.dialect == "postgresql" else "ANALYZE"))
        if db.dialect == "sqlite":
            conn.execute(text("INSERT INTO article_search(article_search) VALUES ('optimize')"))


def measure_search(db: Database, corpus: Corpus, n_queries: int, sort: str) -> dict[str, object]:
    """Random 1-3 word queries; words from the 50 most frequent (stop-word-like), the top
    2,000, or the whole vocabulary, a third each; percentiles overall and per bucket."""
    rng = random.Random(11)
    queries = []
    for _ in range(n_queries):
        bucket = rng.choice([50, 2000, 50_000])
        queries.append((bucket, " ".join(rng.choice(corpus.vocab[:bucket]) for _ in range(rng.randint(1, 3)))))
    timings: dict[int, list[float]] = {50: [], 2000: [], 50_000: []}
    hits = []
    with db.session() as session:
        for _, q in queries[:5]:  # warm the cache
            search(session, q, SearchFilters(limit=20, sort=sort))
        for bucket, q in queries:
            began = time.perf_counter()
            hits.append(len(search(session, q, SearchFilters(limit=20, sort=sort))))
            timings[bucket].append((time.perf_counter() - began) * 1000)
    result: dict[str, object] = _percentiles([t for ts in timings.values() for t in ts])
    result["mean_hits"] = round(statistics.mean(hits), 1)
    result["by_bucket"] = {f"top{b}": _percentiles(ts) for b, ts in timings.items()}
    return result


def _percentiles(values: list[float]) -> dict[str, float]:
    values = sorted(values)
    return {"n": len(values), "p50_ms": round(statistics.median(values), 1),
            "p95_ms": round(values[max(0, int(0.95 * len(values)) - 1)], 1), "max_ms": round(values[-1], 1)}


def measure_export(data_dir: Path, url: str | None, fmt: str = "parquet") -> dict[str, float]:
    out = Path(tempfile.mkdtemp()) / f"export.{fmt}"
    code = (
        "import resource, sys, time, json; from pathlib import Path\n"
        f"sys.path.insert(0, {str(Path(__file__).resolve().parent.parent)!r})\n"
        "from archive.db.session import open_database; from archive.db.export import export_articles\n"
        f"db = open_database(Path({str(data_dir)!r}), {url!r})\n"
        "t = time.perf_counter()\n"
        f"n = export_articles(db, {fmt!r}, Path({str(out)!r}))\n"
        "print(json.dumps({'rows': n, 'seconds': round(time.perf_counter() - t, 1), "
        "'peak_rss_mb': round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    result["file_mb"] = round(out.stat().st_size / 2**20, 1)
    out.unlink()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engine", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--pg-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--data-dir", type=Path, help="Keep the database here (default: a temp dir).")
    parser.add_argument("--pg-schema", help="Use (and keep) this PostgreSQL schema; default: a new one, dropped.")
    parser.add_argument("--ingest", type=int, default=100_000, help="Articles through the Ingestor.")
    parser.add_argument("--size", type=int, nargs="+", default=[100_000], help="Corpus sizes to search at.")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--export", type=int, default=100_000, help="Export after this many articles (0: skip).")
    args = parser.parse_args()

    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="bench-db-"))
    url, schema = None, None
    if args.engine == "postgresql":
        import psycopg

        schema = args.pg_schema or f"bench_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(args.pg_url.replace("+psycopg", ""), autocommit=True) as conn:
            conn.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
        url = f"{args.pg_url}?options=-csearch_path%3D{schema}"
    db = open_database(data_dir, url)
    corpus = Corpus()
    report: dict[str, object] = {"engine": args.engine, "python": sys.version.split()[0]}
    try:
        with db.session() as session:  # a kept --data-dir continues where it stopped
            already = session.execute(text("SELECT count(*) FROM articles")).scalar() or 0
        if args.ingest:
            rate = ingest(db, corpus, already, args.ingest)
            report["ingest"] = {"articles": args.ingest, "rows_per_s": round(rate)}
        have = already + args.ingest
        for size in sorted(args.size):
            if size > have:
                report.setdefault("bulk_fill_rows_per_s", []).append(round(bulk_fill(db, corpus, have, size - have)))
                have = size
            if args.export and size == args.export:
                report[f"export_parquet_{size}"] = measure_export(data_dir, url)
            analyze(db)
            report[f"search_{size}"] = {sort: measure_search(db, corpus, args.queries, sort)
                                        for sort in ("relevance", "newest")}
            print(json.dumps(report, indent=2), file=sys.stderr)
    finally:
        db.dispose()
        if schema and not args.pg_schema:
            import psycopg

            with psycopg.connect(args.pg_url.replace("+psycopg", ""), autocommit=True) as conn:
                conn.execute(f"DROP SCHEMA {schema} CASCADE")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
