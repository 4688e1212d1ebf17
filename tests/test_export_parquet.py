"""archive/db/export_parquet.py: typed columns, exact text, bounded batches, no pandas (issue 10, target 5)."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from archive.db import export_parquet
from archive.db.export import export_articles
from archive.db.ingest import Ingestor
from archive.db.session import Database, open_database
from tests.test_db_support import article, capture

ZWNJ_TITLE = "خبر\u200cهای امروز"
AUTHORS = ["نویسنده\u200cی اول", 'O\'Brien "Q" \\ \t tab', "Jane Doe"]
N = 250


def _fill(db: Database) -> Database:
    pages = []
    for n in range(N):
        url = f"https://example.com/a/{n}"
        pages.append((capture(url, n), article(
            url, f"Body {n} می\u200cشود.", title=ZWNJ_TITLE if n == 5 else f"Title {n}",
            authors=AUTHORS if n == 5 else [] if n == 6 else ["Jane Doe"], tags=["x", "تگ"] if n % 2 else [],
            modified="2025-03-01T10:00:00+04:30" if n == 5 else None, page_type="article")))
    with db.session() as s:
        Ingestor(s).ingest_many(pages)
    return db


@pytest.fixture
def filled(db: Database) -> Database:
    return _fill(db)


def test_columns_are_typed_and_text_exact(filled: Database, tmp_path: Path) -> None:
    out = tmp_path / "a.parquet"
    assert export_articles(filled, "parquet", out, replay_base="http://replay") == N
    table = pq.read_table(out)
    for name in ("published", "modified", "first_seen", "last_seen"):
        assert table.schema.field(name).type == pa.timestamp("us", tz="UTC"), name
    for name in ("authors", "tags"):
        assert table.schema.field(name).type == pa.list_(pa.string()), name
    for name in ("id", "version", "versions", "warc_offset", "warc_length"):
        assert table.schema.field(name).type == pa.int64(), name
    rows = {r["url"]: r for r in table.to_pylist()}
    five = rows["https://example.com/a/5"]
    assert five["title"].encode("utf-8") == ZWNJ_TITLE.encode("utf-8")
    assert five["body"].encode("utf-8") == "Body 5 می\u200cشود.".encode()
    assert five["authors"] == AUTHORS
    assert [a.encode("utf-8") for a in five["authors"]] == [a.encode("utf-8") for a in AUTHORS]
    assert five["modified"] == dt.datetime(2025, 3, 1, 5, 30, tzinfo=dt.UTC)
    assert five["published"] == dt.datetime(2025, 2, 27, 8, tzinfo=dt.UTC)
    assert five["first_seen"] == five["last_seen"] == dt.datetime(2025, 3, 1, 17, tzinfo=dt.UTC)
    assert five["replay"] == "http://replay/news/20250301170000/https://example.com/a/5"
    assert rows["https://example.com/a/6"]["authors"] == [] and rows["https://example.com/a/6"]["tags"] == []
    assert rows["https://example.com/a/7"]["tags"] == ["x", "تگ"]
    assert rows["https://example.com/a/7"]["modified"] is None


def test_parquet_matches_jsonl(filled: Database, tmp_path: Path) -> None:
    """The columnar writer and the row writer give the same values (times as ISO text in JSONL)."""
    export_articles(filled, "parquet", tmp_path / "a.parquet")
    export_articles(filled, "jsonl", tmp_path / "a.jsonl")
    parquet = pq.read_table(tmp_path / "a.parquet").to_pylist()
    lines = [json.loads(line) for line in (tmp_path / "a.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(parquet) == len(lines) == N
    for p, j in zip(parquet, lines, strict=True):
        for key, value in j.items():
            if key in ("first_seen", "last_seen"):
                assert p[key] == dt.datetime.fromisoformat(value), key
            elif key in ("published", "modified"):
                assert (p[key] is None) == (value is None), key
            else:
                assert p[key] == value, key


def test_rows_stream_in_bounded_batches_and_row_groups(filled: Database, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(export_parquet, "BATCH", 40)
    monkeypatch.setattr(export_parquet, "ROW_GROUP_ROWS", 100)
    sizes: list[int] = []
    real = export_parquet._record_batches

    def spy(*args: object):  # noqa: ANN202
        for batch in real(*args):
            sizes.append(batch.num_rows)
            yield batch

    monkeypatch.setattr(export_parquet, "_record_batches", spy)
    out = tmp_path / "b.parquet"
    assert export_articles(filled, "parquet", out) == N
    assert sum(sizes) == N and max(sizes) == 40
    meta = pq.read_metadata(out)
    groups = [meta.row_group(i).num_rows for i in range(meta.num_row_groups)]
    assert sum(groups) == N and max(groups) <= 120 and len(groups) >= 3  # flushed at >= 100 rows: 3 batches


def test_export_does_not_import_pandas(tmp_path: Path) -> None:
    """pyarrow imports pandas on its first conversion when it is installed: 50 MB for nothing."""
    import pandas  # noqa: F401 - installed (a dev dependency), so the guard is what keeps it out

    _fill(open_database(tmp_path, None)).dispose()
    code = (
        "import sys; from pathlib import Path\n"
        "from archive.db.session import open_database; from archive.db.export import export_articles\n"
        f"db = open_database(Path({str(tmp_path)!r}), None)\n"
        f"assert export_articles(db, 'parquet', Path({str(tmp_path / 'c.parquet')!r})) == {N}\n"
        "print('pandas' in sys.modules)\n"
        "import pyarrow.parquet as pq\n"
        f"print(len(pq.read_table({str(tmp_path / 'c.parquet')!r}).to_pandas()))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", str(N)]
