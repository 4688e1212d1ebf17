"""Politeness Scrapy leaves out: robots.txt ``Crawl-delay`` and ``Retry-After``.

Scrapy parses ``Crawl-delay`` but never applies it, and RetryMiddleware retries a 429 or
503 at once, ignoring ``Retry-After``. This middleware keeps a per-host floor under the
download slot's delay (AutoThrottle adjusts the delay on each response; we re-apply the
floor after it) and, for a 429/503 with ``Retry-After``, pauses that host for the time
asked (capped) and retries the request once the pause is over.

Order 940: below the capture middleware (950), so the 429/503 itself is archived first.
``Crawl-delay`` comes from Scrapy's own robots.txt parse (the ``robots_parsed`` signal),
so robots.txt is parsed once per host (see ``scraper.robots``).
"""

from __future__ import annotations

import logging
import time

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.robotstxt import RobotParser

from archive.discovery.retry_after import parse_retry_after

logger = logging.getLogger(__name__)

_RETRY_STATUSES = (429, 503)


class PolitenessMiddleware:
    def __init__(self, crawler: Crawler, max_wait: float, max_retries: int, user_agent: str) -> None:
        self.crawler = crawler
        self.max_wait = max_wait
        self.max_retries = max_retries
        self.user_agent = user_agent
        self.floors: dict[str, float] = {}
        self.paused_until: dict[str, float] = {}
        crawler.signals.connect(self.robots_parsed, signal=signals.robots_parsed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PolitenessMiddleware:
        settings = crawler.settings
        if not settings.getbool("ARCHIVE_POLITENESS_ENABLED"):
            raise NotConfigured
        return cls(crawler, settings.getfloat("ARCHIVE_RETRY_AFTER_MAX"),
                   settings.getint("ARCHIVE_RETRY_AFTER_TIMES"), settings.get("USER_AGENT") or "*")

    def _slot(self, request: Request):  # type: ignore[no-untyped-def]
        downloader = self.crawler.engine.downloader
        key = downloader.get_slot_key(request)
        return key, downloader.slots.get(key)

    def process_request(self, request: Request) -> None:
        key, slot = self._slot(request)
        if slot is None:
            return None
        paused = self.paused_until.get(key)
        if paused is not None and time.monotonic() >= paused:
            del self.paused_until[key]
            slot.delay = max(self.floors.get(key, 0.0), self.crawler.settings.getfloat("DOWNLOAD_DELAY"))
        return None

    def process_response(self, request: Request, response: Response) -> Request | Response:
        key, slot = self._slot(request)
        if slot is not None and key in self.floors and key not in self.paused_until:
            _set_minimum_delay(slot, max(slot.delay, self.floors[key]))
        if response.status not in _RETRY_STATUSES:
            return response
        wait = parse_retry_after(response.headers.get(b"Retry-After"), cap=self.max_wait)
        retries = request.meta.get("archive_retry_after_times", 0)
        if wait is None or retries >= self.max_retries:
            return response  # RetryMiddleware (550) handles it the usual way
        self.crawler.stats.inc_value("archive/retry_after")
        logger.info("%s answered %d with Retry-After: pausing %s for %.1f s", request.url,
                    response.status, key, wait)
        if slot is not None:
            _set_minimum_delay(slot, max(slot.delay, wait))
            self.paused_until[key] = time.monotonic() + wait
        retry = request.replace(dont_filter=True)
        retry.meta["archive_retry_after_times"] = retries + 1
        return retry

    def robots_parsed(self, robotparser: RobotParser, request: Request) -> None:
        """Scrapy parsed the robots.txt that governs ``request``: keep its Crawl-delay."""
        key, slot = self._slot(request)
        self._read_crawl_delay(key, robotparser)
        if slot is not None and key in self.floors and key not in self.paused_until:
            _set_minimum_delay(slot, max(slot.delay, self.floors[key]))

    def _read_crawl_delay(self, key: str, robotparser: RobotParser) -> None:
        try:
            delay = robotparser.crawl_delay(self.user_agent)
        except Exception as exc:  # noqa: BLE001 - a broken robots.txt must not stop the crawl
            logger.warning("robots.txt of %s not read for Crawl-delay: %s: %s", key, type(exc).__name__, exc)
            self.crawler.stats.inc_value("archive/robots_unreadable")
            return
        if delay:
            self.floors[key] = min(float(delay), self.max_wait)
            logger.info("robots.txt of %s asks for Crawl-delay %.1f s", key, self.floors[key])
            self.crawler.stats.set_value(f"archive/crawl_delay/{key}", self.floors[key])


def _set_minimum_delay(slot, seconds: float) -> None:  # type: ignore[no-untyped-def]
    """Crawl-delay and Retry-After are minimums: Scrapy's random jitter (down to 0.5x of
    the delay) would break them, so it is switched off for that host."""
    slot.delay = seconds
    if hasattr(slot, "jitter"):
        slot.jitter = 0.0
    else:  # Scrapy < 2.19
        slot.randomize_delay = False
