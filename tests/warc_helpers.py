"""Small builders shared by the WARC tests."""

from __future__ import annotations

import gzip
from pathlib import Path

from archive.warc.records import Exchange


def html_exchange(url: str = "http://news.example/a", body: bytes | None = None, **kwargs) -> Exchange:
    body = body if body is not None else b"<html><body><p>Hello</p></body></html>"
    headers = kwargs.pop(
        "response_headers",
        [(b"Content-Type", b"text/html; charset=utf-8"), (b"Content-Length", str(len(body)).encode())],
    )
    return Exchange(
        url=url,
        method=kwargs.pop("method", "GET"),
        request_headers=kwargs.pop("request_headers", [(b"User-Agent", b"newsarchive-test")]),
        status=kwargs.pop("status", 200),
        response_headers=headers,
        body=body,
        **kwargs,
    )


def gzip_exchange(url: str, text: bytes) -> Exchange:
    body = gzip.compress(text)
    return html_exchange(
        url,
        body,
        response_headers=[
            (b"Content-Type", b"text/html"),
            (b"Content-Encoding", b"gzip"),
            (b"Content-Length", str(len(body)).encode()),
        ],
    )


def warc_files(directory: Path) -> list[Path]:
    return sorted(Path(directory).glob("*.warc.gz"))
