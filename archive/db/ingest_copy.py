"""Write a batch's new rows: ``COPY`` on PostgreSQL, ``executemany`` elsewhere.

PostgreSQL spends most of a pipelined ``INSERT`` per row on statement overhead (bind,
executor start, one network message each way); ``COPY ... FROM STDIN`` streams the rows
in one command, and psycopg formats them in C. Values pass through each column's own
SQLAlchemy bind processor first (the JSON lists), so the stored bytes are exactly what
``executemany`` would store: the rows are the same on both engines and on both paths.
A handful of rows (the crawl's one page per call) goes as plain INSERTs, which cost one
round trip where COPY costs two; so do other PostgreSQL drivers (psycopg 3's ``copy`` only).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, cast

from sqlalchemy import Connection, Table, insert

from archive.db.models import Base

COPY_MIN_ROWS = 8


def insert_rows(conn: Connection, model: type[Base], rows: Sequence[dict[str, Any]]) -> None:
    """Insert ``rows`` (dicts with the same keys, the table's column names) into ``model``'s table."""
    if not rows:
        return
    table = cast(Table, model.__table__)
    if conn.dialect.name == "postgresql" and conn.dialect.driver == "psycopg" and len(rows) >= COPY_MIN_ROWS:
        _copy(conn, table, rows)
    else:  # one row: a plain execute, which costs less than executemany's machinery
        conn.execute(insert(table), rows[0] if len(rows) == 1 else list(rows))


def _copy(conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    names = list(rows[0])
    processors = _processors(conn, table, names)
    quote = conn.dialect.identifier_preparer.quote
    sql = f"COPY {quote(table.name)} ({', '.join(quote(n) for n in names)}) FROM STDIN"
    driver = conn.connection.driver_connection  # psycopg: same connection, same transaction
    assert driver is not None
    with driver.cursor() as cursor, cursor.copy(sql) as copy:  # type: ignore[attr-defined]
        if any(processors):
            for row in rows:
                copy.write_row([p(row[n]) if p else row[n] for n, p in zip(names, processors, strict=True)])
        else:
            for row in rows:
                copy.write_row([row[n] for n in names])


def _processors(conn: Connection, table: Table, names: list[str]) -> list[Callable[[Any], Any] | None]:
    dialect = conn.dialect
    return [table.c[name].type._cached_bind_processor(dialect) for name in names]
