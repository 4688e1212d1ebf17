"""The ``news`` spider: seeds, feeds, sitemaps, sections and links, captured to WARC.

Every response is archived by the capture middleware before it reaches this spider;
the spider decides what to fetch next (through ``CrawlState``: scope, traps, what is
due) and yields one item per captured HTML page for the database pipeline.

``crawl URL...`` runs it in full mode (everything reachable); ``crawl NAME`` runs it
incrementally for a watched site: feeds, sitemaps and sections are polled, and only
new, announced-as-changed or due articles are fetched, with conditional GET.

What each response tells the frontier is kept in ``bookkeeping.py``; the sitemaps that
robots.txt declares are followed by ``robots_sitemaps.py``.
"""

from __future__ import annotations

import itertools
import logging
import os
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response, TextResponse
from scrapy.linkextractors import LinkExtractor
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet import task
from twisted.python.failure import Failure

from archive.contenttype import is_html
from archive.discovery import (
    DiscoveryError,
    FeedEntry,
    Sitemap,
    candidate_sitemap_urls,
    find_feed_links,
    find_pagination_links,
)
from archive.discovery import parse_feed as read_feed
from archive.discovery import parse_sitemap as read_sitemap
from archive.netpolicy import ALLOWED_SCHEMES
from scraper.crawlstate import CrawlState
from scraper.downloadermiddlewares.warc_capture import META_LOCATION, META_REVISIT_OF, META_WARC_DATE
from scraper.signals import response_archived
from scraper.spiders.bookkeeping import FrontierBookkeeping
from scraper.spiders.robots_sitemaps import RobotsSitemaps

logger = logging.getLogger(__name__)

# Page requisites: images, scripts, video posters, stylesheets and icons.
_REQUISITE_TAGS = ("img", "script", "video", "link")
SEEN_LINKS_MAX = 200_000  # links remembered as decided on (~250 bytes each: ~50 MB at most)
FAILURES_KEPT = 100  # failed requests named in the summary; the stats count every one
_REQUISITE_RELS = frozenset({"stylesheet", "icon"})


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [v for v in value.split(",") if v]
    return list(value)


def _warc_time(value: str | None) -> datetime:
    if value:
        return datetime.fromisoformat(value)
    return datetime.now(UTC)


def _is_html(response: Response) -> bool:
    return is_html(response.headers.get(b"Content-Type"))


def _requisite_urls(response: TextResponse) -> Iterator[str]:
    """The requisites' raw URLs, in document order. One walk over the parse tree the link
    extractor already built: ~80x cheaper than the equivalent XPath with ``normalize-space``."""
    for element in response.selector.root.iter(*_REQUISITE_TAGS):
        tag = element.tag
        if tag == "video":
            value = element.get("poster")
        elif tag == "link":
            rel = (element.get("rel") or "").lower().split()
            value = element.get("href") if _REQUISITE_RELS.intersection(rel) else None
        else:
            value = element.get("src")
        if value is not None:
            yield value


def _parse_view(response: TextResponse, limit: int) -> TextResponse:
    """The page as parsed for links: its first ``limit`` bytes. A parse tree costs ~10x the
    page, so an 8 MB page would cost ~100 MB per response in flight; the WARC and the
    article extraction still get the whole page."""
    if not limit or len(response.body) <= limit:
        return response
    return response.replace(body=response.body[:limit])


