"""Parquet export: rows from a streaming result, converted a column at a time, written in row groups.

Why columns and not row dicts: at a million articles the per-row Python work is the
export's cost. Here each batch of ``BATCH`` rows is transposed once and every column
becomes one Arrow array in C: integers and text as they are, times straight from the
driver's datetimes (SQLite's naive ones are UTC, which is what Arrow assumes), and the JSON lists (authors, tags)
parsed by Arrow's JSON reader from the stored text instead of ``json.loads`` per row.

Why memory stays flat: at most ``ROW_GROUP_ROWS`` rows (or ``ROW_GROUP_BYTES``) are
held as Arrow data before a row group is written, statistics are kept only for short
columns (the footer holds them until the file closes), and pandas is not imported:
pyarrow imports it on its first conversion of Python objects when it is installed,
which alone costs 50 MB of RSS and is of no use here (see ``_no_pandas``).
"""

from __future__ import annotations

import contextlib
import importlib.abc
import io
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any

from archive.db.ingest_rules import parse_when
from archive.errors import ConfigError
from archive.replay import replay_address

BATCH = 1000
ROW_GROUP_ROWS = 10_000
ROW_GROUP_BYTES = 8 * 1024 * 1024
LIST_FIELDS = ("authors", "tags")
INT_FIELDS = ("id", "version", "versions", "warc_offset", "warc_length")
TIME_FIELDS = ("published", "modified", "first_seen", "last_seen")
# Dictionary encoding only where values repeat: for bodies and URLs its hash tables cost
# memory and buy nothing.
_DICTIONARY_FIELDS = ("host", "site", "authors", "language", "direction", "section", "tags", "page_type",
                      "extractor", "warc_file")
_STATS_FIELDS = ("id", "host", "published", "language", "page_type", "version", "versions", "first_seen",
                 "last_seen")


def write_parquet(result: Any, fields: Sequence[str], out: Path | IO[Any], replay_base: str) -> int:
    """Write ``result`` (a streaming SQLAlchemy result with ``fields`` and the ``_`` helper columns)."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise ConfigError("Parquet export needs pyarrow: pip install 'newsarchive[parquet]'") from exc
    schema = pa.schema([(name, arrow_type(pa, name)) for name in fields])
    count, pending, pending_rows, pending_bytes = 0, [], 0, 0
    with _no_pandas(), pq.ParquetWriter(str(out) if isinstance(out, Path) else out, schema, compression="zstd",
                                        write_statistics=list(_STATS_FIELDS),
                                        use_dictionary=list(_DICTIONARY_FIELDS)) as writer:
        for batch in _record_batches(result, schema, replay_base):
            pending.append(batch)
            pending_rows += batch.num_rows
            pending_bytes += batch.nbytes
            count += batch.num_rows
            if pending_rows >= ROW_GROUP_ROWS or pending_bytes >= ROW_GROUP_BYTES:
                writer.write_table(pa.Table.from_batches(pending, schema=schema), row_group_size=ROW_GROUP_ROWS)
                pending, pending_rows, pending_bytes = [], 0, 0
        if pending:
            writer.write_table(pa.Table.from_batches(pending, schema=schema), row_group_size=ROW_GROUP_ROWS)
    return count


def arrow_type(pa: Any, name: str) -> Any:
    if name in LIST_FIELDS:
        return pa.list_(pa.string())
    if name in INT_FIELDS:
        return pa.int64()
    if name in TIME_FIELDS:
        return pa.timestamp("us", tz="UTC")
    return pa.string()


def _record_batches(result: Any, schema: Any, replay_base: str) -> Iterator[Any]:
    import pyarrow as pa

    keys = list(result.keys())
    for part in result.partitions(BATCH):
        columns = dict(zip(keys, zip(*part, strict=True), strict=True))
        arrays = []
        for field in schema:
            name = field.name
            if name in LIST_FIELDS:
                continue
            if name == "published":
                values: Sequence[Any] = columns["_published_at"]
            elif name == "modified":
                values = [parse_when(v) for v in columns["modified"]]
            elif name == "replay":
                arrays.append(_replay(pa, columns["_replay_url"], columns["_replay_time"], replay_base))
                continue
            else:
                values = columns[name]
            arrays.append(pa.array(values, type=field.type))
        lists = _json_lists(pa, columns["_authors_json"], columns["_tags_json"])
        names = [f.name for f in schema if f.name not in LIST_FIELDS]
        batch = pa.RecordBatch.from_arrays([*arrays, *lists], names=[*names, *LIST_FIELDS])
        yield batch.select(schema.names).cast(schema)


def _replay(pa: Any, urls: Sequence[str | None], times: Sequence[Any], base: str) -> Any:
    """``replay_address`` per row (Arrow's ``strftime`` would load the time-zone database: 40 MB)."""
    return pa.array([replay_address(url, when, base) if url and when else None for url, when in zip(urls, times,
                     strict=True)], type=pa.string())


def _json_lists(pa: Any, authors: Sequence[str | None], tags: Sequence[str | None]) -> list[Any]:
    """The stored JSON arrays of strings as two ``list<string>`` arrays, parsed by Arrow in one pass."""
    import pyarrow.json as pj

    lines = "\n".join(f'{{"a":{a or "null"},"t":{t or "null"}}}' for a, t in zip(authors, tags, strict=True))
    schema = pa.schema([("a", pa.list_(pa.string())), ("t", pa.list_(pa.string()))])
    table = pj.read_json(io.BytesIO(lines.encode("utf-8")),
                         read_options=pj.ReadOptions(use_threads=False, block_size=max(1 << 20, len(lines) * 4)),
                         parse_options=pj.ParseOptions(explicit_schema=schema))
    return [table.column("a").combine_chunks(), table.column("t").combine_chunks()]


class _BlockPandas(importlib.abc.MetaPathFinder):
    def find_spec(self, name: str, path: Any, target: Any = None) -> None:
        if name == "pandas" or name.startswith("pandas."):
            raise ModuleNotFoundError(f"{name} is not needed to write Parquet", name=name)


@contextlib.contextmanager
def _no_pandas() -> Iterator[None]:
    """Keep pyarrow from importing pandas while we convert (it asks once per process).

    Only when pandas is not loaded yet; afterwards the import works again, and pyarrow's
    own pandas features (``to_pandas``) import it on demand as usual.
    """
    if "pandas" in sys.modules:
        yield
        return
    blocker = _BlockPandas()
    sys.meta_path.insert(0, blocker)
    try:
        yield
    finally:
        sys.meta_path.remove(blocker)
