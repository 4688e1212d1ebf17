"""Progress while a crawl runs: pages, bytes, errors, rate.

On a terminal the CLI sets ``ARCHIVE_PROGRESS_RICH`` and this shows a live rich status
line; otherwise (CI, cron, a pipe) it logs a plain line every
``ARCHIVE_PROGRESS_INTERVAL`` seconds, which is what a log file wants.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from twisted.internet import task

logger = logging.getLogger(__name__)


def progress_counts(stats: dict[str, Any]) -> dict[str, float]:
    """The figures shown while crawling and in the final summary."""
    errors = stats.get("archive/failed_requests", 0) + stats.get("log_count/ERROR", 0)
    return {
        "pages": stats.get("item_scraped_count", 0),
        "responses": stats.get("response_received_count", 0),
        "bytes": stats.get("archive/payload_bytes", 0),
        "errors": errors,
    }


def human_bytes(size: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GB"


def _backlog(pages: int | None) -> str:
    """Pages captured but not yet extracted and stored (scraper/pipelines/articles.py)."""
    return f", {pages} waiting for extraction" if pages else ""


class CrawlProgress:
    def __init__(self, crawler: Crawler, interval: float, rich: bool) -> None:
        self.crawler = crawler
        self.interval = interval
        self.rich = rich
        self.started = time.monotonic()
        self._loop: task.LoopingCall | None = None
        self._live: Any = None
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlProgress:
        settings = crawler.settings
        if not settings.getbool("ARCHIVE_PROGRESS_ENABLED"):
            raise NotConfigured
        return cls(
            crawler,
            settings.getfloat("ARCHIVE_PROGRESS_INTERVAL"),
            settings.getbool("ARCHIVE_PROGRESS_RICH"),
        )

    def line(self) -> str:
        assert self.crawler.stats is not None
        counts = progress_counts(self.crawler.stats.get_stats())
        elapsed = max(time.monotonic() - self.started, 1e-6)
        return (
            f"{counts['pages']:.0f} pages ({counts['responses']:.0f} responses), "
            f"{human_bytes(counts['bytes'])}, {counts['errors']:.0f} errors, "
            f"{counts['responses'] / elapsed:.1f} responses/s"
            f"{_backlog(self.crawler.stats.get_value('newsarchive/db/backlog'))}"
        )

    def spider_opened(self, spider: Spider) -> None:
        self.started = time.monotonic()
        if self.rich:
            from rich.console import Console
            from rich.live import Live
            from rich.spinner import Spinner

            self._spinner = Spinner("dots", text="starting")
            self._live = Live(self._spinner, console=Console(stderr=True), refresh_per_second=4)
            self._live.start()
        self._loop = task.LoopingCall(self.report)
        self._loop.start(1.0 if self.rich else self.interval, now=False)

    def report(self) -> None:
        if self._live is not None:
            self._spinner.update(text=f"Crawling: {self.line()}")
        else:
            logger.info("Progress: %s", self.line())

    def spider_closed(self, spider: Spider) -> None:
        if self._loop is not None and self._loop.running:
            self._loop.stop()
        if self._live is not None:
            self._live.stop()
