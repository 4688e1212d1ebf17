"""Frontier bookkeeping for the news spider: what each response tells the frontier.

Kept apart from ``news.py`` so the spider is about following links. Every archived
response is recorded (status, validators, WARC record) once its page was used; responses
that never reach a callback (redirect hops, meta-refresh pages, dupefilter loops) are
recorded when the crawl closes.
"""

from __future__ import annotations

from typing import Any

from scrapy import Request, Spider
from scrapy.http import Response
from twisted.internet import task

from archive.db.frontier import FetchResult
from archive.warc.records import RevisitTarget
from scraper.crawlstate import CrawlState
from scraper.downloadermiddlewares.warc_capture import META_LOCATION, META_REVISIT_OF, META_WARC_DATE


class FrontierBookkeeping:
    """Mixin for ``NewsSpider``: records responses in the crawl state's frontier."""

    state: CrawlState | None
    _pending_records: dict[str, tuple[Request, Response]]
    _flusher: task.LoopingCall | None

    def _record(self, response: Response, meta: dict[str, Any] | None = None) -> None:
        meta = response.meta if meta is None else meta
        self._pending_records.pop(response.url, None)
        for hop in meta.get("redirect_urls", []):
            self._pending_records.pop(hop, None)
        if self.state is None or self.state.frontier is None:
            return
        location = meta.get(META_LOCATION)
        revisit_of = meta.get(META_REVISIT_OF)
        result = FetchResult(
            status=response.status,
            etag=(response.headers.get(b"ETag") or b"").decode("latin-1") or None,
            last_modified=(response.headers.get(b"Last-Modified") or b"").decode("latin-1") or None,
            payload_digest=location.payload_digest if location else None,
            record_id=location.record_id if location else None,
            warc_date=meta.get(META_WARC_DATE),
            target_uri=response.url,
            unchanged=bool(revisit_of),
        )
        urls = {response.url}
        if 200 <= response.status < 300 or response.status == 304:  # the end of a redirect chain
            urls.update(meta.get("redirect_urls", []))
        for url in urls:
            canonical = self.state.canonical(url)
            if canonical:
                self.state.record(canonical, result)

    def previous_capture(self, url: str) -> RevisitTarget | None:
        """The earlier capture of ``url`` (for the capture middleware's revisit decision)."""
        if self.state is None or self.state.frontier is None:
            return None
        canonical = self.state.canonical(url)
        return self.state.revisit_target(self.state.frontier.get(canonical)) if canonical else None

    def _archived(self, request: Request, response: Response) -> None:
        """Every archived response. Those that reach a callback are recorded there, with the
        links they list, in one flush; a redirect hop with the page it led to or when its
        chain ends (``_chain_ended``); the rest (meta-refresh pages) when the crawl closes.
        Until then a kill -9 leaves them queued, so they are fetched again: nothing is
        marked done before its page is used."""
        self._pending_records[response.url] = (request, response)

    def _chain_ended(self, request: Request, spider: Spider | None = None) -> None:
        """``request`` will not be fetched (``request_dropped``: a duplicate; or ignored): the
        redirect hops that led to it are used up, so they are recorded and let go now."""
        for hop in request.meta.get("redirect_urls", ()):
            pending = self._pending_records.pop(hop, None)
            if pending is not None:
                self._record(pending[1], pending[0].meta)

    def _closed(self, spider: Spider, reason: str) -> None:
        if self._flusher is not None and self._flusher.running:
            self._flusher.stop()
        for request, response in list(self._pending_records.values()):
            self._record(response, request.meta)
        if self.state is not None:
            self.state.close()
