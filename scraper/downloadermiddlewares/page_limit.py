"""``--max-pages N``: stop at N pages, letting only the transfers already running land.

Scrapy's ``CLOSESPIDER_ITEMCOUNT`` counts items after the pipeline, by which time dozens
of pages have been downloaded (20 asked, 58 fetched). This counts HTML pages as they
are archived and, at N, closes the spider, drops requests waiting in the downloader's
per-host queues and refuses any request that still reaches the downloader. At order 990
it is the last ``process_request`` before a request is queued for download.
"""

from __future__ import annotations

import logging

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Response
from scrapy.utils.defer import deferred_from_coro
from twisted.python.failure import Failure

from archive.contenttype import is_html
from scraper.signals import response_archived

logger = logging.getLogger(__name__)

_NOT_PAGES = ("feed", "sitemap", "requisite")


class PageLimitMiddleware:
    def __init__(self, crawler: Crawler, max_pages: int) -> None:
        self.crawler = crawler
        self.max_pages = max_pages
        self.pages = 0
        self.reached = False
        crawler.signals.connect(self.response_archived, signal=response_archived)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PageLimitMiddleware:
        max_pages = crawler.settings.getint("ARCHIVE_MAX_PAGES", 0)
        if max_pages <= 0:
            raise NotConfigured
        return cls(crawler, max_pages)

    def process_request(self, request: Request) -> None:
        if self.reached:
            raise IgnoreRequest(f"--max-pages {self.max_pages} reached (setting ARCHIVE_MAX_PAGES)")
        return None

    def response_archived(self, request: Request, response: Response) -> None:
        if self.reached or not _is_page(request, response):
            return
        self.pages += 1
        if self.pages < self.max_pages:
            return
        self.reached = True
        logger.info("Reached --max-pages %d: no more requests are sent", self.max_pages)
        self._drop_queued_downloads()
        deferred_from_coro(self.crawler.engine.close_spider_async(reason="max_pages"))

    def _drop_queued_downloads(self) -> None:
        """Requests waiting in the downloader's per-host queues have not been sent."""
        for slot in getattr(self.crawler.engine.downloader, "slots", {}).values():
            queue = getattr(slot, "queue", None)
            while queue:
                _request, deferred = queue.popleft()
                deferred.errback(Failure(IgnoreRequest(f"--max-pages {self.max_pages} reached")))


def _is_page(request: Request, response: Response) -> bool:
    """An HTML page the spider will turn into an item (not a redirect hop, error or feed)."""
    if not (200 <= response.status < 300 or response.status == 304):
        return False
    if request.meta.get("archive_kind", "page") in _NOT_PAGES:
        return False
    return is_html(response.headers.get(b"Content-Type"))
