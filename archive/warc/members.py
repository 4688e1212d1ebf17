"""Walk the gzip members of a ``.warc.gz`` file without trusting it.

Used by recovery (find the last whole record of a killed run's file) and by ``check``.
Decompression is streamed in small slices with a cap, so a hostile or corrupt file
cannot make us allocate more than ``max_member_bytes``.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

_READ_SIZE = 64 * 1024
DEFAULT_MAX_MEMBER_BYTES = 2 * 1024 * 1024 * 1024


@dataclass(frozen=True)
class Member:
    """One gzip member: its place in the file and its decompressed bytes, or the error."""

    offset: int
    length: int
    data: bytes
    error: str | None = None


def iter_members(
    path: Path, max_member_bytes: int = DEFAULT_MAX_MEMBER_BYTES
) -> Iterator[Member]:
    """Yield every member in order; the last one carries ``error`` if the file is damaged."""
    with open(path, "rb") as stream:
        yield from _iter_stream(stream, max_member_bytes)


def _iter_stream(stream: BinaryIO, max_member_bytes: int) -> Iterator[Member]:
    pending = b""
    position = 0
    while True:
        if not pending:
            pending = stream.read(_READ_SIZE)
            if not pending:
                return
        start = position
        decompressor = zlib.decompressobj(31)
        pieces: list[bytes] = []
        produced = 0
        consumed = 0
        while True:
            chunk = pending or stream.read(_READ_SIZE)
            pending = b""
            if not chunk:
                yield Member(start, consumed, b"", "truncated gzip member (file ends mid-record)")
                return
            try:
                out = decompressor.decompress(chunk)
            except zlib.error as exc:
                yield Member(start, consumed, b"", f"corrupt gzip data: {exc}")
                return
            produced += len(out)
            if produced > max_member_bytes:
                yield Member(start, consumed, b"", f"member inflates past {max_member_bytes} bytes")
                return
            pieces.append(out)
            if decompressor.eof:
                used = len(chunk) - len(decompressor.unused_data)
                consumed += used
                pending = decompressor.unused_data
                position = start + consumed
                yield Member(start, consumed, b"".join(pieces))
                break
            consumed += len(chunk)
