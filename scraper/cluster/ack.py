"""When is a leased request finished? When its follow-ups are safely queued.

A lease must outlive the callback: acked any earlier, a kill -9 between the ack and the
callback's output would lose the links the page holds. So the ack is sent:

- ``LeaseAckSpiderMiddleware`` (outermost spider middleware): after the callback's (or
  the HttpError errback's) last output has been handed to the engine, which queues each
  request in Redis as it arrives;
- ``LeaseAckDownloaderMiddleware`` (first downloader middleware): when a download failed
  for good (no middleware retried it) and only the errback remains;
- the scheduler: when a redirect or retry replaces the leased request (queued first);
- the scheduler again, when the worker is idle: nothing it holds can still be running;
- and a sweep each heartbeat, for a lease whose request the engine has let go of twice in
  a row (dropped by a downloader middleware's ``process_response``: errback only).

Each sends the ``lease_finished`` signal; the scheduler acks in Redis.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response

lease_finished = object()  # signal: kwargs request


class _LeaseAck:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Any:
        if not crawler.settings.getbool("ARCHIVE_CLUSTER_ENABLED"):
            raise NotConfigured
        return cls(crawler)

    def finished(self, request: Request | None) -> None:
        if request is not None:
            self.crawler.signals.send_catch_log(lease_finished, request=request)


class LeaseAckSpiderMiddleware(_LeaseAck):
    """Order 1: the outermost, so its output wrapper ends after every other middleware's."""

    def process_spider_output(self, response: Response, result: Iterable[Any]) -> Iterable[Any]:
        try:
            yield from result
        finally:
            self.finished(response.request)

    async def process_spider_output_async(self, response: Response,
                                          result: AsyncIterator[Any]) -> AsyncIterator[Any]:
        try:
            async for output in result:
                yield output
        finally:
            self.finished(response.request)


class LeaseAckDownloaderMiddleware(_LeaseAck):
    """Order 10: sees an exception last, so only one that no retry middleware took."""

    def process_exception(self, request: Request, exception: BaseException) -> None:
        self.finished(request)
        return None
