"""PostgreSQL: the full-text vectors become ordinary columns, written only when SQL search needs them

Migration 0002's generated ``search_vector`` and ``title_vector`` were computed for every
stored version: half of PostgreSQL's ingest CPU (issue 10; docs/database.md, "Ingest"),
although the tantivy index answers searches whenever it exists and is current. From this
revision they are plain columns that ``archive.db.sqlvectors`` fills with the same
expressions (the SQL functions created here, frozen like 0002's) when SQL search is the
configured search: a ``BEFORE INSERT`` trigger computes them when the transaction set
``newsarchive.sql_vectors`` to ``on`` (so COPY needs no second pass over the rows). A NULL
vector means "not computed", and SQL search computes it on the fly for those rows
(``ix_article_versions_unvectored`` finds them), so its answers never depend on whether the
vectors were written. Existing vectors are kept; a change of a version's text (nothing
does that today) recomputes them or, when they are not maintained, clears them.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

UNVECTORED_INDEX = "ix_article_versions_unvectored"
TRIGGER = "article_versions_vectors"
_TRIGGER_FUNCTION = """CREATE OR REPLACE FUNCTION newsarchive_vectors_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        NEW.search_vector := NULL;
        NEW.title_vector := NULL;
    END IF;
    IF NEW.search_vector IS NULL AND current_setting('newsarchive.sql_vectors', true) = 'on' THEN
        NEW.search_vector := newsarchive_search_vector(NEW.title, NEW.summary, NEW.body);
        NEW.title_vector := newsarchive_title_vector(NEW.title);
    END IF;
    RETURN NEW;
END $$"""

# Frozen copy of archive.db.text.SEARCH_FOLD at revision 0002 (the vectors must not change).
_FOLD = {0x200C: None, 0x200D: None, 0x00AD: None, 0x0640: None, 0x064A: 0x06CC, 0x0649: 0x06CC, 0x0643: 0x06A9}
_FOLD.update({c: None for c in range(0x064B, 0x0660)})
_FOLD[0x0670] = None


def _fold(expr: str) -> str:
    mapped = [(c, r) for c, r in _FOLD.items() if r]
    deleted = [c for c, r in _FOLD.items() if not r]
    src = "".join(f"\\{c:04X}" for c, _ in mapped) + "".join(f"\\{c:04X}" for c in deleted)
    dst = "".join(f"\\{r:04X}" for _, r in mapped)
    return f"translate(coalesce({expr}, ''), U&'{src}', U&'{dst}')"


def _vector(expr: str) -> str:
    return f"to_tsvector('simple'::regconfig, {_fold(expr)})"


# The expressions of 0002's generated columns, as functions of the row's text columns.
TITLE_VECTOR = _vector("title")
SEARCH_VECTOR = (f"setweight({_vector('title')}, 'A') || setweight({_vector('summary')}, 'B') || "
                 f"setweight({_vector('left(body, 300000)')}, 'C')")


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE OR REPLACE FUNCTION newsarchive_title_vector(title text) RETURNS tsvector "
               f"LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT {TITLE_VECTOR} $$")
    op.execute("CREATE OR REPLACE FUNCTION newsarchive_search_vector(title text, summary text, body text) "
               f"RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT {SEARCH_VECTOR} $$")
    op.execute("ALTER TABLE article_versions ALTER COLUMN search_vector DROP EXPRESSION")
    op.execute("ALTER TABLE article_versions ALTER COLUMN title_vector DROP EXPRESSION")
    op.execute(f"CREATE INDEX {UNVECTORED_INDEX} ON article_versions (id) WHERE search_vector IS NULL")
    op.execute(_TRIGGER_FUNCTION)
    op.execute(f"CREATE TRIGGER {TRIGGER} BEFORE INSERT OR UPDATE OF title, summary, body ON article_versions "
               "FOR EACH ROW EXECUTE FUNCTION newsarchive_vectors_trigger()")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"DROP TRIGGER IF EXISTS {TRIGGER} ON article_versions")
    op.execute("DROP FUNCTION IF EXISTS newsarchive_vectors_trigger()")
    op.execute(f"DROP INDEX IF EXISTS {UNVECTORED_INDEX}")
    for name, expr in (("search_vector", SEARCH_VECTOR), ("title_vector", TITLE_VECTOR)):
        op.execute(f"DROP INDEX IF EXISTS ix_article_versions_{name}")
        op.execute(f"ALTER TABLE article_versions DROP COLUMN {name}")
        op.execute(f"ALTER TABLE article_versions ADD COLUMN {name} tsvector GENERATED ALWAYS AS ({expr}) STORED")
        op.execute(f"CREATE INDEX ix_article_versions_{name} ON article_versions USING gin ({name})")
    op.execute("DROP FUNCTION IF EXISTS newsarchive_search_vector(text, text, text)")
    op.execute("DROP FUNCTION IF EXISTS newsarchive_title_vector(text)")
