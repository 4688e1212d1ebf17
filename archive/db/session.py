"""Engine and sessions: SQLite in the data dir by default, PostgreSQL by URL.

``open_database`` applies the Alembic migrations on first use, so every command can
assume the current schema. SQLite runs in WAL mode so that a search can read while a
crawl writes.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from archive.db.text import fold_for_search
from archive.errors import ConfigError, DatabaseError

DB_FILENAME = "newsarchive.sqlite"

BUSY_TIMEOUT_MS = 30_000  # how long SQLite waits for another process's lock before "database is locked"
_SQLITE_WRITE_PRAGMAS = ("PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA foreign_keys=ON")
_SQLITE_PRAGMAS = (
    "PRAGMA cache_size=-32768",  # 32 MiB per connection
    "PRAGMA temp_store=MEMORY",
)


def database_url(data_dir: Path, url: str | None = None) -> str:
    """``url`` if given, else the SQLite file inside ``data_dir``."""
    if url:
        return url
    return f"sqlite:///{Path(data_dir).resolve() / DB_FILENAME}"


def create_db_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for ``url``; SQLite connections get WAL and our pragmas."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ConfigError(f"cannot parse database URL {url!r}: {exc}") from exc
    backend = parsed.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise ConfigError(
            f"unsupported database {backend!r} in {_safe_url(url)}; use sqlite:///FILE or postgresql+psycopg://..."
        )
    try:
        if backend == "sqlite" and parsed.database not in (None, "", ":memory:"):
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        if backend == "postgresql" and parsed.get_driver_name() == "psycopg":
            # No server-side prepared statements: a generic plan cannot know that one search
            # word is in 90% of rows and another in 0.01%, and picks badly for one of them.
            kwargs.setdefault("connect_args", {}).setdefault("prepare_threshold", None)
        engine = create_engine(parsed, **kwargs)
    except (ArgumentError, NoSuchModuleError, ImportError, ValueError) as exc:
        raise ConfigError(f"cannot use database URL {_safe_url(url)}: {exc} (pip install 'psycopg[binary]'?)") from exc
    except OSError as exc:
        raise ConfigError(f"cannot create the database folder for {_safe_url(url)}: {exc}") from exc
    if backend == "sqlite":
        event.listen(engine, "connect", _sqlite_on_connect)
    return engine


def _sqlite_on_connect(dbapi_conn: Any, _record: Any, read_only: bool = False) -> None:
    """Our function and pragmas; a read-only connection skips those that write to the file."""
    dbapi_conn.create_function("newsarchive_fold", 1, _sqlite_fold, deterministic=True)
    cursor = dbapi_conn.cursor()
    cursor.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_MS)}")
    for pragma in _SQLITE_PRAGMAS + (() if read_only else _SQLITE_WRITE_PRAGMAS):
        cursor.execute(pragma)
    cursor.close()


def _sqlite_on_read_only_connect(dbapi_conn: Any, record: Any) -> None:
    _sqlite_on_connect(dbapi_conn, record, read_only=True)


def _sqlite_fold(value: str | None) -> str:
    return fold_for_search(value) if value else ""


@dataclass
class Database:
    """An engine plus a session factory; ``session()`` is a commit-or-rollback context."""

    engine: Engine
    sessions: sessionmaker[Session]

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextlib.contextmanager
    def session(self) -> Iterator[Session]:
        with self.sessions() as session:
            try:
                yield session
                session.commit()
            except SQLAlchemyError as exc:
                session.rollback()
                raise DatabaseError(f"database error: {_one_line(exc)}") from exc
            except BaseException:
                session.rollback()
                raise

    def dispose(self) -> None:
        self.engine.dispose()


def open_database(data_dir: Path, url: str | None = None, *, upgrade: bool = True) -> Database:
    """Open (and by default migrate) the database for ``data_dir`` or ``url``."""
    full_url = database_url(data_dir, url)
    engine = create_db_engine(full_url)
    try:
        if upgrade:
            from archive.db.migrate import upgrade_if_needed

            upgrade_if_needed(engine)
        else:
            with engine.connect() as conn:
                inspect(conn).get_table_names()
    except SQLAlchemyError as exc:
        engine.dispose()
        raise DatabaseError(f"cannot open database {_safe_url(full_url)}: {_one_line(exc)}") from exc
    _remember_data_dir(engine, data_dir)
    return Database(engine, sessionmaker(engine, expire_on_commit=False))


def open_archive(data_dir: Path, url: str | None = None) -> Database:
    """Open an existing archive for reading (search, show, export, stats); create nothing.

    A missing SQLite file or an empty PostgreSQL schema is a one-line ``ConfigError``
    instead of a new empty database. SQLite is opened read-only (``mode=ro``), and as
    ``immutable`` when its folder cannot be written (an archive on read-only media,
    where even the WAL index cannot be created). A schema behind the code is upgraded
    first when the file is writable, as every other command does.
    """
    full_url = database_url(data_dir, url)
    where = _safe_url(full_url) if url else str(data_dir)
    missing = ConfigError(f"no archive at {where}: run `newsarchive demo` or `crawl` first")
    parsed = make_url(full_url) if _parses(full_url) else None
    if parsed is not None and parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        path = Path(parsed.database)
        if not path.is_file():
            raise missing
        if os.access(path.parent, os.W_OK) and os.access(path, os.W_OK):
            _upgrade_if_behind(full_url)
        engine = _read_only_sqlite_engine(path)
    else:
        engine = create_db_engine(full_url)
        event.listen(engine, "connect", _postgresql_read_only)
    from archive.db.migrate import current_revision

    try:
        revision = current_revision(engine)
    except SQLAlchemyError as exc:
        engine.dispose()
        raise DatabaseError(f"cannot open database {_safe_url(full_url)}: {_one_line(exc)}") from exc
    if revision is None:
        foreign = _has_tables(engine)
        engine.dispose()
        if foreign:
            raise ConfigError(f"{where} is not a newsarchive database (it holds other tables): "
                              "give the data dir or --db of an archive")
        raise missing
    if parsed is not None and parsed.get_backend_name() != "sqlite":
        _upgrade_if_behind(full_url)
    _remember_data_dir(engine, data_dir)
    return Database(engine, sessionmaker(engine, expire_on_commit=False))


def _has_tables(engine: Engine) -> bool:
    """Whether a database without our schema holds someone else's (a wrong path, not an empty one)."""
    try:
        return bool(inspect(engine).get_table_names())
    except SQLAlchemyError:
        return False


