"""Verify WARC files: members, records, digests and our framing invariants.

``newsarchive check`` prints one verdict per file from ``check_file``. The checks are
those a replay tool relies on: every gzip member decompresses, each holds one record
that parses, ``WARC-Block-Digest``/``WARC-Payload-Digest`` match, an HTTP
``Content-Length`` in a response equals the stored payload length, and the file opens
with a warcinfo record.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from archive.errors import WarcFormatError
from archive.warc.members import iter_members
from archive.warc.parse import ParsedRecord, parse_record, split_http_block
from archive.warc.records import sha1_digest

_MAX_PROBLEMS = 20


@dataclass
class FileReport:
    path: Path
    records: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def check_file(path: Path) -> FileReport:
    """Check one ``.warc.gz`` file; problems are sentences naming the record offset."""
    report = FileReport(Path(path))
    if not str(path).endswith(".gz"):
        report.problems.append("not a .warc.gz file (records must be gzip members)")
        return report
    try:
        for member in iter_members(path):
            if member.error:
                report.problems.append(f"offset {member.offset}: {member.error}")
                break
            _check_member(member.offset, member.data, report)
            if len(report.problems) >= _MAX_PROBLEMS:
                report.problems.append("too many problems; stopped")
                break
    except OSError as exc:
        report.problems.append(f"cannot read: {exc.strerror}")
    if report.records == 0 and not report.problems:
        report.problems.append("no records")
    return report


def _check_member(offset: int, data: bytes, report: FileReport) -> None:
    try:
        record = parse_record(data)
    except WarcFormatError as exc:
        report.problems.append(f"offset {offset}: {exc}")
        return
    if record.trailing:
        report.problems.append(f"offset {offset}: more than one record in one gzip member")
    report.records += 1
    rec_type = record.get("WARC-Type")
    if report.records == 1 and rec_type != "warcinfo":
        report.problems.append(f"offset {offset}: first record is {rec_type}, not warcinfo")
    for required in ("WARC-Record-ID", "WARC-Date", "WARC-Type"):
        if record.get(required) is None:
            report.problems.append(f"offset {offset}: missing {required}")
    block_digest = record.get("WARC-Block-Digest")
    if block_digest and not _digest_matches(block_digest, record.block):
        report.problems.append(f"offset {offset}: WARC-Block-Digest does not match")
    if rec_type == "response" and (record.get("Content-Type") or "").startswith("application/http"):
        _check_http_response(offset, record, report)


def _check_http_response(offset: int, record: ParsedRecord, report: FileReport) -> None:
    try:
        http_head, payload = split_http_block(record.block)
    except WarcFormatError as exc:
        report.problems.append(f"offset {offset}: {exc}")
        return
    payload_digest = record.get("WARC-Payload-Digest")
    if payload_digest and not _digest_matches(payload_digest, payload):
        report.problems.append(f"offset {offset}: WARC-Payload-Digest does not match")
    status_line, *header_lines = http_head.rstrip(b"\r\n").split(b"\r\n")
    if not status_line.startswith(b"HTTP/1."):
        report.problems.append(f"offset {offset}: status line {status_line[:30]!r} is not HTTP/1.x")
    chunked = False
    for line in header_lines:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"transfer-encoding" and b"chunked" in value.lower():
            chunked = True
        if name == b"content-length" and not chunked and value.strip() != str(len(payload)).encode():
            if record.get("WARC-Truncated") is None:
                report.problems.append(
                    f"offset {offset}: HTTP Content-Length {value.strip().decode(errors='replace')} "
                    f"!= stored payload length {len(payload)}"
                )


def _digest_matches(declared: str, data: bytes) -> bool:
    algorithm, _, _ = declared.partition(":")
    if algorithm.lower() != "sha1":
        return True  # we only write sha1; other algorithms are not checked
    return sha1_digest(data).lower() == declared.lower() or _hex_sha1_matches(declared, data)


def _hex_sha1_matches(declared: str, data: bytes) -> bool:
    """Some tools (old wget) write hex rather than base32."""
    return declared.split(":", 1)[1].lower() == hashlib.sha1(data).hexdigest()
