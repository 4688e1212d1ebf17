"""``newsarchive check``: one verdict per file, exit 1 on any problem, one-line errors."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.warc.writer import WarcWriter
from scraper.cli import main
from tests.warc_bombs import bomb_warc, peak_rss_mib
from tests.warc_helpers import html_exchange, warc_files


def test_good_and_bad_files_get_their_verdicts(tmp_path: Path) -> None:
    with WarcWriter(tmp_path) as writer:
        writer.write_exchange(html_exchange())
    [good] = warc_files(tmp_path)
    bad = tmp_path / "junk.warc.gz"
    bad.write_bytes(gzip.compress(b"not a warc at all"))
    result = CliRunner().invoke(main, ["check", str(good), str(bad)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == f"OK   {good} (3 records)"
    assert lines[1].startswith(f"FAIL {bad}: offset 0: not a WARC record")
    assert lines[-1] == "Error: 1 of 2 WARC files have problems"


def test_missing_path_is_a_one_line_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["check", str(tmp_path / "nope.warc.gz")])
    assert result.exit_code == 1
    assert result.output.strip() == f"Error: no such WARC file or folder: {tmp_path / 'nope.warc.gz'}"


def _plain_warc(path: Path, first: str = "warcinfo", gzip_records: bool = False) -> Path:
    """A valid WARC as another tool writes it: warcio, uncompressed unless asked."""
    import io

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as stream:
        writer = WARCWriter(stream, gzip=gzip_records)
        if first == "warcinfo":
            writer.write_record(writer.create_warcinfo_record(path.name, {"software": "other-tool"}))
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record("http://other.example/", "response",
                                                      payload=io.BytesIO(b"<p>salam</p>"), http_headers=http))
    return path


def test_uncompressed_warc_from_another_tool_is_ok(tmp_path: Path) -> None:
    path = _plain_warc(tmp_path / "other.warc")
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code == 0, result.output
    assert result.output == f"OK   {path} (2 records)\n"


def test_first_record_not_warcinfo_is_a_note_unless_strict(tmp_path: Path) -> None:
    path = _plain_warc(tmp_path / "no-info.warc.gz", first="response", gzip_records=True)
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        f"OK   {path} (1 records, 1 note)",
        "       note: offset 0: first record is response, not warcinfo",
    ]
    strict = CliRunner().invoke(main, ["check", "--strict", str(path)])
    assert strict.exit_code == 1
    assert strict.output.splitlines()[0] == f"FAIL {path}: offset 0: first record is response, not warcinfo"


def test_open_files_are_reported(tmp_path: Path) -> None:
    with WarcWriter(tmp_path) as writer:
        writer.write_exchange(html_exchange())
    left = tmp_path / "killed.warc.gz.open"
    left.write_bytes(b"")
    result = CliRunner().invoke(main, ["check", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == (
        f"OPEN {left}: still being written, or left by a killed crawl (the next crawl recovers it)"
    )


@pytest.mark.parametrize("value", ["\u00b2", "12abc", "-5", ""])
def test_odd_content_length_is_one_problem_not_a_traceback(tmp_path: Path, value: str) -> None:
    path = tmp_path / "odd.warc.gz"
    head = f"WARC/1.1\r\nWARC-Type: resource\r\nContent-Length: {value}\r\n\r\nabc\r\n\r\n"
    path.write_bytes(gzip.compress(head.encode("utf-8")))
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == (
        f"FAIL {path}: offset 0: WARC record without a valid Content-Length ({value!r})"
    )


def test_check_of_a_bomb_stays_small(tmp_path: Path) -> None:
    """512 MiB of zeros in a 0.5 MB file: checked in slices, peak RSS far below the record."""
    path = bomb_warc(tmp_path / "bomb.warc.gz", 512 << 20)
    code, peak = peak_rss_mib("newsarchive", "check", str(path), env=_env())
    assert code == 0
    assert peak < 300, f"peak RSS {peak:.0f} MiB"


def _env() -> dict[str, str]:
    import os

    return {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}


def test_default_is_the_data_dirs_warcs(tmp_path: Path) -> None:
    with WarcWriter(tmp_path / "data" / "warcs") as writer:
        writer.write_exchange(html_exchange())
    [path] = warc_files(tmp_path / "data" / "warcs")
    result = CliRunner().invoke(main, ["check", "--data-dir", str(tmp_path / "data")])
    assert result.exit_code == 0 and result.output == f"OK   {path} (3 records)\n"
