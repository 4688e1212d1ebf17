"""Undo HTTP Content-Encoding and chunking with a hard output cap.

A WARC keeps bodies exactly as sent, so a 50 KB gzip body may inflate to gigabytes.
Everything that reads a payload back goes through ``decode_body`` with a cap and gets
``DecompressionLimitError`` instead of exhausting memory.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence

import brotli

from archive.errors import DecompressionLimitError, WarcFormatError

DEFAULT_MAX_DECODED_BYTES = 64 * 1024 * 1024
_SLICE = 64 * 1024
GZIP_MAGIC = b"\x1f\x8b"


def dechunk(body: bytes) -> bytes:
    """Remove HTTP/1.1 chunked framing (as found in WARCs written by wget and others)."""
    out = bytearray()
    position = 0
    while True:
        line_end = body.find(b"\r\n", position)
        if line_end < 0:
            return bytes(out) if out else body  # tolerate a missing last chunk
        size_text = body[position:line_end].split(b";", 1)[0].strip()
        try:
            size = int(size_text, 16)
        except ValueError:
            return bytes(out) if out else body  # not chunked after all
        if size == 0:
            return bytes(out)
        start = line_end + 2
        out += body[start : start + size]
        position = start + size + 2


def decode_body(
    body: bytes, content_encodings: Sequence[str], max_bytes: int = DEFAULT_MAX_DECODED_BYTES
) -> bytes:
    """Apply the decodings in reverse order of the Content-Encoding list, capped."""
    for encoding in reversed([e.strip().lower() for e in content_encodings if e.strip()]):
        if encoding in ("identity", ""):
            continue
        if encoding in ("gzip", "x-gzip"):
            body = _inflate(body, 47, max_bytes)  # 47: zlib or gzip header, auto-detected
        elif encoding == "deflate":
            try:
                body = _inflate(body, 15, max_bytes)
            except zlib.error:
                body = _inflate(body, -15, max_bytes)  # raw deflate, as some servers send
        elif encoding == "br":
            body = _unbrotli(body, max_bytes)
        else:
            raise WarcFormatError(f"unsupported Content-Encoding {encoding!r}")
    return body


def _too_big(max_bytes: int) -> DecompressionLimitError:
    return DecompressionLimitError(
        f"body inflates past {max_bytes} bytes (a decompression bomb, or raise the cap)"
    )


def _inflate(data: bytes, wbits: int, max_bytes: int) -> bytes:
    decompressor = zlib.decompressobj(wbits)
    out = bytearray()
    pending = data
    while pending and not decompressor.eof:
        out += decompressor.decompress(pending, _SLICE)
        pending = decompressor.unconsumed_tail
        if len(out) > max_bytes:
            raise _too_big(max_bytes)
    if not decompressor.eof:
        out += decompressor.flush()
    if len(out) > max_bytes:
        raise _too_big(max_bytes)
    return bytes(out)


def _unbrotli(data: bytes, max_bytes: int) -> bytes:
    decompressor = brotli.Decompressor()
    try:
        out = bytearray(decompressor.process(data, output_buffer_limit=_SLICE))
        while not decompressor.is_finished() and not decompressor.can_accept_more_data():
            out += decompressor.process(b"", output_buffer_limit=_SLICE)
            if len(out) > max_bytes:
                raise _too_big(max_bytes)
    except brotli.error as exc:
        raise WarcFormatError(f"corrupt brotli body: {exc}") from exc
    if len(out) > max_bytes:
        raise _too_big(max_bytes)
    return bytes(out)


def gunzip_capped(body: bytes, max_bytes: int, url: str) -> bytes:
    """Inflate a gzip body (all members), refusing to produce more than ``max_bytes``.

    Unlike ``decode_body`` (a whole HTTP body that must inflate), this keeps what inflated
    from a truncated or junk-tailed file: feeds, sitemaps and saved pages are parsed by a
    recovering parser anyway. ``url`` names the source in error messages.
    """
    out = bytearray()
    data = body
    while data[:2] == GZIP_MAGIC:
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            out += inflater.decompress(data, max_bytes + 1 - len(out))
        except zlib.error as exc:
            if out:
                break  # keep the members that inflated; trailing junk is ignored
            raise DecompressionLimitError(f"{url}: gzip body does not inflate ({exc})") from exc
        if len(out) > max_bytes or inflater.unconsumed_tail:
            raise DecompressionLimitError(
                f"{url}: gzip body inflates past the {max_bytes}-byte cap "
                "(a decompression bomb, or raise max_bytes)"
            )
        if not inflater.eof:
            if not out:
                raise DecompressionLimitError(f"{url}: gzip body is truncated before any data")
            break  # truncated: keep what inflated, the XML parser recovers the rest
        data = inflater.unused_data
    return bytes(out)
