"""archive/cli/db.py: every database command through CliRunner, exact messages and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from archive.cli import main
from archive.db.ingest import Ingestor
from archive.db.session import open_database
from tests.test_db_support import article, capture, db_url  # noqa: F401

URL = "https://example.af/news/1"
DARI = "مکتب\u200cها از هفته آینده باز می\u200cشوند."


@pytest.fixture
def args(db_url: str | None, tmp_path: Path) -> list[str]:  # noqa: F811
    base = ["--data-dir", str(tmp_path)] + (["--db", db_url] if db_url else [])
    db = open_database(tmp_path, db_url)
    with db.session() as s:
        ing = Ingestor(s)
        ing.ingest(capture(URL, 1), article(URL, DARI, title="بازگشایی مکتب\u200cها", language="fa"))
        ing.ingest(capture(URL, 2), article(URL, DARI + "\n\nپاراگراف تازه.", title="بازگشایی مکتب\u200cها",
                                            language="fa"))
        ing.ingest(capture("https://example.com/e", 3), article("https://example.com/e", "English text here."))
    db.dispose()
    return base


def _run(*argv: str) -> object:
    return CliRunner().invoke(main, list(argv), catch_exceptions=False)


def test_search_json(args: list[str]) -> None:
    result = _run("search", "میشوند", "--format", "json", *args)
    assert result.exit_code == 0, result.output
    (hit,) = json.loads(result.output)
    assert {"id", "url", "title", "site", "published", "snippet"} <= set(hit)
    assert hit["url"] == URL and "می\u200cشوند" in hit["snippet"]


def test_search_jsonl_table_and_filters(args: list[str]) -> None:
    out = _run("search", "text", "--format", "jsonl", "--language", "en", *args).output.splitlines()
    assert [json.loads(line)["url"] for line in out] == ["https://example.com/e"]
    table = _run("search", "English", *args)
    assert table.exit_code == 0 and "English text here." in table.output
    none = _run("search", "absentword", *args)
    assert none.exit_code == 0 and none.output == "No articles found.\n"


@pytest.mark.parametrize("query", ["*", "NOT word", "a" * 10_000])
def test_search_errors_are_one_line(args: list[str], query: str) -> None:
    result = CliRunner().invoke(main, ["search", *args, "--", query])
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and result.output.count("\n") == 1


@pytest.mark.parametrize("query", ["don't", "multi-agent", '"unbalanced', "NEAR(", "'; DROP TABLE articles; --"])
def test_search_odd_input_exits_cleanly(args: list[str], query: str) -> None:
    result = CliRunner().invoke(main, ["search", query, *args])
    assert result.exit_code in (0, 1) and "Traceback" not in result.output


def test_search_needs_query_or_filter(args: list[str]) -> None:
    result = CliRunner().invoke(main, ["search", *args])
    assert result.exit_code == 2 and "give a QUERY or at least one filter option" in result.output


def test_show_json_versions_and_diff(args: list[str]) -> None:
    hit = json.loads(_run("search", "مکتبها", "--format", "json", *args).output)[0]
    detail = json.loads(_run("show", str(hit["id"]), "--format", "json", *args).output)
    assert len(detail["versions"]) == 2 and detail["versions"][0]["body"] == DARI
    diff = _run("show", str(hit["id"]), "--diff", *args).output
    assert diff.startswith("--- version 1") and "+پاراگراف تازه." in diff
    text = _run("show", str(hit["id"]), "--versions", *args).output
    assert "v1:" in text and "v2:" in text and "test.warc.gz@" in text


def test_show_unknown_id(args: list[str]) -> None:
    result = CliRunner().invoke(main, ["show", "999", *args])
    assert result.exit_code == 1
    assert result.output == "Error: no article with id 999; find ids with `newsarchive search`\n"


def test_export_parquet_and_stdout(args: list[str], tmp_path: Path) -> None:
    out = tmp_path / "out.parquet"
    result = _run("export", "--format", "parquet", "-o", str(out), *args)
    assert result.exit_code == 0
    rows = pq.read_table(out).to_pylist()
    assert len(rows) == 2 and any(r["body"] == DARI + "\n\nپاراگراف تازه." for r in rows)
    lines = _run("export", "--format", "jsonl", "-o", "-", "--language", "fa", *args).output
    assert json.loads(lines.splitlines()[0])["title"] == "بازگشایی مکتب\u200cها"


def test_stats_and_upgrade(args: list[str]) -> None:
    stats = json.loads(_run("stats", "--format", "json", *args).output)
    assert (stats["articles"], stats["versions"], stats["captures"]) == (2, 3, 3)
    assert _run("stats", *args).output.startswith("sites: 2\n")
    from archive.db.migrate import head_revision

    assert f"already at revision {head_revision()}" in _run("db", "upgrade", *args).output


def test_reindex_empty_data_dir(args: list[str], tmp_path: Path) -> None:
    (tmp_path / "warcs").mkdir(exist_ok=True)
    result = _run("reindex", *args)
    assert result.exit_code == 0 and result.output == "0 files, 0 records, 0 already indexed; nothing new\n"


def test_bad_db_url_is_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["stats", "--data-dir", str(tmp_path), "--db", "mysql://x/y"])
    assert result.exit_code == 1 and result.output.count("\n") == 1 and result.output.startswith("Error: ")
