"""Open an existing archive database read-only, never creating or migrating one.

``open_database`` (the CLI's) creates the SQLite file and applies migrations on first
use; a viewer must do neither. Here a missing SQLite file or an empty schema is a
one-line ``ConfigError``, and every connection is made read-only by the engine itself
(``PRAGMA query_only`` on SQLite, a read-only session on PostgreSQL), so no bug in the
interface can write.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import sessionmaker

from archive.db.migrate import current_revision, head_revision
from archive.db.searchindex import remember_data_dir
from archive.db.session import DB_FILENAME, Database, create_db_engine, database_url
from archive.errors import ConfigError, DatabaseError


def open_readonly(data_dir: Path | str | None = None, db_url: str | None = None) -> Database:
    """The archive at ``db_url`` or in ``data_dir``, opened read-only and checked for our schema."""
    if not db_url:
        path = Path(data_dir or "newsarchive-data") / DB_FILENAME
        if not path.is_file():
            raise ConfigError(f"no archive database at {path}: crawl first (newsarchive crawl URL) "
                              "or give --data-dir / --db")
    url = database_url(Path(data_dir or "."), db_url)
    engine = create_db_engine(url)
    event.listen(engine, "connect", _read_only_sqlite if engine.dialect.name == "sqlite" else _read_only_pg)
    shown = engine.url.render_as_string(hide_password=True)
    try:
        revision = current_revision(engine)
    except SQLAlchemyError as exc:
        engine.dispose()
        raise DatabaseError(f"cannot open database {shown}: {' '.join(str(getattr(exc, 'orig', None) or exc).split())[:200]}") from exc
    if revision is None:
        engine.dispose()
        raise ConfigError(f"{shown} is not a newsarchive database (no schema): crawl into it first")
    if revision != head_revision():
        engine.dispose()
        raise ConfigError(f"{shown} is at schema revision {revision}; run `newsarchive db upgrade` first")
    remember_data_dir(engine, Path(data_dir or "newsarchive-data"))  # a PostgreSQL search index lives there
    return Database(engine, sessionmaker(engine, expire_on_commit=False))


def _read_only_sqlite(dbapi_conn: Any, _record: Any) -> None:
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA query_only=ON")
    cursor.close()


def _read_only_pg(dbapi_conn: Any, _record: Any) -> None:
    autocommit = dbapi_conn.autocommit
    dbapi_conn.autocommit = True
    with dbapi_conn.cursor() as cursor:
        cursor.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
    dbapi_conn.autocommit = autocommit
