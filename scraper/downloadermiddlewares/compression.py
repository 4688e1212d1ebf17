"""Scrapy's HttpCompressionMiddleware, plus a signal when a body is capped.

Scrapy already stops inflating at DOWNLOAD_MAXSIZE and drops the response; the raw
(compressed) body is in the WARC by then. We only add a ``decompression_capped``
signal so the capture middleware can flag that record in the WARC and in stats.
"""

from __future__ import annotations

from scrapy import Request
from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response

from scraper.signals import decompression_capped


class CappedHttpCompressionMiddleware(HttpCompressionMiddleware):
    def process_response(  # type: ignore[override]
        self, request: Request, response: Response, spider: object = None
    ) -> Request | Response:
        try:
            return super().process_response(request, response)
        except IgnoreRequest as exc:
            if self.crawler is not None and "DOWNLOAD_MAXSIZE" in str(exc):
                self.crawler.signals.send_catch_log(
                    decompression_capped, request=request, response=response, message=str(exc)
                )
            raise

    @classmethod
    def from_crawler(cls, crawler):  # type: ignore[no-untyped-def]
        middleware = super().from_crawler(crawler)
        middleware.crawler = crawler
        return middleware

    crawler = None
