"""Crawl scope: which links belong to the site being archived.

By default a link is in scope when its registrable domain (``kabultimes.gov.af`` for
``www.kabultimes.gov.af``) equals a seed's; ``--allow-domain`` adds more. The public
suffix list is tldextract's bundled snapshot: a crawl never fetches it from the network.
IP-address hosts are their own "domain", with the port ignored here (the address policy
decides about private ports separately).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urlsplit

import tldextract

_EXTRACT = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


@lru_cache(maxsize=4096)
def registrable_domain(host: str) -> str:
    host = host.strip("[]").lower().rstrip(".")
    try:
        ipaddress.ip_address(host)
        return host
    except ValueError:
        pass
    extracted = _EXTRACT(host)
    if extracted.domain and extracted.suffix:
        return f"{extracted.domain}.{extracted.suffix}"
    return host


@dataclass
class Scope:
    """Registrable domains (from the seeds) and extra allowed domains (suffix match)."""

    domains: set[str] = field(default_factory=set)
    extra_domains: set[str] = field(default_factory=set)

    @classmethod
    def for_seeds(cls, seeds: Iterable[str], allow_domains: Iterable[str] = ()) -> Scope:
        domains = {registrable_domain(urlsplit(seed).hostname or "") for seed in seeds}
        extra = {d.lower().strip(".") for d in allow_domains if d.strip(".")}
        return cls(domains, extra)

    def contains(self, url: str) -> bool:
        host = (urlsplit(url).hostname or "").lower()
        if not host:
            return False
        if registrable_domain(host) in self.domains:
            return True
        return any(host == d or host.endswith("." + d) for d in self.extra_domains)
