"""The ``Sitemap:`` lines of robots.txt, for the news spider.

Scrapy's ``RobotsTxtMiddleware`` fetches and parses robots.txt; on ``robots_parsed`` the
spider reads the sitemaps from that same parse (``scraper.robots``), remembers the new
ones for the site and requests them like start URLs.
"""

from __future__ import annotations

from collections.abc import Callable

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.robotstxt import RobotParser

from archive.discovery import robots_sitemaps
from scraper.crawlstate import CrawlState
from scraper.robots import protego_of, robots_url


class RobotsSitemaps:
    """Mixin for ``NewsSpider``: follow the sitemaps robots.txt declares."""

    crawler: Crawler
    state: CrawlState | None
    seeds_only: bool
    _follow: Callable[..., Request | None]  # NewsSpider._follow

    def _robots_parsed(self, robotparser: RobotParser, request: Request) -> None:
        """Scrapy parsed the robots.txt governing ``request``: follow its new Sitemap: lines."""
        robots = protego_of(robotparser)
        if robots is None or self.state is None or self.seeds_only:
            return
        found = robots_sitemaps(robots, robots_url(request.url))
        known = set(self.state.site.sitemaps) if self.state.site else set()
        new = [url for url in found if url not in known and self.state.in_scope(url)]
        if not new:
            return
        self.state.remember(sitemaps=new)
        for url in new:
            follow = self._follow(url, "sitemap")
            if follow is not None:
                follow.meta["depth"] = 0  # like a start request: DepthMiddleware counts from here
                self.crawler.engine.crawl(follow)
