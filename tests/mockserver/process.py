"""Start the mock news server as a subprocess and read what it sent.

Why a subprocess (as in Scrapy's tests): the crawler under test runs Twisted
in the test process; a server in its own process cannot share or block that
reactor, and slow or bomb responses never steal the test's GIL.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from urllib.parse import urlencode, urlsplit

REPO_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class SentResponse:
    """One line of ``sent.jsonl``: a response exactly as the server sent it."""

    method: str
    path: str
    status: int
    headers: list[tuple[str, str]]
    body_length: int
    body_sha1: str
    bodies_dir: Path
    request_headers: list[tuple[str, str]] = field(default_factory=list)  # as received, in order

    @property
    def body(self) -> bytes:
        """Entity body as on the wire (still content-encoded, chunk framing removed)."""
        return (self.bodies_dir / self.body_sha1).read_bytes()

    def header(self, name: str) -> list[str]:
        """All values of header ``name`` (case-insensitive), in the order sent."""
        return [v for k, v in self.headers if k.lower() == name.lower()]

    def request_header(self, name: str) -> list[str]:
        """All values of request header ``name`` (case-insensitive), e.g. ``If-None-Match``."""
        return [v for k, v in self.request_headers if k.lower() == name.lower()]


class MockServer:
    """Context manager around ``python -m tests.mockserver.server``.

    ``log_dir`` defaults to a temporary directory removed on exit. The
    ``live_*`` methods drive the changing site under ``/live/`` (see live.py);
    its state belongs to this server process, so tests that change it should
    use their own ``MockServer`` or call ``live_reset()`` when done.
    """

    def __init__(self, log_dir: Path | str | None = None, start_timeout: float = 20.0) -> None:
        self._own_dir = log_dir is None
        self.log_dir = Path(log_dir) if log_dir is not None else Path(tempfile.mkdtemp(prefix="mockserver-"))
        self._start_timeout = start_timeout
        self._proc: subprocess.Popen[bytes] | None = None
        self.base_url = ""
        self.exit_code: int | None = None  # set by stop(); 0 after a clean SIGTERM shutdown

    def __enter__(self) -> MockServer:
        self.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    def start(self) -> None:
        """Spawn the server and wait for the URL line it prints once listening."""
        self.log_dir.mkdir(parents=True, exist_ok=True)
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
        stderr = (self.log_dir / "server.stderr").open("ab")
        self._proc = subprocess.Popen(
            [sys.executable, "-u", "-m", "tests.mockserver.server",
             "--log-dir", str(self.log_dir), "--exit-on-stdin-eof"],
            cwd=REPO_ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr,
        )
        stderr.close()
        assert self._proc.stdout is not None
        line = self._proc.stdout.readline().decode().strip()
        if not line.startswith("http://"):
            self.stop()
            log = (self.log_dir / "server.stderr").read_text(errors="replace")
            raise RuntimeError(f"mock server did not start; stderr:\n{log}")
        self.base_url = line

    def stop(self) -> None:
        """SIGTERM the server (it shuts down cleanly), kill it if it lingers."""
        proc, self._proc = self._proc, None
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            self.exit_code = proc.returncode
            for pipe in (proc.stdin, proc.stdout):
                if pipe is not None:
                    pipe.close()
        if self._own_dir:
            shutil.rmtree(self.log_dir, ignore_errors=True)

    def url(self, path: str = "/") -> str:
        """Absolute URL for ``path`` (``/x`` or ``x``) on this server."""
        return self.base_url + (path if path.startswith("/") else "/" + path)

    def sent(self, path: str, wait: float = 2.0) -> list[SentResponse]:
        """Responses sent for ``path`` (with query, or a full URL), oldest first.

        Waits up to ``wait`` seconds for at least one, since the log line of a
        response that is still streaming lands just before its last byte.
        """
        if path.startswith("http"):
            parts = urlsplit(path)
            path = parts.path + (f"?{parts.query}" if parts.query else "")
        deadline = time.monotonic() + wait
        while True:
            found = [e for e in self._entries() if e.path == path]
            if found or time.monotonic() >= deadline:
                return found
            time.sleep(0.05)

    def requests_for(self, path_prefix: str) -> list[SentResponse]:
        """Responses sent for paths (query included) starting with ``path_prefix``, oldest first."""
        if path_prefix.startswith("http"):
            path_prefix = path_prefix.removeprefix(self.base_url)
        return [e for e in self._entries() if e.path.startswith(path_prefix)]

    # -- the live site -------------------------------------------------------
    def live_reset(self) -> None:
        """Back to the 12 initial articles; Crawl-delay off, validators on, 429/503 pages armed again."""
        self._live_control("POST", "reset")

    def live_publish(self, count: int = 1) -> list[str]:
        """Publish ``count`` articles dated now; returns their absolute URLs, newest first."""
        return [a["url"] for a in self._live_control("POST", "publish", count=count)["articles"]]

    def live_edit(self, slug: str) -> str:
        """Change one paragraph and the dateModified of article ``slug``; returns its URL."""
        return self._live_control("POST", "edit", slug=slug)["article"]["url"]

    def live_touch(self, slug: str) -> str:
        """Bump only the ``views: N`` line of article ``slug`` (body changes, dates do not); returns its URL."""
        return self._live_control("POST", "touch", slug=slug)["article"]["url"]

    def live_articles(self) -> list[str]:
        """Absolute URLs of the current articles, newest first."""
        return [a["url"] for a in self.live_article_info()]

    def live_article_info(self) -> list[dict]:
        """Current articles as dicts: slug, path, url, lang, headline, published, modified, views, revision."""
        return self._live_control("GET", "articles")["articles"]

    def live_crawl_delay(self, seconds: float) -> None:
        """Add ``Crawl-delay: seconds`` to /robots.txt (0 removes it)."""
        self._live_control("POST", "crawl-delay", seconds=seconds)

    def live_etag(self, enabled: bool) -> None:
        """Turn the live site's ETag/Last-Modified and 304 answers on or off."""
        self._live_control("POST", "etag", enabled=int(enabled))

    def _live_control(self, method: str, name: str, **params: object) -> dict:
        """Call ``/_control/live/NAME`` with http.client (no proxy settings can interfere)."""
        parts = urlsplit(self.base_url)
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        target = f"/_control/live/{name}" + (f"?{urlencode(params)}" if params else "")
        try:
            conn.request(method, target, body=b"" if method == "POST" else None)
            resp = conn.getresponse()
            data = json.loads(resp.read())
        finally:
            conn.close()
        if resp.status != 200:
            raise RuntimeError(f"{method} {target}: {resp.status} {data.get('error')}")
        return data

    def _entries(self) -> list[SentResponse]:
        log = self.log_dir / "sent.jsonl"
        if not log.exists():
            return []
        entries = []
        for line in log.read_text(encoding="utf-8").splitlines():
            if not line.endswith("}"):
                continue  # a line still being written
            raw = json.loads(line)
            entries.append(SentResponse(
                method=raw["method"], path=raw["path"], status=raw["status"],
                headers=[(k, v) for k, v in raw["headers"]], body_length=raw["body_length"],
                body_sha1=raw["body_sha1"], bodies_dir=self.log_dir / "bodies",
                request_headers=[(k, v) for k, v in raw.get("request_headers", [])],
            ))
        return entries
