"""Helpers for replay tests: a pywb collection from given WARCs, ``wayback`` on a free port.

pywb is never imported here either: ``wb-manager`` and ``wayback`` run from the pywb
venv (``python3 -m archive.pywb_env`` creates it). Tests that need it are marked
``requires_pywb`` and skip, with the reason shown, when that venv is missing.
"""

from __future__ import annotations

import functools
import http.client
import http.server
import io
import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from urllib.parse import urljoin, urlsplit

import pytest

from archive.pywb_env import pywb_venv_dir
from archive.warc.records import Exchange, RevisitTarget, warc_date
from archive.warc.writer import WarcWriter, WriterOptions

REPO_ROOT = Path(__file__).resolve().parents[1]
T0 = datetime(2024, 3, 1, 8, 0, 0, tzinfo=UTC)  # capture time of synthetic WARCs


def pywb_available() -> bool:
    return (pywb_venv_dir() / "bin" / "wayback").exists()


requires_pywb = pytest.mark.skipif(
    not pywb_available(),
    reason=f"no pywb venv at {pywb_venv_dir()}: create it with `python3 -m archive.pywb_env`",
)


def free_port() -> int:
    """A port nothing listens on right now (127.0.0.1)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def build_collection(root: Path, warcs: Iterable[Path], name: str = "news") -> Path:
    """``wb-manager init`` + ``wb-manager add`` (pywb's own indexer) in ``root``."""
    bin_dir = pywb_venv_dir() / "bin"
    root.mkdir(parents=True, exist_ok=True)
    subprocess.run([str(bin_dir / "wb-manager"), "init", name], cwd=root, check=True, capture_output=True)
    subprocess.run([str(bin_dir / "wb-manager"), "add", name, *map(str, warcs)], cwd=root, check=True,
                   capture_output=True)
    return root / "collections" / name


class Wayback:
    """``wayback`` run in ``root`` on a free 127.0.0.1 port, until the block ends."""

    def __init__(self, root: Path, timeout: float = 60.0) -> None:
        self.root = root
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self._timeout = timeout
        self._proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Wayback:
        log = open(self.root / "wayback-test.log", "ab")  # noqa: SIM115 - closed below
        self._proc = subprocess.Popen(
            [str(pywb_venv_dir() / "bin" / "wayback"), "-b", "127.0.0.1", "-p", str(self.port)],
            cwd=self.root, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
        )
        log.close()
        wait_until_answers(self.base_url + "/", self._proc, self._timeout)
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        stop_process(self._proc)


def wait_until_answers(url: str, proc: subprocess.Popen, timeout: float) -> None:  # type: ignore[type-arg]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"process exited with {proc.returncode} before {url} answered")
        try:
            if fetch(url, timeout=2).status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    stop_process(proc)
    raise RuntimeError(f"{url} did not answer within {timeout} s")


def stop_process(proc: subprocess.Popen | None) -> None:  # type: ignore[type-arg]
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@dataclass
class Fetched:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)


def fetch(url: str, headers: dict[str, str] | None = None, timeout: float = 30) -> Fetched:
    """One GET on 127.0.0.1, no proxy, no redirect following, body exactly as sent."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        conn.request("GET", path or "/", headers=headers or {})
        response = conn.getresponse()
        return Fetched(response.status, response.getheaders(), response.read())
    finally:
        conn.close()


def fetch_following(url: str, limit: int = 10, **kwargs) -> tuple[Fetched, list[str]]:  # noqa: ANN003
    """GET, following redirects on the same server; (last response, URLs visited)."""
    visited = [url]
    for _ in range(limit):
        got = fetch(url, **kwargs)
        location = got.header("Location")
        if got.status not in (301, 302, 303, 307, 308) or not location:
            return got, visited
        url = urljoin(url, location)
        visited.append(url)
    raise AssertionError(f"more than {limit} redirects from {visited[0]}")


def crawl(urls: list[str], data_dir: Path, *extra: str, timeout: float = 240) -> subprocess.CompletedProcess[str]:
    """``newsarchive crawl`` in a subprocess (its own Twisted reactor), fast settings."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    command = [sys.executable, "-m", "scraper.cli", "crawl", *urls, "--data-dir", str(data_dir), "--allow-private",
               "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0", *extra]
    result = subprocess.run(command, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=timeout,
                            check=False)
    if result.returncode != 0:
        raise AssertionError(f"crawl failed ({result.returncode}):\n{result.stdout}\n{result.stderr[-3000:]}")
    return result


def write_warc(warcs: Path, items: list[tuple[Exchange, bool]], prefix: str = "synthetic") -> Path:
    """One WARC of ``items`` written by our writer; ``(exchange, True)`` becomes a revisit
    of the latest earlier capture of the same URL (identical payload)."""
    writer = WarcWriter(warcs, WriterOptions(prefix=prefix, fsync=False))
    originals: dict[str, RevisitTarget] = {}
    with writer:
        for exchange, revisit in items:
            target = originals[exchange.url] if revisit else None
            located = writer.write_exchange(exchange, revisit_of=target)
            if not revisit:
                originals[exchange.url] = RevisitTarget(
                    located.response.record_id, exchange.url, warc_date(exchange.fetched_at),
                    located.response.payload_digest or "",
                )
    return writer.closed_files[-1]


def html_exchange(url: str, title: str, when: datetime, body: bytes | None = None) -> Exchange:
    body = body or f"<html><head><title>{title}</title></head><body><h1>{title}</h1></body></html>".encode()
    return Exchange(
        url=url, method="GET", request_headers=[(b"User-Agent", b"newsarchive-test")], status=200,
        response_headers=[(b"Content-Type", b"text/html; charset=utf-8"),
                          (b"Content-Length", str(len(body)).encode())],
        body=body, fetched_at=when,
    )


class _RangeHandler(http.server.SimpleHTTPRequestHandler):
    """Static files with single byte ranges (replayweb.page reads a WACZ by ranges)."""

    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".js": "application/javascript", ".wacz": "application/wacz+zip"}

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib name
        pass

    def end_headers(self) -> None:
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def send_head(self):  # noqa: ANN201 - stdlib signature
        path = self.translate_path(self.path)
        match = re.fullmatch(r"bytes=(\d*)-(\d*)", self.headers.get("Range", ""))
        if not match or not os.path.isfile(path) or not (match[1] or match[2]):
            return super().send_head()
        size = os.path.getsize(path)
        start = int(match[1]) if match[1] else max(0, size - int(match[2]))
        end = min(int(match[2]) if match[1] and match[2] else size - 1, size - 1)
        with open(path, "rb") as stream:
            stream.seek(start)
            data = stream.read(end - start + 1)
        self.send_response(206)
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        return io.BytesIO(data)


class StaticServer:
    """Serve ``directory`` on a free 127.0.0.1 port from a thread, until the block ends."""

    def __init__(self, directory: Path) -> None:
        handler = functools.partial(_RangeHandler, directory=str(directory))
        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> StaticServer:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)
