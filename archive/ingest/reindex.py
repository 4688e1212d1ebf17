"""Rebuild the article database from WARC files: ours, or other tools' (``wget --warc-file``).

Two passes: a cheap scan lists the HTML response and revisit records, then the pages
are extracted in a process pool, in capture-time order, and ingested one by one, so the
versions come out exactly as a live crawl makes them. Records already in ``captures``
(by WARC-Record-ID) are skipped, so running it twice changes nothing.
"""

from __future__ import annotations

import logging
import os
import resource
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select, text

from archive.contenttype import is_html
from archive.db import searchindex
from archive.db.ingest import CaptureInfo, Ingestor
from archive.db.models import Article, ArticleVersion, ArticleVersionAuthor, Author, Capture, Image, Site
from archive.db.session import Database
from archive.errors import ArchiveError
from archive.ingest.frontier_rebuild import rebuild_frontier_from_warcs
from archive.ingest.record import Extracted, extract_record, process_pool
from archive.warc.files import warc_files
from archive.warc.location import RecordLocation
from archive.warc.reader import iter_records
from archive.warc.records import parse_warc_date

log = logging.getLogger(__name__)

COMMIT_EVERY = 200


@dataclass
class ReindexStats:
    files: int = 0
    records: int = 0
    skipped: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)  # pages that could not be extracted
    problems: list[str] = field(default_factory=list)  # damaged input: bad files, failed digests
    bad_files: set[str] = field(default_factory=set)
    workers: int = 0  # extraction processes
    seconds: float = 0.0  # wall time of the whole run
    cpu_seconds: float = 0.0  # this process and its extraction workers

    @property
    def pages(self) -> int:
        """Pages extracted and ingested (records already in the database are not counted)."""
        return sum(self.outcomes.values())

    def rate(self) -> str:
        """``N pages in S s (R pages/s, C of W cores busy)``: the figure ``reindex`` prints."""
        per_s = self.pages / self.seconds if self.seconds else 0.0
        busy = self.cpu_seconds / self.seconds if self.seconds else 0.0
        return (f"{self.pages} pages in {self.seconds:.1f} s ({per_s:.0f} pages/s, "
                f"{busy:.1f} of {os.cpu_count() or 1} cores busy, {self.workers} extraction workers)")

    def problem(self, path: Path, message: str) -> None:
        self.bad_files.add(str(path))
        self.problems.append(message)

    def count(self, outcome: str) -> None:
        self.outcomes[outcome] = self.outcomes.get(outcome, 0) + 1


@dataclass(frozen=True)
class _Candidate:
    path: str
    capture: CaptureInfo


