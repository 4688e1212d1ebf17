"""Refuse requests to non-http(s) schemes and private addresses (see archive.netpolicy).

Runs at order 60, before robots.txt and every redirect re-entry, so links *and*
redirects to 127.0.0.1, ::1, 169.254.169.254 or 10.0.0.0/8 are stopped before a byte
leaves the machine. Host names are resolved first (through Scrapy's caching resolver)
so a public-looking name that points inside the network is refused too.
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Coroutine
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.error import DNSLookupError

from archive.netpolicy import AddressPolicy, origin_of

logger = logging.getLogger(__name__)


class AddressPolicyMiddleware:
    def __init__(self, crawler: Crawler, allow_private: bool) -> None:
        self.crawler = crawler
        self.allow_private = allow_private
        self.policy = AddressPolicy(allow_private=allow_private)
        self._resolved: dict[str, str] = {}  # host -> address (Scrapy's resolver caches too)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> AddressPolicyMiddleware:
        if not crawler.settings.getbool("ARCHIVE_ADDRESS_POLICY_ENABLED", True):
            raise NotConfigured
        return cls(crawler, crawler.settings.getbool("ARCHIVE_ALLOW_PRIVATE"))

    def trust_seeds(self, seeds: list[str]) -> None:
        """The user's own seeds are trusted for their exact host and port."""
        self.policy = AddressPolicy.for_seeds(seeds, self.allow_private)

    def process_request(self, request: Request) -> Coroutine[Any, Any, None] | None:
        """Synchronous for literal addresses and resolved hosts (the common case, no task
        per request); a coroutine only when a host name must be resolved first."""
        seeds = getattr(self.crawler.spider, "seeds", None)
        if seeds and not self.policy.trusted_origins:
            self.trust_seeds(list(seeds))
        self._refuse_if(request, self.policy.refusal(request.url))
        if self.policy.allow_private or self._trusted(request.url):
            return None
        host = urlsplit(request.url).hostname or ""
        if _is_literal(host):
            return None  # a literal address was judged above
        if host in self._resolved:
            self._refuse_if(request, self.policy.refusal(request.url, self._resolved[host]))
            return None
        return self._resolve_then_check(request, host)

    def _trusted(self, url: str) -> bool:
        return origin_of(url) in self.policy.trusted_origins

    async def _resolve_then_check(self, request: Request, host: str) -> None:
        from twisted.internet import reactor

        try:
            address = await maybe_deferred_to_future(reactor.resolve(host))  # type: ignore[attr-defined]
        except (DNSLookupError, OSError):
            return None  # the download itself will report the lookup failure
        self._resolved[host] = address
        self._refuse_if(request, self.policy.refusal(request.url, address))
        return None

    def _refuse_if(self, request: Request, reason: str | None) -> None:
        if reason:
            self.crawler.stats.inc_value("archive/refused_address")
            logger.warning("Refused %s: %s", request.url, reason)
            raise IgnoreRequest(f"refused {request.url}: {reason} (setting ARCHIVE_ALLOW_PRIVATE)")


def _is_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True
