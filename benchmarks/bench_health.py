"""Extraction health benchmark: how long ``site_health`` (what ``stats`` runs) takes.

    python benchmarks/bench_health.py --sites 50 --crawls 11 --pages 200
    python benchmarks/bench_health.py --db "postgresql+psycopg://postgres@127.0.0.1:5432/test"

Bulk-inserts SITES x CRAWLS x PAGES captures, each with its article and version (bodies
200-1,200 characters), into a new SQLite file (or the given PostgreSQL database, which
should be empty), then times one ``site_health`` over every site.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert  # noqa: E402

from archive.db.health import site_health  # noqa: E402
from archive.db.models import Article, ArticleVersion, Capture, Crawl, Site  # noqa: E402
from archive.db.session import Database, open_database  # noqa: E402

T0 = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)


def fill(db: Database, sites: int, crawls: int, pages: int) -> int:
    """Insert the rows; returns the number of captures."""
    caps, arts, vers = [], [], []
    for n, (i, k, p) in enumerate(((i, k, p) for i in range(sites) for k in range(crawls) for p in range(pages)), 1):
        when, url = T0 + dt.timedelta(days=k, seconds=p), f"https://site{i}.example/{k}/{p}"
        caps.append(dict(id=n, crawl_id=k + 1, site_id=i + 1, url=url, url_key=f"{n:064x}", fetched_at=when,
                         status=200, warc_file=f"w{k}.warc.gz", warc_offset=n, warc_length=1, record_id=f"r{n}",
                         outcome="new-article", article_version_id=n))
        arts.append(dict(id=n, site_id=i + 1, canonical_url=url, url_key=f"{n:064x}", first_seen=when,
                         last_seen=when, version_count=1, latest_version_id=n))
        vers.append(dict(id=n, article_id=n, number=1, text_hash="h", url=url, title="t", body="w" * (200 + p % 1000),
                         authors=[], tags=[], published_at=when, first_seen=when, last_seen=when, capture_id=n))
    with db.session() as s:
        c = s.connection()
        c.execute(insert(Site), [dict(id=i + 1, host=f"site{i}.example", first_seen=T0) for i in range(sites)])
        c.execute(insert(Crawl), [dict(id=k + 1, started_at=T0 + dt.timedelta(days=k), seeds=[], settings={})
                                  for k in range(crawls)])
        for model, rows in ((Capture, caps), (Article, arts), (ArticleVersion, vers)):
            c.execute(insert(model), rows)
    return len(caps)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=50)
    parser.add_argument("--crawls", type=int, default=11)
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--db", help="database URL (default: SQLite in a temporary folder)")
    args = parser.parse_args()
    db = open_database(Path(tempfile.mkdtemp()), args.db)
    n = fill(db, args.sites, args.crawls, args.pages)
    start = time.perf_counter()
    with db.session() as session:
        healths = site_health(session)
    print(f"{db.dialect}: {n:,} captures, {len(healths)} sites: site_health {time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    main()
