"""Verify WARC files: framing, records, digests, and our own conventions.

``newsarchive check`` prints one verdict per file from ``check_file``. Problems are
violations of WARC 1.1 or damage a replay tool would trip on: a gzip member that does
not decompress, a record that does not parse, a missing mandatory header, a digest that
does not match, an HTTP ``Content-Length`` that disagrees with the stored payload.
Notes are our conventions, which other tools' valid WARCs need not follow (warcinfo
first, one record per gzip member, ``.warc.gz`` naming); ``strict`` makes them problems.

Files are read as streams in slices: a record that inflates to gigabytes costs one
slice of memory, not its size (issue: a 3 MB bomb once took ``check`` to 2.27 GB).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from archive.errors import WarcFormatError
from archive.warc.digest import BlockDigester
from archive.warc.httpscan import HttpScan
from archive.warc.members import MemberStream, is_gzip
from archive.warc.parse import ByteSource, ParsedRecord, iter_block, read_head

_MAX_PROBLEMS = 20
_MANDATORY = ("WARC-Record-ID", "WARC-Date", "WARC-Type")


@dataclass
class FileReport:
    path: Path
    records: int = 0
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def full(self) -> bool:
        return len(self.problems) >= _MAX_PROBLEMS


def check_file(path: Path, strict: bool = False) -> FileReport:
    """Check one WARC file, gzip-compressed per record or not compressed at all."""
    report = FileReport(Path(path))
    try:
        if is_gzip(path):
            _check_gzip(path, report)
        else:
            if str(path).endswith(".gz"):
                report.notes.append("named .gz but not gzip-compressed")
            with open(path, "rb") as stream:
                _check_records(ByteSource(stream.read), report, member_offset=None)
    except OSError as exc:
        report.problems.append(f"cannot read: {exc.strerror or exc}")
    if report.full():
        report.problems.append("too many problems; stopped")
    if report.records == 0 and not report.problems:
        report.problems.append("no records")
    if strict:
        report.problems.extend(report.notes)
        report.notes = []
    return report


def _check_gzip(path: Path, report: FileReport) -> None:
    multi_noted = False
    with open(path, "rb") as stream:
        members = MemberStream(stream)
        while members.next_member() and not report.full():
            before = report.records
            error = _check_records(ByteSource(members.read), report, member_offset=members.offset)
            if members.error:
                break
            if error:
                report.problems.append(f"offset {members.offset}: {error}")
            elif report.records - before > 1 and not multi_noted:
                multi_noted = True
                report.notes.append(f"offset {members.offset}: more than one record in one gzip member")
        if members.error:
            report.problems.append(f"offset {members.offset}: {members.error}")


def _check_records(source: ByteSource, report: FileReport, member_offset: int | None) -> str | None:
    """Check every record in ``source``; the framing error that stopped it, if any."""
    while not source.at_end() and not report.full():
        offset = member_offset if member_offset is not None else source.consumed
        try:
            _check_record(source, offset, report)
        except WarcFormatError as exc:
            if member_offset is None:
                report.problems.append(f"offset {offset}: {exc}")
                return None
            return str(exc)
    return None


def _check_record(source: ByteSource, offset: int, report: FileReport) -> None:
    record = read_head(source)
    report.records += 1
    rec_type = record.get("WARC-Type")
    if report.records == 1 and rec_type != "warcinfo":
        report.notes.append(f"offset {offset}: first record is {rec_type}, not warcinfo")
    for required in _MANDATORY:
        if record.get(required) is None:
            report.problems.append(f"offset {offset}: missing {required}")
    block = BlockDigester(record.get("WARC-Block-Digest"))
    http = HttpScan(record.get("WARC-Payload-Digest")) if _is_http_response(record) else None
    for piece in iter_block(source, record.content_length):
        block.update(piece)
        if http is not None:
            http.feed(piece)
    if block.matches() is False:
        report.problems.append(f"offset {offset}: WARC-Block-Digest does not match")
    if http is not None:
        problems, notes = http.verdict(truncated=record.get("WARC-Truncated") is not None)
        report.problems.extend(f"offset {offset}: {p}" for p in problems)
        report.notes.extend(f"offset {offset}: {n}" for n in notes)


def _is_http_response(record: ParsedRecord) -> bool:
    return record.get("WARC-Type") == "response" and (record.get("Content-Type") or "").startswith(
        "application/http"
    )
