"""Read records back: iterate a file, or jump to one by (file, offset, length).

Iteration uses warcio's ``ArchiveIterator`` so that WARCs written by other tools
(wget, Heritrix, Browsertrix) read the same way as ours. Payloads come back raw
(still Content-Encoded) and capped; ``WarcRecord.decoded_payload`` inflates them with a
cap. Whatever the input, memory stays bounded: header lines, payloads kept and
decompressed output all have a ceiling (issue: a 3 MB bomb once took reindex to 6.4 GB).
"""

from __future__ import annotations

import os
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import BUFF_SIZE, DecompressingBufferedReader
from warcio.exceptions import ArchiveLoadFailed
from warcio.limitreader import LimitReader
from warcio.recordloader import ArcWarcRecord

from archive.errors import DecompressionLimitError, WarcFormatError
from archive.warc.decode import DEFAULT_MAX_DECODED_BYTES, dechunk, decode_body
from archive.warc.location import RecordLocation
from archive.warc.parse import content_length

DEFAULT_MAX_PAYLOAD_BYTES = 64 * 1024 * 1024
MAX_HEAD_BYTES = 1024 * 1024


@dataclass
class WarcRecord:
    """One record with its HTTP parts split out (``http_*`` empty for non-HTTP records)."""

    rec_type: str
    headers: dict[str, str]
    payload: bytes
    http_status: int | None = None
    http_headers: list[tuple[str, str]] = field(default_factory=list)
    file: str = ""
    offset: int = 0
    length: int = 0
    payload_complete: bool = True  # False: the payload was longer than the cap and is cut
    digest_problem: str | None = None  # why a declared digest does not match, if it does not

    @property
    def record_id(self) -> str:
        return self.headers.get("WARC-Record-ID", "")

    @property
    def target_uri(self) -> str:
        return self.headers.get("WARC-Target-URI", "")

    def http_header(self, name: str) -> str | None:
        lowered = name.lower()
        for key, value in self.http_headers:
            if key.lower() == lowered:
                return value
        return None

    def http_header_list(self, name: str) -> list[str]:
        lowered = name.lower()
        return [value for key, value in self.http_headers if key.lower() == lowered]

    def location(self) -> RecordLocation:
        return RecordLocation(
            self.file, self.offset, self.length, self.record_id,
            self.headers.get("WARC-Payload-Digest"),
        )

    def decoded_payload(self, max_bytes: int = DEFAULT_MAX_DECODED_BYTES) -> bytes:
        """The entity body as the browser would see it: de-chunked, decompressed, capped."""
        if not self.payload_complete:
            raise DecompressionLimitError(
                f"{self.file}@{self.offset}: payload over {len(self.payload)} bytes (raise the cap to read it)"
            )
        body = self.payload
        if any("chunked" in v.lower() for v in self.http_header_list("Transfer-Encoding")):
            body = dechunk(body)
        encodings = [
            part for value in self.http_header_list("Content-Encoding") for part in value.split(",")
        ]
        return decode_body(body, encodings, max_bytes)


def iter_records(path: Path, max_payload_bytes: int = DEFAULT_MAX_PAYLOAD_BYTES) -> Iterator[WarcRecord]:
    """Every record of a WARC file (gzip or plain), with offset, length and digest verdict.

    Payloads are kept up to ``max_payload_bytes`` (0: not kept); the rest of each record
    is streamed through the digest check and dropped, so memory stays bounded.
    """
    path = Path(path)
    try:
        with open(path, "rb") as stream:
            end = 0
            for record in _iter_stream(stream, path.name, max_payload_bytes=max_payload_bytes, check_digests=True):
                end = record.offset + record.length
                yield record
            _check_tail(stream, end)
    except (ArchiveLoadFailed, EOFError, zlib.error, WarcFormatError) as exc:
        raise WarcFormatError(f"{path}: {_one_line(exc)}") from exc
    except OSError as exc:
        raise WarcFormatError(f"cannot read {path}: {exc.strerror or exc}") from exc


