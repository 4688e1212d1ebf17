"""Build WARC/1.1 records from one HTTP exchange (pure functions, no I/O).

The crawler hands us an ``Exchange``: what Scrapy parsed of a request and its response.
We rebuild the HTTP messages from it, so a few rules make the result faithful and
readable by warcio, pywb and replayweb.page:

* the status line is always ``HTTP/1.1 <code> <standard reason>`` (pywb answers 503 for
  anything else); ``WARC-Protocol`` says what was really spoken (``h2``, ``http/1.1``);
* ``Transfer-Encoding`` is dropped because the body is stored de-chunked;
* ``Content-Encoding`` is kept and the body stays compressed, exactly as sent;
* an HTTP ``Content-Length`` that disagrees with the stored body (a cut download) is
  replaced by the stored length and the original kept as ``X-Archive-Orig-Content-Length``,
  the prefix pywb itself uses for rewritten headers.
"""

from __future__ import annotations

import base64
import hashlib
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http import HTTPStatus
from typing import Literal
from urllib.parse import urlsplit

Headers = Sequence[tuple[bytes, bytes]]
Truncation = Literal["length", "time", "disconnect", "unspecified"]

_CRLF = b"\r\n"
_HOP_BY_HOP_DROPPED = {b"transfer-encoding"}


@dataclass(frozen=True)
class Exchange:
    """One request/response pair as the crawler saw it; no Scrapy types."""

    url: str
    method: str
    request_headers: Headers
    status: int
    response_headers: Headers
    body: bytes
    request_body: bytes = b""
    fetched_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    protocol: str | None = None
    ip_address: str | None = None
    truncated: Truncation | None = None


IDENTICAL_PAYLOAD_PROFILE = "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"
SERVER_NOT_MODIFIED_PROFILE = "http://netpreserve.org/warc/1.1/revisit/server-not-modified"


@dataclass(frozen=True)
class RevisitTarget:
    """The earlier capture a revisit record points at (what replay tools will serve)."""

    record_id: str
    target_uri: str
    warc_date: str
    payload_digest: str


@dataclass(frozen=True)
class WarcRecordBytes:
    """A serialised record (uncompressed) plus the ids other records refer to."""

    record_id: str
    data: bytes
    payload_digest: str | None = None


def sha1_digest(data: bytes) -> str:
    """``sha1:<BASE32>``, the digest form warcio, pywb and Heritrix write."""
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode("ascii")


def new_record_id() -> str:
    return f"<urn:uuid:{uuid.uuid4()}>"


def warc_date(moment: datetime) -> str:
    """WARC/1.1 allows sub-second precision; keep microseconds so pairs sort right."""
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_warc_date(value: str) -> datetime | None:
    """A ``WARC-Date`` header as an aware datetime (naive = UTC); ``None`` when unreadable."""
    try:
        when = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def reason_phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


def _header_block(first_line: bytes, headers: Iterable[tuple[bytes, bytes]]) -> bytes:
    lines = [first_line]
    lines.extend(name + b": " + value for name, value in headers)
    return _CRLF.join(lines) + _CRLF + _CRLF


def response_http_headers(exchange: Exchange) -> list[tuple[bytes, bytes]]:
    """The response headers as stored: every value kept, framing made true to the body."""
    stored: list[tuple[bytes, bytes]] = []
    body_length = str(len(exchange.body)).encode()
    for name, value in exchange.response_headers:
        lowered = name.lower()
        if lowered in _HOP_BY_HOP_DROPPED:
            continue
        if lowered == b"content-length" and value.strip() != body_length:
            if exchange.method.upper() == "HEAD" or exchange.status == 304:
                stored.append((name, value))  # no body by definition; the length is metadata
                continue
            stored.append((b"X-Archive-Orig-Content-Length", value))
            stored.append((name, body_length))
            continue
        stored.append((name, value))
    return stored


def request_http_block(exchange: Exchange) -> bytes:
    """Request line with path and query (never the fragment), ``Host`` first, then headers."""
    parts = urlsplit(exchange.url)
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    headers: list[tuple[bytes, bytes]] = []
    if not any(name.lower() == b"host" for name, _ in exchange.request_headers):
        headers.append((b"Host", parts.netloc.rsplit("@", 1)[-1].encode("idna")))
    headers.extend(exchange.request_headers)
    if exchange.request_body and not any(
        name.lower() == b"content-length" for name, _ in exchange.request_headers
    ):
        headers.append((b"Content-Length", str(len(exchange.request_body)).encode()))
    line = f"{exchange.method.upper()} {target} HTTP/1.1".encode("ascii", "replace")
    return _header_block(line, headers) + exchange.request_body


