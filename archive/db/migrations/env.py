"""Alembic environment for the article database.

Run by ``archive.db.migrate`` (which passes a live connection) or by the ``alembic``
command with ``-c archive/db/migrations/alembic.ini`` and ``NEWSARCHIVE_DB`` set.
"""

from __future__ import annotations

import os
from typing import Any

from alembic import context
from sqlalchemy import Connection

from archive.db.models import Base

# The search index lives outside the models because it differs per engine.
SEARCH_TABLE_PREFIX = "article_search"
SEARCH_COLUMNS = {"search_vector", "title_vector"}
SEARCH_INDEXES = {"ix_article_versions_search_vector", "ix_article_versions_title_vector",
                  "ix_article_versions_newest",  # 0005: PostgreSQL only
                  "ix_article_versions_unvectored"}  # 0006: PostgreSQL only


def include_name(name: str | None, type_: str, parent_names: Any) -> bool:
    """Skip the FTS5 table and its shadow tables (``article_search_data`` etc.)."""
    if type_ == "table" and name and name.startswith(SEARCH_TABLE_PREFIX):
        return False
    if type_ == "column" and name in SEARCH_COLUMNS:
        return False
    if type_ == "index" and name in SEARCH_INDEXES:
        return False
    return True


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        include_name=include_name,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def _run() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        return
    from archive.db.session import create_db_engine

    url = os.environ.get("NEWSARCHIVE_DB") or context.config.get_main_option("sqlalchemy.url")
    if not url:
        raise SystemExit("set NEWSARCHIVE_DB to the database URL")
    engine = create_db_engine(url)
    with engine.connect() as conn:
        _configure(conn)
    engine.dispose()


_run()
