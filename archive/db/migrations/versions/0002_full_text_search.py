"""Full-text search: FTS5 on SQLite, tsvector + GIN on PostgreSQL

Both index a *folded* copy of title, summary and body (see ``archive.db.text``); the
fold expressions are frozen here, as a later change to the fold needs its own revision
that rebuilds the index.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# Frozen copy of archive.db.text.SEARCH_FOLD at this revision.
_FOLD = {0x200C: None, 0x200D: None, 0x00AD: None, 0x0640: None, 0x064A: 0x06CC, 0x0649: 0x06CC, 0x0643: 0x06A9}
_FOLD.update({c: None for c in range(0x064B, 0x0660)})
_FOLD[0x0670] = None

_COLUMNS = ("title", "summary", "body")


def _sqlite_fold(expr: str) -> str:
    # newsarchive_fold() is registered on every connection by archive.db.session (nested
    # replace() calls overflow SQLite's parser stack). It applies archive.db.text.SEARCH_FOLD.
    return f"newsarchive_fold({expr})"


def _pg_fold(expr: str) -> str:
    mapped = [(c, r) for c, r in _FOLD.items() if r]
    deleted = [c for c, r in _FOLD.items() if not r]
    src = "".join(f"\\{c:04X}" for c, _ in mapped) + "".join(f"\\{c:04X}" for c in deleted)
    dst = "".join(f"\\{r:04X}" for _, r in mapped)
    return f"translate(coalesce({expr}, ''), U&'{src}', U&'{dst}')"


def _sqlite_values(prefix: str) -> str:
    return ", ".join(_sqlite_fold(f"{prefix}.{col}") for col in _COLUMNS)


def _upgrade_sqlite() -> None:
    cols = ", ".join(_COLUMNS)
    op.execute(
        f"CREATE VIRTUAL TABLE article_search USING fts5({cols}, content='article_versions', "
        "content_rowid='id', tokenize='unicode61 remove_diacritics 2')"
    )
    insert = f"INSERT INTO article_search(rowid, {cols}) VALUES (new.id, {_sqlite_values('new')});"
    delete = (
        f"INSERT INTO article_search(article_search, rowid, {cols}) "
        f"VALUES ('delete', old.id, {_sqlite_values('old')});"
    )
    op.execute(f"CREATE TRIGGER article_search_ai AFTER INSERT ON article_versions BEGIN {insert} END")
    op.execute(f"CREATE TRIGGER article_search_ad AFTER DELETE ON article_versions BEGIN {delete} END")
    op.execute(
        f"CREATE TRIGGER article_search_au AFTER UPDATE OF {cols} ON article_versions "
        f"BEGIN {delete} {insert} END"
    )
    op.execute(
        f"INSERT INTO article_search(rowid, {cols}) "
        f"SELECT id, {_sqlite_values('article_versions')} FROM article_versions"
    )


def _upgrade_postgresql() -> None:
    # Bodies are capped so that no tsvector exceeds PostgreSQL's 1 MB limit.
    title = f"to_tsvector('simple'::regconfig, {_pg_fold('title')})"
    summary = f"to_tsvector('simple'::regconfig, {_pg_fold('summary')})"
    body = f"to_tsvector('simple'::regconfig, {_pg_fold('left(body, 300000)')})"
    op.execute(
        "ALTER TABLE article_versions ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
        f"setweight({title}, 'A') || setweight({summary}, 'B') || setweight({body}, 'C')) STORED"
    )
    op.execute(f"ALTER TABLE article_versions ADD COLUMN title_vector tsvector GENERATED ALWAYS AS ({title}) STORED")
    op.execute("CREATE INDEX ix_article_versions_search_vector ON article_versions USING gin (search_vector)")
    op.execute("CREATE INDEX ix_article_versions_title_vector ON article_versions USING gin (title_vector)")


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        _upgrade_sqlite()
    elif dialect == "postgresql":
        _upgrade_postgresql()


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for name in ("article_search_ai", "article_search_ad", "article_search_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS article_search")
    elif dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_article_versions_title_vector")
        op.execute("DROP INDEX IF EXISTS ix_article_versions_search_vector")
        op.execute("ALTER TABLE article_versions DROP COLUMN IF EXISTS title_vector")
        op.execute("ALTER TABLE article_versions DROP COLUMN IF EXISTS search_vector")
