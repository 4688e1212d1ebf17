"""archive/db/sqlvectors.py + migration 0006: PostgreSQL's tsvectors are written only when SQL
search answers, and SQL search gives the same answers whether they were written or not."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from archive.db import sqlvectors
from archive.db.ingest import Ingestor
from archive.db.migrate import downgrade, upgrade
from archive.db.search import SearchFilters, search
from archive.db.session import Database, open_database
from tests.test_db_support import article, capture, pg_schema_url

DOCS = [
    ("https://example.com/a", "Border talks resume", "Peace talks at the border resumed on Monday."),
    ("https://example.com/b", "Traffic study", "Researchers simulated traffic at the border in Kabul."),
    ("https://example.com/c", "Cricket", "Kabul won the cricket match."),
    ("https://example.af/d", "مکتب\u200cها", "مکتب\u200cها از هفته آینده باز می\u200cشوند."),
]


@pytest.fixture
def pg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    monkeypatch.setenv("ARCHIVE_SEARCH_INDEX", "off")
    for url in pg_schema_url():
        database = open_database(tmp_path, url)
        try:
            yield database
        finally:
            database.dispose()


def _ingest(db: Database, docs: list[tuple[str, str, str]], first: int) -> None:
    with db.session() as s:
        Ingestor(s).ingest_many([(capture(url, first + n), article(url, body, title=title))
                                 for n, (url, title, body) in enumerate(docs)])


def _unvectored(db: Database) -> int:
    with db.session() as s:
        return s.execute(text("SELECT count(*) FROM article_versions WHERE search_vector IS NULL")).scalar_one()


def _urls(db: Database, query: str) -> list[str]:
    with db.session() as s:
        return [h.url for h in search(s, query, SearchFilters())]


def test_mode_follows_the_search_that_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARCHIVE_SEARCH_INDEX", "off")
    monkeypatch.setenv("ARCHIVE_SQL_SEARCH_VECTORS", "auto")
    assert sqlvectors.maintained()
    monkeypatch.setenv("ARCHIVE_SQL_SEARCH_VECTORS", "off")
    assert not sqlvectors.maintained()
    monkeypatch.setenv("ARCHIVE_SEARCH_INDEX", "auto")
    monkeypatch.setenv("ARCHIVE_SQL_SEARCH_VECTORS", "on")
    assert sqlvectors.maintained()
    pytest.importorskip("tantivy")
    monkeypatch.setenv("ARCHIVE_SQL_SEARCH_VECTORS", "auto")
    assert not sqlvectors.maintained()


def test_ingest_writes_vectors_only_when_maintained(pg: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARCHIVE_SQL_SEARCH_VECTORS", "off")
    _ingest(pg, DOCS[:2], 1)
    assert _unvectored(pg) == 2
    monkeypatch.setenv("ARCHIVE_SQL_SEARCH_VECTORS", "on")
    _ingest(pg, DOCS[2:3], 10)  # the new version (trigger), and the backlog of older ones (update)
    assert _unvectored(pg) == 0
    with pg.session() as s:
        stored = s.execute(text("SELECT search_vector::text, title_vector::text FROM article_versions "
                                "WHERE title = 'Border talks resume'")).one()
    assert stored[0] == ("'at':6C 'border':1A,8C 'monday':11C 'on':10C 'peace':4C 'resume':3A 'resumed':9C "
                         "'talks':2A,5C 'the':7C")
    assert stored[1] == "'border':1 'resume':3 'talks':2"


def test_same_answers_with_and_without_stored_vectors(pg: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARCHIVE_SQL_SEARCH_VECTORS", "on")
    _ingest(pg, DOCS[:2], 1)
    monkeypatch.setenv("ARCHIVE_SQL_SEARCH_VECTORS", "off")
    _ingest(pg, DOCS[2:], 10)
    assert _unvectored(pg) == 2  # a and b stored with vectors, c and d without
    assert sorted(_urls(pg, "kabul")) == ["https://example.com/b", "https://example.com/c"]
    assert _urls(pg, "border -traffic") == ["https://example.com/a"]
    assert _urls(pg, "kabul -cricket") == ["https://example.com/b"]
    assert _urls(pg, "-border cricket") == ["https://example.com/c"]
    assert _urls(pg, "title:cricket") == ["https://example.com/c"]
    assert _urls(pg, "title:border") == ["https://example.com/a"]
    assert _urls(pg, "مکتبها") == ["https://example.af/d"]  # folded on the fly like the stored vectors
    assert _urls(pg, "border")[0] == "https://example.com/a"  # in the title: ranked first


def test_migration_keeps_vectors_and_goes_back_to_generated_columns(pg: Database,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    downgrade(pg.engine, "0005")
    monkeypatch.setenv("ARCHIVE_SQL_SEARCH_VECTORS", "off")  # the 0005 schema computes them itself
    _ingest(pg, DOCS[:1], 1)
    upgrade(pg.engine)
    assert _unvectored(pg) == 0
    assert _urls(pg, "border") == ["https://example.com/a"]
    downgrade(pg.engine, "0005")
    with pg.session() as s:
        generated = s.execute(text("SELECT count(*) FROM information_schema.columns WHERE table_schema = "
                                   "current_schema() AND is_generated = 'ALWAYS'")).scalar_one()
    assert generated == 2
    assert _unvectored(pg) == 0
    upgrade(pg.engine)


def test_a_changed_text_never_keeps_a_stale_vector(pg: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARCHIVE_SQL_SEARCH_VECTORS", "on")
    _ingest(pg, DOCS[:1], 1)
    with pg.session() as s:  # nothing rewrites a version's text today; the trigger covers it if something does
        s.execute(text("UPDATE article_versions SET body = 'Floods in Herat.'"))
    assert _unvectored(pg) == 1
    assert _urls(pg, "herat") == ["https://example.com/a"]
    assert _urls(pg, "monday") == []
