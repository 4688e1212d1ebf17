"""``newsarchive search``: query errors are one line with exit 1; ``--page-type`` shows more than articles."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.cli import main
from archive.db.ingest import Ingestor
from archive.db.session import open_database
from tests.test_db_support import article, capture


@pytest.fixture
def args(db_url: str | None, tmp_path: Path) -> list[str]:  # noqa: F811
    db = open_database(tmp_path, db_url)
    with db.session() as s:
        ing = Ingestor(s)
        ing.ingest(capture("https://example.com/a", 1), article("https://example.com/a", "Vote count in Kabul."))
        ing.ingest(capture("https://example.com/dari/", 2),
                   article("https://example.com/dari/", "Vote news list.", page_type="other"))
    db.dispose()
    return ["--data-dir", str(tmp_path)] + (["--db", db_url] if db_url else [])


def _run(*argv: str):  # noqa: ANN202
    return CliRunner().invoke(main, list(argv), catch_exceptions=False)


@pytest.mark.parametrize(("query", "message"), [
    ("foo:bar", "Error: unknown field foo: in 'foo:bar'; the fields are title:, author:, section:, site:, language:"),
    ("vote title:", "Error: title: has no value in 'vote title:'"),
    ("\x00", "Error: nothing to search for"),
])
def test_bad_query_is_one_line_and_exit_1(args: list[str], query: str, message: str) -> None:
    result = _run("search", query, *args)
    assert result.exit_code == 1
    assert result.output.startswith(message) and result.output.count("\n") == 1


def test_page_type_option(args: list[str]) -> None:
    default = _run("search", "vote", "--format", "jsonl", *args)
    every = _run("search", "vote", "--format", "jsonl", "--page-type", "all", *args)
    other = _run("search", "vote", "--format", "jsonl", "--page-type", "other", *args)
    assert default.exit_code == every.exit_code == other.exit_code == 0
    assert "example.com/a" in default.output and "example.com/dari/" not in default.output
    assert "example.com/a" in every.output and "example.com/dari/" in every.output
    assert "example.com/a" not in other.output and "example.com/dari/" in other.output
