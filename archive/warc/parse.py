"""Split a WARC record into its headers and block, checking the framing.

Two entry points: ``parse_record`` for a record already in memory (small files, tests)
and ``read_head`` + ``iter_block`` for a record read from a stream, which never holds
more than ``_MAX_HEADER_BYTES`` of headers or one slice of the block. Content-Length
must be ASCII digits only: ``str.isdigit()`` would let "²" through to ``int()``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from archive.errors import WarcFormatError

_HEADER_END = b"\r\n\r\n"
_MAX_HEADER_BYTES = 256 * 1024
_SLICE = 64 * 1024
_DIGITS = re.compile(r"[0-9]{1,18}")


@dataclass(frozen=True)
class ParsedRecord:
    version: str
    headers: list[tuple[str, str]]
    block: bytes
    trailing: bytes  # bytes after block + CRLFCRLF (another record, or nothing)

    def get(self, name: str, default: str | None = None) -> str | None:
        lowered = name.lower()
        for key, value in self.headers:
            if key.lower() == lowered:
                return value
        return default

    @property
    def content_length(self) -> int:
        return content_length(self.get("Content-Length"))


def content_length(value: str | None) -> int:
    """A WARC Content-Length: ASCII digits only, else ``WarcFormatError``."""
    if value is None or not _DIGITS.fullmatch(value):
        raise WarcFormatError(f"WARC record without a valid Content-Length ({value!r})")
    return int(value)


class ByteSource:
    """A ``read(n)`` callable with a look-ahead buffer and a count of bytes consumed."""

    def __init__(self, read: Callable[[int], bytes]) -> None:
        self._read = read
        self._buffer = b""
        self.consumed = 0

    def read(self, size: int) -> bytes:
        """Up to ``size`` bytes; fewer only at EOF (the underlying ``read`` may return short)."""
        while len(self._buffer) < size:
            more = self._read(max(size - len(self._buffer), _SLICE))
            if not more:
                break
            self._buffer += more
        out, self._buffer = self._buffer[:size], self._buffer[size:]
        self.consumed += len(out)
        return out

    def read_until(self, delimiter: bytes, limit: int) -> bytes:
        """Bytes up to and including ``delimiter``; ``WarcFormatError`` past ``limit`` or at EOF."""
        while (end := self._buffer.find(delimiter)) < 0:
            if len(self._buffer) > limit:
                raise WarcFormatError(f"no end of headers in the first {limit} bytes")
            more = self._read(_SLICE)
            if not more:
                raise WarcFormatError("record ends inside its headers (file truncated?)")
            self._buffer += more
        return self.read(end + len(delimiter))

    def at_end(self) -> bool:
        if not self._buffer:
            self._buffer = self._read(_SLICE)
        return not self._buffer


def read_head(source: ByteSource) -> ParsedRecord:
    """The version and headers of the record starting at ``source`` (block not read)."""
    start = source.read(5)
    if start != b"WARC/":
        raise WarcFormatError(f"not a WARC record (starts with {start!r})")
    head = start + source.read_until(_HEADER_END, _MAX_HEADER_BYTES)
    version, headers = _parse_headers(head[: -len(_HEADER_END)])
    record = ParsedRecord(version, headers, b"", b"")
    record.content_length  # noqa: B018 - validates before the block is read
    return record


def iter_block(source: ByteSource, length: int) -> Iterator[bytes]:
    """The ``length`` block bytes in slices, then the CRLF CRLF that ends every record."""
    remaining = length
    while remaining:
        piece = source.read(min(remaining, _SLICE))
        if not piece:
            raise WarcFormatError(f"record block is {length - remaining} bytes, Content-Length says {length}")
        remaining -= len(piece)
        yield piece
    if source.read(4) != _HEADER_END:
        raise WarcFormatError("record block is not followed by CRLF CRLF")


def parse_record(data: bytes) -> ParsedRecord:
    """Parse one record from the start of ``data`` (raises ``WarcFormatError``)."""
    source = ByteSource(_reader(data))
    head = read_head(source)
    block = b"".join(iter_block(source, head.content_length))
    return ParsedRecord(head.version, head.headers, block, data[source.consumed :])


def _reader(data: bytes) -> Callable[[int], bytes]:
    view = memoryview(data)
    position = 0

    def read(size: int) -> bytes:
        nonlocal position
        out = bytes(view[position : position + size])
        position += len(out)
        return out

    return read


def _parse_headers(head: bytes) -> tuple[str, list[tuple[str, str]]]:
    lines = head.split(b"\r\n")
    version = lines[0].decode("ascii", "replace")
    headers: list[tuple[str, str]] = []
    for line in lines[1:]:
        name, sep, value = line.partition(b":")
        if not sep:
            raise WarcFormatError(f"malformed WARC header line {line[:60]!r}")
        headers.append((name.decode("utf-8", "replace").strip(), value.decode("utf-8", "replace").strip()))
    return version, headers


def split_http_block(block: bytes) -> tuple[bytes, bytes]:
    """(HTTP header bytes including the blank line, payload) of an ``application/http`` block."""
    end = block.find(_HEADER_END)
    if end < 0:
        raise WarcFormatError("HTTP message without an end of headers")
    return block[: end + 4], block[end + 4 :]
