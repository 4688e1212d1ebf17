"""Downloader middlewares that spend the shared per-host budget (``hostbudget``).

- ``HostGateMiddleware`` (order 960, the last before the wire): waits until the host's
  shared budget grants a send slot. Sitting after every other middleware, robots.txt
  fetches pass through it too, and the time it grants is the time the request leaves.
- ``HostBackoffMiddleware`` (order 940, below capture at 950 so a 429/503 is archived
  first): frees the slot, reads robots.txt ``Crawl-delay`` into the shared state, and on
  429/503 pauses the host for every worker (``Retry-After``, else a back-off), retrying
  a request that carried ``Retry-After`` once the pause is over.

In a cluster crawl these replace ``PolitenessMiddleware`` and AutoThrottle, whose state is
per process; the local download delay is 0 so that nothing holds a request after the gate.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.robotstxt import RobotParser

from archive.discovery.retry_after import parse_retry_after
from scraper.cluster.connection import connect
from scraper.cluster.hostbudget import HostBudget
from scraper.cluster.keys import ClusterKeys
from scraper.cluster.leasedqueue import host_of

logger = logging.getLogger(__name__)

META_TOKEN = "archive_host_token"
_RETRY_STATUSES = (429, 503)
_POLL = 0.05  # seconds between tries while the host's concurrency is full


def _budget(crawler: Crawler) -> HostBudget:
    settings = crawler.settings
    if not settings.getbool("ARCHIVE_CLUSTER_ENABLED"):
        raise NotConfigured
    server = connect(settings.get("ARCHIVE_CLUSTER_FRONTIER"))
    return HostBudget(server, ClusterKeys(settings.get("ARCHIVE_CLUSTER_PREFIX")),
                      delay=settings.getfloat("ARCHIVE_CLUSTER_HOST_DELAY"),
                      concurrency=settings.getint("ARCHIVE_CLUSTER_HOST_CONCURRENCY"),
                      token_ttl=settings.getfloat("DOWNLOAD_TIMEOUT") + 5.0,
                      margin=settings.getfloat("ARCHIVE_CLUSTER_DELAY_MARGIN"))


def _release(budget: HostBudget, request: Request) -> None:
    token = request.meta.pop(META_TOKEN, None)
    if token is not None:
        budget.release(host_of(request.url), token)


class HostGateMiddleware:
    def __init__(self, crawler: Crawler, budget: HostBudget) -> None:
        self.crawler = crawler
        self.budget = budget

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> HostGateMiddleware:
        return cls(crawler, _budget(crawler))

    async def process_request(self, request: Request) -> None:
        host = host_of(request.url)
        token = uuid.uuid4().hex
        started = time.monotonic()
        while True:
            wait = self.budget.acquire(host, token)
            if wait == 0.0:
                break
            await asyncio.sleep(_POLL if wait < 0 else min(wait, 1.0))
        request.meta[META_TOKEN] = token
        waited = time.monotonic() - started
        if waited > 0.01:
            self.crawler.stats.inc_value("archive/cluster/waits")
            self.crawler.stats.inc_value("archive/cluster/wait_seconds", waited)
        return None

    def process_exception(self, request: Request, exception: BaseException) -> None:
        if request.meta.get(META_TOKEN) and request.url.endswith("/robots.txt"):
            self.budget.learn_crawl_delay(host_of(request.url), 0.0)  # no robots.txt: no delay to wait for
        _release(self.budget, request)
        return None


class HostBackoffMiddleware:
    def __init__(self, crawler: Crawler, budget: HostBudget, max_wait: float, max_retries: int,
                 backoff: float, user_agent: str) -> None:
        self.crawler = crawler
        self.budget = budget
        self.max_wait = max_wait
        self.max_retries = max_retries
        self.backoff = backoff
        self.user_agent = user_agent
        crawler.signals.connect(self.robots_parsed, signal=signals.robots_parsed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> HostBackoffMiddleware:
        settings = crawler.settings
        return cls(crawler, _budget(crawler), settings.getfloat("ARCHIVE_RETRY_AFTER_MAX"),
                   settings.getint("ARCHIVE_RETRY_AFTER_TIMES"), settings.getfloat("ARCHIVE_CLUSTER_BACKOFF"),
                   settings.get("USER_AGENT") or "*")

    def process_response(self, request: Request, response: Response) -> Request | Response:
        host = host_of(request.url)
        _release(self.budget, request)
        if response.status not in _RETRY_STATUSES:
            return response
        wait = parse_retry_after(response.headers.get(b"Retry-After"), cap=self.max_wait)
        self.crawler.stats.inc_value("archive/cluster/backoffs")
        self.budget.pause(host, wait if wait is not None else min(self.backoff, self.max_wait))
        retries = request.meta.get("archive_retry_after_times", 0)
        if wait is None or retries >= self.max_retries:
            return response  # RetryMiddleware (550) retries it, after the pause
        logger.info("%s answered %d with Retry-After: every worker pauses %s for %.1f s", request.url,
                    response.status, host, wait)
        retry = request.replace(dont_filter=True)
        retry.meta["archive_retry_after_times"] = retries + 1
        return retry

    def process_exception(self, request: Request, exception: BaseException) -> None:
        _release(self.budget, request)
        return None

    def robots_parsed(self, robotparser: RobotParser, request: Request) -> None:
        """Scrapy parsed the host's robots.txt (once, see ``scraper.robots``): share its Crawl-delay."""
        self.budget.learn_crawl_delay(host_of(request.url), self._crawl_delay(robotparser))

    def _crawl_delay(self, robotparser: RobotParser) -> float:
        try:
            delay = robotparser.crawl_delay(self.user_agent)
        except Exception:  # noqa: BLE001 - a broken robots.txt must not stop the crawl
            return 0.0
        return min(float(delay), self.max_wait) if delay else 0.0