def _warc_record(
    rec_type: str, headers: list[tuple[str, str]], block: bytes, content_type: str
) -> bytes:
    all_headers = [("WARC-Type", rec_type), *headers]
    all_headers.append(("Content-Type", content_type))
    all_headers.append(("WARC-Block-Digest", sha1_digest(block)))
    all_headers.append(("Content-Length", str(len(block))))
    head = _header_block(
        b"WARC/1.1", ((k.encode(), v.encode("utf-8")) for k, v in all_headers)
    )
    return head + block + _CRLF + _CRLF


def build_exchange_records(
    exchange: Exchange, revisit_of: RevisitTarget | None = None
) -> tuple[WarcRecordBytes, WarcRecordBytes]:
    """The response (or revisit) record and its concurrent request record, response first.

    Both share ``WARC-Date`` and ``WARC-Target-URI`` so replay tools pair them. With
    ``revisit_of`` (an earlier capture with the same payload digest, or a 304 answer to a
    conditional GET) the payload is not stored again: a ``revisit`` record keeps the HTTP
    headers and points at the original, which pywb serves in its place.
    """
    date = warc_date(exchange.fetched_at)
    target = exchange.url.split("#", 1)[0]
    response_id = new_record_id()
    status_line = f"HTTP/1.1 {exchange.status} {reason_phrase(exchange.status)}".encode()
    http_head = _header_block(status_line, response_http_headers(exchange))
    payload_digest = sha1_digest(exchange.body)
    record_type = "response"
    http_block = http_head + exchange.body
    response_headers = [
        ("WARC-Record-ID", response_id),
        ("WARC-Date", date),
        ("WARC-Target-URI", target),
        ("WARC-Payload-Digest", payload_digest),
    ]
    if revisit_of is not None:
        record_type, http_block = "revisit", http_head
        profile = IDENTICAL_PAYLOAD_PROFILE
        if exchange.status == 304:
            profile = SERVER_NOT_MODIFIED_PROFILE
        payload_digest = revisit_of.payload_digest
        response_headers[3] = ("WARC-Payload-Digest", payload_digest)
        response_headers += [
            ("WARC-Profile", profile),
            ("WARC-Refers-To", revisit_of.record_id),
            ("WARC-Refers-To-Target-URI", revisit_of.target_uri),
            ("WARC-Refers-To-Date", revisit_of.warc_date),
            ("WARC-Truncated", "length"),
        ]
    if exchange.ip_address:
        response_headers.append(("WARC-IP-Address", exchange.ip_address))
    if exchange.protocol:
        response_headers.append(("WARC-Protocol", exchange.protocol))
    if exchange.truncated and revisit_of is None:
        response_headers.append(("WARC-Truncated", exchange.truncated))
    response = _warc_record(
        record_type, response_headers, http_block, "application/http; msgtype=response"
    )
    request_id = new_record_id()
    request_headers = [
        ("WARC-Record-ID", request_id),
        ("WARC-Date", date),
        ("WARC-Target-URI", target),
        ("WARC-Concurrent-To", response_id),
    ]
    if exchange.protocol:
        request_headers.append(("WARC-Protocol", exchange.protocol))
    request = _warc_record(
        "request",
        request_headers,
        request_http_block(exchange),
        "application/http; msgtype=request",
    )
    return (
        WarcRecordBytes(response_id, response, payload_digest),
        WarcRecordBytes(request_id, request),
    )


def _fields_record(
    rec_type: str, extra_headers: list[tuple[str, str]], fields: Sequence[tuple[str, str]], when: datetime
) -> WarcRecordBytes:
    """A record whose block is ``application/warc-fields`` (``name: value`` lines)."""
    block = "".join(f"{name}: {value}\r\n" for name, value in fields).encode("utf-8")
    record_id = new_record_id()
    headers = [("WARC-Record-ID", record_id), ("WARC-Date", warc_date(when)), *extra_headers]
    return WarcRecordBytes(record_id, _warc_record(rec_type, headers, block, "application/warc-fields"))


def build_warcinfo(filename: str, fields: Sequence[tuple[str, str]], when: datetime) -> WarcRecordBytes:
    """The warcinfo record that opens every file."""
    return _fields_record("warcinfo", [("WARC-Filename", filename)], fields, when)


def build_metadata(
    target_uri: str, concurrent_to: str, fields: Sequence[tuple[str, str]], when: datetime
) -> WarcRecordBytes:
    """A metadata record about a response (e.g. a flag that its body is a decompression bomb)."""
    return _fields_record(
        "metadata", [("WARC-Target-URI", target_uri), ("WARC-Concurrent-To", concurrent_to)], fields, when
    )
