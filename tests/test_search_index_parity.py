"""The search tests again, once with SQL full-text search and once through the tantivy index.

The imported tests run with ``ARCHIVE_SEARCH_INDEX`` off (FTS5 / tsvector) and on (tantivy,
fed by ingest); both must give the answers the tests expect, on SQLite and PostgreSQL.
``sql-unvectored``: SQL search over PostgreSQL versions stored without their tsvectors
(``ARCHIVE_SQL_SEARCH_VECTORS=off``, as when the index serves search), computed on the fly.
"""

from __future__ import annotations

import pytest

from tests.test_db_search import *  # noqa: F403 - the same tests, parametrized by engine
from tests.test_search_cli import *  # noqa: F403


@pytest.fixture(autouse=True, params=["sql", "sql-unvectored", "tantivy"])
def search_engine(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "tantivy":
        pytest.importorskip("tantivy")
    monkeypatch.setenv("ARCHIVE_SEARCH_INDEX", "auto" if request.param == "tantivy" else "off")
    monkeypatch.setenv("ARCHIVE_SQL_SEARCH_VECTORS", "off" if request.param == "sql-unvectored" else "auto")
    return request.param
