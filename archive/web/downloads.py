"""Downloads: the result set as CSV/JSONL/Parquet (streamed) and one raw WARC record.

Export runs ``archive.db.export`` (the CLI's writer, same columns) in a worker thread
that writes into a bounded queue; the response streams from the queue, so memory stays
flat whatever the size, and a client that goes away stops the writer at its next write.
"""

from __future__ import annotations

import io
import queue
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from archive.errors import ConfigError

MEDIA_TYPES = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson; charset=utf-8",
               "parquet": "application/vnd.apache.parquet"}
CHUNK = 64 * 1024
_DONE = object()


class _Cancelled(Exception):
    """The client went away: stop writing."""


class _QueueWriter(io.RawIOBase):
    """A write-only binary stream that hands chunks of ``CHUNK`` bytes to a queue."""

    def __init__(self, chunks: queue.Queue[Any], cancelled: threading.Event) -> None:
        super().__init__()
        self.chunks, self.cancelled = chunks, cancelled
        self.buffer = bytearray()
        self.position = 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        if self.cancelled.is_set():
            raise _Cancelled
        self.buffer += data
        self.position += len(data)
        if len(self.buffer) >= CHUNK:
            self.flush()
        return len(data)

    def flush(self) -> None:  # also after close: a writer may close its sink before we flush
        if self.buffer:
            self.chunks.put(bytes(self.buffer))
            self.buffer.clear()

    def tell(self) -> int:
        return self.position


def stream_export(write: Callable[[IO[bytes]], int]) -> Iterator[bytes]:
    """Chunks of what ``write(stream)`` writes, produced in a thread as they are consumed."""
    chunks: queue.Queue[Any] = queue.Queue(maxsize=16)
    cancelled = threading.Event()
    writer = _QueueWriter(chunks, cancelled)

    def produce() -> None:
        try:
            write(writer)  # type: ignore[arg-type]
            writer.flush()
        except _Cancelled:
            return
        except Exception as exc:  # noqa: BLE001 - the response has started: end it, and say why
            chunks.put(f"\n# export stopped: {exc}\n".encode())
        chunks.put(_DONE)

    thread = threading.Thread(target=produce, name="newsarchive-export", daemon=True)
    thread.start()
    try:
        while (chunk := chunks.get()) is not _DONE:
            yield chunk
    finally:
        cancelled.set()
        while thread.is_alive():  # unblock a producer waiting on a full queue
            try:
                chunks.get_nowait()
            except queue.Empty:
                thread.join(0.05)


def record_path(warcs: Path, warc_file: str) -> Path:
    """The WARC file a capture names, which must lie inside ``warcs`` (the names come from the database)."""
    root = warcs.resolve()
    path = (root / warc_file).resolve()
    if root not in path.parents:
        raise ConfigError(f"WARC file {warc_file!r} is outside {root}")
    if not path.is_file() and path.with_name(path.name + ".open").is_file():
        path = path.with_name(path.name + ".open")  # still being written by a crawl
    if not path.is_file():
        raise ConfigError(f"WARC file {path} is missing (is --data-dir the crawl's data dir?)")
    return path


def read_record_bytes(path: Path, offset: int, length: int) -> bytes:
    """The record exactly as stored (one gzip member in a .warc.gz): a valid WARC file by itself."""
    with open(path, "rb") as stream:
        stream.seek(offset)
        data = stream.read(length)
    if len(data) != length:
        raise ConfigError(f"{path} ends before the record at offset {offset} (length {length})")
    return data
