"""Write every HTTP exchange to WARC as the server sent it.

Order 950 puts this middleware next to the downloader: ``process_request`` runs after
every header-setting middleware, so the request record holds the headers actually sent,
and ``process_response`` sees the body before HttpCompressionMiddleware (590) inflates
it and each redirect hop before RedirectMiddleware (600) follows it.

Over-long or over-slow downloads are cut by raising ``StopDownload(fail=False)`` from
the ``bytes_received`` signal, so the part received is archived with ``WARC-Truncated``
instead of being thrown away as DOWNLOAD_MAXSIZE/DOWNLOAD_TIMEOUT would do.
``ARCHIVE_MAX_DOWNLOAD_TIME`` also bounds a URL's tries taken together, headers included:
each try's ``download_timeout`` is what is left of it, so a server dripping its headers
holds a URL that long, not DOWNLOAD_TIMEOUT once per retry.
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime
from pathlib import Path

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured, StopDownload
from scrapy.http import Response
from scrapy.utils.defer import deferred_from_coro

from archive import __version__
from archive.errors import WarcWriteError
from archive.warc.records import Exchange, RevisitTarget, Truncation, sha1_digest, warc_date
from archive.warc.recover import recover_directory
from archive.warc.writer import WarcWriter, WriterOptions, fsync_mode
from scraper.durability import DurabilityGate
from scraper.signals import decompression_capped, response_archived

logger = logging.getLogger(__name__)

META_LOCATION = "warc_location"
META_REVISIT_OF = "warc_revisit_of"
META_WARC_DATE = "warc_date"
#: Set by the spider: the earlier capture of this URL (a ``RevisitTarget``), so an
#: unchanged payload or a 304 is written as a revisit record instead of a full copy.
META_PREVIOUS = "archive_previous"
_META_STARTED = "_archive_started"
_META_RECEIVED = "_archive_received"
_META_CUT = "_archive_cut"
#: When the URL's first try began: ``time.monotonic()`` of this process, meaningless on
#: another machine, so the cluster queue turns it into seconds used while a request
#: travels through Redis (``scraper/cluster/leasedqueue.py``).
META_FIRST_TRY = "_archive_first_try"
_TIMEOUT_GRACE = 1.0  # a flowing body is cut (and archived) by bytes_received before the timeout


class DownloadTimeExceeded(Exception):
    """A URL's tries used up ``ARCHIVE_MAX_DOWNLOAD_TIME`` (not retried)."""


def warcs_dir(data_dir: str | Path) -> Path:
    return Path(data_dir) / "warcs"


