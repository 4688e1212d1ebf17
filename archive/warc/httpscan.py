"""Check the HTTP message inside a response record while its block streams past.

Only the HTTP head is kept (at most ``MAX_HTTP_HEAD`` bytes); the payload is hashed and
counted, never held, so a gigabyte body costs no memory.
"""

from __future__ import annotations

import re

from archive.warc.digest import BlockDigester

MAX_HTTP_HEAD = 256 * 1024
_HEAD_END = b"\r\n\r\n"
_DIGITS = re.compile(rb"[0-9]{1,18}")


class HttpScan:
    """Feed the block of an ``application/http`` response; ``verdict()`` at the end."""

    def __init__(self, declared_payload_digest: str | None) -> None:
        self._head = bytearray()
        self._head_done = False
        self._too_long = False
        self._digest = BlockDigester(declared_payload_digest)
        self.payload_length = 0

    def feed(self, piece: bytes) -> None:
        if self._head_done:
            self._payload(piece)
            return
        if self._too_long:
            return
        self._head += piece
        end = self._head.find(_HEAD_END)
        if end >= 0:
            payload = bytes(self._head[end + len(_HEAD_END) :])
            del self._head[end + len(_HEAD_END) :]
            self._head_done = True
            self._payload(payload)
        elif len(self._head) > MAX_HTTP_HEAD:
            self._too_long = True
            self._head.clear()

    def _payload(self, piece: bytes) -> None:
        self._digest.update(piece)
        self.payload_length += len(piece)

    def verdict(self, truncated: bool) -> tuple[list[str], list[str]]:
        """(problems, notes) about the HTTP message."""
        if self._too_long:
            return [f"HTTP headers longer than {MAX_HTTP_HEAD} bytes"], []
        if not self._head_done:
            return ["HTTP message without an end of headers"], []
        problems: list[str] = []
        notes: list[str] = []
        if self._digest.matches() is False:
            problems.append("WARC-Payload-Digest does not match")
        status_line, *header_lines = bytes(self._head).rstrip(b"\r\n").split(b"\r\n")
        if not status_line.startswith(b"HTTP/"):
            problems.append(f"status line {status_line[:30]!r} is not HTTP")
        elif not status_line.startswith(b"HTTP/1."):
            notes.append(f"status line {status_line[:30]!r} is not HTTP/1.x")
        problems.extend(self._length_problems(header_lines, truncated))
        return problems, notes

    def _length_problems(self, header_lines: list[bytes], truncated: bool) -> list[str]:
        headers = [(n.strip().lower(), v.strip()) for n, _, v in (line.partition(b":") for line in header_lines)]
        if any(n == b"transfer-encoding" and b"chunked" in v.lower() for n, v in headers) or truncated:
            return []
        out = []
        for name, value in headers:
            if name != b"content-length":
                continue
            shown = value.decode("utf-8", "replace")
            if not _DIGITS.fullmatch(value):
                out.append(f"HTTP Content-Length {shown!r} is not a number")
            elif int(value) != self.payload_length:
                out.append(f"HTTP Content-Length {shown} != stored payload length {self.payload_length}")
        return out
