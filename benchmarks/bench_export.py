"""Parquet export of a big archive: time and peak memory (issue 10, target 5).

    python benchmarks/bench_export.py --build --articles 1000000      # once: fills the cache
    python benchmarks/bench_export.py --articles 1000000 --rounds 3

What is measured: ``archive.db.export.export_articles(db, "parquet", path)``, what
``newsarchive export --format parquet`` runs, over every article of a cached database, in
a fresh Python process per round: wall and CPU seconds, and peak RSS (``ru_maxrss``).
The baseline in the same run is the same fresh process doing everything but the export
(imports, opening the database), so "export's own memory" is the difference; with
``--compare DIR`` (another checkout, e.g. ``git archive main | tar -x -C DIR``) each
round also runs that code's export on the same database.

The database is filled through ``Ingestor.ingest_many`` (the crawl/reindex path), 1,000
pages per transaction, with synthetic pre-extracted pages: bodies of three paragraphs
drawn from a pool of 30,000 (about 120 words, the corpus of the earlier 1M figures), a
unique title, one or two authors, two tags, and one article in five in Dari with
ZWNJ (U+200C). It lives in ``$NEWSARCHIVE_BENCH_DIR/export-ENGINE`` (default under
/tmp; several GB at 1M, delete it when done) and ``--build`` continues where it stopped.
The search index (tantivy) is off while building: it is not what is measured.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import text  # noqa: E402

from archive.db.ingest import CaptureInfo, Ingestor  # noqa: E402
from archive.db.session import Database, open_database  # noqa: E402
from archive.extract.article import Article  # noqa: E402
from archive.warc.location import RecordLocation  # noqa: E402

CACHE = Path(os.environ.get("NEWSARCHIVE_BENCH_DIR", "/tmp/newsarchive-bench"))
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
PG_SCHEMA = "bench_export"
BATCH = 1000
T0 = dt.datetime(2016, 1, 1, tzinfo=dt.UTC)
_SYLLABLES = ["ka", "bul", "her", "at", "ma", "zar", "na", "gar", "ban", "dar", "is", "lam", "pol", "ti", "co",
              "ver", "ment", "so", "ci", "e", "ty", "mar", "ket", "ra", "di", "o", "sta", "tion", "pro", "gram"]
_DARI = ["کابل", "شهر\u200cها", "می\u200cشود", "دولت", "مردم", "انتخابات", "خبر", "ولایت", "کشور", "گزارش"]


class Pages:
    """Deterministic pre-extracted pages, cheap enough to make a million in a minute or two."""

    def __init__(self, seed: int = 7) -> None:
        rng = random.Random(seed)
        words = sorted({"".join(rng.choices(_SYLLABLES, k=rng.randint(2, 4))) for _ in range(60_000)})
        self.words = words
        self.paragraphs = [" ".join(rng.choices(words, k=40)).capitalize() + "." for _ in range(30_000)]
        self.dari = [" ".join(rng.choices(_DARI, k=40)) + "." for _ in range(2_000)]

    def page(self, i: int) -> tuple[CaptureInfo, Article]:
        rng = random.Random(i)
        dari = i % 5 == 0
        pool = self.dari if dari else self.paragraphs
        body = "\n\n".join(rng.sample(pool, 3))
        title = (" ".join(rng.choices(_DARI, k=6)) if dari else " ".join(rng.choices(self.words, k=6))) + f" {i}"
        site = i % 24
        url = f"https://site{site}.example/news/{i}"
        when = T0 + dt.timedelta(minutes=5 * i)
        article = Article(
            url=url, canonical_url=url, site_name=f"Site {site}", title=title, body=body,
            authors=[f"Author {i % 3000}"] + ([f"Author {(i * 7) % 3000}"] if i % 3 == 0 else []),
            tags=[f"tag{i % 40}", f"tag{i % 13}"], published=(when - dt.timedelta(hours=2)).isoformat(),
            modified=when.isoformat() if i % 4 == 0 else None, language="fa" if dari else "en",
            direction="rtl" if dari else "ltr", section=f"section{i % 14}", page_type="article", extractor="bench",
        )
        loc = RecordLocation(f"bench-{i // 100_000:02d}.warc.gz", (i % 100_000) * 4000, 3900,
                             f"<urn:uuid:{uuid.UUID(int=i)}>", f"sha1:{i:032d}")
        return CaptureInfo(url, when, loc, 200, "text/html"), article

    def pages(self, start: int, count: int) -> Iterator[tuple[CaptureInfo, Article]]:
        return (self.page(i) for i in range(start, start + count))


def database(engine: str) -> tuple[Database, str | None]:
    if engine == "sqlite":
        return open_database(CACHE / "export-sqlite", None), None
    import psycopg

    with psycopg.connect(PG_URL.replace("+psycopg", ""), autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA IF NOT EXISTS {PG_SCHEMA}")
    url = f"{PG_URL}?options=-csearch_path%3D{PG_SCHEMA}"
    (CACHE / "export-pg").mkdir(parents=True, exist_ok=True)
    return open_database(CACHE / "export-pg", url), url


def build(engine: str, size: int) -> dict[str, float]:
    """Fill the cache up to ``size`` articles through ``Ingestor.ingest_many``."""
    os.environ["ARCHIVE_SEARCH_INDEX"] = "off"
    db, _ = database(engine)
    try:
        with db.session() as session:
            have = session.execute(text("SELECT count(*) FROM articles")).scalar() or 0
        maker, began, done = Pages(), time.perf_counter(), 0
        for start in range(have, size, BATCH):
            pages = list(maker.pages(start, min(BATCH, size - start)))
            with db.session() as session:
                Ingestor(session).ingest_many(pages)
            done += len(pages)
            if done % 50_000 == 0:
                print(f"  {start + len(pages)} articles, {done / (time.perf_counter() - began):.0f}/s",
                      file=sys.stderr)
        return {"built": done, "articles": max(have, size), "per_s": round(done / (time.perf_counter() - began))}
    finally:
        db.dispose()


_CHILD = """
import json, resource, sys, time
from pathlib import Path
sys.path.insert(0, {root!r})
from archive.db.export import export_articles
from archive.db.session import open_database
import pyarrow.parquet
db = open_database(Path({data_dir!r}), {url!r})
with db.session() as s:
    pass