def _remember_data_dir(engine: Engine, data_dir: Path) -> None:
    from archive.db.searchindex import remember_data_dir  # where a PostgreSQL search index lives

    remember_data_dir(engine, data_dir)


def _postgresql_read_only(dbapi_conn: Any, _record: Any) -> None:
    cursor = dbapi_conn.cursor()
    cursor.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
    cursor.close()
    dbapi_conn.commit()  # a plain SET is undone with the transaction it ran in


def _parses(url: str) -> bool:
    try:
        make_url(url)
    except ArgumentError:
        return False
    return True


def _upgrade_if_behind(url: str) -> None:
    from archive.db.migrate import current_revision, head_revision, upgrade_if_needed

    engine = create_db_engine(url)
    try:
        if current_revision(engine) not in (None, head_revision()):
            upgrade_if_needed(engine)
    except SQLAlchemyError as exc:
        raise DatabaseError(f"cannot open database {_safe_url(url)}: {_one_line(exc)}") from exc
    finally:
        engine.dispose()


def _read_only_sqlite_engine(path: Path) -> Engine:
    writable = os.access(path.parent, os.W_OK)
    uri = f"file:{urllib.parse.quote(str(path.resolve()))}?{'mode=ro' if writable else 'immutable=1'}"

    def connect() -> sqlite3.Connection:
        return sqlite3.connect(uri, uri=True, check_same_thread=False)

    engine = create_engine(f"sqlite:///{path.resolve()}", creator=connect)
    event.listen(engine, "connect", _sqlite_on_read_only_connect)
    return engine


def _safe_url(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<invalid URL>"


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(getattr(exc, "orig", None) or exc).split())[:300]
    if text == "database is locked":
        return f"{text}: another process is writing to it; try again when it has finished"
    return text


def database_error(exc: SQLAlchemyError) -> DatabaseError:
    """The one-line ``DatabaseError`` for an engine exception raised outside ``session()``."""
    return DatabaseError(f"database error: {_one_line(exc)}")
