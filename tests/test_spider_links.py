"""scraper/spiders/news.py per-link hot path: each distinct link is decided on once."""

from __future__ import annotations

from scrapy.http import HtmlResponse

from scraper.spiders.news import NewsSpider, _requisite_urls

PAGE = b"""<html><head><link rel="Stylesheet" href="/s.css"><link rel="alternate" href="/feed.xml">
<link rel="shortcut icon" href="/fav.ico"><script src="/app.js"></script><script>inline()</script></head>
<body><img src="/a.png"><video poster="/p.jpg"></video><img alt="no source"></body></html>"""


def test_requisites_are_found_in_document_order() -> None:
    response = HtmlResponse("https://news.example.com/", body=PAGE, encoding="utf-8")
    assert list(_requisite_urls(response)) == ["/s.css", "/fav.ico", "/app.js", "/a.png", "/p.jpg"]


def test_a_link_is_decided_once_unless_a_shallower_page_lists_it() -> None:
    spider = NewsSpider(url="https://news.example.com/")
    assert spider._seen_link("https://news.example.com/a", 3) is None  # decide now
    spider._seen_links["https://news.example.com/a"] = (3, True)  # it was requested
    assert spider._seen_link("https://news.example.com/a", 3) is True
    assert spider._seen_link("https://news.example.com/a", 5) is True
    # seen first too deep for DEPTH_LIMIT: a shallower page decides again
    assert spider._seen_link("https://news.example.com/a", 1) is None
    assert spider._seen_link("https://news.example.com/a", 2) is False


def test_the_links_remembered_are_bounded_oldest_first(monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setattr("scraper.spiders.news.SEEN_LINKS_MAX", 100)
    spider = NewsSpider(url="https://news.example.com/")
    for n in range(1000):
        spider._seen_link(f"https://news.example.com/{n}", 0)
    assert len(spider._seen_links) <= 100
    assert "https://news.example.com/999" in spider._seen_links
    assert "https://news.example.com/0" not in spider._seen_links
    assert spider._seen_link("https://news.example.com/0", 0) is None  # forgotten: decided again


def test_a_catch_up_that_hits_a_database_error_does_not_stop_the_crawl(monkeypatch, tmp_path) -> None:  # noqa: ANN001
    """Another crawl of the data dir may be storing the rows of a file it just closed:
    the starting crawl warns and goes on; the file is checked again next time."""
    from scrapy.utils.test import get_crawler

    from archive.errors import DatabaseError

    def racing(*args):  # type: ignore[no-untyped-def]
        raise DatabaseError("database error: UNIQUE constraint failed: captures.record_id")

    monkeypatch.setattr("archive.catchup.catch_up_data_dir", racing)
    warnings: list[str] = []
    monkeypatch.setattr("scraper.spiders.news.logger.warning", lambda message, *args: warnings.append(message % args))
    crawler = get_crawler(NewsSpider, {"ARCHIVE_DB_ENABLED": True, "ARCHIVE_DATA_DIR": str(tmp_path)})
    spider = NewsSpider.from_crawler(crawler, url="https://news.example.com/")
    spider._catch_up_database()
    assert warnings == ["Catch-up with the WARCs not finished (database error: UNIQUE constraint failed: "
                        "captures.record_id): the next crawl tries again"]