wall, cpu = time.perf_counter(), time.process_time()
rows = export_articles(db, "parquet", Path({out!r})) if {export!r} else 0
print(json.dumps({{"rows": rows, "seconds": time.perf_counter() - wall, "cpu_s": time.process_time() - cpu,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""


def run_child(engine: str, url: str | None, out: Path, export: bool, root: Path | None = None) -> dict[str, float]:
    data_dir = CACHE / ("export-sqlite" if engine == "sqlite" else "export-pg")
    root = root or Path(__file__).resolve().parent.parent
    code = _CHILD.format(root=str(root), data_dir=str(data_dir), url=url, out=str(out), export=export)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          env=dict(os.environ, ARCHIVE_SEARCH_INDEX="off", PYTHONPATH=str(root)))
    return json.loads(proc.stdout.strip().splitlines()[-1])


def check_file(out: Path) -> dict[str, str]:
    """The Parquet schema's types for the columns the target names (typed, not text)."""
    import pyarrow.parquet as pq

    schema = pq.read_schema(out)
    meta = pq.read_metadata(out)
    return {"published": str(schema.field("published").type), "authors": str(schema.field("authors").type),
            "row_groups": str(meta.num_row_groups)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engine", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--articles", type=int, default=1_000_000)
    parser.add_argument("--build", action="store_true", help="fill the cache up to --articles first")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--compare", type=Path, help="another checkout whose export runs in the same rounds")
    args = parser.parse_args()
    report: dict[str, object] = {"engine": args.engine}
    if args.build:
        report["build"] = build(args.engine, args.articles)
    db, url = database(args.engine)
    with db.session() as session:
        report["articles"] = session.execute(text("SELECT count(*) FROM articles")).scalar()
    db.dispose()
    out = Path(tempfile.mkdtemp(prefix="bench-export-")) / "export.parquet"
    rounds: dict[str, list[dict[str, float]]] = {"baseline": [], "export": []}
    if args.compare:
        rounds["compare"] = []
    for _ in range(args.rounds):  # alternate: the floor, the export, the other code's export
        rounds["baseline"].append(run_child(args.engine, url, out, export=False))
        rounds["export"].append(run_child(args.engine, url, out, export=True))
        print(json.dumps(rounds["export"][-1]), file=sys.stderr)
        if args.compare:
            rounds["compare"].append(run_child(args.engine, url, out, export=True, root=args.compare))
            print(json.dumps({"compare": rounds["compare"][-1]}), file=sys.stderr)
    report["file_mb"] = round(out.stat().st_size / 2**20, 1)
    report["schema"] = check_file(out)
    out.unlink()
    for name, results in rounds.items():
        report[name] = {k: round(statistics.median(r[k] for r in results), 1) for k in results[0]}
    base, exp = report["baseline"], report["export"]
    assert isinstance(base, dict) and isinstance(exp, dict)
    report["export_own_mb"] = round(exp["peak_rss_mb"] - base["peak_rss_mb"], 1)
    report["rows_per_s"] = round(exp["rows"] / exp["seconds"]) if exp["seconds"] else None
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
