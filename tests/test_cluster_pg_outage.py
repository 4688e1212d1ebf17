"""PostgreSQL goes away in the middle of a cluster crawl: nothing is lost.

The workers reach PostgreSQL through a TCP proxy on 127.0.0.1 (``TcpProxy``), cut while
they crawl (every connection dropped, new ones refused) and restored later, so the
shared server other tests use is never stopped. Captures keep going to the WARC files;
once PostgreSQL is back the database catches up from them: the rows of pages stored
during the outage are written at the end of the crawl, or, for a worker that could not,
by its next start's catch-up or ``newsarchive reindex`` over every worker's folder.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select
from sqlalchemy.engine import make_url

from archive.db.models import Capture
from archive.db.session import open_database
from scraper.cli import main
from tests.cluster_support import ClusterSite, TcpProxy, article_rows, captured_urls, redis_frontier, start_worker
from tests.test_db_support import pg_schema_url

HOSTS, ARTICLES = 4, 8


@pytest.fixture
def frontier() -> Iterator[tuple[str, str]]:
    yield from redis_frontier()


@pytest.fixture
def proxied_pg() -> Iterator[tuple[TcpProxy, str]]:
    """(the proxy, a PostgreSQL URL with a schema of its own that goes through it)."""
    for direct in pg_schema_url():
        url = make_url(direct)
        proxy = TcpProxy((url.host or "127.0.0.1", url.port or 5432))
        try:
            yield proxy, url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
        finally:
            proxy.close()


def _record_ids(db_url: str, data_dir: Path) -> list[str]:
    db = open_database(data_dir, db_url)
    try:
        with db.session() as session:
            return list(session.scalars(select(Capture.record_id)))
    finally:
        db.dispose()


def _fetched(site: ClusterSite) -> int:
    return sum(entry["path"].startswith("/a/") for entry in site.requests())


def _wait_for(condition, what: str, timeout: float = 180) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.1)


def _crawl_through_an_outage(tmp_path: Path, frontier: tuple[str, str], proxy: TcpProxy, db_url: str,
                             back_before_the_end: bool) -> tuple[set[str], str]:
    """Two workers; PostgreSQL cut once a quarter of the articles are in, until a worker has
    logged a database error and more articles were fetched; restored then, or after the end."""
    url, prefix = frontier
    logs = [tmp_path / f"w{i}.log" for i in range(2)]
    with ClusterSite(tmp_path, HOSTS, ARTICLES, {0: 0.2}, latency=(0.1, 0.2)) as site:
        workers = [start_worker(tmp_path / f"w{i}", url, prefix, site.urls, "--db", db_url) for i in range(2)]
        _wait_for(lambda: _fetched(site) >= HOSTS * ARTICLES // 4, "a quarter of the articles")
        proxy.cut()
        cut_at = _fetched(site)
        _wait_for(lambda: any("article database:" in log.read_text() for log in logs), "a database error logged")
        _wait_for(lambda: _fetched(site) >= cut_at + 4, "articles fetched while PostgreSQL is down")
        if back_before_the_end:
            proxy.restore()
        codes = [proc.wait(timeout=300) for proc in workers]
        output = "\n".join(log.read_text() for log in logs)
        assert codes == [0, 0], output[-6000:]
        articles = site.article_urls()
    in_warcs = captured_urls([tmp_path / "w0", tmp_path / "w1"])
    assert articles - set(in_warcs) == set(), "every article captured in a WARC despite the outage"
    return articles, output


def test_the_database_catches_up_at_the_end_of_the_crawl(
        tmp_path: Path, frontier: tuple[str, str], proxied_pg: tuple[TcpProxy, str]) -> None:
    proxy, db_url = proxied_pg
    articles, output = _crawl_through_an_outage(tmp_path, frontier, proxy, db_url, back_before_the_end=True)
    assert "is in the WARC; the database catches up after the crawl" in output
    assert "Caught up the database with the WARCs" in output
    assert "Unhandled error" not in output, "a failed save of per-URL state is retried, not fatal"
    rows = article_rows(db_url, tmp_path / "w0")
    assert set(rows) == articles and set(rows.values()) == {1}, "every article once in the database"
    record_ids = _record_ids(db_url, tmp_path / "w0")
    assert len(record_ids) == len(set(record_ids))


def test_reindex_catches_up_when_postgresql_is_back_after_the_crawl(
        tmp_path: Path, frontier: tuple[str, str], proxied_pg: tuple[TcpProxy, str]) -> None:
    proxy, db_url = proxied_pg
    articles, output = _crawl_through_an_outage(tmp_path, frontier, proxy, db_url, back_before_the_end=False)
    assert "have no database row yet" in output and "`newsarchive reindex`" in output
    proxy.restore()
    assert set(article_rows(db_url, tmp_path / "w0")) < articles, "rows are missing before the catch-up"
    warcs = [str(tmp_path / f"w{i}" / "warcs") for i in range(2)]
    result = CliRunner().invoke(main, ["reindex", *warcs, "--workers", "1", "--data-dir", str(tmp_path / "w0"),
                                       "--db", db_url], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    rows = article_rows(db_url, tmp_path / "w0")
    assert set(rows) == articles and set(rows.values()) == {1}, "every article once in the database"
    record_ids = _record_ids(db_url, tmp_path / "w0")
    assert len(record_ids) == len(set(record_ids))


def test_per_url_state_is_kept_through_an_outage_and_saved_when_postgresql_is_back(
        tmp_path: Path, proxied_pg: tuple[TcpProxy, str]) -> None:
    from archive.db.frontier import Frontier
    from archive.db.sites import adhoc_site
    from archive.errors import DatabaseError

    proxy, db_url = proxied_pg
    db = open_database(tmp_path, db_url)
    try:
        site = adhoc_site(db, ["https://x.example/"])
        frontier = Frontier(db, site.id)
        frontier.discover("https://x.example/a", "article")
        assert frontier.flush() == 1
        frontier.record_failure("https://x.example/a")
        frontier.discover("https://x.example/b", "article", depth=2)
        proxy.cut()
        with pytest.raises(DatabaseError):
            frontier.flush()
        proxy.restore()
        assert frontier.flush() == 2, "the changes made during the outage are written once it is back"
        saved = Frontier(db, site.id)
    finally:
        db.dispose()
    a, b = saved.get("https://x.example/a"), saved.get("https://x.example/b")
    assert a is not None and a.status == "failed"
    assert b is not None and b.status == "queued" and b.depth == 2 and b.id is not None
