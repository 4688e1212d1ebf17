"""Export articles (latest version each) as JSONL, CSV or Parquet, streaming.

Rows come from a server-side cursor in batches of ``BATCH`` and are written as they
arrive (Parquet: one row group per batch), so memory stays flat at any size. Text is
written exactly as stored: U+200C and every other character survive byte for byte.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from sqlalchemy import func
from sqlalchemy.orm import aliased

from archive.db.models import Article, ArticleVersion, Capture, Site
from archive.db.query import parse_query
from archive.db.search import SearchFilters, matching
from archive.db.session import Database
from archive.errors import ConfigError

FORMATS = ("jsonl", "csv", "parquet")
BATCH = 1000
ROW_GROUP_ROWS = 10_000
ROW_GROUP_BYTES = 8 * 1024 * 1024
FIELDS = (
    "id", "url", "site", "title", "authors", "published", "modified", "language", "direction", "section",
    "tags", "summary", "body", "version", "versions", "first_seen", "last_seen", "extractor",
    "warc_file", "warc_offset", "warc_length", "record_id",
)
_LIST_FIELDS = ("authors", "tags")
_INT_FIELDS = ("id", "version", "versions", "warc_offset", "warc_length")
_STATS_FIELDS = ("id", "published", "language", "version", "versions", "first_seen", "last_seen")


def export_articles(db: Database, fmt: str, out: Path | IO[Any], query: str = "",
                    filters: SearchFilters | None = None) -> int:
    """Write matching articles to ``out`` (a path, or a binary stream for jsonl/csv); returns the count."""
    if fmt not in FORMATS:
        raise ConfigError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    writer = {"jsonl": _write_jsonl, "csv": _write_csv, "parquet": _write_parquet}[fmt]
    with db.engine.connect() as conn:
        conn = conn.execution_options(stream_results=True, yield_per=BATCH)
        result = conn.execute(_statement(db.dialect, query, filters or SearchFilters()))
        batches = (_rows(part) for part in result.partitions(BATCH))
        return writer(batches, out)


def _statement(dialect: str, query: str, filters: SearchFilters):  # noqa: ANN202
    a, av = Article, ArticleVersion
    first = aliased(Capture)
    columns = (
        a.id, a.canonical_url.label("url"), func.coalesce(Site.name, Site.host).label("site"), av.title,
        av.authors, av.published, av.modified, av.language, av.direction, av.section, av.tags, av.summary,
        av.body, av.number.label("version"), a.version_count.label("versions"), a.first_seen, a.last_seen,
        av.extractor, first.warc_file, first.warc_offset, first.warc_length, first.record_id,
    )
    parsed = parse_query(query) if query.strip() else None
    stmt, _ = matching(dialect, parsed, filters, columns)
    return stmt.outerjoin(first, first.id == av.capture_id).order_by(a.id)


def _rows(part: Any) -> list[dict[str, Any]]:
    out = []
    for row in part:
        item = dict(row._mapping)
        for key in ("first_seen", "last_seen"):
            item[key] = _iso(item[key])
        out.append(item)
    return out


def _iso(when: dt.datetime | None) -> str | None:
    if when is None:
        return None
    return (when if when.tzinfo else when.replace(tzinfo=dt.timezone.utc)).isoformat()


def _write_jsonl(batches: Iterator[list[dict[str, Any]]], out: Path | IO[Any]) -> int:
    count = 0
    with _open(out) as stream:
        for batch in batches:
            stream.write("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in batch).encode("utf-8"))
            count += len(batch)
    return count


def _write_csv(batches: Iterator[list[dict[str, Any]]], out: Path | IO[Any]) -> int:
    import io

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
    schema = pa.schema([
        (name, pa.list_(pa.string()) if name in _LIST_FIELDS else pa.int64() if name in _INT_FIELDS else pa.string())
        for name in FIELDS
    ])
    count = 0
    pending: list[Any] = []  # Arrow record batches: compact, unlike the rows as Python dicts
    pending_bytes = 0
    # Statistics only for short columns, and row groups of up to ROW_GROUP_ROWS rows or
    # ROW_GROUP_BYTES: the footer metadata, which the writer holds until it closes, stays
    # small, and so does the buffer.
    with pq.ParquetWriter(out, schema, compression="zstd", write_statistics=list(_STATS_FIELDS)) as writer:
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
