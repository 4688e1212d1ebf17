"""The mock news server: the demo site plus one path per awkward HTTP case.

Run as ``python -m tests.mockserver.server --log-dir DIR``; it binds
127.0.0.1 on a free port and prints its base URL (``http://127.0.0.1:PORT``)
as the first stdout line, like Scrapy's tests/mockserver. Every response is
logged by :class:`~tests.mockserver.sentlog.SentLog` before its last byte is
written, so a test can compare what it archived with what was on the wire.
Under ``/live/`` is a news site whose state changes between crawls (see
live.py), driven by ``/_control/live/*``; ``/robots.txt`` names its sitemap.

Why hand-written framing: the point of these paths is to reproduce exactly
the bytes real news servers send (chunked gzip, double Content-Encoding,
lying Content-Length), which a framework would "fix" for us.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import re
import signal
import sys
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import brotli

from archive.demosite import demo_response
from tests.mockserver import bodies
from tests.mockserver.live import LiveResponse, LiveSite
from tests.mockserver.sentlog import SentLog

HTML = "text/html; charset=utf-8"
Route = Callable[["MockHandler", dict[str, str]], None]


class MockHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    base_url: str
    log_dir: Path
    sent_log: SentLog
    live: LiveSite


class MockHandler(BaseHTTPRequestHandler):
    """Routes exact paths to case methods; everything else is the demo site."""

    protocol_version = "HTTP/1.1"
    server_version = "nginx/1.24.0"  # look like a news host, not like Python
    sys_version = ""
    server: MockHTTPServer

    # -- plumbing ------------------------------------------------------------
    def send_response(self, code: int, message: str | None = None) -> None:
        self._sent_headers: list[tuple[str, str]] = []
        super().send_response(code, message)

    def send_header(self, keyword: str, value: str) -> None:
        self._sent_headers.append((keyword, value))
        super().send_header(keyword, value)

    def _log(self, status: int, body: bytes) -> None:
        self.server.sent_log.record(self.command, self.path, status, list(self._sent_headers), body,
                                    request_headers=list(self.headers.items()))

    def _send(self, status: int, headers: list[tuple[str, str]], body: bytes = b"",
              *, chunked: bool = False) -> None:
        """Send a whole response; ``chunked`` frames ``body`` with uneven chunk sizes."""
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        elif status == 304:
            pass  # no body, and Content-Length would describe the unsent representation
        else:
            self.send_header("Content-Length", str(len(body)))
        head_only = self.command == "HEAD"
        self._log(status, b"" if head_only else body)
        self.end_headers()
        if head_only:
            return
        self.wfile.write(_chunk_frame(body) if chunked else body)

    def _html(self, status: int, body: bytes, extra: list[tuple[str, str]] | None = None) -> None:
        self._send(status, [("Content-Type", HTML), *(extra or [])], body)

    def _read_request_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            data = bytearray()
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return bytes(data)
                data += self.rfile.read(size)
                self.rfile.readline()
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    # -- dispatch ------------------------------------------------------------
    def do_GET(self) -> None:  # noqa: N802 - http.server naming
        split = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(split.query).items()}
        route = ROUTES.get(split.path)
        if split.path == "/live" or split.path.startswith("/live/"):
            self._send_live(self.server.live.respond(self.command, self.path, self.headers, self.server.base_url))
        elif split.path.startswith("/_control/"):
            self._control()
        elif route is not None:
            route(self, query)
        elif (m := re.fullmatch(r"/big/(\d+)\.html", split.path)) and 1 <= int(m[1]) <= bodies.BIG_PAGE_COUNT:
            self._html(200, bodies.big_page(int(m[1])))
        elif (m := re.fullmatch(r"/huge/(\d+)\.html", split.path)) and 1 <= int(m[1]) <= bodies.HUGE_PAGE_COUNT:
            self._html(200, bodies.huge_page(int(m[1])))
        else:
            page = demo_response(self.path, self.server.base_url)
            self._send(page.status, list(page.headers), page.body)

    do_HEAD = do_GET  # noqa: N815 - _send() drops the body for HEAD

    def do_POST(self) -> None:  # noqa: N802
        body = self._read_request_body()
        if urlsplit(self.path).path.startswith("/_control/"):
            self._control()
        elif urlsplit(self.path).path == "/post-echo":
            ctype = self.headers.get("Content-Type", "application/octet-stream")
            self._send(200, [("Content-Type", ctype)], body)
        else:
            self._send(405, [("Allow", "GET, HEAD"), ("Content-Type", HTML)],
                       bodies.simple_page("405 Method Not Allowed", "<p>Only GET here.</p>"))

    def _send_live(self, response: LiveResponse) -> None:
        self._send(response.status, list(response.headers), response.body)

    def _control(self) -> None:
        """``/_control/live/*`` from 127.0.0.1 only (the server binds nowhere else, but say so)."""
        if self.client_address[0] != "127.0.0.1":
            self._send(403, [("Content-Type", "application/json")], b'{"error": "127.0.0.1 only"}')
        elif urlsplit(self.path).path.startswith("/_control/live/"):
            self._send_live(self.server.live.control(self.command, self.path, self.server.base_url))
        else:
            self._send(404, [("Content-Type", "application/json")], b'{"error": "unknown control"}')

    # -- cases ---------------------------------------------------------------
    def robots(self, query: dict[str, str]) -> None:
        """The demo site's robots.txt plus the live site's sitemap (and Crawl-delay if set)."""
        page = demo_response("/robots.txt", self.server.base_url)
        body = self.server.live.robots_txt(page.body, self.server.base_url)
        self._send(page.status, list(page.headers), body)

    def gzip_article(self, query: dict[str, str]) -> None:
        self._send(200, [("Content-Type", HTML), ("Content-Encoding", "gzip"), ("Vary", "Accept-Encoding")],
                   bodies.gzip_bytes(bodies.article_html()))

    def br_article(self, query: dict[str, str]) -> None:
        self._send(200, [("Content-Type", HTML), ("Content-Encoding", "br"), ("Vary", "Accept-Encoding")],
                   brotli.compress(bodies.article_html()))

    def chunked_article(self, query: dict[str, str]) -> None:
        self._send(200, [("Content-Type", HTML)], bodies.CHUNKED_PREFIX + bodies.article_html(), chunked=True)

    def chunked_gzip_article(self, query: dict[str, str]) -> None:
        self._send(200, [("Content-Type", HTML), ("Content-Encoding", "gzip")],
                   bodies.gzip_bytes(bodies.article_html()), chunked=True)

    def redirect_start(self, query: dict[str, str]) -> None:
        self._redirect(302, "/redirect/middle")

    def redirect_middle(self, query: dict[str, str]) -> None:
        self._redirect(301, "/redirect/end.html")

    def redirect_end(self, query: dict[str, str]) -> None:
        self._html(200, bodies.simple_page("Redirect target", "<p>You followed 302 then 301 to get here.</p>"))

    def redirect_private(self, query: dict[str, str]) -> None:
        self._redirect(302, "http://169.254.169.254/latest/meta-data/")

    def _redirect(self, status: int, location: str) -> None:
        self._html(status, bodies.simple_page("Moved", f'<p>Moved to <a href="{location}">{location}</a>.</p>'),
                   [("Location", location)])

    def missing(self, query: dict[str, str]) -> None:
        self._html(404, bodies.simple_page("404 Not Found", "<p>This page does not exist.</p>"))

    def error500(self, query: dict[str, str]) -> None:
        self._html(500, bodies.simple_page("500 Internal Server Error", "<p>Database connection failed.</p>"))

    def photo(self, query: dict[str, str]) -> None:
        self._send(200, [("Content-Type", "image/png")], bodies.photo_png())

    def cp1256(self, query: dict[str, str]) -> None:
        self._send(200, [("Content-Type", "text/html; charset=windows-1256")], bodies.cp1256_article())

    def cookies(self, query: dict[str, str]) -> None:
        self._html(200, bodies.simple_page("Cookies", "<p>This page sets three cookies.</p>"), [
            ("Set-Cookie", "session=a1b2c3d4; Path=/; HttpOnly"),
            ("Set-Cookie", "consent=yes; Path=/; Max-Age=31536000"),
            ("Set-Cookie", "lang=fa; Path=/; SameSite=Lax"),
        ])

    def consent_article(self, query: dict[str, str]) -> None:
        """A consent wall: the article only once the ``consent=yes`` cookie is sent."""
        if "consent=yes" in self.headers.get("Cookie", ""):
            self._html(200, bodies.article_html())
        else:
            self._html(200, bodies.simple_page("Before you continue", (
                '<div class="consent-wall"><p>We and our partners use cookies.</p>'
                '<a class="accept" href="/consent/accept">Accept all</a></div>')))

    def consent_accept(self, query: dict[str, str]) -> None:
        self._html(302, bodies.simple_page("Moved", "<p>Thanks.</p>"), [
            ("Set-Cookie", "consent=yes; Path=/"), ("Location", "/consent/article.html")])

    def bomb(self, query: dict[str, str]) -> None:
        size = int(query.get("size", bodies.BOMB_DEFAULT_SIZE))
        data = bodies.bomb_file(self.server.log_dir, size).read_bytes()
        self._send(200, [("Content-Type", HTML), ("Content-Encoding", "gzip, gzip")], data)

    def big_index(self, query: dict[str, str]) -> None:
        self._html(200, bodies.big_index())

    def huge_index(self, query: dict[str, str]) -> None:
        self._html(200, bodies.huge_index())

    def private_links(self, query: dict[str, str]) -> None:
        self._html(200, bodies.private_links_page())

    def headers_echo(self, query: dict[str, str]) -> None:
        data = {"method": self.command, "path": self.path, "headers": [list(h) for h in self.headers.items()]}
        self._send(200, [("Content-Type", "application/json")], json.dumps(data, indent=1).encode())

    def post_echo(self, query: dict[str, str]) -> None:
        self._send(405, [("Allow", "POST"), ("Content-Type", HTML)],
                   bodies.simple_page("405 Method Not Allowed", "<p>POST a body here.</p>"))

    def truncated(self, query: dict[str, str]) -> None:
        """Promise 10000 bytes, send 2000, hang up: a server dying mid-response."""
        full = bodies.slow_body(10000)
        self.send_response(200)
        self.send_header("Content-Type", HTML)
        self.send_header("Content-Length", str(len(full)))
        sent = b"" if self.command == "HEAD" else full[:2000]
        self._log(200, sent)
        self.end_headers()
        self.wfile.write(sent)
        self.close_connection = True

    def slow_headers(self, query: dict[str, str]) -> None:
        """Drip the header block, one line every 0.2 s for ``seconds`` (default 20), then a
        small body: a server holding the crawler before a single body byte arrives."""
        body = b"<html><body><p>Headers took their time.</p></body></html>"
        self.send_response(200)
        self.send_header("Content-Type", HTML)
        self.send_header("Content-Length", str(len(body)))
        self._log(200, body)  # at the start: tests count the attempts
        self.flush_headers()  # status line and two headers, without the blank line
        deadline = time.monotonic() + float(query.get("seconds", 20))
        try:
            for n in itertools.count():
                if time.monotonic() >= deadline:
                    break
                self.wfile.write(b"X-Drip-%d: .\r\n" % n)
                self.wfile.flush()
                time.sleep(0.2)
            self.wfile.write(b"\r\n" + body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def slow_large(self, query: dict[str, str]) -> None:
        """Stream a big body in 64 KB pieces over ``seconds`` (default 10)."""
        body = bodies.slow_body(int(query.get("size", bodies.SLOW_DEFAULT_SIZE)))
        seconds = float(query.get("seconds", 10))
        self.send_response(200)
        self.send_header("Content-Type", HTML)
        self.send_header("Content-Length", str(len(body)))
        if self.command == "HEAD":
            self._log(200, b"")
            self.end_headers()
            return
        self.end_headers()
        offsets = range(0, len(body), bodies.SLOW_CHUNK)
        delay = seconds / max(len(offsets) - 1, 1)
        logged, written = False, 0
        try:
            for i, offset in enumerate(offsets):
                if i:
                    time.sleep(delay)
                piece = body[offset:offset + bodies.SLOW_CHUNK]
                if offset + len(piece) == len(body):
                    self._log(200, body)  # before the last byte, as everywhere else
                    logged = True
                self.wfile.write(piece)
                written += len(piece)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
            if not logged:
                self._log(200, body[:written])

ROUTES: dict[str, Route] = {
    "/robots.txt": MockHandler.robots,
    "/gzip/article.html": MockHandler.gzip_article,
    "/br/article.html": MockHandler.br_article,
    "/chunked/article.html": MockHandler.chunked_article,
    "/chunked-gzip/article.html": MockHandler.chunked_gzip_article,
    "/redirect/start": MockHandler.redirect_start,
    "/redirect/middle": MockHandler.redirect_middle,
    "/redirect/end.html": MockHandler.redirect_end,
    "/redirect-private": MockHandler.redirect_private,
    "/missing": MockHandler.missing,
    "/error500": MockHandler.error500,
    "/img/photo.png": MockHandler.photo,
    "/cp1256/article.html": MockHandler.cp1256,
    "/cookies.html": MockHandler.cookies,
    "/consent/article.html": MockHandler.consent_article,
    "/consent/accept": MockHandler.consent_accept,
    "/bomb.html": MockHandler.bomb,
    "/big/": MockHandler.big_index,
    "/huge/": MockHandler.huge_index,
    "/private-links.html": MockHandler.private_links,
    "/headers-echo": MockHandler.headers_echo,
    "/post-echo": MockHandler.post_echo,
    "/truncated.html": MockHandler.truncated,
    "/slow-large.html": MockHandler.slow_large,
    "/slow-headers.html": MockHandler.slow_headers,
}


def _chunk_frame(body: bytes) -> bytes:
    """HTTP/1.1 chunked framing with uneven sizes, lowercase hex, empty trailer."""
    out, offset = bytearray(), 0
    for size in bodies.chunk_sizes(len(body)):
        out += b"%x\r\n" % size + body[offset:offset + size] + b"\r\n"
        offset += size
    return bytes(out + b"0\r\n\r\n")


def _shutdown_on_stdin_eof(httpd: MockHTTPServer) -> None:
    """Exit when the parent's pipe closes, so a killed pytest leaves no orphan.

    Raw ``os.read``: a daemon thread blocked in ``sys.stdin.buffer`` holds its
    lock and aborts interpreter shutdown.
    """
    while os.read(sys.stdin.fileno(), 4096):
        pass
    httpd.shutdown()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--log-dir", required=True, type=Path, help="where sent.jsonl and bodies/ go")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--exit-on-stdin-eof", action="store_true")
    args = parser.parse_args(argv)

    args.log_dir.mkdir(parents=True, exist_ok=True)
    httpd = MockHTTPServer(("127.0.0.1", args.port), MockHandler)
    host, port = httpd.server_address[:2]
    httpd.base_url = f"http://{host}:{port}"
    httpd.log_dir = args.log_dir
    httpd.sent_log = SentLog(args.log_dir)
    httpd.live = LiveSite()

    def stop(signum: int, frame: object) -> None:
        # shutdown() blocks until serve_forever returns, so never call it on the serving thread
        threading.Thread(target=httpd.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    if args.exit_on_stdin_eof:
        threading.Thread(target=_shutdown_on_stdin_eof, args=(httpd,), daemon=True).start()
    print(httpd.base_url, flush=True)
    try:
        httpd.serve_forever(poll_interval=0.1)
    except KeyboardInterrupt:
        pass
    finally:
        httpd.server_close()


if __name__ == "__main__":
    main()
