"""Helpers for tests that follow the mutable live site across several crawls."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from archive.warc.reader import WarcRecord, iter_records
from tests.crawl_support import FAST, REPO_ROOT


def cli(data_dir: Path, *args: str, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "scraper.cli", *args, "--data-dir", str(data_dir)],
                          cwd=REPO_ROOT, capture_output=True, text=True, timeout=timeout)


def crawl_site(data_dir: Path, name: str, *extra: str) -> subprocess.CompletedProcess[str]:
    result = cli(data_dir, "crawl", name, *FAST, *extra)
    assert result.returncode == 0, result.stderr[-3000:]
    return result


@dataclass
class WarcLog:
    """Records of a data dir, remembering which were there before the last crawl."""

    data_dir: Path
    seen: int = 0

    def all(self) -> list[WarcRecord]:
        return [r for p in sorted((self.data_dir / "warcs").glob("*.warc.gz")) for r in iter_records(p)]

    def new(self) -> list[WarcRecord]:
        """Records written since the previous call."""
        records = self.all()
        fresh, self.seen = records[self.seen:], len(records)
        return fresh


def query(data_dir: Path, sql: str, *params: object) -> list[tuple]:
    with sqlite3.connect(data_dir / "newsarchive.sqlite") as connection:
        return connection.execute(sql, params).fetchall()
