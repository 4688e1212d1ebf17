"""archive/ingest/frontier_rebuild.py: the frontier comes back from the WARCs' headers; UTC times."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from archive.db.frontier import Frontier
from archive.db.session import open_database
from archive.db.sites import adhoc_site, get_site
from archive.ingest.frontier_rebuild import rebuild_frontier_from_warcs
from archive.siteconfig import SiteDeclaration, save_site
from tests.pywb_support import html_exchange, write_warc

T0 = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC)


def _with_validators(url: str, title: str, when: dt.datetime, etag: str, status: int = 200):  # noqa: ANN202
    exchange = html_exchange(url, title, when)
    headers = [*exchange.response_headers, (b"ETag", etag.encode()),
               (b"Last-Modified", b"Sun, 01 Mar 2026 07:00:00 GMT")]
    return dataclasses.replace(exchange, response_headers=headers, status=status)


def test_rebuild_replays_the_fetches_in_capture_order(tmp_path: Path) -> None:
    save_site(tmp_path, SiteDeclaration("news", "https://news.example/", feeds=("https://news.example/feed/",),
                                         deny=("/private/",)))
    items = [
        (_with_validators("https://news.example/", "Front", T0, '"f1"'), False),
        (_with_validators("https://news.example/a", "A", T0 + dt.timedelta(minutes=1), '"a1"'), False),
        (_with_validators("https://news.example/a", "A", T0 + dt.timedelta(hours=6), '"a1"'), True),  # revisit
        (_with_validators("https://news.example/gone", "Gone", T0, '"g"', status=404), False),
        (_with_validators("https://news.example/private/x", "P", T0, '"p"'), False),
        (_with_validators("https://other.example/b", "B", T0, '"b"'), False),
    ]
    warc = write_warc(tmp_path / "warcs", items)
    db = open_database(tmp_path)
    try:
        assert rebuild_frontier_from_warcs(db, tmp_path, [warc]) == 3
        assert rebuild_frontier_from_warcs(db, tmp_path, [warc]) == 0  # a filled frontier is left alone
        frontier = Frontier(db, get_site(db, "news").id)
    finally:
        db.dispose()
    assert {info.url for info in frontier.all()} == {"https://news.example/", "https://news.example/a",
                                                    "https://news.example/gone"}
    front, article, gone = (frontier.get(u) for u in ("https://news.example/", "https://news.example/a",
                                                       "https://news.example/gone"))
    assert front is not None and front.kind == "seed" and front.next_due is None
    assert article is not None and article.fetch_count == 2 and article.etag == '"a1"'
    assert article.last_modified == "Sun, 01 Mar 2026 07:00:00 GMT" and article.last_status == 200
    assert article.target_uri == "https://news.example/a" and article.record_id and article.payload_digest
    first_record = article.record_id
    assert article.last_fetched is not None
    assert article.last_fetched.replace(tzinfo=dt.UTC) == T0 + dt.timedelta(hours=6)
    assert article.next_due is not None  # due again on the decaying schedule
    assert gone is not None and gone.status == "gone"
    assert first_record.startswith("<urn:uuid:")  # the response's id, not the revisit's


def test_frontier_times_are_stored_in_utc(tmp_path: Path) -> None:
    kabul = dt.timezone(dt.timedelta(hours=4, minutes=30))
    db = open_database(tmp_path)
    try:
        site = adhoc_site(db, ["https://x.example/"])
        frontier = Frontier(db, site.id)
        frontier.discover("https://x.example/a", "article", published=dt.datetime(2025, 1, 21, 9, 15, tzinfo=kabul))
        frontier.flush()
        info = Frontier(db, site.id).get("https://x.example/a")
    finally:
        db.dispose()
    assert info is not None and info.published_at is not None
    assert info.published_at.replace(tzinfo=info.published_at.tzinfo or dt.UTC) == \
        dt.datetime(2025, 1, 21, 4, 45, tzinfo=dt.UTC)
