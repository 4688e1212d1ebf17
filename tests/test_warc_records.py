"""archive/warc/records.py: the HTTP messages we rebuild from Scrapy's exchange."""

from __future__ import annotations

import base64
import hashlib

from archive.warc.parse import parse_record, split_http_block
from archive.warc.records import build_exchange_records, response_http_headers, sha1_digest
from tests.warc_helpers import html_exchange


def _sha1_b32(data: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode()


def test_response_record_has_normalised_status_line_and_real_protocol() -> None:
    exchange = html_exchange(protocol="h2", ip_address="203.0.113.7", status=404, body=b"gone")
    response, request = build_exchange_records(exchange)
    parsed = parse_record(response.data)
    assert parsed.version == "WARC/1.1"
    assert parsed.get("WARC-Protocol") == "h2"
    assert parsed.get("WARC-IP-Address") == "203.0.113.7"
    head, payload = split_http_block(parsed.block)
    assert head.startswith(b"HTTP/1.1 404 Not Found\r\n")
    assert payload == b"gone"
    assert parsed.get("WARC-Payload-Digest") == _sha1_b32(b"gone")
    assert parsed.get("WARC-Block-Digest") == _sha1_b32(parsed.block)


def test_transfer_encoding_dropped_repeated_headers_kept() -> None:
    exchange = html_exchange(
        response_headers=[
            (b"Transfer-Encoding", b"chunked"),
            (b"Set-Cookie", b"a=1"),
            (b"Set-Cookie", b"b=2"),
            (b"Set-Cookie", b"c=3"),
        ]
    )
    headers = response_http_headers(exchange)
    assert [v for k, v in headers if k == b"Set-Cookie"] == [b"a=1", b"b=2", b"c=3"]
    assert all(k.lower() != b"transfer-encoding" for k, _ in headers)


def test_cut_body_gets_true_content_length_and_keeps_original() -> None:
    exchange = html_exchange(
        body=b"x" * 10,
        response_headers=[(b"Content-Length", b"1000")],
        truncated="length",
    )
    response, _ = build_exchange_records(exchange)
    parsed = parse_record(response.data)
    head, _ = split_http_block(parsed.block)
    assert b"Content-Length: 10\r\n" in head
    assert b"X-Archive-Orig-Content-Length: 1000\r\n" in head
    assert parsed.get("WARC-Truncated") == "length"


def test_request_record_pairs_with_response() -> None:
    exchange = html_exchange(
        url="http://news.example/search?q=kabul#top",
        method="POST",
        request_body=b"q=kabul",
    )
    response, request = build_exchange_records(exchange)
    resp, req = parse_record(response.data), parse_record(request.data)
    assert req.get("WARC-Concurrent-To") == resp.get("WARC-Record-ID")
    assert req.get("WARC-Date") == resp.get("WARC-Date")
    assert req.get("WARC-Target-URI") == "http://news.example/search?q=kabul"
    assert req.block.startswith(b"POST /search?q=kabul HTTP/1.1\r\nHost: news.example\r\n")
    assert req.block.endswith(b"\r\n\r\nq=kabul")
    assert b"Content-Length: 7\r\n" in req.block


def test_sha1_digest_format() -> None:
    assert sha1_digest(b"") == "sha1:3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ"


def test_revisit_record_points_at_the_original_without_payload() -> None:
    from archive.warc.records import IDENTICAL_PAYLOAD_PROFILE, RevisitTarget

    body = b"<p>unchanged</p>"
    original, _ = build_exchange_records(html_exchange(body=body))
    first = parse_record(original.data)
    target = RevisitTarget(
        record_id=original.record_id,
        target_uri=first.get("WARC-Target-URI") or "",
        warc_date=first.get("WARC-Date") or "",
        payload_digest=original.payload_digest or "",
    )
    revisit, request = build_exchange_records(html_exchange(body=body), revisit_of=target)
    parsed = parse_record(revisit.data)
    assert parsed.get("WARC-Type") == "revisit"
    assert parsed.get("WARC-Profile") == IDENTICAL_PAYLOAD_PROFILE
    assert parsed.get("WARC-Refers-To") == original.record_id
    assert parsed.get("WARC-Refers-To-Target-URI") == "http://news.example/a"
    assert parsed.get("WARC-Refers-To-Date") == first.get("WARC-Date")
    assert parsed.get("WARC-Truncated") == "length"
    assert parsed.get("WARC-Payload-Digest") == _sha1_b32(body)
    assert parsed.block.endswith(b"\r\n\r\n") and body not in parsed.block
    assert parse_record(request.data).get("WARC-Concurrent-To") == revisit.record_id
