"""Export articles (latest version each) as JSONL, CSV or Parquet, streaming.

Rows come from a server-side cursor in batches of ``BATCH`` and are written as they
arrive (Parquet: one row group per ``ROW_GROUP_ROWS``), so memory stays flat at any size.
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

from sqlalchemy import func
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import aliased

from archive.db.ingest import parse_when
from archive.db.models import Article, ArticleVersion, Capture, Site
from archive.db.query import parse_query
from archive.db.search import SearchFilters, matching
from archive.db.session import Database, database_error
from archive.errors import ConfigError, ExportError
from archive.replay import replay_address

FORMATS = ("jsonl", "csv", "parquet")
ALL_PAGE_TYPES = "all"
BATCH = 1000
EXPORT_CACHE_KIB = 2048
ROW_GROUP_ROWS = 10_000
ROW_GROUP_BYTES = 8 * 1024 * 1024
FIELDS = (
    "id", "url", "host", "site", "title", "authors", "published", "modified", "language", "direction", "section",
    "tags", "summary", "body", "page_type", "version", "versions", "first_seen", "last_seen", "extractor",
    "warc_file", "warc_offset", "warc_length", "record_id", "replay",
)
_LIST_FIELDS = ("authors", "tags")
_INT_FIELDS = ("id", "version", "versions", "warc_offset", "warc_length")
_TIME_FIELDS = ("published", "modified", "first_seen", "last_seen")
_ERRNO = re.compile(r"\[errno (\d+)\]")
# Dictionary encoding only where values repeat: for bodies and URLs its hash tables cost
# memory and buy nothing.
_DICTIONARY_FIELDS = ("host", "site", "authors", "language", "direction", "section", "tags", "page_type",
                      "extractor", "warc_file")
_STATS_FIELDS = ("id", "host", "published", "language", "page_type", "version", "versions", "first_seen",
                 "last_seen")


def export_articles(db: Database, fmt: str, out: Path | IO[Any], query: str = "",
                    filters: SearchFilters | None = None, *, page_type: str = "article",
                    replay_base: str = "") -> int:
    """Write matching rows to ``out`` (a path, or a binary stream for jsonl/csv); returns the count.

    ``page_type`` keeps one kind of page (``article`` by default: section fronts and
    other index pages are captures, not articles); ``all`` keeps every kind.
    """
    if fmt not in FORMATS:
        raise ConfigError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    writer = {"jsonl": _write_jsonl, "csv": _write_csv, "parquet": _write_parquet}[fmt]
    kind = None if page_type == ALL_PAGE_TYPES else page_type  # the search filters' own page-type rule
    statement = _statement(db.dialect, query, dataclasses.replace(filters or SearchFilters(), page_type=kind))
    try:
        with _target(out) as target, db.engine.connect() as conn:
            if db.dialect == "sqlite":  # one sequential scan: a big page cache only adds memory
                conn.exec_driver_sql(f"PRAGMA cache_size=-{EXPORT_CACHE_KIB}")
            conn = conn.execution_options(stream_results=True, yield_per=BATCH)
            result = conn.execute(statement)
            batches = (_rows(part, replay_base, typed=fmt == "parquet") for part in result.partitions(BATCH))
            return writer(batches, target)
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


def _statement(dialect: str, query: str, filters: SearchFilters):  # noqa: ANN202
    a, av = Article, ArticleVersion
    first, latest = aliased(Capture), aliased(Capture)
    columns = (
        a.id, a.canonical_url.label("url"), Site.host, func.coalesce(Site.name, Site.host).label("site"),
        av.title, av.authors, av.published, av.modified, av.language, av.direction, av.section, av.tags,
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


def _rows(part: Any, replay_base: str, typed: bool) -> list[dict[str, Any]]:
    """Rows in ``FIELDS`` order; times as datetimes (``typed``) or ISO 8601 text."""
    out = []
    for row in part:
        item = dict(row._mapping)
        url, fetched = item.pop("_replay_url"), item.pop("_replay_time")
        published_at = item.pop("_published_at")
        when = _aware(fetched)
        item["replay"] = replay_address(url, when, replay_base) if url and when else None
        if typed:
            item["published"] = _aware(published_at)
            item["modified"] = parse_when(item["modified"])
            item["first_seen"], item["last_seen"] = _aware(item["first_seen"]), _aware(item["last_seen"])
        else:
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


def _write_parquet(batches: Iterator[list[dict[str, Any]]], out: Path | IO[Any]) -> int:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise ConfigError("Parquet export needs pyarrow: pip install 'newsarchive[parquet]'") from exc
    schema = pa.schema([(name, _arrow_type(pa, name)) for name in FIELDS])
    count = 0
    pending: list[Any] = []  # Arrow record batches: compact, unlike the rows as Python dicts
    pending_bytes = 0
    # Statistics only for short columns, and row groups of up to ROW_GROUP_ROWS rows or
    # ROW_GROUP_BYTES: the footer metadata, which the writer holds until it closes, stays
    # small, and so does the buffer.
    with pq.ParquetWriter(str(out) if isinstance(out, Path) else out, schema, compression="zstd",
                          write_statistics=list(_STATS_FIELDS), use_dictionary=list(_DICTIONARY_FIELDS)) as writer:
        for batch in batches:
            record_batch = pa.RecordBatch.from_pylist(batch, schema=schema)
            pending.append(record_batch)
            pending_bytes += record_batch.nbytes
            count += len(batch)
            if sum(b.num_rows for b in pending) >= ROW_GROUP_ROWS or pending_bytes >= ROW_GROUP_BYTES:
                writer.write_table(pa.Table.from_batches(pending, schema=schema), row_group_size=ROW_GROUP_ROWS)
                pending, pending_bytes = [], 0
        if pending:
            writer.write_table(pa.Table.from_batches(pending, schema=schema), row_group_size=ROW_GROUP_ROWS)
    return count


def _arrow_type(pa: Any, name: str) -> Any:
    if name in _LIST_FIELDS:
        return pa.list_(pa.string())
    if name in _INT_FIELDS:
        return pa.int64()
    if name in _TIME_FIELDS:
        return pa.timestamp("us", tz="UTC")
    return pa.string()


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
