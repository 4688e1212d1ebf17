"""Web interface latency: the search page with facets and the article page, over HTTP.

    python benchmarks/bench_web.py --size 100000
    python benchmarks/bench_web.py --engine postgresql --size 1000000 --data-dir /tmp/bw --pg-schema bench_web

Fills a database with ``benchmarks.bench_db``'s synthetic corpus (Zipf vocabulary,
three-paragraph bodies), spreads it over 50 sites and 500 authors so that every facet
has work to do, starts the real ``newsarchive serve`` in a subprocess, and times full
page loads (query, facets, count, template) from a client on the same machine:

* search pages: random 1-3 word queries (a third from the 50 most frequent words, a
  third from the top 2,000, a third from the whole vocabulary), each also with a site
  facet selected, plus browsing with no query (the front page);
* article pages: random article ids.

p50/p95 in ms. A kept ``--data-dir`` (or ``--pg-schema``) is reused: the fill is skipped.

``--corpus search`` serves ``search_corpus.py``'s cached database instead (realistic
bodies of 300-1,500 words, ingested through ``Ingestor.ingest_many``, with its incrementally
fed tantivy index) and draws the words from its frequency bands (``stop``, ``common``,
``mid``, ``rare``, English and Dari), each also with a site filter, plus browsing:

    python benchmarks/search_corpus.py --engine sqlite --size 1000000
    python benchmarks/bench_web.py --corpus search --engine sqlite [--sql]

``--sql`` also times the same pages with ``ARCHIVE_SEARCH_INDEX=off`` (SQL search, counts
and facets bounded as without the index), alternating rounds with the index in the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import text  # noqa: E402

from archive.db.session import Database, open_database  # noqa: E402
from benchmarks.bench_db import Corpus, _percentiles, analyze, bulk_fill  # noqa: E402

_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def spread(db: Database) -> None:
    """Give the bulk-filled articles 50 sites and one of 500 authors each (bulk_fill uses one site, no author rows)."""
    with db.session() as s:
        if (s.execute(text("SELECT count(*) FROM sites WHERE host LIKE 'site%.example'")).scalar() or 0) < 50:
            for n in range(50):
                s.execute(text("INSERT INTO sites (host, name, first_seen) VALUES (:h, :n, CURRENT_TIMESTAMP)"),
                          {"h": f"site{n}.example", "n": f"Site {n}"})
            for n in range(500):
                s.execute(text("INSERT INTO authors (name, name_key) VALUES (:n, :k)"),
                          {"n": f"Author {n}", "k": f"author {n}"})
        first_site = s.execute(text("SELECT id FROM sites WHERE host = 'site0.example'")).scalar()
        first_author = s.execute(text("SELECT id FROM authors WHERE name_key = 'author 0'")).scalar()
        s.execute(text("UPDATE articles SET site_id = :base + (id % 50) WHERE site_id < :base"), {"base": first_site})
        s.execute(text("INSERT INTO article_version_authors (version_id, position, author_id) "
                       "SELECT id, 0, :base + (id % 500) FROM article_versions WHERE id > "
                       "(SELECT coalesce(max(version_id), 0) FROM article_version_authors)"), {"base": first_author})


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(data_dir: Path, url: str | None, port: int, env: dict[str, str] | None = None) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "scraper.cli", "serve", "--port", str(port), "--data-dir", str(data_dir)]
    proc = subprocess.Popen(cmd + (["--db", url] if url else []), cwd=Path(__file__).resolve().parent.parent,
                            stderr=subprocess.DEVNULL, env={**os.environ, **(env or {})})
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            _OPENER.open(f"http://127.0.0.1:{port}/static/style.css", timeout=5).read()
            return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("newsarchive serve did not start")


def timed(base: str, paths: list[str]) -> tuple[list[float], int]:
    """Milliseconds per full page load, and how many were not HTTP 200."""
    times, bad = [], 0
    for path in paths:
        began = time.perf_counter()
        try:
            with _OPENER.open(base + path, timeout=60) as response:
                response.read()
        except OSError:
            bad += 1
        times.append((time.perf_counter() - began) * 1000)
    return times, bad


def search_paths(corpus: Corpus, n: int, rng: random.Random) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {"browse": ["/", "/?sort=newest", "/?language=fa", "/?year=2024"] * max(1, n // 20)}
    for bucket in (50, 2000, 50_000):
        queries = [" ".join(rng.choice(corpus.vocab[:bucket]) for _ in range(rng.randint(1, 3))) for _ in range(n // 3)]
        out[f"top{bucket}"] = ["/?" + urllib.parse.urlencode({"q": q}) for q in queries]
        out[f"top{bucket}_site"] = ["/?" + urllib.parse.urlencode({"q": q, "site": f"site{rng.randrange(50)}.example"})
                                    for q in queries]
    return out


def band_paths(n: int, rng: random.Random) -> dict[str, list[str]]:
    """Search pages for ``search_corpus.py``'s corpus: words of each frequency band, alone and with a site."""
    from benchmarks.corpus import BANDS, SITES
    from benchmarks.corpus import Corpus as SearchCorpus

    corpus = SearchCorpus()
    out: dict[str, list[str]] = {"browse": ["/", "/?sort=newest", "/?language=fa-AF", "/?year=2024",
                                            "/?site=site3.example", "/?section=sport&year=2020"] * max(1, n // 24)}
    for band in BANDS:
        queries = [" ".join(rng.choice(corpus.query_words(("en", "fa-AF")[k % 2], band)) for _ in range(1 + k % 2))
                   for k in range(max(1, n // 4))]
        out[band] = ["/?" + urllib.parse.urlencode({"q": q}) for q in queries]
        out[f"{band}_site"] = ["/?" + urllib.parse.urlencode({"q": q, "site": f"site{rng.randrange(SITES)}.example"})
                               for q in queries]
    return out


def serve_cached(args: argparse.Namespace) -> None:
    """``--corpus search``: time the pages over ``search_corpus.py``'s cache, with the index and (``--sql``) without."""
    from benchmarks.search_corpus import CACHE, PG_SCHEMA, PG_URL, article_count, index_dir, open_cached

    db = open_cached(args.engine)
    try:
        size = article_count(db)
    finally:
        db.dispose()
    data_dir = CACHE / ("sqlite" if args.engine == "sqlite" else "pg")
    url = None if args.engine == "sqlite" else f"{PG_URL}?options=-csearch_path%3D{PG_SCHEMA}"
    rng = random.Random(5)
    searches = band_paths(args.queries, rng)
    articles = [f"/article/{rng.randint(1, size)}" for _ in range(args.articles)]
    setups = {"index": {"ARCHIVE_SEARCH_INDEX": "auto", "ARCHIVE_SEARCH_INDEX_DIR": str(index_dir(args.engine))}}
    if args.sql:
        setups["sql"] = {"ARCHIVE_SEARCH_INDEX": "off"}
    times: dict[str, dict[str, list[float]]] = {name: {} for name in setups}
    errors: dict[str, int] = {name: 0 for name in setups}
    for round_ in range(args.rounds):
        for name, env in setups.items():  # alternating rounds: index, sql, index, sql...
            port = free_port()
            server = start_server(data_dir, url, port, env)
            base = f"http://127.0.0.1:{port}"
            try:
                timed(base, ["/", "/?q=kabul", "/article/1"])  # warm up
                for kind, paths in {**searches, "article": articles}.items():
                    share = paths[round_::args.rounds]
                    spent, bad = timed(base, share)
                    times[name].setdefault(kind, []).extend(spent)
                    errors[name] += bad
            finally:
                server.terminate()
                server.wait(10)
    report: dict[str, object] = {"engine": args.engine, "articles": size, "loadavg": os.getloadavg()[0]}
    for name, kinds in times.items():
        report[name] = {kind: _percentiles(t) for kind, t in kinds.items()}
        report[name]["search_all"] = _percentiles([t for k, ts in kinds.items() if k != "article" for t in ts])  # type: ignore[index]
        report[name]["errors"] = errors[name]  # type: ignore[index]
    print(json.dumps(report, indent=2))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engine", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--pg-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--pg-schema", help="Use (and keep) this schema; default: bench_web")
    parser.add_argument("--data-dir", type=Path, help="Keep the SQLite database here (default: a temp dir).")
    parser.add_argument("--size", type=int, default=100_000, help="Articles in the database.")
    parser.add_argument("--queries", type=int, default=150, help="Search pages per kind (about).")
    parser.add_argument("--articles", type=int, default=200, help="Article pages.")
    parser.add_argument("--corpus", choices=["synthetic", "search"], default="synthetic",
                        help="search: serve search_corpus.py's cached database and index (ignores --size).")
    parser.add_argument("--sql", action="store_true", help="With --corpus search: also time SQL search (index off).")
    parser.add_argument("--rounds", type=int, default=2, help="With --corpus search: alternating rounds.")
    args = parser.parse_args()
    if args.corpus == "search":
        serve_cached(args)
        return

    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="bench-web-"))
    url = None
    if args.engine == "postgresql":
        import psycopg

        schema = args.pg_schema or "bench_web"
        with psycopg.connect(args.pg_url.replace("+psycopg", ""), autocommit=True) as conn:
            conn.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
        url = f"{args.pg_url}?options=-csearch_path%3D{schema}"
    db = open_database(data_dir, url)
    corpus = Corpus()
    try:
        with db.session() as session:
            have = session.execute(text("SELECT count(*) FROM articles")).scalar() or 0
        if have < args.size:
            bulk_fill(db, corpus, have, args.size - have)
            spread(db)
            analyze(db)
    finally:
        db.dispose()
    port = free_port()
    server = start_server(data_dir, url, port)
    base = f"http://127.0.0.1:{port}"
    rng = random.Random(5)
    report: dict[str, object] = {"engine": args.engine, "articles": args.size}
    try:
        timed(base, ["/", "/?q=kabul", "/article/1"])  # warm up
        searches = search_paths(corpus, args.queries, rng)
        all_times: list[float] = []
        for kind, paths in searches.items():
            times, bad = timed(base, paths)
            all_times += times
            report[f"search_{kind}"] = {**_percentiles(times), "errors": bad}
        report["search_all"] = _percentiles(all_times)
        ids = [rng.randint(1, args.size) for _ in range(args.articles)]
        times, bad = timed(base, [f"/article/{i}" for i in ids])
        report["article"] = {**_percentiles(times), "errors": bad}
    finally:
        server.terminate()
        server.wait(10)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
