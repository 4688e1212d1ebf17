"""archive/db/migrations + session.py: the schema matches the models, migrations go both ways,
SQLite runs in WAL with foreign keys on."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from archive.db.migrate import current_revision, downgrade, head_revision, upgrade
from archive.db.models import Base
from archive.db.session import Database, open_database


def _include_name(name, type_, parent_names):  # noqa: ANN001, ANN202
    prefix_skip = type_ == "table" and name and name.startswith("article_search")
    return not (prefix_skip or name in {"search_vector", "title_vector", "ix_article_versions_search_vector",
                                         "ix_article_versions_title_vector",
                                         "ix_article_versions_newest", "ix_article_versions_unvectored"})


def test_schema_matches_models(db: Database) -> None:
    with db.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"include_name": _include_name, "compare_type": True})
        assert compare_metadata(ctx, Base.metadata) == []


def test_applied_on_first_use_and_at_head(db: Database) -> None:
    assert current_revision(db.engine) == head_revision()
    names = set(inspect(db.engine).get_table_names())
    assert {"sites", "crawls", "captures", "articles", "article_versions", "authors", "images"} <= names


def test_downgrade_and_upgrade_again(db: Database) -> None:
    head = head_revision()
    assert downgrade(db.engine, "0001") == (head, "0001")
    with db.engine.connect() as conn:
        columns = {c["name"] for c in inspect(conn).get_columns("article_versions")}
    assert "search_vector" not in columns
    assert upgrade(db.engine) == ("0001", head)
    assert downgrade(db.engine, "base") == (head, None)
    assert upgrade(db.engine) == (None, head)


def test_search_objects_exist(db: Database) -> None:
    with db.engine.connect() as conn:
        if db.dialect == "sqlite":
            names = {r[0] for r in conn.execute(text("SELECT name FROM sqlite_master"))}
            assert {"article_search", "article_search_ai", "article_search_ad", "article_search_au"} <= names
        else:
            indexes = {i["name"] for i in inspect(conn).get_indexes("article_versions")}
            assert {"ix_article_versions_search_vector", "ix_article_versions_title_vector",
                    "ix_article_versions_newest"} <= indexes


def test_sqlite_pragmas(tmp_path: Path) -> None:
    database = open_database(tmp_path)
    with database.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    database.dispose()
    assert (tmp_path / "newsarchive.sqlite").exists()


def test_include_name_in_env_skips_fts_shadow_tables() -> None:
    source = (Path(__file__).resolve().parent.parent / "archive/db/migrations/env.py").read_text()
    assert 'SEARCH_TABLE_PREFIX = "article_search"' in source and "include_name=include_name" in source


def test_migrations_keep_alembic_context_lines_out_of_logs(db_url: str | None, tmp_path: Path,  # noqa: F811
                                                          caplog: pytest.LogCaptureFixture) -> None:
    """The scheduler logs at INFO; Alembic's "Context impl SQLiteImpl." filled it on every run."""
    caplog.set_level(logging.INFO)
    database = open_database(tmp_path / "fresh", db_url)  # a new database: every migration runs
    database.dispose()
    messages = [r.getMessage() for r in caplog.records if r.name.startswith("alembic")]
    assert any(m.startswith("Running upgrade") for m in messages)
    assert not [m for m in messages if m.startswith(("Context impl", "Will assume"))]


def test_0005_upgrades_a_0004_database_and_serves_newest_first(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """An archive made at 0004 (with articles, one undated) upgrades; newest-first listing is unchanged,
    and on PostgreSQL it can read the new index instead of sorting every version."""
    from archive.db.ingest import Ingestor
    from archive.db.search import SearchFilters, search
    from tests.test_db_support import article, capture

    monkeypatch.setenv("ARCHIVE_SEARCH_INDEX", "off")  # the SQL path is what the index serves
    monkeypatch.setenv("ARCHIVE_SQL_SEARCH_VECTORS", "off")  # before 0006 the columns are generated
    head = head_revision()
    assert downgrade(db.engine, "0004") == (head, "0004")
    dates = ["2021-05-01T00:00:00+00:00", None, "2024-01-02T00:00:00+00:00", "2019-07-07T00:00:00+00:00"]
    with db.session() as s:
        Ingestor(s).ingest_many([(capture(f"https://example.com/{n}", n + 1),
                                  article(f"https://example.com/{n}", f"body {n}", published=when))
                                 for n, when in enumerate(dates)])
    assert upgrade(db.engine) == ("0004", head)
    with db.session() as s:
        hits = search(s, "", SearchFilters(sort="newest"))
    assert [h.url.rsplit("/", 1)[1] for h in hits] == ["2", "0", "3", "1"]  # undated last
    if db.dialect != "postgresql":
        return
    with db.engine.connect() as conn:
        assert "ix_article_versions_newest" in {i["name"] for i in inspect(conn).get_indexes("article_versions")}
        conn.execute(text("SET enable_seqscan = off"))
        plan = "\n".join(r[0] for r in conn.execute(text(
            "EXPLAIN SELECT id FROM article_versions ORDER BY published_at DESC NULLS LAST, id DESC LIMIT 20")))
    assert "ix_article_versions_newest" in plan and "Sort Key" not in plan
    assert downgrade(db.engine, "0004") == (head, "0004")
    with db.engine.connect() as conn:
        assert "ix_article_versions_newest" not in {i["name"] for i in inspect(conn).get_indexes("article_versions")}
