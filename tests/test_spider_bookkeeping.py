"""scraper/spiders/bookkeeping.py: archived responses are held only until their outcome is known.

A redirect hop's response waits in memory for the page it leads to. When the redirected
request is dropped as a duplicate (its target was fetched already) or ignored, no page
ever comes: the hop must be recorded and let go then, not held until the crawl closes,
or a long crawl of a site whose links redirect to pages already fetched grows by a
response per such link (issue 10, target 6: memory flat over 100,000 pages).
"""

from __future__ import annotations

from typing import Any

from scrapy import Request, signals
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Response
from scrapy.utils.test import get_crawler
from twisted.python.failure import Failure

from archive.db.frontier import FetchResult
from scraper.spiders.news import NewsSpider

SITE = "https://news.example.com"
HOPS = 1000


class _Frontier:
    """Stands in for the crawl state: records what the spider reports, in order."""

    def __init__(self) -> None:
        self.frontier = self  # CrawlState.frontier is not None: the database is on
        self.recorded: list[tuple[str, int]] = []

    def canonical(self, url: str) -> str:
        return url

    def record(self, url: str, result: FetchResult) -> None:
        self.recorded.append((url, result.status))

    def record_failure(self, url: str) -> None:
        self.recorded.append((url, 0))


def _spider() -> tuple[NewsSpider, Any, _Frontier]:
    crawler = get_crawler(NewsSpider, {"ARCHIVE_DB_ENABLED": False})
    spider = NewsSpider.from_crawler(crawler, url=f"{SITE}/")
    state = _Frontier()
    spider.state = state  # type: ignore[assignment]
    return spider, crawler, state


def _hop(spider: NewsSpider, n: int) -> Request:
    """Archive a 301 from the short link ``/s/n`` to the article ``/a/n``; the redirected request."""
    request = Request(f"{SITE}/s/{n}")
    spider._archived(request, Response(request.url, status=301, headers={"Location": f"/a/{n}"}, request=request))
    return request.replace(url=f"{SITE}/a/{n}", meta={"redirect_urls": [request.url]})


def test_hops_whose_redirect_the_dupefilter_drops_are_recorded_and_let_go() -> None:
    spider, crawler, state = _spider()
    for n in range(HOPS):
        crawler.signals.send_catch_log(signals.request_dropped, request=_hop(spider, n), spider=spider)
    assert len(spider._pending_records) == 0
    assert state.recorded == [(f"{SITE}/s/{n}", 301) for n in range(HOPS)]


def test_a_hop_whose_redirect_is_ignored_is_recorded_and_let_go() -> None:
    spider, _, state = _spider()
    redirected = _hop(spider, 7)
    failure = Failure(IgnoreRequest("refused address"))
    failure.request = redirected  # type: ignore[attr-defined]
    spider.on_error(failure)
    assert spider._pending_records == {}
    assert state.recorded == [(f"{SITE}/s/7", 301)]


def test_a_hop_is_still_recorded_with_the_page_it_led_to() -> None:
    spider, _, state = _spider()
    redirected = _hop(spider, 3)
    page = HtmlResponse(redirected.url, body=b"<html><body>article</body></html>", encoding="utf-8",
                        request=redirected)
    spider._record(page)
    assert spider._pending_records == {}
    assert sorted(state.recorded) == [(f"{SITE}/a/3", 200), (f"{SITE}/s/3", 200)]


def test_failed_requests_are_counted_but_only_the_first_are_kept_by_name() -> None:
    """A crawl of a site that times out everywhere must not grow by a string per failure."""
    from twisted.internet.error import TimeoutError as TwistedTimeout

    from scraper.spiders.news import FAILURES_KEPT

    spider, crawler, _ = _spider()
    for n in range(FAILURES_KEPT * 3):
        failure = Failure(TwistedTimeout("took too long"))
        failure.request = Request(f"{SITE}/a/{n}")  # type: ignore[attr-defined]
        spider.on_error(failure)
    assert len(spider.failures) == FAILURES_KEPT
    assert spider.failures[0].startswith(f"{SITE}/a/0: ")
    assert crawler.stats.get_value("archive/failed_requests") == FAILURES_KEPT * 3
