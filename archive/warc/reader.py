"""Read records back: iterate a file, or jump to one by (file, offset, length).

Iteration uses warcio's ``ArchiveIterator`` so that WARCs written by other tools
(wget, Heritrix, Browsertrix) read the same way as ours. Payloads come back raw
(still Content-Encoded); ``WarcRecord.decoded_payload`` inflates them with a cap.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from archive.errors import WarcFormatError
from archive.warc.decode import DEFAULT_MAX_DECODED_BYTES, decode_body, dechunk
from archive.warc.location import RecordLocation


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
        body = self.payload
        if any("chunked" in v.lower() for v in self.http_header_list("Transfer-Encoding")):
            body = dechunk(body)
        encodings = [
            part for value in self.http_header_list("Content-Encoding") for part in value.split(",")
        ]
        return decode_body(body, encodings, max_bytes)


def iter_records(path: Path) -> Iterator[WarcRecord]:
    """Every record of a WARC file (gzip or plain), with offset and length filled in."""
    path = Path(path)
    try:
        with open(path, "rb") as stream:
            yield from _iter_stream(stream, path.name)
    except ArchiveLoadFailed as exc:
        raise WarcFormatError(f"{path}: {exc}") from exc
    except OSError as exc:
        raise WarcFormatError(f"cannot read {path}: {exc.strerror or exc}") from exc


def read_record(path: Path, offset: int, length: int) -> WarcRecord:
    """The single record stored at ``offset`` in ``path`` (as a ``RecordLocation`` says)."""
    path = Path(path)
    try:
        with open(path, "rb") as stream:
            stream.seek(offset)
            data = stream.read(length)
    except OSError as exc:
        raise WarcFormatError(f"cannot read {path}: {exc.strerror or exc}") from exc
    if len(data) != length:
        raise WarcFormatError(f"{path}: record at offset {offset} is cut short (file truncated?)")
    try:
        for record in _iter_stream(io.BytesIO(data), path.name, base_offset=offset):
            return record
    except (ArchiveLoadFailed, EOFError, OSError) as exc:
        raise WarcFormatError(f"{path}: no readable record at offset {offset}: {exc}") from exc
    raise WarcFormatError(f"{path}: no record at offset {offset}")


def _iter_stream(stream: BinaryIO, name: str, base_offset: int = 0) -> Iterator[WarcRecord]:
    iterator = ArchiveIterator(stream, no_record_parse=False, check_digests=False)
    for raw in iterator:
        if raw.format.startswith("arc") and ".arc" not in name:
            raise WarcFormatError(f"{name}: not a WARC file (no WARC/ version line)")
        http_headers: list[tuple[str, str]] = []
        status: int | None = None
        if raw.http_headers is not None and raw.rec_type in ("response", "revisit", "request"):
            http_headers = list(raw.http_headers.headers)
            if raw.rec_type != "request":
                try:
                    status = int(raw.http_headers.get_statuscode())
                except (TypeError, ValueError):
                    status = None
        payload = raw.raw_stream.read()
        iterator.read_to_end(raw)
        yield WarcRecord(
            rec_type=raw.rec_type,
            headers=dict(raw.rec_headers.headers),
            payload=payload,
            http_status=status,
            http_headers=http_headers,
            file=name,
            offset=base_offset + iterator.get_record_offset(),
            length=iterator.get_record_length(),
        )