class WarcCaptureMiddleware:
    def __init__(self, crawler: Crawler, directory: Path, options: WriterOptions) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.directory = directory
        self.options = options
        settings = crawler.settings
        self.max_response_size = settings.getint("ARCHIVE_MAX_RESPONSE_SIZE")
        self.max_download_time = settings.getfloat("ARCHIVE_MAX_DOWNLOAD_TIME")
        self.download_timeout = settings.getfloat("DOWNLOAD_TIMEOUT")
        self.writer: WarcWriter | None = None
        self.failed = False
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(self.bytes_received, signal=signals.bytes_received)
        crawler.signals.connect(self.decompression_capped, signal=decompression_capped)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcCaptureMiddleware:
        settings = crawler.settings
        if not settings.getbool("ARCHIVE_WARC_ENABLED"):
            raise NotConfigured
        import socket

        import scrapy

        info = [
            ("software", f"newsarchive/{__version__} (Scrapy/{scrapy.__version__})"),
            ("format", "WARC File Format 1.1"),
            ("conformsTo", "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/"),
            ("hostname", socket.gethostname()),
            ("isPartOf", settings.get("ARCHIVE_IS_PART_OF")),
            ("http-header-user-agent", settings.get("USER_AGENT")),
            ("robots", "obey" if settings.getbool("ROBOTSTXT_OBEY") else "ignore"),
            (
                "description",
                "HTTP messages are reconstructed from Scrapy's parsed exchange: "
                "status line normalised to HTTP/1.1 (WARC-Protocol gives the real protocol), "
                "header names in Scrapy's capitalisation, bodies de-chunked and kept "
                "Content-Encoded as sent.",
            ),
        ]
        options = WriterOptions(
            prefix=settings.get("ARCHIVE_WARC_PREFIX"),
            max_size=settings.getint("ARCHIVE_WARC_MAX_SIZE"),
            info_fields=info,
            fsync=fsync_mode(settings.get("ARCHIVE_WARC_FSYNC")),
        )
        return cls(crawler, warcs_dir(settings.get("ARCHIVE_DATA_DIR")), options)

    # -- lifecycle ------------------------------------------------------------------

    def spider_opened(self, spider: Spider) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        for recovery in recover_directory(self.directory):
            self.stats.inc_value("archive/recovered_files")
            self.stats.inc_value("archive/recovered_tail_bytes", recovery.tail_bytes)
        self.writer = WarcWriter(self.directory, self.options)
        # The article pipeline waits on this before a row points at a record.
        DurabilityGate.of(self.crawler).provide(self.writer.wait_durable)

    def spider_closed(self, spider: Spider) -> None:
        if self.writer is not None:
            self.writer.stop()
            self.stats.set_value("archive/warc_files", [p.name for p in self.writer.closed_files])

    # -- downloader hooks -------------------------------------------------------------

    def process_request(self, request: Request) -> None:
        encoding = request.headers.get(b"Accept-Encoding")
        if encoding and b"zstd" in encoding:  # replay tools cannot decode zstd
            parts = [p.strip() for p in encoding.split(b",") if b"zstd" not in p]
            request.headers[b"Accept-Encoding"] = b", ".join(parts)
        now = time.monotonic()
        request.meta[_META_STARTED] = now
        request.meta[_META_RECEIVED] = 0
        if self.max_download_time:
            self._limit_time(request, now)
        return None

    def _limit_time(self, request: Request, now: float) -> None:
        first = request.meta.setdefault(META_FIRST_TRY, now)  # kept by retries (request.copy)
        left = self.max_download_time - (now - first)
        if left <= 0:
            raise DownloadTimeExceeded(
                f"gave up on {request.url}: its tries took over {self.max_download_time:g} s "
                "(setting ARCHIVE_MAX_DOWNLOAD_TIME)"
            )
        timeout = request.meta.get("download_timeout", self.download_timeout) or left + _TIMEOUT_GRACE
        request.meta["download_timeout"] = min(timeout, left + _TIMEOUT_GRACE)

    def bytes_received(self, data: bytes, request: Request, spider: Spider) -> None:
        received = request.meta.get(_META_RECEIVED, 0) + len(data)
        request.meta[_META_RECEIVED] = received
        cut: Truncation | None = None
        if self.max_response_size and received > self.max_response_size:
            cut = "length"
        elif self.max_download_time and (
            time.monotonic() - request.meta.get(META_FIRST_TRY, request.meta.get(_META_STARTED, time.monotonic()))
            > self.max_download_time
        ):
            cut = "time"
        if cut:
            request.meta[_META_CUT] = cut
            raise StopDownload(fail=False)

    def process_response(self, request: Request, response: Response) -> Response:
        if self.failed or self.writer is None:
            raise IgnoreRequest("WARC writing failed earlier; nothing more is fetched")
        exchange = self._exchange(request, response)
        revisit_of = self._unchanged_since(request, exchange)
        try:
            # Written inline (measured faster than a writer thread); with the default group
            # commit the fsync happens in the writer's syncer thread, off the reactor.
            location = self.writer.write_exchange(exchange, revisit_of)
        except WarcWriteError as exc:
            self._stop_on_write_error(exc)
            raise IgnoreRequest(str(exc)) from exc
        request.meta[META_LOCATION] = location.response
        request.meta[META_WARC_DATE] = warc_date(exchange.fetched_at)
        if revisit_of is not None:
            request.meta[META_REVISIT_OF] = revisit_of.record_id
            self.stats.inc_value("archive/revisits")
        self.stats.inc_value("archive/records", 2)
        self.crawler.signals.send_catch_log(response_archived, request=request, response=response)
        self.stats.inc_value("archive/payload_bytes", len(exchange.body))
        if exchange.truncated:
            self.stats.inc_value(f"archive/truncated/{exchange.truncated}")
            logger.warning("Archived %s cut short (WARC-Truncated: %s)", response.url, exchange.truncated)
        return response

    def decompression_capped(self, request: Request, response: Response, message: str) -> None:
        location = request.meta.get(META_LOCATION)
        self.stats.inc_value("archive/decompression_capped")
        if location is None or self.writer is None:
            return
        fields = [("newsarchive-flag", "decompression-capped"), ("newsarchive-detail", message)]
        try:
            self.writer.write_metadata(response.url, location.record_id, fields)
        except WarcWriteError as exc:
            self._stop_on_write_error(exc)

    # -- helpers ----------------------------------------------------------------------

    def _unchanged_since(self, request: Request, exchange: Exchange) -> RevisitTarget | None:
        """The earlier capture this response repeats: a 304, or the same payload digest.

        The spider puts the earlier capture in the request's meta; for requests it did not
        make (robots.txt) it is asked through ``previous_capture(url)``.
        """
        previous: RevisitTarget | None = request.meta.get(META_PREVIOUS)
        if previous is None:
            lookup = getattr(self.crawler.spider, "previous_capture", None)
            previous = lookup(exchange.url) if lookup is not None else None
        if previous is None or exchange.truncated:
            return None
        if exchange.status == 304:
            return previous
        if exchange.status == 200 and sha1_digest(exchange.body) == previous.payload_digest:
            return previous
        return None

    def _exchange(self, request: Request, response: Response) -> Exchange:
        truncated: Truncation | None = request.meta.get(_META_CUT)
        if truncated is None and "dataloss" in response.flags:
            truncated = "disconnect"
        elif truncated is None and "download_stopped" in response.flags:
            truncated = "unspecified"
        protocol = (response.protocol or "").lower() or None
        return Exchange(
            url=response.url,
            method=request.method,
            request_headers=_header_pairs(request.headers),
            request_body=request.body or b"",
            status=response.status,
            response_headers=_header_pairs(response.headers),
            body=response.body,
            fetched_at=datetime.now(UTC),
            protocol=protocol,
            ip_address=str(response.ip_address) if response.ip_address else None,
            truncated=truncated,
        )

    def _stop_on_write_error(self, exc: WarcWriteError) -> None:
        if self.failed:
            return
        self.failed = True
        self.stats.set_value("archive/write_error", str(exc))
        logger.error("Stopping the crawl: %s", exc)
        deferred_from_coro(self.crawler.engine.close_spider_async(reason="warc_write_error"))


def _header_pairs(headers) -> list[tuple[bytes, bytes]]:  # type: ignore[no-untyped-def]
    """Scrapy ``Headers`` (name -> list of values) as ordered pairs, repeats kept."""
    pairs = []
    for name, values in headers.items():
        for value in values:
            pairs.append((name, value))
    return pairs
