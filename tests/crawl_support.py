"""Run ``newsarchive crawl`` in a subprocess (Twisted's reactor is one per process)."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from archive.warc.reader import WarcRecord, iter_records

REPO_ROOT = Path(__file__).resolve().parents[1]
FAST = ["-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8",
        # The mock server is on 127.0.0.1: trust it as a seed, but keep refusing private links.
        "-s", "ARCHIVE_ALLOW_PRIVATE_SEEDS=True"]


@dataclass
class CrawlResult:
    returncode: int
    stdout: str
    stderr: str
    data_dir: Path

    @property
    def warc_paths(self) -> list[Path]:
        return sorted((self.data_dir / "warcs").glob("*.warc.gz"))

    @property
    def log(self) -> str:
        """Scrapy's log of the crawl(s), written to DATA_DIR/logs/ unless -v."""
        return "".join(p.read_text(errors="replace") for p in sorted((self.data_dir / "logs").glob("*.log")))

    def records(self) -> list[WarcRecord]:
        return [record for path in self.warc_paths for record in iter_records(path)]

    def responses(self, url: str) -> list[WarcRecord]:
        return [r for r in self.records() if r.rec_type == "response" and r.target_uri == url]


def warcio_command() -> Path:
    """``warcio`` from the pywb venv: there it has brotlipy, the brotli binding warcio
    expects. In our environment Scrapy needs Google's brotli >= 1.2, whose Decompressor
    warcio 1.8 cannot use (webrecorder/warcio#73), so ``warcio check`` there fails on
    ``Content-Encoding: br`` records although the records are fine."""
    from archive.pywb_env import pywb_command

    return pywb_command("warcio")


def crawl_command(data_dir: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "scraper.cli", "crawl", "--data-dir", str(data_dir), *FAST, *args]


def run_crawl(data_dir: Path, *args: str, timeout: float = 120) -> CrawlResult:
    result = subprocess.run(
        crawl_command(data_dir, *args), capture_output=True, text=True, timeout=timeout, cwd=REPO_ROOT
    )
    return CrawlResult(result.returncode, result.stdout, result.stderr, data_dir)


def session_processes(session_id: int) -> list[int]:
    """Every live process in a session (a crawl started with ``start_new_session=True``)."""
    import os

    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
            if os.getsid(int(entry.name)) == session_id and state != "Z":
                found.append(int(entry.name))
        except (OSError, IndexError):
            continue
    return found


def pages_without_rows(data_dir: Path, url_part: str = "") -> list[str]:
    """HTML pages (200) archived in the WARCs of ``data_dir`` whose capture row is missing."""
    from sqlalchemy import select

    from archive.db.models import Capture
    from archive.db.session import open_database

    archived = {
        r.record_id: r.target_uri
        for path in sorted((data_dir / "warcs").glob("*.warc.gz"))
        for r in iter_records(path)
        if r.rec_type == "response" and r.http_status == 200 and url_part in r.target_uri
        and "text/html" in (r.http_header("Content-Type") or "")
    }
    db = open_database(data_dir)
    try:
        with db.session() as session:
            stored = set(session.scalars(select(Capture.record_id)))
    finally:
        db.dispose()
    return sorted(url for record_id, url in archived.items() if record_id not in stored)
