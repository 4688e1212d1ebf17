"""Serve the bundled "Kabul Demo Times" sample site on 127.0.0.1.

Why this exists: ``newsarchive demo`` lets a newcomer crawl, search and replay
without touching the internet, and the test mock server serves the same pages.
It is stdlib only (``http.server`` in a background thread) and imports no
Scrapy, so ``archive`` keeps standing alone.

Feeds, sitemaps and robots.txt need absolute URLs, but the port is random, so
those files hold a ``{{SITE}}`` placeholder that is replaced with the server's
base URL at serve time (see :func:`demo_response`).
"""

from __future__ import annotations

import posixpath
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from urllib.parse import unquote, urlsplit

__all__ = ["DEMO_SITE_DIR", "DemoResponse", "DemoServer", "demo_response", "serve_demo_site"]

DEMO_SITE_DIR = Path(__file__).resolve().with_name("demo_site")

SITE_PLACEHOLDER = b"{{SITE}}"
_TEMPLATED_SUFFIXES = frozenset({".xml", ".rss", ".atom", ".txt"})
_INDEX_NAMES = ("index.html", "index.rss", "index.atom")
_CONTENT_TYPES = {
    ".html": "text/html; charset=UTF-8",
    ".rss": "application/rss+xml; charset=UTF-8",
    ".atom": "application/atom+xml; charset=UTF-8",
    ".xml": "application/xml; charset=UTF-8",
    ".txt": "text/plain; charset=UTF-8",
    ".css": "text/css; charset=UTF-8",
    ".png": "image/png",
    ".jpg": "image/jpeg",
}


@dataclass(frozen=True)
class DemoResponse:
    """What the demo site answers for one path: status, headers (no length), body."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes


def demo_response(target: str, base_url: str, site_dir: Path = DEMO_SITE_DIR) -> DemoResponse:
    """Answer a request target (``/path?query``) like a static WordPress host would.

    ``base_url`` (``http://127.0.0.1:PORT``, no trailing slash) replaces the
    ``{{SITE}}`` placeholder. Directories without a trailing slash get a 301,
    unknown paths the site's own 404 page. The query string is ignored.
    """
    path = unquote(urlsplit(target).path) or "/"
    file = _resolve(site_dir, path)
    if file is not None and file.is_dir():
        return DemoResponse(301, (("Location", path + "/"), ("Content-Type", "text/html; charset=UTF-8")),
                            b'<html><body>Moved to <a href="%s/">here</a>.</body></html>\n'
                            % path.encode("utf-8"))
    if file is None or not file.is_file():
        body = (site_dir / "404.html").read_bytes()
        return DemoResponse(404, (("Content-Type", _CONTENT_TYPES[".html"]),), body)
    body = file.read_bytes()
    if file.suffix in _TEMPLATED_SUFFIXES:
        body = body.replace(SITE_PLACEHOLDER, base_url.rstrip("/").encode("ascii"))
    content_type = _CONTENT_TYPES.get(file.suffix, "application/octet-stream")
    return DemoResponse(200, (("Content-Type", content_type),), body)


def _resolve(site_dir: Path, path: str) -> Path | None:
    """Map a URL path to a file or directory inside ``site_dir``, or None.

    ``normpath`` plus the ``relative_to`` check keep ``/../`` tricks inside the site.
    """
    clean = posixpath.normpath(path).lstrip("/")
    candidate = (site_dir / clean).resolve() if clean not in ("", ".") else site_dir
    try:
        candidate.relative_to(site_dir)
    except ValueError:
        return None
    if candidate.is_dir():
        if not path.endswith("/"):
            return candidate
        for name in _INDEX_NAMES:
            if (candidate / name).is_file():
                return candidate / name
        return None
    return candidate if not path.endswith("/") else None


class _DemoHandler(BaseHTTPRequestHandler):
    """GET/HEAD over HTTP/1.1 keep-alive; every response carries Content-Length."""

    protocol_version = "HTTP/1.1"
    server_version = "KabulDemoTimes/1.0"
    server: _DemoHTTPServer

    def do_GET(self) -> None:  # noqa: N802 - http.server naming
        self._answer(send_body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._answer(send_body=False)

    def _answer(self, send_body: bool) -> None:
        response = demo_response(self.path, self.server.base_url, self.server.site_dir)
        self.send_response(response.status)
        for name, value in response.headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if send_body:
            self.wfile.write(response.body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """Stay quiet: the demo runs inside the CLI, whose output is the user's."""


class _DemoHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    base_url: str
    site_dir: Path


class DemoServer:
    """A running demo site; ``url`` ends with ``/``. Close it, or use ``with``."""

    def __init__(self, httpd: _DemoHTTPServer) -> None:
        self._httpd = httpd
        self.url = httpd.base_url + "/"
        self._thread = threading.Thread(target=httpd.serve_forever, name="demo-site", daemon=True)
        self._thread.start()

    def close(self) -> None:
        """Stop serving and release the port; safe to call twice."""
        if self._thread.is_alive():
            self._httpd.shutdown()
            self._thread.join()
        self._httpd.server_close()

    def __enter__(self) -> DemoServer:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


def serve_demo_site(host: str = "127.0.0.1", port: int = 0, site_dir: Path = DEMO_SITE_DIR) -> DemoServer:
    """Start serving the demo site in a background thread; port 0 picks a free port."""
    httpd = _DemoHTTPServer((host, port), _DemoHandler)
    bound_host, bound_port = httpd.server_address[:2]
    host_text = bound_host.decode() if isinstance(bound_host, bytes) else bound_host
    httpd.base_url = f"http://{host_text}:{bound_port}"
    httpd.site_dir = site_dir
    return DemoServer(httpd)
