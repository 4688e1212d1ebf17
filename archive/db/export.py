"""Export articles (latest version each) as JSONL, CSV or Parquet, streaming.

Rows come from a server-side cursor in batches of ``BATCH`` and are written as they
arrive (Parquet: row groups of bounded size, see ``export_parquet``), so memory stays
flat at any size.
Text is written exactly as stored: U+200C and every other character survive byte for
byte. Every format has the same columns; Parquet types them (timestamps, lists).

A file is written under a temporary name beside the target and renamed at the end, so a
full disk or an error never leaves a partial export behind.
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import datetime as dt
import io
import json
import os
import re
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Text, cast, func
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import aliased

from archive.db.export_parquet import BATCH, write_parquet
from archive.db.models import Article, ArticleVersion, Capture, Site
from archive.db.query import parse_query
from archive.db.search import SearchFilters, matching
from archive.db.session import Database, database_error
from archive.errors import ConfigError, ExportError
from archive.replay import replay_address

FORMATS = ("jsonl", "csv", "parquet")
ALL_PAGE_TYPES = "all"
EXPORT_CACHE_KIB = 2048
FIELDS = (
    "id", "url", "host", "site", "title", "authors", "published", "modified", "language", "direction", "section",
    "tags", "summary", "body", "page_type", "version", "versions", "first_seen", "last_seen", "extractor",
    "warc_file", "warc_offset", "warc_length", "record_id", "replay",
)
_LIST_FIELDS = ("authors", "tags")
_ERRNO = re.compile(r"\[errno (\d+)\]")


def export_articles(db: Database, fmt: str, out: Path | IO[Any], query: str = "",
                    filters: SearchFilters | None = None, *, page_type: str = "article",
                    replay_base: str = "") -> int:
    """Write matching rows to ``out`` (a path, or a binary stream for jsonl/csv); returns the count.

    ``page_type`` keeps one kind of page (``article`` by default: section fronts and
    other index pages are captures, not articles); ``all`` keeps every kind.
    """
    if fmt not in FORMATS:
        raise ConfigError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    kind = None if page_type == ALL_PAGE_TYPES else page_type  # the search filters' own page-type rule
    statement = _statement(db.dialect, query, dataclasses.replace(filters or SearchFilters(), page_type=kind),
                           raw_lists=fmt == "parquet")
    try:
        with _target(out) as target, db.engine.connect() as conn:
            if db.dialect == "sqlite":  # one sequential scan: a big page cache only adds memory
                conn.exec_driver_sql(f"PRAGMA cache_size=-{EXPORT_CACHE_KIB}")
            conn = conn.execution_options(stream_results=True, yield_per=BATCH)
            result = conn.execute(statement)
            if fmt == "parquet":
                return write_parquet(result, FIELDS, target, replay_base)
            writer = _write_jsonl if fmt == "jsonl" else _write_csv
            return writer((_rows(part, replay_base) for part in result.partitions(BATCH)), target)
    except SQLAlchemyError as exc:
        raise database_error(exc) from exc


@contextlib.contextmanager
def _target(out: Path | IO[Any]) -> Iterator[Path | IO[Any]]:
    """A temporary file beside ``out``, renamed to ``out`` on success and removed on failure."""
    if not isinstance(out, (str, Path)):
        yield out
        return
    out = Path(out)
    temp = out.with_name(f".{out.name}.{secrets.token_hex(4)}.part")
    try:
        temp.open("xb").close()  # the umask's permissions, unlike mkstemp's 0600
    except OSError as exc:
        raise _write_error(out, exc) from exc
    try:
        yield temp
        os.replace(temp, out)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise _write_error(out, exc) from exc
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def _write_error(out: Path, exc: OSError) -> ExportError:
    if not out.parent.is_dir():
        return ExportError(f"cannot write {out}: folder {out.parent} does not exist")
    found = _ERRNO.search(str(exc))  # pyarrow says "... Detail: [errno 28] ..." without setting errno
    code = exc.errno or (int(found.group(1)) if found else None)
    return ExportError(f"cannot write {out}: {os.strerror(code) if code else exc}")


def _statement(dialect: str, query: str, filters: SearchFilters, raw_lists: bool = False):  # noqa: ANN202
    """Latest versions in id order; ``raw_lists`` adds authors and tags as their stored JSON text."""
    a, av = Article, ArticleVersion
    first, latest = aliased(Capture), aliased(Capture)
    authors, tags = ((cast(av.authors, Text).label("_authors_json"), cast(av.tags, Text).label("_tags_json"))
                     if raw_lists else (av.authors, av.tags))
    columns = (
        a.id, a.canonical_url.label("url"), Site.host, func.coalesce(Site.name, Site.host).label("site"),
        av.title, authors, av.published, av.modified, av.language, av.direction, av.section, tags,
        av.summary, av.body, av.page_type, av.number.label("version"), a.version_count.label("versions"),
        a.first_seen, a.last_seen, av.extractor, first.warc_file, first.warc_offset, first.warc_length,
        first.record_id, av.published_at.label("_published_at"), latest.url.label("_replay_url"),
        latest.fetched_at.label("_replay_time"),
    )
    parsed = parse_query(query) if query.strip() else None
    stmt, _ = matching(dialect, parsed, filters, columns)
    return (
        stmt.outerjoin(first, first.id == av.capture_id)
        .outerjoin(latest, latest.id == func.coalesce(av.last_capture_id, av.capture_id))
        .order_by(a.id)
    )


def _rows(part: Any, replay_base: str) -> list[dict[str, Any]]:
    """Rows in ``FIELDS`` order, times as ISO 8601 text (JSONL and CSV)."""
    out = []
    for row in part:
        item = dict(row._mapping)
        url, fetched = item.pop("_replay_url"), item.pop("_replay_time")
        del item["_published_at"]
        when = _aware(fetched)
        item["replay"] = replay_address(url, when, replay_base) if url and when else None
        item["first_seen"], item["last_seen"] = _iso(item["first_seen"]), _iso(item["last_seen"])
        out.append({key: item[key] for key in FIELDS})
    return out


def _aware(when: dt.datetime | None) -> dt.datetime | None:
    if when is None:
        return None
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


def _iso(when: dt.datetime | None) -> str | None:
    aware = _aware(when)
    return aware.isoformat() if aware else None


def _write_jsonl(batches: Iterator[list[dict[str, Any]]], out: Path | IO[Any]) -> int:
    count = 0
    with _open(out) as stream:
        for batch in batches:
            stream.write("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in batch).encode("utf-8"))
            count += len(batch)
    return count


def _write_csv(batches: Iterator[list[dict[str, Any]]], out: Path | IO[Any]) -> int:
    count = 0
    with _open(out) as raw:
        stream = io.TextIOWrapper(raw, encoding="utf-8", newline="", write_through=True)
        writer = csv.DictWriter(stream, fieldnames=FIELDS)
        writer.writeheader()
        for batch in batches:
            for row in batch:
                writer.writerow({k: "; ".join(v or []) if k in _LIST_FIELDS else v for k, v in row.items()})
            count += len(batch)
        stream.flush()
        stream.detach()
    return count


class _open:
    """A binary stream for a path (closed afterwards) or an already open stream (left open)."""

    def __init__(self, out: Path | IO[Any]) -> None:
        self.out = out
        self.stream: IO[bytes] | None = None

    def __enter__(self) -> IO[bytes]:
        if isinstance(self.out, (str, Path)):
            self.stream = open(self.out, "wb")  # noqa: SIM115
            return self.stream
        return self.out  # type: ignore[return-value]

    def __exit__(self, *exc: object) -> None:
        if self.stream is not None:
            self.stream.close()
