"""The ``news`` spider: start from seeds, follow in-scope links, capture everything.

Every response is archived by the capture middleware before it reaches this spider;
the spider decides what to fetch next and yields one item per captured HTML page for
the database pipeline. Page requisites (images, stylesheets, scripts) are fetched from
any public host, because replay needs them, but never followed further.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from datetime import datetime, timezone
from typing import Any

from scrapy import Request, Spider
from scrapy.http import Response, TextResponse
from scrapy.linkextractors import LinkExtractor
from twisted.python.failure import Failure

from archive.netpolicy import ALLOWED_SCHEMES
from archive.scope import Scope
from scraper.downloadermiddlewares.warc_capture import META_LOCATION

logger = logging.getLogger(__name__)

_REQUISITES = (
    "img::attr(src)",
    "link[rel~=stylesheet]::attr(href)",
    "link[rel~=icon]::attr(href)",
    "script::attr(src)",
    "video::attr(poster)",
)
_HTML_TYPES = (b"text/html", b"application/xhtml+xml")


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [v for v in value.split(",") if v]
    return list(value)


class NewsSpider(Spider):
    name = "news"

    def __init__(
        self,
        url: str | list[str] | None = None,
        allow_domain: str | list[str] | None = None,
        requisites: bool | str = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.seeds = _as_list(url)
        if not self.seeds:
            raise ValueError("the news spider needs -a url=https://... (comma-separated for several)")
        self.scope = Scope.for_seeds(self.seeds, _as_list(allow_domain))
        self.fetch_requisites = str(requisites).lower() not in ("0", "false", "no")
        self.link_extractor = LinkExtractor()
        self.failures: list[str] = []

    async def start(self) -> AsyncIterator[Request]:
        for seed in self.seeds:
            yield Request(seed, callback=self.parse, errback=self.on_error, meta={"seed": True})

    def parse(self, response: Response) -> Iterator[Request | dict[str, Any]]:
        content_type = response.headers.get(b"Content-Type", b"").lower()
        is_html = any(t in content_type for t in _HTML_TYPES)
        location = response.meta.get(META_LOCATION)
        if location is not None and is_html:
            yield {
                "url": response.url,
                "status": response.status,
                "mime_type": content_type.split(b";")[0].decode("latin-1") or None,
                "fetched_at": datetime.now(timezone.utc),
                "location": location,
                "target_uri": response.url,
            }
        if not (is_html and isinstance(response, TextResponse)):
            return
        for link in self.link_extractor.extract_links(response):
            if self.scope.contains(link.url):
                yield Request(link.url, callback=self.parse, errback=self.on_error)
            elif link.url.split(":", 1)[0].lower() not in ALLOWED_SCHEMES:
                logger.info("Not following %s: only http and https are fetched", link.url)
        if self.fetch_requisites:
            yield from self._requisites(response)

    def _requisites(self, response: TextResponse) -> Iterator[Request]:
        for selector in _REQUISITES:
            for src in response.css(selector).getall():
                url = response.urljoin(src.strip())
                if url.split(":", 1)[0].lower() in ALLOWED_SCHEMES:
                    yield Request(url, callback=self.parse_requisite, errback=self.on_error, priority=1)

    def parse_requisite(self, response: Response) -> Iterator[dict[str, Any]]:
        return iter(())  # archived by the capture middleware; nothing to follow

    def on_error(self, failure: Failure) -> None:
        request = getattr(failure, "request", None)
        url = request.url if request is not None else "?"
        message = failure.getErrorMessage() or failure.type.__name__
        self.failures.append(f"{url}: {message}")
        self.crawler.stats.inc_value("archive/failed_requests")
        logger.warning("Failed %s: %s", url, message)
