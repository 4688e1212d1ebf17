"""URL canonicalisation: one spelling per page, for seen-URL keys and de-duplication.

``canonicalize`` is w3lib's ``canonicalize_url`` (the rules behind Scrapy's request
fingerprints; w3lib imports no Scrapy) around two steps of our own:

* before it, the parts w3lib leaves as they are: the host lower-cased without a trailing
  dot (IDNs to punycode), the default port dropped (any other kept:
  ``http://127.0.0.1:8123/a``), ``//`` in the path collapsed, and tracking parameters
  dropped by our explicit list;
* w3lib then resolves ``.``/``..`` segments, normalises percent-escapes (upper-case hex,
  unreserved characters decoded, everything else UTF-8 escaped), drops the fragment and
  sorts the query by name and value (blank values kept, ``flag`` spelled ``flag=``).

The tracker list is ours, not courlan's: courlan's pattern is a substring search that
also drops ``keyword``, ``source``, ``reference`` or ``session`` and blank parameters,
which on a news site can be the difference between two pages.
"""

from __future__ import annotations

import re
from urllib.parse import unquote_plus, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

from archive.discovery.errors import UrlError

__all__ = ["TRACKING_PARAMS", "TRACKING_PREFIXES", "canonicalize", "is_tracking_param"]

TRACKING_PREFIXES: tuple[str, ...] = (
    "utm_", "mtm_", "pk_", "hsa_", "oly_", "vero_", "itm_", "ga_", "_hs", "at_", "sc_",
)  # fmt: skip
TRACKING_PARAMS: frozenset[str] = frozenset({
    "fbclid", "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "ysclid",
    "twclid", "ttclid", "igshid", "igsh", "li_fat_id", "mc_cid", "mc_eid", "mkt_tok",
    "_ga", "_gl", "_hsenc", "_hsmi", "ref", "ref_src", "ref_url", "referrer", "spm",
    "cmpid", "ocid", "ncid", "sr_share", "xtor", "wt.mc_id", "s_cid", "smid",
    "__twitter_impression", "amp_referrer", "share", "shared",
})  # fmt: skip
_DEFAULT_PORTS = {"http": 80, "https": 443}
_SLASHES = re.compile(r"/{2,}")


def is_tracking_param(name: str) -> bool:
    """True for a query parameter that only tracks the visitor (``utm_source``, ``fbclid``)."""
    lowered = name.lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(TRACKING_PREFIXES)


def canonicalize(url: str) -> str:
    """The canonical spelling of the http(s) ``url``; ``UrlError`` if it has none."""
    raw = url.strip()
    try:
        parts = urlsplit(raw)
        port = parts.port
    except ValueError as exc:
        raise UrlError(f"cannot canonicalise {url!r}: {exc}") from exc
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        raise UrlError(f"cannot canonicalise {url!r}: scheme must be http or https")
    host = _host(parts.hostname or "", url)
    netloc = host if ":" not in host else f"[{host}]"
    if port is not None and port != _DEFAULT_PORTS[scheme]:
        netloc = f"{netloc}:{port}"
    if parts.username is not None:
        userinfo = parts.username + (f":{parts.password}" if parts.password is not None else "")
        netloc = f"{userinfo}@{netloc}"
    path = _SLASHES.sub("/", parts.path or "/")
    cleaned = urlunsplit((scheme, netloc, path, _drop_trackers(parts.query), ""))
    try:
        return canonicalize_url(cleaned, keep_blank_values=True)
    except ValueError as exc:
        raise UrlError(f"cannot canonicalise {url!r}: {exc}") from exc


def _host(host: str, url: str) -> str:
    host = host.rstrip(".").lower()
    if not host:
        raise UrlError(f"cannot canonicalise {url!r}: it has no host")
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError as exc:
            raise UrlError(f"cannot canonicalise {url!r}: bad international host ({exc})") from exc
    return host


def _drop_trackers(query: str) -> str:
    """The query without tracking parameters, each remaining pair spelled as given."""
    kept = [raw for raw in query.split("&") if raw and not is_tracking_param(unquote_plus(raw.partition("=")[0]))]
    return "&".join(kept)