class NewsSpider(RobotsSitemaps, FrontierBookkeeping, Spider):
    name = "news"
    handle_httpstatus_list = [304]

    def __init__(self, url: str | list[str] | None = None, site: str | None = None,
                 allow_domain: str | list[str] | None = None, requisites: bool | str = True,
                 resume: bool | str = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.seeds = _as_list(url)
        self.site_name = site
        if not self.seeds and not site:
            raise ValueError("the news spider needs -a url=https://... (comma-separated) or -a site=NAME")
        self.allow_domains = _as_list(allow_domain)
        self.fetch_requisites = str(requisites).lower() not in ("0", "false", "no")
        self.resume = str(resume).lower() in ("1", "true", "yes")
        self.link_extractor = LinkExtractor()
        self.failures: list[str] = []
        self.seed_failures: list[str] = []  # a seed that answered 4xx/5xx or nothing fails the crawl
        self.state: CrawlState | None = None
        self.seeds_only = False
        self._pending_records: dict[str, tuple[Request, Response]] = {}
        # Raw link URLs already decided on: a page links ~80 URLs, ~98% seen before, and
        # canonicalising, trap- and scope-checking them again cost more than fetching.
        # Values: (depth of the page that listed it, requested?); an incremental crawl counts
        # requested ones as new links. Bounded (SEEN_LINKS_MAX, oldest forgotten first): a
        # forgotten link is only decided again, and the dupefilter still drops a repeat.
        self._seen_links: dict[str, tuple[int, bool]] = {}
        self._flusher: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> NewsSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider._closed, signal=signals.spider_closed)
        crawler.signals.connect(spider._robots_parsed, signal=signals.robots_parsed)
        crawler.signals.connect(spider._archived, signal=response_archived)
        crawler.signals.connect(spider._chain_ended, signal=signals.request_dropped)
        return spider

    # -- start -------------------------------------------------------------------------

    async def start(self) -> AsyncIterator[Request]:
        self._catch_up_database()
        self.state = CrawlState.open(self.settings, self.seeds, self.site_name, self.allow_domains, self.resume)
        self.seeds = self.state.seeds
        self.seeds_only = self.settings.getint("ARCHIVE_DEPTH", -1) == 0
        self._flusher = task.LoopingCall(self.state.flush)
        self._flusher.start(self.settings.getfloat("ARCHIVE_FRONTIER_FLUSH_INTERVAL", 2.0), now=False)
        site = self.state.site
        for seed in self.seeds:
            yield self._request(seed, "seed", seed=True)
        if self.seeds_only:
            return
        if site is not None and site.sections:
            for section in site.sections:
                yield self._request(section, "section")
        feeds = site.feeds if site else []
        sitemaps = site.sitemaps if site else []
        for feed in feeds:
            yield self._request(feed, "feed")
        candidates = [url for url in candidate_sitemap_urls(self.seeds[0])[:1] if self.state.in_scope(url)]
        for sitemap in sitemaps or candidates:
            yield self._request(sitemap, "sitemap")
        for info in self.state.start_urls():
            request = self._request(info.url, info.kind)
            if request is not None:
                yield request

    def _catch_up_database(self) -> None:
        """Rows for every page an interrupted crawl archived but never stored; runs before
        anything is fetched, after the capture middleware recovered ``.open`` files."""
        if self.settings.getbool("ARCHIVE_DB_ENABLED"):
            from archive.catchup import catch_up_data_dir
            from archive.errors import DatabaseError

            try:
                catch_up_data_dir(Path(self.settings.get("ARCHIVE_DATA_DIR")),
                                  self.settings.get("ARCHIVE_DB_URL") or os.environ.get("NEWSARCHIVE_DB") or None,
                                  self.settings.getint("ARCHIVE_DB_WORKERS", 0) or None)
            except DatabaseError as exc:
                # Another crawl of the same data dir may be storing the rows of a file it
                # just closed; nothing is lost by going on: the file stays off the ledger
                # and the next crawl's catch-up (or `reindex`) checks it again.
                logger.warning("Catch-up with the WARCs not finished (%s): the next crawl tries again", exc)

    # -- requests ------------------------------------------------------------------------

    def _request(self, url: str, kind: str, *, priority: int = 0, seed: bool = False) -> Request | None:
        assert self.state is not None
        canonical = url if seed else self.state.canonical(url)
        if canonical is None:
            return None
        if self.state.frontier is not None and kind in ("seed", "section", "feed", "sitemap"):
            self.state.frontier.discover(self.state.canonical(canonical) or canonical, kind)
        if not seed and (self.state.frontier is None or self.state.frontier.get(canonical) is None):
            if self._refused(canonical):
                return None
        info = self.state.frontier.get(canonical) if self.state.frontier else None
        callback = {"feed": self.parse_listing, "sitemap": self.parse_listing,
                    "requisite": self.parse_requisite}.get(kind, self.parse)
        meta: dict[str, Any] = {"archive_kind": kind}
        previous = self.state.revisit_target(info)
        if previous is not None:
            meta["archive_previous"] = previous
        return Request(canonical, callback=callback, errback=self.on_error, priority=priority, meta=meta,
                       headers=self.state.conditional_headers(info))

    def _refused(self, url: str) -> bool:
        assert self.state is not None
        reason = self.state.trap(url)
        if reason:
            self.crawler.stats.inc_value("archive/trap_refused")
            logger.info("Not fetching %s: %s", url, reason)
        return reason is not None

    def _follow(self, url: str, kind: str, depth_ok: bool = True, **known: Any) -> Request | None:
        """Discover ``url`` in the frontier and request it when this run wants it."""
        assert self.state is not None
        canonical = self.state.canonical(url)
        if canonical is None or not depth_ok:
            return None
        if self.state.frontier is None:
            return self._request(canonical, kind)
        existing = self.state.frontier.get(canonical)
        if existing is None and self._refused(canonical):
            return None  # a trap: never enters the frontier
        info, new = self.state.frontier.discover(canonical, kind, **known)
        if not self.state.wanted(info, new):
            return None
        return self._request(canonical, info.kind if kind == "page" else kind)

    # -- callbacks -----------------------------------------------------------------------

    def parse(self, response: Response) -> Iterator[Request | dict[str, Any]]:
        kind = response.meta.get("archive_kind", "page")
        self._record(response)
        item = self._item(response)
        if item is not None:
            yield item
        if self.seeds_only or response.status == 304 or not (_is_html(response) and isinstance(response, TextResponse)):
            return
        response = _parse_view(response, self.settings.getint("ARCHIVE_MAX_PARSE_SIZE", 0))
        new_links = 0
        depth = response.meta.get("depth", 0)
        for link in self.link_extractor.extract_links(response):
            followed = self._seen_link(link.url, depth)
            if followed is not None:  # decided on earlier in this crawl; the dupefilter drops a repeat
                new_links += followed
                continue
            if self.state and self.state.in_scope(link.url):
                request = self._follow(link.url, "page")
                if request is not None:
                    self._note_link(link.url, depth, requested=True)
                    new_links += 1
                    yield request
            elif link.url.split(":", 1)[0].lower() not in ALLOWED_SCHEMES:
                logger.info("Not following %s: only http and https are fetched", link.url)
        if kind in ("seed", "section"):
            yield from self._discover_feeds(response)
        # In a full crawl LinkExtractor already followed the "older posts" links; an
        # incremental crawl skips known links, so it follows pagination explicitly.
        if self.state and self.state.incremental and (kind in ("seed", "section") or new_links):
            for url in find_pagination_links(response.body, response.url):
                if self.state and self.state.in_scope(url):
                    request = self._follow(url, "page")
                    if request is not None:
                        yield request
        if self.fetch_requisites and response.status == 200:
            yield from self._requisites(response)

    def _discover_feeds(self, response: Response) -> Iterator[Request]:
        assert self.state is not None
        found = [link.url for link in find_feed_links(response.body, response.url) if not link.is_comments]
        if self.state.site is not None:
            found = [url for url in found if url not in self.state.site.feeds]
        if found:
            self.state.remember(feeds=found)
        for url in found:
            request = self._follow(url, "feed")
            if request is not None:
                yield request

    def parse_listing(self, response: Response) -> Iterator[Request]:
        """A feed or a sitemap: record it, parse it, follow what it lists.

        Parsed by ``archive.discovery`` (hand-written on purpose: it keeps the news
        metadata, publication date, title, language, that generic parsers drop, and caps
        size and decompression), then followed by ``_follow_feed``/``_follow_sitemap``.
        """
        self._record(response)
        if response.status != 200:
            return
        kind = response.meta.get("archive_kind", "feed")
        try:  # parsed here, eagerly; the generators then follow lazily
            if kind == "feed":
                requests = self._follow_feed(read_feed(response.body, response.url))
            else:
                requests = self._follow_sitemap(read_sitemap(response.body, response.url))
        except DiscoveryError as exc:
            logger.warning("%s %s not parsed: %s", kind.capitalize(), response.url, exc)
            return
        yield from requests

    # Queued requests (JOBDIR, the cluster queue) name their callback: the old names stay valid.
    parse_feed = parse_sitemap = parse_listing

    def _follow_feed(self, entries: list[FeedEntry]) -> Iterator[Request]:
        self.crawler.stats.inc_value("archive/feed_entries", len(entries))
        for entry in entries:
            if self.state and self.state.in_scope(entry.url):
                request = self._follow(entry.url, "article", published=entry.published,
                                       announced=entry.updated or entry.published, title=entry.title,
                                       language=entry.language)
                if request is not None:
                    yield request

    def _follow_sitemap(self, sitemap: Sitemap) -> Iterator[Request]:
        for child in sitemap.children:
            request = self._follow(child.url, "sitemap", announced=child.lastmod)
            if request is not None:
                yield request
        self.crawler.stats.inc_value("archive/sitemap_urls", len(sitemap.urls))
        newest_first = sorted(sitemap.urls, key=lambda u: u.freshness or datetime.min.replace(tzinfo=UTC),
                              reverse=True)
        for rank, entry in enumerate(newest_first):
            if self.state and self.state.in_scope(entry.url):
                request = self._follow(entry.url, "article", published=entry.news_publication_date,
                                       announced=entry.lastmod, title=entry.news_title,
                                       language=entry.news_language)
                if request is not None:
                    request.priority = max(0, 100 - rank)  # newest news first
                    yield request

    def parse_requisite(self, response: Response) -> Iterator[Any]:
        self._record(response)
        return iter(())  # archived by the capture middleware; nothing to follow

    def _seen_link(self, url: str, depth: int) -> bool | None:
        """Whether ``url`` was requested when last decided on, or None (decide now; noted as
        not requested). A link seen first too deep for ``DEPTH_LIMIT`` is decided again
        when a shallower page lists it, as DepthMiddleware would then let it through."""
        seen = self._seen_links.get(url)
        if seen is not None and seen[0] <= depth:
            return seen[1]
        self._note_link(url, depth, requested=False)
        return None

    def _note_link(self, url: str, depth: int, requested: bool) -> None:
        links = self._seen_links
        links[url] = (depth, requested)
        if len(links) > SEEN_LINKS_MAX:  # forget the oldest tenth at once (dicts keep insertion order)
            for old in list(itertools.islice(links, SEEN_LINKS_MAX // 10)):
                del links[old]

    def _requisites(self, response: TextResponse) -> Iterator[Request]:
        for src in _requisite_urls(response):
            url = response.urljoin(src.strip())
            if self._seen_link(url, response.meta.get("depth", 0)) is not None:
                continue
            if url.split(":", 1)[0].lower() in ALLOWED_SCHEMES:
                request = self._follow(url, "requisite")
                if request is not None:
                    request.priority = 1
                    yield request

    # -- bookkeeping -----------------------------------------------------------------------

    def _item(self, response: Response) -> dict[str, Any] | None:
        location = response.meta.get(META_LOCATION)
        revisit_of = response.meta.get(META_REVISIT_OF)
        if location is None or not (_is_html(response) or revisit_of):
            return None
        content_type = response.headers.get(b"Content-Type", b"text/html").lower()
        return {
            "url": response.url,
            "status": response.status,
            "mime_type": content_type.split(b";")[0].decode("latin-1") or "text/html",
            "fetched_at": _warc_time(response.meta.get(META_WARC_DATE)),  # the record's own date
            "location": location,
            "target_uri": response.url,
            "revisit_of": revisit_of,
        }

    def on_error(self, failure: Failure) -> None:
        request = getattr(failure, "request", None)
        url = request.url if request is not None else "?"
        if failure.check(HttpError):
            response = failure.value.response
            self._record(response)
            self._seed_failed(request, f"HTTP {response.status}")
            self.crawler.stats.inc_value(f"archive/http_status/{response.status}")
            return
        message = failure.getErrorMessage() or failure.type.__name__
        if failure.check(IgnoreRequest):
            logger.info("Ignored %s: %s", url, message)
            if request is not None:
                self._chain_ended(request)
            return
        if len(self.failures) < FAILURES_KEPT:  # the summary names the first; the stats count them all
            self.failures.append(f"{url}: {message}")
        self._seed_failed(request, message)
        self.crawler.stats.inc_value("archive/failed_requests")
        logger.warning("Failed %s: %s", url, message)
        if self.state is not None and self.state.frontier is not None and request is not None:
            canonical = self.state.canonical(url)
            if canonical:
                self.state.frontier.record_failure(canonical)

    def _seed_failed(self, request: Request | None, reason: str) -> None:
        if request is not None and request.meta.get("archive_kind") == "seed":
            self.seed_failures.append(f"seed {request.url}: {reason}")
