"""archive/db/export.py: JSONL, CSV and Parquet round-trips with exact text, on both engines."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from archive.db.export import export_articles
from archive.db.ingest import Ingestor
from archive.db.search import SearchFilters
from archive.db.session import Database
from archive.errors import ConfigError
from tests.test_db_support import article, capture

DARI = "کابل\u200cها و شهر\u200cها\n\nپاراگراف دوم با نیم\u200cفاصله."
N = 1100  # more than one export batch


@pytest.fixture
def filled(db: Database) -> Database:
    with db.session() as s:
        ing = Ingestor(s)
        for n in range(N):
            url = f"https://example.com/a/{n}"
            body = DARI if n == 7 else f"Body of article {n}.\n\nSecond paragraph, \"quoted\", with a comma."
            lang = "fa" if n == 7 else "en"
            ing.ingest(capture(url, n), article(url, body, title=f"Title {n} \u200c", language=lang, tags=["x", "y"]))
        # a second version for article 0: the export shows the latest
        ing.ingest(capture("https://example.com/a/0", N + 1), article("https://example.com/a/0", "Edited body."))
    return db


def test_parquet_round_trip(filled: Database, tmp_path: Path) -> None:
    out = tmp_path / "a.parquet"
    assert export_articles(filled, "parquet", out) == N
    table = pq.read_table(out)
    assert table.num_rows == N
    rows = {r["url"]: r for r in table.to_pylist()}
    assert rows["https://example.com/a/7"]["body"].encode("utf-8") == DARI.encode("utf-8")
    assert rows["https://example.com/a/7"]["title"] == "Title 7 \u200c"
    assert rows["https://example.com/a/0"]["body"] == "Edited body."
    assert rows["https://example.com/a/0"]["version"] == 2 and rows["https://example.com/a/0"]["versions"] == 2
    assert rows["https://example.com/a/1"]["tags"] == ["x", "y"]
    assert rows["https://example.com/a/1"]["warc_file"] == "test.warc.gz"
    assert {"id", "url", "title", "body", "published", "language"} <= set(table.column_names)


def test_jsonl_round_trip(filled: Database, tmp_path: Path) -> None:
    out = tmp_path / "a.jsonl"
    assert export_articles(filled, "jsonl", out) == N
    lines = out.read_bytes().split(b"\n")
    assert lines[-1] == b"" and len(lines) == N + 1
    rows = [json.loads(line) for line in lines[:-1]]
    assert next(r for r in rows if r["language"] == "fa")["body"] == DARI
    assert DARI.encode("utf-8").replace(b"\n", b"\\n") in out.read_bytes()


def test_csv_round_trip(filled: Database, tmp_path: Path) -> None:
    out = tmp_path / "a.csv"
    assert export_articles(filled, "csv", out) == N
    with open(out, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == N
    dari = next(r for r in rows if r["language"] == "fa")
    assert dari["body"] == DARI and dari["authors"] == "Jane Doe" and dari["tags"] == "x; y"


def test_filters_and_query(filled: Database, tmp_path: Path) -> None:
    out = tmp_path / "fa.jsonl"
    assert export_articles(filled, "jsonl", out, filters=SearchFilters(language="fa")) == 1
    assert export_articles(filled, "jsonl", out, query="شهرها") == 1
    assert export_articles(filled, "jsonl", out, query='"article 12"') == 1


def test_unknown_format(filled: Database, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="unknown export format 'xml'"):
        export_articles(filled, "xml", tmp_path / "x")


def test_parquet_types_host_replay_and_page_type(filled: Database, tmp_path: Path) -> None:
    import datetime as dt

    import pyarrow as pa

    out = tmp_path / "typed.parquet"
    export_articles(filled, "parquet", out, replay_base="http://127.0.0.1:8080")
    table = pq.read_table(out)
    for name in ("published", "first_seen", "last_seen", "modified"):
        assert table.schema.field(name).type == pa.timestamp("us", tz="UTC"), name
    assert table.schema.field("authors").type == pa.list_(pa.string())
    row = next(r for r in table.to_pylist() if r["url"] == "https://example.com/a/3")
    assert row["published"] == dt.datetime(2025, 2, 27, 8, tzinfo=dt.UTC)
    assert row["first_seen"] == dt.datetime(2025, 3, 1, 15, tzinfo=dt.UTC)
    assert row["host"] == "example.com" and row["page_type"] == "article" and row["authors"] == ["Jane Doe"]
    assert row["replay"] == "http://127.0.0.1:8080/news/20250301150000/https://example.com/a/3"
    jsonl = tmp_path / "a.jsonl"
    export_articles(filled, "jsonl", jsonl)
    assert list(json.loads(jsonl.read_text(encoding="utf-8").splitlines()[0])) == table.column_names


def test_page_type_filter(filled: Database, tmp_path: Path) -> None:
    with filled.session() as s:
        url = "https://example.com/section/politics/"
        Ingestor(s).ingest(capture(url, 5000), article(url, "Headline one. Headline two.", page_type="other"))
    out = tmp_path / "x.jsonl"
    assert export_articles(filled, "jsonl", out) == N
    assert export_articles(filled, "jsonl", out, page_type="other") == 1
    assert json.loads(out.read_text(encoding="utf-8"))["url"] == url
    assert export_articles(filled, "jsonl", out, page_type="all") == N + 1
