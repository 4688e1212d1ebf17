"""Split a decompressed WARC record into its headers and block, checking the framing."""

from __future__ import annotations

from dataclasses import dataclass

from archive.errors import WarcFormatError

_HEADER_END = b"\r\n\r\n"
_MAX_HEADER_BYTES = 256 * 1024


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


def parse_record(data: bytes) -> ParsedRecord:
    """Parse one record from the start of ``data`` (raises ``WarcFormatError``)."""
    if not data.startswith(b"WARC/"):
        raise WarcFormatError(f"not a WARC record (starts with {data[:20]!r})")
    end = data.find(_HEADER_END, 0, _MAX_HEADER_BYTES)
    if end < 0:
        raise WarcFormatError("no end of WARC headers found")
    lines = data[:end].split(b"\r\n")
    version = lines[0].decode("ascii", "replace")
    if not version.startswith("WARC/"):
        raise WarcFormatError(f"not a WARC record (starts with {lines[0][:20]!r})")
    headers: list[tuple[str, str]] = []
    for line in lines[1:]:
        name, sep, value = line.partition(b":")
        if not sep:
            raise WarcFormatError(f"malformed WARC header line {line[:60]!r}")
        headers.append((name.decode("utf-8", "replace").strip(), value.decode("utf-8", "replace").strip()))
    record = ParsedRecord(version, headers, b"", b"")
    length_text = record.get("Content-Length")
    if length_text is None or not length_text.isdigit():
        raise WarcFormatError("WARC record without a valid Content-Length")
    start = end + len(_HEADER_END)
    length = int(length_text)
    block = data[start : start + length]
    if len(block) < length:
        raise WarcFormatError(f"record block is {len(block)} bytes, Content-Length says {length}")
    tail = data[start + length :]
    if not tail.startswith(b"\r\n\r\n"):
        raise WarcFormatError("record block is not followed by CRLF CRLF")
    return ParsedRecord(version, headers, block, tail[4:])


def split_http_block(block: bytes) -> tuple[bytes, bytes]:
    """(HTTP header bytes including the blank line, payload) of an ``application/http`` block."""
    end = block.find(_HEADER_END)
    if end < 0:
        raise WarcFormatError("HTTP message without an end of headers")
    return block[: end + 4], block[end + 4 :]
