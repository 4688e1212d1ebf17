"""PostgreSQL's full-text vectors, written only when SQL search is the configured search.

Computing ``search_vector`` and ``title_vector`` (``to_tsvector`` of title, summary and
body, and their GIN entries) was half of PostgreSQL's ingest CPU (docs/database.md,
"Ingest"). Since migration 0006 they are ordinary columns, computed by a trigger as the
rows are inserted only when SQL full-text search is what answers (``maintained``):
``before_insert`` turns it on for the transaction. With the tantivy index serving
search they stay NULL; SQL search, which still answers when the index is missing or
behind, computes a NULL row's vector on the fly (``search._pg_text_match``), so its
answers are the same either way, only slower over many unvectored rows.

``ARCHIVE_SQL_SEARCH_VECTORS``: ``auto`` (default) fills them when the tantivy index is
off (``ARCHIVE_SEARCH_INDEX=off`` or tantivy not installed); ``on`` always; ``off`` never.
Each fill also takes up to ``BACKLOG`` older unvectored versions, so a database that ran
with the index and is switched to SQL search catches up while it ingests.
"""

from __future__ import annotations

import os

from sqlalchemy import Connection, text

from archive.db import searchindex

BACKLOG = 2000
SEARCH_VECTOR_SQL = "newsarchive_search_vector({p}title, {p}summary, {p}body)"  # migration 0006
TITLE_VECTOR_SQL = "newsarchive_title_vector({p}title)"
_SWITCH_ON = text("SELECT set_config('newsarchive.sql_vectors', 'on', true)")  # for this transaction
_FILL = text(
    "UPDATE article_versions SET search_vector = " + SEARCH_VECTOR_SQL.format(p="")
    + ", title_vector = " + TITLE_VECTOR_SQL.format(p="")
    + " WHERE id IN (SELECT id FROM article_versions WHERE search_vector IS NULL ORDER BY id DESC LIMIT :backlog)"
)


def maintained() -> bool:
    """Whether ingest writes the vectors (see the module docstring)."""
    mode = os.environ.get("ARCHIVE_SQL_SEARCH_VECTORS", "auto").strip().lower()
    if mode in ("on", "1", "true", "yes"):
        return True
    if mode in ("off", "0", "false", "no"):
        return False
    return not searchindex.enabled()


def before_insert(conn: Connection, backlog: int = BACKLOG) -> None:
    """Before versions are inserted: when maintained, have the trigger compute their vectors,
    and compute those of up to ``backlog`` stored versions that have none (newest first)."""
    if conn.dialect.name == "postgresql" and maintained():
        conn.execute(_SWITCH_ON)
        conn.execute(_FILL, {"backlog": backlog})
