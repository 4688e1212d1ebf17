"""Refuse requests to non-http(s) schemes and private addresses (see archive.netpolicy).

Runs at order 60, before robots.txt and every redirect re-entry, so links *and*
redirects to 127.0.0.1, ::1, 169.254.169.254 or 10.0.0.0/8 are stopped before a byte
leaves the machine. Host names are resolved first (through Scrapy's caching resolver)
so a public-looking name that points inside the network is refused too.
"""

from __future__ import annotations

import ipaddress
import logging
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.error import DNSLookupError

from archive.netpolicy import AddressPolicy

logger = logging.getLogger(__name__)


class AddressPolicyMiddleware:
    def __init__(self, crawler: Crawler, allow_private: bool) -> None:
        self.crawler = crawler
        self.allow_private = allow_private
        self.policy = AddressPolicy(allow_private=allow_private)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> AddressPolicyMiddleware:
        if not crawler.settings.getbool("ARCHIVE_ADDRESS_POLICY_ENABLED", True):
            raise NotConfigured
        return cls(crawler, crawler.settings.getbool("ARCHIVE_ALLOW_PRIVATE"))

    def trust_seeds(self, seeds: list[str]) -> None:
        """The user's own seeds are trusted for their exact host and port."""
        self.policy = AddressPolicy.for_seeds(seeds, self.allow_private)

    async def process_request(self, request: Request) -> None:
        seeds = getattr(self.crawler.spider, "seeds", None)
        if seeds and not self.policy.trusted_origins:
            self.trust_seeds(list(seeds))
        reason = self.policy.refusal(request.url)
        if reason is None and not self.policy.allow_private:
            reason = self.policy.refusal(request.url, await self._resolve(request.url))
        if reason:
            self.crawler.stats.inc_value("archive/refused_address")
            logger.warning("Refused %s: %s", request.url, reason)
            raise IgnoreRequest(f"refused {request.url}: {reason} (setting ARCHIVE_ALLOW_PRIVATE)")

    async def _resolve(self, url: str) -> str | None:
        host = urlsplit(url).hostname or ""
        try:
            ipaddress.ip_address(host.strip("[]"))
            return None  # a literal address was already judged
        except ValueError:
            pass
        from twisted.internet import reactor

        try:
            return await maybe_deferred_to_future(reactor.resolve(host))  # type: ignore[attr-defined]
        except (DNSLookupError, OSError):
            return None  # the download itself will report the lookup failure
