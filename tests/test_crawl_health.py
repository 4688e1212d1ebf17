"""Extraction health end to end: a site changes its template between two crawls.

A tiny server on 127.0.0.1 (in this process; the crawls are subprocesses) serves six
articles in a normal news template, then the same URLs in a script-rendered template
whose HTML holds no article text. The second crawl's summary, ``stats`` and
``site show`` must say that extraction for the site looks broken, with the figures.
Also: a crawl against a locked SQLite database says so in one line (issue 13, item 13).
"""

from __future__ import annotations

import http.server
import json
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.crawl_support import FAST, REPO_ROOT
from tests.incremental_support import cli

SLUGS = [f"story-{i}" for i in range(6)]
PARAGRAPH = ("The provincial council met on {day} to discuss the new water project, which officials say "
             "will bring clean water to more than forty villages before the end of the year.")


def _good(slug: str) -> str:
    body = "".join(f"<p>{PARAGRAPH.format(day=d)} ({slug}, part {i})</p>" for i, d in enumerate(
        ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]))
    return (f"<html lang='en'><head><title>Water project {slug} – Template News</title>"
            f"<meta property='og:type' content='article'><meta name='author' content='Sara Ahmadi'>"
            f"<meta property='article:published_time' content='2025-03-0{SLUGS.index(slug) + 1}T08:00:00Z'></head>"
            f"<body><header><a href='/'>Template News</a></header><article><h1>Water project {slug}</h1>"
            f"<p class='byline'>By Sara Ahmadi</p>{body}</article></body></html>")


def _broken(slug: str) -> str:
    """The redesign: the text arrives by script, which an archive's extractor does not run."""
    return (f"<html lang='en'><head><title>Water project {slug} – Template News</title>"
            f"<meta property='og:type' content='article'></head><body><div id='app'></div>"
            f"<noscript>Please enable JavaScript.</noscript><script src='/app.js'></script></body></html>")


def _front() -> str:
    links = "".join(f"<li><a href='/news/{slug}/'>Water project {slug}</a></li>" for slug in SLUGS)
    return f"<html><head><title>Template News</title></head><body><ul>{links}</ul></body></html>"


class _TemplateSite(http.server.BaseHTTPRequestHandler):
    template = staticmethod(_good)

    def do_GET(self) -> None:
        slug = self.path.strip("/").removeprefix("news/")
        page = _front() if self.path == "/" else type(self).template(slug) if slug in SLUGS else None
        body = (page or "not found").encode()
        self.send_response(200 if page else 404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def site() -> Iterator[tuple[str, type[_TemplateSite]]]:
    handler = type("Site", (_TemplateSite,), {"template": staticmethod(_good)})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/", handler
    finally:
        server.shutdown()
        server.server_close()


def _crawl(data_dir: Path, url: str) -> subprocess.CompletedProcess[str]:
    result = cli(data_dir, "crawl", url, *FAST)
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    return result


def test_a_template_change_is_reported_by_the_crawl_stats_and_site_show(
        site: tuple[str, type[_TemplateSite]], tmp_path: Path) -> None:
    url, handler = site
    first = _crawl(tmp_path, url)
    assert "looks broken" not in first.stdout
    assert cli(tmp_path, "site", "add", "templated", url).returncode == 0
    handler.template = staticmethod(_broken)
    second = _crawl(tmp_path, url)
    # The shell's "Please enable JavaScript." is stored as a short article today, or as no
    # article (an empty body): either way the second crawl's figures collapse.
    (line,) = [x for x in second.stdout.splitlines() if "looks broken" in x]
    assert line.startswith("extraction for 127.0.0.1 looks broken (crawl 2, 6 article pages): ")
    assert "median body" in line and "(usually 9" in line
    stats = cli(tmp_path, "stats")
    assert stats.returncode == 0 and line in stats.stdout.splitlines(), stats.stdout
    assert "extraction: newest crawl of 1 sites checked, 1 look broken" in stats.stdout
    figures = json.loads(cli(tmp_path, "stats", "--format", "json").stdout)["extraction"]["127.0.0.1"]
    assert figures["broken"] and figures["previous_crawls"] == 1 and figures["latest"]["median_body"] < 100
    assert figures["usual"]["median_body"] > 900 and figures["usual"]["missing_date"] == 0.0
    assert line.endswith("; ".join(figures["problems"]))
    shown = cli(tmp_path, "site", "show", "templated")
    extraction = json.loads(shown.stdout)["extraction"]
    assert extraction == figures and shown.stderr.strip() == line


def test_a_locked_database_is_one_line(site: tuple[str, type[_TemplateSite]], tmp_path: Path) -> None:
    url, _ = site
    assert cli(tmp_path, "db", "upgrade").returncode == 0
    holder = sqlite3.connect(tmp_path / "newsarchive.sqlite", isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        # The CLI with SQLite's busy timeout cut from 30 s, so the test does not wait that long.
        code = ("import archive.db.session as s; s.BUSY_TIMEOUT_MS = 300; "
                "from scraper.cli import main; main()")
        result = subprocess.run([sys.executable, "-c", code, "crawl", url, "--data-dir", str(tmp_path), *FAST],
                                cwd=REPO_ROOT, capture_output=True, text=True, timeout=180, check=False)
    finally:
        holder.rollback()
        holder.close()
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1].startswith("Error: database error: database is locked: another process"), \
        result.stderr
    assert "Traceback" not in result.stderr and "no response received" not in result.stderr
