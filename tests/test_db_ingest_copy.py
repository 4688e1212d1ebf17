"""archive/db/ingest_copy.py: PostgreSQL's COPY path stores exactly what SQLite's INSERTs store.

Issue 10, target 3: a batch goes through ``COPY`` on PostgreSQL and ``executemany`` on
SQLite; the same pages must leave the same rows, byte for byte, and ingesting them again
must change nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from archive.db import ingest_copy
from archive.db.ingest import Ingestor
from archive.db.models import Article, ArticleVersion, ArticleVersionAuthor, Author, Capture, Image, Site
from archive.db.session import Database, open_database
from archive.extract.article import Image as ExtractedImage
from tests.test_db_support import article, capture, pg_schema_url

DARI = "کابل\u200cها و شهر\u200cها\n\nپاراگراف دوم با نیم\u200cفاصله."
N = 3 * ingest_copy.COPY_MIN_ROWS


def _pages() -> list[tuple]:
    """Enough pages for COPY; quoting, tabs, backslashes, Dari with ZWNJ, several authors and images."""
    pages = []
    for n in range(N):
        url = f"https://www.example.com/news/{n}"
        body = DARI if n % 3 == 0 else f"Body {n}\twith a tab, a \\ backslash and \"quotes\".\n\nSecond paragraph."
        authors = ["Jane Doe", f"نویسنده\u200c{n % 4}"] if n % 2 else [f"Author {n % 5}", "O'Brien \\ \"Q\""]
        images = [ExtractedImage(f"https://example.com/{n}/{k}.jpg", f"Caption\t{k}", None) for k in range(n % 3)]
        pages.append((capture(url, n), article(url, body, title=f"Title {n} \u200c", authors=authors,
                                                tags=["x", f"تگ{n % 2}"], images=images,
                                                language="fa" if n % 3 == 0 else "en",
                                                modified=None if n % 2 else "2025-03-01T10:00:00+04:30")))
    url = "https://www.example.com/news/0"  # recaptures in the same batch: unchanged, then edited
    pages.append((capture(url, N + 1), article(url, DARI, title="Title 0 \u200c", authors=["Author 0"])))
    pages.append((capture(url, N + 2), article(url, DARI + " ویرایش", title="Title 0 \u200c", authors=["Author 0"])))
    return pages


def _utc(value: object) -> object:
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    return value


def _rows(db: Database) -> dict[str, list[tuple]]:
    """Every column of every table ingest writes, ids included (both engines start at 1 here)."""
    out = {}
    with db.session() as s:
        for model in (Site, Capture, Article, ArticleVersion, Image, Author, ArticleVersionAuthor):
            table = model.__table__
            columns = list(table.c)
            order = list(table.primary_key.columns)
            rows = s.execute(select(*columns).order_by(*order)).all()
            out[table.name] = [tuple(_utc(v) for v in row) for row in rows]
    return out


@pytest.fixture
def both(tmp_path: Path) -> Iterator[tuple[Database, Database]]:
    sqlite = open_database(tmp_path / "sqlite", None)
    urls = pg_schema_url()
    pg = open_database(tmp_path / "pg", next(urls))
    try:
        yield sqlite, pg
    finally:
        sqlite.dispose()
        pg.dispose()
        next(urls, None)


def test_postgresql_copy_and_sqlite_store_the_same_rows(both: tuple[Database, Database],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    copies: list[str] = []
    real_copy = ingest_copy._copy
    monkeypatch.setattr(ingest_copy, "_copy", lambda conn, table, rows: (copies.append(table.name),
                                                                        real_copy(conn, table, rows)))
    sqlite, pg = both
    results = {}
    for db in (sqlite, pg):
        with db.session() as s:
            results[db.dialect] = [(r.outcome, r.capture_id is not None) for r in Ingestor(s).ingest_many(_pages())]
    assert {"captures", "articles", "article_versions", "images", "article_version_authors"} <= set(copies)
    assert results["sqlite"] == results["postgresql"]
    assert results["sqlite"][-2:] == [("unchanged", True), ("new-version", True)]
    lite, post = _rows(sqlite), _rows(pg)
    for table in lite:
        assert lite[table] == post[table], table
    with pg.session() as s:
        body = s.scalar(select(ArticleVersion.body).where(ArticleVersion.url == "https://www.example.com/news/3"))
        authors = s.scalar(select(ArticleVersion.authors).where(ArticleVersion.url == "https://www.example.com/news/1"))
    assert body is not None and body.encode("utf-8") == DARI.encode("utf-8")
    assert authors == ["Jane Doe", "نویسنده\u200c1"]


@pytest.mark.parametrize("per_call", [1, 7, 1000])
def test_ingesting_the_same_pages_again_changes_nothing(db: Database, per_call: int) -> None:
    pages = _pages()

    def ingest_all() -> list[str]:
        outcomes = []
        for start in range(0, len(pages), per_call):
            with db.session() as s:
                outcomes += [r.outcome for r in Ingestor(s).ingest_many(pages[start:start + per_call])]
        return outcomes

    first = ingest_all()
    assert first.count("new-article") == N and first[-2:] == ["unchanged", "new-version"]
    before = _rows(db)
    assert ingest_all() == ["duplicate"] * len(pages)
    assert _rows(db) == before
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(ArticleVersion)) == N + 1
