"""archive/cli/db.py: every database command through CliRunner, exact messages and exit codes."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, inspect, select, text
from sqlalchemy.engine import make_url

from archive.cli import main
from archive.db.ingest import Ingestor
from archive.db.models import Article
from archive.db.session import open_database
from archive.errors import DatabaseError
from tests.mounts import remount_read_only, tmpfs
from tests.test_db_support import article, capture

URL = "https://example.af/news/1"
DARI = "مکتب\u200cها از هفته آینده باز می\u200cشوند."


@pytest.fixture
def args(db_url: str | None, tmp_path: Path) -> list[str]:  # noqa: F811
    return _filled(db_url, tmp_path)


@pytest.fixture
def sqlite_args(tmp_path: Path) -> list[str]:
    return _filled(None, tmp_path)


def _filled(db_url: str | None, tmp_path: Path) -> list[str]:
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


READ_COMMANDS = [["search", "x"], ["stats"], ["show", "1"], ["export", "--format", "csv", "-o", "-"]]


@pytest.mark.parametrize("command", READ_COMMANDS, ids=lambda c: c[0])
def test_read_commands_on_a_missing_archive_create_nothing(db_url: str | None, tmp_path: Path,  # noqa: F811
                                                           command: list[str]) -> None:
    data_dir = tmp_path / "nowhere"
    result = CliRunner().invoke(main, [*command, "--data-dir", str(data_dir)] + (["--db", db_url] if db_url else []))
    assert result.exit_code == 1
    where = make_url(db_url).render_as_string(hide_password=True) if db_url else str(data_dir)
    assert result.output == f"Error: no archive at {where}: run `newsarchive demo` or `crawl` first\n"
    assert not data_dir.exists()
    if db_url:
        engine = create_engine(db_url)
        with engine.connect() as conn:
            assert inspect(conn).get_table_names() == []
        engine.dispose()


def test_search_an_archive_on_read_only_media(sqlite_args: list[str], tmp_path: Path) -> None:
    with tmpfs(tmp_path / "media", "16m") as media:
        shutil.copy(tmp_path / "newsarchive.sqlite", media / "newsarchive.sqlite")
        remount_read_only(media)
        result = _run("search", "English", "--format", "jsonl", "--data-dir", str(media))
        assert result.exit_code == 0, result.output
        assert [json.loads(line)["url"] for line in result.output.splitlines()] == ["https://example.com/e"]
        assert json.loads(_run("stats", "--format", "json", "--data-dir", str(media)).output)["articles"] == 2
        assert sorted(p.name for p in media.iterdir()) == ["newsarchive.sqlite"]


def test_read_commands_open_sqlite_read_only(args: list[str], db_url: str | None, tmp_path: Path) -> None:  # noqa: F811
    from archive.db.session import open_archive

    db = open_archive(tmp_path, db_url)
    try:
        with pytest.raises(DatabaseError, match="readonly|read-only"), db.session() as s:
            s.execute(text("DELETE FROM images"))
    finally:
        db.dispose()


def test_show_versions_with_diff_shows_both(args: list[str]) -> None:
    hit = json.loads(_run("search", "مکتبها", "--format", "json", *args).output)[0]
    out = _run("show", str(hit["id"]), "--versions", "--diff", *args).output
    assert "  v1: " in out and "  v2: " in out
    assert "--- version 1" in out and "+پاراگراف تازه." in out
    assert out.index("  v2: ") < out.index("--- version 1")


def test_export_to_a_missing_folder_is_one_line(args: list[str], tmp_path: Path) -> None:
    target = tmp_path / "missing" / "dir" / "x.csv"
    result = CliRunner().invoke(main, ["export", "--format", "csv", "-o", str(target), *args])
    assert result.exit_code == 1
    assert result.output == f"Error: cannot write {target}: folder {target.parent} does not exist\n"
    assert not (tmp_path / "missing").exists()


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_export_on_a_full_disk_leaves_no_partial_file(args: list[str], tmp_path: Path, fmt: str) -> None:
    db = open_database(tmp_path, args[3] if len(args) > 2 else None)
    with db.session() as s:
        ing = Ingestor(s)
        for n in range(400):
            url = f"https://example.com/bulk/{n}"
            noise = random.Random(n).randbytes(1000).hex()  # incompressible, so the disk fills
            ing.ingest(capture(url, 100 + n), article(url, f"Bulk body {n} {noise}"))
    db.dispose()
    with tmpfs(tmp_path / "small", "64k") as small:
        target = small / f"out.{fmt}"
        result = CliRunner().invoke(main, ["export", "--format", fmt, "-o", str(target), *args])
        assert result.exit_code == 1, result.output
        assert result.output == f"Error: cannot write {target}: No space left on device\n"
        assert list(small.iterdir()) == []


def test_export_and_show_list_articles_by_default(args: list[str], tmp_path: Path) -> None:
    db = open_database(tmp_path, args[3] if len(args) > 2 else None)
    with db.session() as s:
        url = "https://example.com/tag/politics"
        Ingestor(s).ingest(capture(url, 50), article(url, "A list of headlines.", page_type="other"))
        other_id = s.scalars(select(Article.id).where(Article.canonical_url == url)).one()
    db.dispose()
    def export(*more: str) -> list[dict]:
        out = _run("export", "--format", "jsonl", "-o", "-", *more, *args).output.splitlines()
        return [json.loads(line) for line in out if line.startswith("{")]

    assert [row["page_type"] for row in export()] == ["article", "article"]
    assert {row["url"] for row in export("--page-type", "all")} == {"https://example.com/tag/politics", URL,
                                                                    "https://example.com/e"}
    assert [row["url"] for row in export("--page-type", "other")] == ["https://example.com/tag/politics"]
    refused = CliRunner().invoke(main, ["show", str(other_id), *args])
    assert refused.exit_code == 1
    assert refused.output == (f"Error: {other_id} is a page of type 'other', not 'article'; "
                              "add --page-type all to show it\n")
    assert _run("show", str(other_id), "--page-type", "all", *args).output.startswith("A title\n")


def test_locked_database_says_so(sqlite_args: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sqlite3

    monkeypatch.setattr("archive.db.session.BUSY_TIMEOUT_MS", 200)
    holder = sqlite3.connect(tmp_path / "newsarchive.sqlite", isolation_level=None)
    holder.execute("PRAGMA locking_mode=EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    holder.execute("DELETE FROM sites WHERE id < 0")
    try:
        result = CliRunner().invoke(main, ["export", "--format", "csv", "-o", str(tmp_path / "x.csv"), *sqlite_args])
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and "database is locked" in result.output
    assert result.output.count("\n") == 1 and not (tmp_path / "x.csv").exists()
