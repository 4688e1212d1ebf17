"""archive.research (the notebook API) and ``newsarchive serve``'s command line: read-only, one-line errors."""

from __future__ import annotations

import dataclasses
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from archive.cli import main
from archive.db.health import ExtractionHealth
from archive.db.search import SearchHit
from archive.errors import ArchiveError, ConfigError, DatabaseError, QueryError
from archive.research import SearchRequest, highlight, open_archive, word_diff
from archive.web.server import is_loopback
from tests.test_web_support import BORDER_URL, DARI_BODY, ArchiveDir


def test_search_results_are_dataclasses_and_a_dataframe(archive_dir: ArchiveDir) -> None:  # noqa: F811
    with open_archive(archive_dir.data_dir, archive_dir.db_url) as archive:
        results = archive.search("border", sort="newest")
        assert all(isinstance(hit, SearchHit) and dataclasses.is_dataclass(hit) for hit in results.hits)
        assert [h.url for h in results.hits][0] == "https://news.example.org/sport/cricket"
        assert (results.total, results.total_capped, results.pages) == (2, False, 1)
        frame = results.to_pandas()
        assert list(frame["url"]) == [h.url for h in results.hits] and "snippet" in frame.columns
        fa = archive.search(language="fa", facets=False)
        assert fa.facets == {} and archive.article(fa.hits[0].id)["body"] == DARI_BODY
        diff = archive.diff(1, 1, 2)
        assert (diff["inserted_words"], diff["deleted_words"]) == (7, 1) and archive.diff(1, 1, 5) is None
        assert archive.export("jsonl", str(archive_dir.data_dir / "out.jsonl"), "border", site="example.com") == 1
        assert BORDER_URL in (archive_dir.data_dir / "out.jsonl").read_text(encoding="utf-8")
        assert {s.host for s in archive.sites()} == {"example.com", "news.example.org", "example.af"}


def test_the_database_is_read_only(archive_dir: ArchiveDir) -> None:  # noqa: F811
    with open_archive(archive_dir.data_dir, archive_dir.db_url) as archive:
        with pytest.raises(DatabaseError, match="(?i)read.?only"):
            with archive.database.session() as session:
                session.execute(text("UPDATE articles SET version_count = 0"))
        assert archive.article(1)["version_count"] == 2


def test_requests_are_checked() -> None:
    for bad in ({"sort": "best"}, {"page": 0}, {"per_page": 1000}, {"month": 4}, {"year": 2025, "month": 13}):
        with pytest.raises(QueryError):
            SearchRequest(**bad)  # type: ignore[arg-type]
    assert SearchRequest(year=2024, month=12).filters().until.isoformat() == "2025-01-01T00:00:00+00:00"


def test_missing_or_foreign_databases_are_one_line_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no archive at .*none: run `newsarchive demo` or `crawl` first"):
        open_archive(tmp_path / "none")
    assert not (tmp_path / "none").exists()
    (tmp_path / "other").mkdir()
    sqlite3.connect(tmp_path / "other" / "newsarchive.sqlite").execute("CREATE TABLE t (x)").connection.commit()
    with pytest.raises(ConfigError, match="is not a newsarchive database"):
        open_archive(tmp_path / "other")
    result = CliRunner().invoke(main, ["serve", "--data-dir", str(tmp_path / "empty")])
    assert result.exit_code == 1
    assert result.output == f"Error: no archive at {tmp_path / 'empty'}: run `newsarchive demo` or `crawl` first\n"
    assert not (tmp_path / "empty").exists()


