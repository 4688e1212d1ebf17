"""archive/warc/reader.py, decode.py and check.py: reading back, bombs, damaged files."""

from __future__ import annotations

import gzip
import io
import zlib
from pathlib import Path

import brotli
import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from archive.errors import DecompressionLimitError, WarcFormatError
from archive.warc.check import check_file
from archive.warc.decode import decode_body
from archive.warc.reader import iter_records, read_record
from archive.warc.writer import WarcWriter
from tests.warc_helpers import gzip_exchange, html_exchange, warc_files


def _double_gzip_zeros(size: int) -> bytes:
    inner = zlib.compressobj(9, zlib.DEFLATED, 31)
    chunk = bytes(1 << 20)
    parts = [inner.compress(chunk) for _ in range(size >> 20)]
    parts.append(inner.flush())
    return gzip.compress(b"".join(parts), 9)


def test_bomb_is_refused_past_the_cap_not_inflated() -> None:
    bomb = _double_gzip_zeros(256 << 20)  # 256 MiB of zeros
    assert len(bomb) < 100_000
    with pytest.raises(DecompressionLimitError, match="inflates past 1048576 bytes"):
        decode_body(bomb, ["gzip", "gzip"], max_bytes=1 << 20)


def test_brotli_and_deflate_decode_with_cap() -> None:
    assert decode_body(brotli.compress(b"salam"), ["br"]) == b"salam"
    assert decode_body(zlib.compress(b"salam"), ["deflate"]) == b"salam"
    raw = zlib.compressobj(6, zlib.DEFLATED, -15)
    assert decode_body(raw.compress(b"salam") + raw.flush(), ["deflate"]) == b"salam"
    with pytest.raises(DecompressionLimitError):
        decode_body(brotli.compress(bytes(10 << 20)), ["br"], max_bytes=1 << 20)


def test_reads_a_warc_written_by_another_tool_with_chunked_body(tmp_path: Path) -> None:
    """wget and others keep Transfer-Encoding: chunked in the record."""
    path = tmp_path / "other.warc.gz"
    with open(path, "wb") as stream:
        writer = WARCWriter(stream, gzip=True)
        chunked = b"5\r\nHello\r\n6\r\n Kabul\r\n0\r\n\r\n"
        headers = StatusAndHeaders(
            "200 OK", [("Content-Type", "text/html"), ("Transfer-Encoding", "chunked")], protocol="HTTP/1.1"
        )
        record = writer.create_warc_record(
            "http://other.example/", "response", payload=io.BytesIO(chunked), http_headers=headers
        )
        writer.write_record(record)
    [record] = [r for r in iter_records(path) if r.rec_type == "response"]
    assert record.http_status == 200
    assert record.decoded_payload() == b"Hello Kabul"
    again = read_record(path, record.offset, record.length)
    assert again.decoded_payload() == b"Hello Kabul"


def test_truncated_warc_is_reported_not_crashed(tmp_path: Path) -> None:
    with WarcWriter(tmp_path) as writer:
        location = writer.write_exchange(gzip_exchange("http://news.example/a", b"<p>x</p>" * 500))
    [path] = warc_files(tmp_path)
    data = path.read_bytes()
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(data[: location.response.offset + location.response.length // 2])
    report = check_file(cut)
    assert not report.ok
    assert "truncated gzip member" in report.problems[0]
    with pytest.raises(WarcFormatError, match="cut short"):
        read_record(cut, location.response.offset, location.response.length)


def test_check_finds_a_flipped_payload_byte(tmp_path: Path) -> None:
    with WarcWriter(tmp_path) as writer:
        writer.write_exchange(html_exchange(body=b"<p>original text</p>"))
    [path] = warc_files(tmp_path)
    members = []
    from archive.warc.members import iter_members

    for member in iter_members(path):
        members.append(member.data.replace(b"original", b"0riginal"))
    path.write_bytes(b"".join(gzip.compress(m) for m in members))
    report = check_file(path)
    assert any("WARC-Payload-Digest does not match" in p for p in report.problems)
    assert any("WARC-Block-Digest does not match" in p for p in report.problems)


def test_not_a_warc_gives_format_error(tmp_path: Path) -> None:
    path = tmp_path / "junk.warc.gz"
    path.write_bytes(gzip.compress(b"this is not a warc file"))
    with pytest.raises(WarcFormatError):
        list(iter_records(path))
    assert not check_file(path).ok
