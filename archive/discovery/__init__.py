"""News-native discovery: feeds, sitemaps, autodiscovery, canonical URLs, traps, schedules.

Pure functions over bytes and strings: nothing here fetches, imports Scrapy or touches the
database. The spider fetches, these modules decide what the bodies list and what is due.

    feeds.py          parse_feed -> [FeedEntry]           RSS, Atom, JSON Feed
    sitemaps.py       parse_sitemap -> Sitemap            urlset, index, Google News, gzip
                      sitemaps_from_robots -> [url]
    autodiscovery.py  find_feed_links, find_pagination_links, candidate_*_urls
    canonical.py      canonicalize(url) -> str            seen-URL keys
    traps.py          TrapGuard.refusal(url, chain=...)   calendar, loops, growing queries
    recrawl.py        next_due / is_due, parse_interval   decaying re-fetch schedule
    cron.py           next_cron_time, parse_cron          cron via cronsim
    retry_after.py    parse_retry_after -> seconds        429/503 politeness
    errors.py         DiscoveryError tree (ArchiveError subclasses)
"""

from __future__ import annotations

from archive.discovery.autodiscovery import (
    COMMON_FEED_PATHS,
    COMMON_SITEMAP_PATHS,
    FeedLink,
    candidate_feed_urls,
    candidate_sitemap_urls,
    find_feed_links,
    find_pagination_links,
)
from archive.discovery.canonical import canonicalize, is_tracking_param
from archive.discovery.cron import CronExpression, next_cron_time, parse_cron
from archive.discovery.errors import (
    BodyTooLargeError,
    CronError,
    DiscoveryError,
    FeedFormatError,
    IntervalError,
    ScheduleError,
    SitemapFormatError,
    UrlError,
)
from archive.discovery.feeds import FeedEntry, parse_feed
from archive.discovery.recrawl import DEFAULT_STEPS, is_due, next_due, parse_interval
from archive.discovery.retry_after import parse_retry_after
from archive.discovery.sitemaps import (
    Sitemap,
    SitemapChild,
    SitemapUrl,
    parse_sitemap,
    robots_sitemaps,
    sitemaps_from_robots,
)
from archive.discovery.traps import TrapGuard, TrapLimits

__all__ = [
    "COMMON_FEED_PATHS",
    "COMMON_SITEMAP_PATHS",
    "DEFAULT_STEPS",
    "BodyTooLargeError",
    "CronError",
    "CronExpression",
    "DiscoveryError",
    "FeedEntry",
    "FeedFormatError",
    "FeedLink",
    "IntervalError",
    "ScheduleError",
    "Sitemap",
    "SitemapChild",
    "SitemapFormatError",
    "SitemapUrl",
    "TrapGuard",
    "TrapLimits",
    "UrlError",
    "candidate_feed_urls",
    "candidate_sitemap_urls",
    "canonicalize",
    "find_feed_links",
    "find_pagination_links",
    "is_due",
    "is_tracking_param",
    "next_cron_time",
    "next_due",
    "parse_cron",
    "parse_feed",
    "parse_interval",
    "parse_retry_after",
    "parse_sitemap",
    "robots_sitemaps",
    "sitemaps_from_robots",
]
