"""archive/db/frontier.py: bounded memory and writes beside the crawl, in order."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError

from archive.db.frontier import FETCHED, FetchResult, Frontier
from archive.db.session import open_database
from archive.db.sites import adhoc_site
from archive.errors import DatabaseError


def test_the_frontier_is_never_held_whole_in_memory(tmp_path: Path) -> None:
    """Past the cache bound rows come back from the database, unchanged, when asked for."""
    db = open_database(tmp_path)
    try:
        site = adhoc_site(db, ["https://x.example/"])
        frontier = Frontier(db, site.id, cache_rows=10)
        urls = [f"https://x.example/a/{n}" for n in range(100)]
        for n, url in enumerate(urls):
            frontier.discover(url, "article", depth=n)
            if n % 7 == 0:
                frontier.flush_in_background()
        frontier.flush()
        for url in urls:  # every row read back through a cache of ten
            info = frontier.get(url)
            assert info is not None and info.url == url and info.depth == urls.index(url)
        assert len(frontier._cache) == 10 and not frontier._dirty and not frontier._writing
        assert frontier.count() == 100
        assert sorted(i.url for i in frontier.all()) == sorted(urls)
        assert frontier.get("https://x.example/never-seen") is None
        _, new = frontier.discover(urls[0], "page")
        assert new is False  # known from the database, not a new URL
    finally:
        db.dispose()


def test_a_background_write_keeps_the_latest_values(tmp_path: Path) -> None:
    """A row changed while its earlier values are being written ends with the later values,
    and reads during the write see the row (it is neither in the database nor forgotten)."""
    db = open_database(tmp_path)
    try:
        site = adhoc_site(db, ["https://x.example/"])
        frontier = Frontier(db, site.id)
        url = "https://x.example/a"
        frontier.discover(url, "article")
        release, started = threading.Event(), threading.Event()
        write = frontier._write

        def held_write(*args):  # type: ignore[no-untyped-def]
            started.set()
            release.wait()
            return write(*args)

        frontier._write = held_write  # type: ignore[method-assign]
        frontier.flush_in_background()
        started.wait()
        seen = frontier.get(url)
        assert seen is not None and seen.status == "queued"  # in flight, still visible
        frontier.record_fetch(url, FetchResult(status=200, etag='"v2"'))
        release.set()
        frontier._write = write  # type: ignore[method-assign]
        frontier.close()
        reread = Frontier(db, site.id).get(url)
        assert reread is not None and reread.status == FETCHED and reread.etag == '"v2"'
    finally:
        db.dispose()


def test_a_failed_background_write_is_written_by_the_next_flush(tmp_path: Path) -> None:
    """A database outage during a background write (PostgreSQL restarting) loses no row:
    the error reaches the caller at the next flush, the rows are written by the one after,
    and a change made meanwhile wins over the failed write's older values."""
    db = open_database(tmp_path)
    try:
        site = adhoc_site(db, ["https://x.example/"])
        frontier = Frontier(db, site.id)
        first, second = "https://x.example/a", "https://x.example/b"
        frontier.discover(first, "article")
        frontier.discover(second, "article")
        session = db.session

        def outage():  # type: ignore[no-untyped-def]
            raise OperationalError("INSERT", {}, Exception("server closed the connection unexpectedly"))

        db.session = outage  # type: ignore[method-assign]
        assert frontier.flush_in_background() is True  # handed over; nothing known to have failed yet
        frontier._last_write.exception()  # type: ignore[union-attr]  # wait for the write to fail
        db.session = session  # type: ignore[method-assign]
        frontier.record_fetch(second, FetchResult(status=200, etag='"new"'))
        with pytest.raises(OperationalError):
            frontier.flush_in_background()
        assert frontier.flush() == 2
        reread = Frontier(db, site.id)
        one, two = reread.get(first), reread.get(second)
        assert one is not None and one.status == "queued"
        assert two is not None and two.status == FETCHED and two.etag == '"new"'
        frontier.close()
    finally:
        db.dispose()


def test_a_lookup_during_an_outage_takes_the_link_as_new(tmp_path: Path) -> None:
    """The crawl goes on while the database is away: an unreadable row is a new link (the
    page is fetched, nothing lost), and the first lookup after the outage reads the row."""
    db = open_database(tmp_path)
    try:
        site = adhoc_site(db, ["https://x.example/"])
        earlier = Frontier(db, site.id)
        earlier.discover("https://x.example/known", "article", depth=3)
        earlier.close()
        frontier = Frontier(db, site.id)

        def outage(key: str) -> None:  # what Database.session raises when PostgreSQL is away
            raise DatabaseError("database error: connection refused")

        frontier._read = outage  # type: ignore[method-assign]
        assert frontier.get("https://x.example/known") is None
        del frontier._read  # the database is back
        known = frontier.get("https://x.example/known")
        assert known is not None and known.depth == 3  # the miss was not remembered
    finally:
        db.dispose()
