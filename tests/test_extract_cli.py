"""``newsarchive extract``."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from click.testing import CliRunner

from archive.cli import main

FIXTURES = Path(__file__).parent / "fixtures" / "extract"


def test_json_for_one_file() -> None:
    result = CliRunner().invoke(main, ["extract", str(FIXTURES / "custom_layout.html"), "--url", "https://q.example/a"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["url"] == "https://q.example/a"
    assert data["title"] == "Le prix du pain augmente de 8 % en un an"
    assert list(data)[:3] == ["url", "canonical_url", "site_name"]


def test_jsonl_keeps_order_and_reports_bad_files(tmp_path: Path) -> None:
    gz = tmp_path / "page.html.gz"
    gz.write_bytes(gzip.compress((FIXTURES / "dari.html").read_bytes()))
    empty = tmp_path / "empty.html"
    empty.write_bytes(b"")
    files = [str(gz), str(empty), str(FIXTURES / "pashto.html")]
    result = CliRunner().invoke(main, ["extract", *files, "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert [row["source"] for row in rows] == files
    assert rows[0]["language"] == "fa" and "\u200c" in rows[0]["body"]
    assert rows[1] == {"source": str(empty), "error": f"{empty.resolve().as_uri()}: page is empty"}
    assert rows[2]["language"] == "ps"


def test_stdin_and_text_format() -> None:
    data = (FIXTURES / "wordpress_jetpack.html").read_bytes()
    result = CliRunner().invoke(main, ["extract", "-", "--format", "text"], input=data)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("River levels fall as rains ease\nMegan Price\n2023-11-14T07:30:00+00:00\n\n")


def test_error_is_one_line_and_exit_1(tmp_path: Path) -> None:
    png = tmp_path / "x.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    result = CliRunner().invoke(main, ["extract", str(png), "--url", "https://e.example/x"])
    assert result.exit_code == 1
    assert result.output == "Error: https://e.example/x: not HTML but a PNG image\n"


def test_json_with_several_files_is_a_usage_error() -> None:
    f = str(FIXTURES / "dari.html")
    result = CliRunner().invoke(main, ["extract", f, f, "--format", "json"])
    assert result.exit_code == 2
