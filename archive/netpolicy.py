"""Which addresses a crawl may reach: only http(s), and no private networks by default.

A news page (or a redirect) must not be able to point the crawler at the archivist's
own network: loopback, RFC 1918, link-local (cloud metadata at 169.254.169.254),
unique-local IPv6 and friends are refused unless the user allows them, for seeds too
(`seed_refusal`). Seeds that pass (or that the user allowed) are trusted for their exact
host and port, so such a crawl does not open every private address to its links.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

ALLOWED_SCHEMES = frozenset({"http", "https"})


def origin_of(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    default = 443 if parts.scheme == "https" else 80
    return (parts.hostname or "").lower(), parts.port or default


def is_private_address(host: str) -> bool:
    """True for loopback, private, link-local, reserved and similar non-public addresses."""
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return not address.is_global or address.is_multicast


@dataclass
class AddressPolicy:
    """Decides whether a URL, or the IP it resolved to, may be fetched."""

    allow_private: bool = False
    trusted_origins: set[tuple[str, int]] = field(default_factory=set)

    @classmethod
    def for_seeds(cls, seeds: Iterable[str], allow_private: bool = False) -> AddressPolicy:
        return cls(allow_private, {origin_of(seed) for seed in seeds})

    def refusal(self, url: str, resolved_ip: str | None = None) -> str | None:
        """Why ``url`` must not be fetched, or None when it may."""
        parts = urlsplit(url)
        if parts.scheme.lower() not in ALLOWED_SCHEMES:
            return f"scheme {parts.scheme or '(none)'!r} is not fetched (only http and https)"
        if self.allow_private or origin_of(url) in self.trusted_origins:
            return None
        host = parts.hostname or ""
        if is_private_address(host):
            return f"{host} is a private or loopback address (use --allow-private to allow)"
        if resolved_ip and is_private_address(resolved_ip):
            return f"{host} resolves to private address {resolved_ip} (use --allow-private to allow)"
        return None


def seed_refusal(url: str) -> str | None:
    """Why the seed ``url`` must not be crawled without ``--allow-private``, or None.

    A seed is the user's own choice, but a pasted link to 169.254.169.254 (cloud metadata)
    or 10.0.0.1 is as dangerous as a page's link there, so seeds obey the same rule. Host
    names are resolved; a name that does not resolve is left for the crawl to report.
    """
    host = (urlsplit(url).hostname or "").lower()
    if is_private_address(host):
        return f"seed {url} is on a private or loopback address (use --allow-private to crawl it)"
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return None
    for info in infos:
        address = str(info[4][0])
        if is_private_address(address):
            return f"seed {url}: {host} resolves to private address {address} (use --allow-private to crawl it)"
    return None