def test_serve_binds_loopback_and_warns_otherwise(archive_dir: ArchiveDir, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    calls = []
    monkeypatch.setattr("archive.web.server.serve", lambda archive, host, port, replay: calls.append((host, port, replay)))
    args = ["--data-dir", str(archive_dir.data_dir)] + (["--db", archive_dir.db_url] if archive_dir.db_url else [])
    local = CliRunner().invoke(main, ["serve", *args])
    assert local.exit_code == 0 and "warning" not in local.output
    exposed = CliRunner().invoke(main, ["serve", "--host", "0.0.0.0", "--port", "8123", *args],
                                 env={"NEWSARCHIVE_REPLAY_URL": "http://replay.test"})
    assert exposed.exit_code == 0 and "warning: listening on 0.0.0.0" in exposed.output
    assert calls == [("127.0.0.1", 8000, "http://127.0.0.1:8080"), ("0.0.0.0", 8123, "http://replay.test")]
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.5") and not is_loopback("example.com")


def test_highlight_matches_folded_words() -> None:
    assert highlight("Peace talks at the Border.", "border -peace") == [("Peace talks at the ", False), ("Border", True),
                                                                        (".", False)]
    assert highlight("مکتب\u200cها باز", "مکتبها") == [("مکتب\u200cها", True), (" باز", False)]
    assert highlight("text", "") == [("text", False)]


def test_word_diff_reads_back_as_either_text() -> None:
    old, new = "مکتب\u200cها بسته بود. Talks resumed.", "مکتب\u200cها باز شد. Talks resumed today."
    pieces = word_diff(old, new)
    assert "".join(p.text for p in pieces if p.op != "insert") == old
    assert "".join(p.text for p in pieces if p.op != "delete") == new
    assert ("equal", "مکتب\u200cها ") == (pieces[0].op, pieces[0].text)


def test_the_dashboard_takes_extraction_health_from_archive_db_health(archive_dir: ArchiveDir) -> None:  # noqa: F811
    with open_archive(archive_dir.data_dir, archive_dir.db_url) as archive:
        sites = {s.host: s for s in archive.sites()}
    assert isinstance(sites["example.com"].extraction, ExtractionHealth)
    assert sites["example.com"].extraction.latest.pages >= 1 and sites["example.com"].warnings == []
    assert issubclass(QueryError, ArchiveError)


def test_counting_and_facets_give_up_after_the_time_limit(archive_dir: ArchiveDir,  # noqa: F811
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from archive.research import _queries

    monkeypatch.setenv("ARCHIVE_SEARCH_INDEX", "off")  # the limit bounds SQL counting; the index counts exactly
    endless = ("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c"
               if archive_dir.db_url is None else "SELECT pg_sleep(5)")
    with open_archive(archive_dir.data_dir, archive_dir.db_url) as archive:
        with archive.database.session() as session:
            assert _queries.within(session, 50, lambda: session.execute(text(endless)).scalar()) is None
            assert _queries.within(session, 5000, lambda: session.execute(text("SELECT 42")).scalar()) == 42
        monkeypatch.setattr(_queries, "within", lambda session, ms, query: None)
        results = archive.search("border", per_page=1)
        assert (results.facets, results.facets_skipped, results.total, results.total_capped) == ({}, True, 1, True)
        assert results.has_next and len(results.hits) == 1


def test_archived_urls_become_links_only_when_http() -> None:
    from archive.web.security import content_security_policy, safe_href

    assert safe_href("https://example.com/a") == "https://example.com/a"
    for bad in ("javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,<script>", "vbscript:x", "", None):
        assert safe_href(bad) is None
    assert "img-src 'self' data: http://127.0.0.1:8080;" in content_security_policy("http://127.0.0.1:8080/")
    assert "img-src 'self' data:;" in content_security_policy("javascript:x")


def test_a_stream_that_is_dropped_stops_its_writer() -> None:
    import threading

    from archive.web.downloads import CHUNK, stream_export

    written = []
    finished = threading.Event()

    def write(out) -> int:  # noqa: ANN001
        try:
            for _ in range(10_000):
                out.write(b"x" * CHUNK)
                written.append(1)
        finally:
            finished.set()
        return 0

    chunks = stream_export(write)
    assert next(chunks) == b"x" * CHUNK
    chunks.close()
    assert finished.wait(5) and len(written) < 100
    assert b"".join(stream_export(lambda out: out.write(b"abc"))) == b"abc"


def test_newsarchive_serve_serves_the_archive(tmp_path: Path) -> None:
    import os
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    from tests.test_web_support import build_archive

    built = build_archive(tmp_path / "data", None)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    proc = subprocess.Popen([sys.executable, "-m", "scraper.cli", "serve", "--port", str(port), "--data-dir",
                             str(built.data_dir)], env=env, stderr=subprocess.PIPE, text=True)
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                page = opener.open(f"http://127.0.0.1:{port}/?q=border", timeout=5).read().decode()
                break
            except OSError:
                assert time.monotonic() < deadline and proc.poll() is None, "newsarchive serve did not start"
                time.sleep(0.2)
        assert "<mark>border</mark>" in page
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=20)
    assert f"newsarchive web interface: http://127.0.0.1:{port}/" in err