def read_record(path: Path, offset: int, length: int,
                max_payload_bytes: int = DEFAULT_MAX_PAYLOAD_BYTES) -> WarcRecord:
    """The single record stored at ``offset`` in ``path`` (as a ``RecordLocation`` says)."""
    path = Path(path)
    try:
        with open(path, "rb") as stream:
            if os.fstat(stream.fileno()).st_size < offset + length:
                raise WarcFormatError(f"{path}: record at offset {offset} is cut short (file truncated?)")
            stream.seek(offset)
            limited = LimitReader(stream, length)
            for record in _iter_stream(limited, path.name, base_offset=offset, max_payload_bytes=max_payload_bytes):
                return record
    except (ArchiveLoadFailed, EOFError, zlib.error) as exc:
        raise WarcFormatError(f"{path}: no readable record at offset {offset}: {_one_line(exc)}") from exc
    except WarcFormatError as exc:
        raise WarcFormatError(f"{path}: record at offset {offset}: {exc}") from exc
    except OSError as exc:
        raise WarcFormatError(f"cannot read {path}: {exc.strerror or exc}") from exc
    raise WarcFormatError(f"{path}: no record at offset {offset}")


def _check_tail(stream: BinaryIO, end: int) -> None:
    """warcio stops quietly at a member cut short: whatever follows the last whole record
    must be blank lines, or the file was truncated (or has garbage appended)."""
    size = os.fstat(stream.fileno()).st_size
    stream.seek(end)
    tail = stream.read(4096)
    if size - end > len(tail) or tail.strip(b"\r\n"):
        raise WarcFormatError(f"{size - end} bytes after the last whole record (offset {end}) do not parse "
                              "(file truncated?)")


class _CappedReader(DecompressingBufferedReader):
    """warcio reads header lines with an unbounded ``readline()``: a 3 MB file can hold a
    gigabyte-long "line". Here each record's header lines total at most ``MAX_HEAD_BYTES``."""

    head_bytes = 0

    def readline(self, length: int | None = None) -> bytes:
        room = MAX_HEAD_BYTES - self.head_bytes + 1
        line = super().readline(room if length is None else min(length, room))
        self.head_bytes += len(line)
        if self.head_bytes > MAX_HEAD_BYTES:
            raise WarcFormatError(f"record headers longer than {MAX_HEAD_BYTES} bytes")
        return line


def _iter_stream(stream: BinaryIO, name: str, base_offset: int = 0, max_payload_bytes: int = 0,
                 check_digests: bool = False) -> Iterator[WarcRecord]:
    iterator = ArchiveIterator(stream, no_record_parse=False, check_digests=check_digests)
    reader = _CappedReader(iterator.fh, block_size=BUFF_SIZE)
    iterator.reader = reader
    for raw in iterator:
        if raw.format.startswith("arc") and ".arc" not in name:
            raise WarcFormatError("not a WARC file (no WARC/ version line)")
        declared = content_length(raw.rec_headers.get_header("Content-Length"))
        payload = raw.raw_stream.read(max_payload_bytes + 1) if max_payload_bytes else b""
        iterator.read_to_end(raw)
        missing = getattr(raw.raw_stream, "limit", 0)
        if missing:
            raise WarcFormatError(f"record at offset {base_offset + iterator.get_record_offset()} is cut short: "
                                  f"{missing} of its {declared} bytes missing (file truncated?)")
        yield _record(raw, name, payload[:max_payload_bytes], len(payload) <= max_payload_bytes,
                      base_offset + iterator.get_record_offset(), iterator.get_record_length())
        reader.head_bytes = 0


def _record(raw: ArcWarcRecord, name: str, payload: bytes, complete: bool, offset: int, length: int) -> WarcRecord:
    http_headers: list[tuple[str, str]] = []
    status: int | None = None
    if raw.http_headers is not None and raw.rec_type in ("response", "revisit", "request"):
        http_headers = list(raw.http_headers.headers)
        if raw.rec_type != "request":
            status = _status(raw.http_headers.get_statuscode())
    checker = raw.digest_checker
    return WarcRecord(
        rec_type=raw.rec_type, headers=dict(raw.rec_headers.headers), payload=payload,
        http_status=status, http_headers=http_headers, file=name, offset=offset, length=length,
        payload_complete=complete,
        digest_problem=_digest_problem(checker.problems) if checker is not None and checker.passed is False else None,
    )


def _digest_problem(problems: list[str]) -> str:
    """warcio's "payload digest failed: sha1:..." lines as the header names ``check`` uses."""
    failed = [name for name, word in (("WARC-Block-Digest", "block"), ("WARC-Payload-Digest", "payload"))
              if any(p.startswith(word) for p in problems)]
    return f"{' and '.join(failed)} {'do' if len(failed) > 1 else 'does'} not match" if failed else "; ".join(problems)


def _status(code: str | None) -> int | None:
    return int(code) if code and code.isascii() and code.isdecimal() and len(code) == 3 else None


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:300] or type(exc).__name__
