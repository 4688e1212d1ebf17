"""Shared fixtures for the database tests: one SQLite and one PostgreSQL database per test.

Imported by the ``test_db_*`` modules (``from tests.test_db_support import db``); it holds
no tests itself. PostgreSQL tests use a fresh schema each and skip, with the reason
shown, only when the server at ``NEWSARCHIVE_TEST_PG`` (default 127.0.0.1:5432) is down;
under ``CI=true`` they fail instead.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from archive.db.ingest import CaptureInfo
from archive.db.session import Database, open_database
from archive.extract.article import Article, Image
from archive.warc.location import RecordLocation

PG_URL = os.environ.get("NEWSARCHIVE_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
ENGINES = ["sqlite", "postgresql"]


def _pg_admin_url() -> str:
    return PG_URL.replace("postgresql+psycopg://", "postgresql://", 1)


def pg_unreachable() -> str | None:
    try:
        import psycopg
    except ImportError as exc:  # pragma: no cover
        return f"psycopg not installed: {exc}"
    try:
        with psycopg.connect(_pg_admin_url(), connect_timeout=3):
            return None
    except psycopg.OperationalError as exc:
        return f"PostgreSQL not reachable at {PG_URL}: {' '.join(str(exc).split())[:200]}"


def pg_schema_url() -> Iterator[str]:
    """Yield a URL whose search_path is a new schema; drop the schema afterwards."""
    import psycopg

    reason = pg_unreachable()
    if reason:
        (pytest.fail if os.environ.get("CI", "").lower() in ("1", "true", "yes") else pytest.skip)(reason)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(_pg_admin_url(), autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    sep = "&" if "?" in PG_URL else "?"
    try:
        yield f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(_pg_admin_url(), autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture(params=ENGINES)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str | None]:
    """``None`` (SQLite in tmp_path) or a PostgreSQL URL with a private schema."""
    if request.param == "sqlite":
        yield None
    else:
        yield from pg_schema_url()


@pytest.fixture
def db(db_url: str | None, tmp_path: Path) -> Iterator[Database]:
    database = open_database(tmp_path, db_url)
    try:
        yield database
    finally:
        database.dispose()


T0 = dt.datetime(2025, 3, 1, 12, 0, tzinfo=dt.UTC)


def capture(url: str, n: int, when: dt.datetime | None = None, **kw: object) -> CaptureInfo:
    """A CaptureInfo with a unique record id ``n``."""
    loc = RecordLocation(
        file="test.warc.gz", offset=n * 1000, length=900, record_id=f"<urn:uuid:{uuid.UUID(int=n)}>",
        payload_digest=kw.pop("digest", f"sha1:{n:032d}"),  # type: ignore[arg-type]
    )
    return CaptureInfo(url=url, fetched_at=when or T0 + dt.timedelta(hours=n), location=loc,
                       status=kw.pop("status", 200), mime_type="text/html", **kw)  # type: ignore[arg-type]


def article(url: str, body: str, title: str = "A title", **kw: object) -> Article:
    fields: dict[str, object] = {
        "site_name": "Example News", "authors": ["Jane Doe"], "published": "2025-02-27T08:00:00+00:00",
        "language": "en", "section": "Politics", "page_type": "article", "extractor": "test-1",
        "images": [Image("https://example.com/a.jpg", "A caption", "Photo: X")],
    }
    fields.update(kw)
    return Article(url=url, canonical_url=url, title=title, body=body, **fields)  # type: ignore[arg-type]
