"""``newsarchive check``: one verdict per file, exit 1 on any problem, one-line errors."""

from __future__ import annotations

import gzip
from pathlib import Path

from click.testing import CliRunner

from archive.warc.writer import WarcWriter
from scraper.cli import main
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
    assert result.output.strip() == f"Error: no such file or folder: {tmp_path / 'nope.warc.gz'}"
