"""Keep the article database level with the WARCs across kill -9 and full disks.

During a crawl a page is in the WARC (fsynced) before its row is in the database, and
the frontier may record it as fetched in between; a crawl killed there leaves pages that
``--resume`` would neither fetch again nor ingest. So every crawl starts by catching
up: each WARC file not yet known to be fully ingested goes through ``reindex`` (the
same code path, which skips records already stored), then is noted in
``DATA_DIR/state/ingested-<database>.txt``. A file is scanned once in its life; ``.open``
files (being written, or left by a kill and recovered at start) are never listed.
"""

from __future__ import annotations

import hashlib
import logging
import os
from pathlib import Path

from archive.db.session import Database, database_url, open_database
from archive.ingest.reindex import ReindexStats, reindex
from archive.warc.files import warc_files

logger = logging.getLogger(__name__)


def ledger_path(data_dir: Path, db_url: str | None) -> Path:
    """One ledger per database: the same WARCs may feed SQLite and PostgreSQL."""
    key = hashlib.sha1(database_url(data_dir, db_url).encode("utf-8")).hexdigest()[:12]
    return Path(data_dir) / "state" / f"ingested-{key}.txt"


def pending_files(data_dir: Path, db_url: str | None) -> list[Path]:
    """WARC files under ``DATA_DIR/warcs`` not yet known to be fully in the database."""
    if not (Path(data_dir) / "warcs").is_dir():
        return []
    done = _read_ledger(ledger_path(data_dir, db_url))
    warcs = Path(data_dir) / "warcs"
    return [p for p in warc_files([warcs]) if str(p.relative_to(warcs)) not in done]


def catch_up(db: Database, data_dir: Path, db_url: str | None, workers: int | None = None) -> ReindexStats | None:
    """Ingest every record of the pending files that the database lacks; note the files done."""
    pending = pending_files(data_dir, db_url)
    if not pending:
        return None
    stats = reindex(db, data_dir, pending, workers=workers)
    unreadable = stats.bad_files  # damaged files are scanned again next time
    warcs = Path(data_dir) / "warcs"
    done = [str(p.relative_to(warcs)) for p in pending if str(p) not in unreadable]
    _append_ledger(ledger_path(data_dir, db_url), done)
    added = sum(n for outcome, n in stats.outcomes.items() if outcome != "duplicate")
    if added:
        logger.warning("Caught up the database with the WARCs: %d captures were missing (%s)", added,
                       ", ".join(f"{n} {k}" for k, n in sorted(stats.outcomes.items())))
    return stats


def catch_up_data_dir(data_dir: Path, db_url: str | None, workers: int | None = None) -> ReindexStats | None:
    """``catch_up`` on the database of ``data_dir``/``db_url``, opened only when files are pending."""
    if not pending_files(data_dir, db_url):
        return None
    db = open_database(data_dir, db_url)
    try:
        return catch_up(db, data_dir, db_url, workers)
    finally:
        db.dispose()


def _read_ledger(path: Path) -> set[str]:
    try:
        return {line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()}
    except FileNotFoundError:
        return set()


def _append_ledger(path: Path, names: list[str]) -> None:
    if not names:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as ledger:
        ledger.write("".join(f"{name}\n" for name in names))
        ledger.flush()
        os.fsync(ledger.fileno())
