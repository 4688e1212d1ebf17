"""The durability gate: "no database row points at a WARC record that is not on disk yet".

The WARC writer fsyncs in batches (``archive.warc.writer``); the article pipeline must
wait for a record's batch before storing a row that points at it. Two components share
that promise, so it is an explicit object rather than a function left on the crawler:

* the capture middleware *provides* it (``DurabilityGate.of(crawler).provide(...)``)
  when its writer opens;
* the article pipeline *requires* it: ``require_capture(crawler)`` refuses to build the
  pipeline when capture is off or not installed, and ``wait()`` raises instead of
  silently skipping when no writer ever registered (a renamed middleware, say).
"""

from __future__ import annotations

from collections.abc import Callable
from weakref import WeakKeyDictionary

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from archive.errors import ConfigError
from archive.warc.location import RecordLocation

CAPTURE_MIDDLEWARE = "scraper.downloadermiddlewares.warc_capture.WarcCaptureMiddleware"

WaitDurable = Callable[[RecordLocation], None]


class DurabilityGate:
    """One per crawler: the running WARC writer's ``wait_durable``, or a loud error."""

    _gates: WeakKeyDictionary[Crawler, DurabilityGate] = WeakKeyDictionary()

    def __init__(self) -> None:
        self._wait: WaitDurable | None = None

    @classmethod
    def of(cls, crawler: Crawler) -> DurabilityGate:
        """The crawler's gate (created on first use by either side)."""
        gate = cls._gates.get(crawler)
        if gate is None:
            gate = cls._gates[crawler] = cls()
        return gate

    def provide(self, wait_durable: WaitDurable) -> None:
        """Called by the capture middleware once its writer is open."""
        self._wait = wait_durable

    def wait(self, location: RecordLocation) -> None:
        """Block until ``location`` is fsynced; raise if no WARC writer is registered."""
        if self._wait is None:
            raise ConfigError(
                f"no WARC writer is registered for this crawl ({CAPTURE_MIDDLEWARE} off or renamed): "
                f"refusing to store a row for {location.file}@{location.offset} that may not be on disk"
            )
        self._wait(location)


def require_capture(crawler: Crawler, component: str) -> DurabilityGate:
    """The gate, for a component that stores WARC locations; ``NotConfigured`` without capture."""
    settings = crawler.settings
    if not settings.getbool("ARCHIVE_WARC_ENABLED"):
        raise NotConfigured(f"{component} needs WARC capture, but ARCHIVE_WARC_ENABLED is False")
    if settings.getwithbase("DOWNLOADER_MIDDLEWARES").get(CAPTURE_MIDDLEWARE) is None:
        raise NotConfigured(
            f"{component} needs WARC capture, but {CAPTURE_MIDDLEWARE} is not in DOWNLOADER_MIDDLEWARES"
        )
    return DurabilityGate.of(crawler)