def reindex(
    db: Database,
    data_dir: Path,
    paths: Iterable[Path] = (),
    *,
    workers: int | None = None,
    rebuild: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ReindexStats:
    """Ingest every HTML capture of ``paths`` not yet in the database.

    Every core works: ``workers`` (default one per core) extract in parallel while this
    process ingests what they return, in batches (``Ingestor.ingest_many``).
    """
    began, cpu_began = time.perf_counter(), _cpu_seconds()
    stats = ReindexStats(workers=workers or os.cpu_count() or 1)
    if rebuild:
        clear_derived(db)
    files = warc_files(list(paths) or [Path(data_dir) / "warcs"])
    stats.files = len(files)
    candidates = sorted(_scan(files, data_dir, stats),
                        key=lambda c: (c.capture.fetched_at, c.path, c.capture.location.offset))
    todo = _unseen(db, candidates)
    stats.skipped = len(candidates) - len(todo)
    with process_pool(stats.workers) as pool:
        results = pool.map(_extract, todo, chunksize=8)
        _ingest_all(db, todo, results, stats, progress)
        workers_cpu = _workers_cpu_seconds(pool)
    rebuild_frontier_from_warcs(db, data_dir, files)  # sites.toml + WARCs -> frontier (ingest/frontier_rebuild.py)
    try:
        searchindex.catch_up(db.engine, create=True)  # ingest kept it in step; this builds a missing one
    except (OSError, ValueError) as exc:  # derived from the rows just stored: SQL search answers meanwhile
        log.warning("search index not updated (%s); SQL search answers until `newsarchive reindex --rebuild`", exc)
    stats.seconds = time.perf_counter() - began
    stats.cpu_seconds = _cpu_seconds() - cpu_began + workers_cpu
    return stats


def _cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    return own.ru_utime + own.ru_stime


def _workers_cpu_seconds(pool: Any) -> float:
    """CPU time of the pool's live workers, read from /proc (0 elsewhere).

    They are the fork server's children, not ours, so ``RUSAGE_CHILDREN`` never sees them.
    """
    total = 0.0
    for pid in list(getattr(pool, "_processes", None) or {}):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def _extract(candidate: _Candidate) -> Extracted:
    if candidate.capture.revisit_of is not None or candidate.capture.status is None:
        return Extracted()
    loc = candidate.capture.location
    return extract_record(candidate.path, loc.offset, loc.length, candidate.capture.url)


def _ingest_all(db: Database, todo: list[_Candidate], results: Iterator[Extracted], stats: ReindexStats,
                progress: Callable[[int, int], None] | None) -> None:
    done = 0
    while done < len(todo):
        with db.session() as session:
            chunk = list(zip(todo[done:done + COMMIT_EVERY], results, strict=False))
            stats.errors.extend(extracted.error for _, extracted in chunk if extracted.error)
            pages = [(candidate.capture, extracted.article) for candidate, extracted in chunk]
            for result in Ingestor(session).ingest_many(pages):
                stats.count(result.outcome)
            done += len(chunk)
        if progress:
            progress(done, len(todo))


def _scan(files: list[Path], data_dir: Path, stats: ReindexStats) -> Iterator[_Candidate]:
    warcs = (Path(data_dir) / "warcs").resolve()
    for path in files:
        name = _relative_name(path.resolve(), warcs)
        try:
            for record in iter_records(path, max_payload_bytes=0):
                stats.records += 1
                if record.digest_problem:
                    stats.problem(path, f"{path}: record at offset {record.offset} ({record.target_uri or '-'}): "
                                        f"{record.digest_problem}; not indexed")
                    continue
                candidate = _candidate(record, path, name)
                if candidate is not None:
                    yield candidate
        except ArchiveError as exc:
            stats.problem(path, str(exc) if str(path) in str(exc) else f"{path}: {exc}")


def _candidate(record, path: Path, name: str) -> _Candidate | None:  # noqa: ANN001
    if record.rec_type not in ("response", "revisit") or record.http_status is None:
        return None
    url = record.target_uri.strip("<>")
    fetched = parse_warc_date(record.headers.get("WARC-Date", ""))
    mime = record.http_header("Content-Type")
    if not url.startswith(("http://", "https://")) or fetched is None or not is_html(mime):
        return None
    location = RecordLocation(name, record.offset, record.length, record.record_id,
                              record.headers.get("WARC-Payload-Digest"))
    revisit_of = record.headers.get("WARC-Refers-To", "") if record.rec_type == "revisit" else None
    status = record.http_status if record.rec_type == "response" else None
    capture = CaptureInfo(url=url, fetched_at=fetched, location=location, status=status,
                          mime_type=mime.split(";")[0].strip() if mime else None, revisit_of=revisit_of)
    return _Candidate(str(path), capture)


def _relative_name(path: Path, warcs: Path) -> str:
    try:
        return str(path.relative_to(warcs))
    except ValueError:
        return str(path)


def _unseen(db: Database, candidates: list[_Candidate], batch: int = 500) -> list[_Candidate]:
    seen: set[str] = set()
    with db.session() as session:
        for start in range(0, len(candidates), batch):
            ids = [c.capture.location.record_id for c in candidates[start:start + batch]]
            seen.update(session.scalars(select(Capture.record_id).where(Capture.record_id.in_(ids))))
    return [c for c in candidates if c.capture.location.record_id not in seen]


def clear_derived(db: Database) -> None:
    """Delete every row derived from WARCs (crawls are kept)."""
    with db.session() as session:
        for model in (Image, ArticleVersionAuthor, ArticleVersion, Article, Capture, Author, Site):
            session.execute(delete(model))
    searchindex.drop(db.engine)  # its ids name deleted rows (and may be reused)


def rebuild_search_index(db: Database) -> None:
    """Re-fill the SQLite FTS5 table (PostgreSQL's generated columns never drift; ``clear_derived`` dropped tantivy's)."""
    if db.dialect != "sqlite":
        return
    with db.session() as session:
        session.execute(text("INSERT INTO article_search(article_search) VALUES ('delete-all')"))
        session.execute(text(
            "INSERT INTO article_search(rowid, title, summary, body) SELECT id, newsarchive_fold(title), "
            "newsarchive_fold(summary), newsarchive_fold(body) FROM article_versions"
        ))
