"""URL canonicalisation: one spelling per page, for seen-URL keys and de-duplication.

``canonicalize`` lowercases scheme and host (IDNs to punycode), drops the default port
(keeps any other: ``http://127.0.0.1:8123/a``), resolves ``.``/``..`` segments and
collapses ``//`` (courlan's path rules), normalises percent-escapes (upper-case hex,
unreserved characters decoded), drops the fragment, drops tracking parameters, and sorts
the remaining query parameters by name (values of a repeated name keep their order).
Everything else, blank values included, is kept.

courlan's own query cleaning is not used: its tracker pattern is a substring search that
also drops ``keyword``, ``source``, ``reference`` or ``session`` and blank parameters,
which on a news site can be the difference between two pages. Our list is explicit.
"""

from __future__ import annotations

import re
from urllib.parse import quote, unquote_plus, urlsplit, urlunsplit

from courlan.clean import PATH1, normalize_part

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
_PCT_RE = re.compile(r"%([0-9A-Fa-f]{2})")
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_QUERY_SAFE = "/:@!$'()*,;~?=+%"


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
    return urlunsplit((scheme, netloc, _path(parts.path), _query(parts.query), ""))


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


def _path(path: str) -> str:
    path = _remove_dot_segments(PATH1.sub("/", path or "/"))
    return _normalize_escapes(normalize_part(path))


def _remove_dot_segments(path: str) -> str:
    out: list[str] = []
    segments = path.split("/")
    for segment in segments[1:]:
        if segment == "..":
            if out:
                out.pop()
        elif segment != ".":
            out.append(segment)
    tail = "/" if segments[-1] in (".", "..") else ""
    return "/" + "/".join(out) + tail


def _normalize_escapes(text: str) -> str:
    def repl(match: re.Match[str]) -> str:
        char = chr(int(match.group(1), 16))
        return char if char in _UNRESERVED else f"%{match.group(1).upper()}"

    return _PCT_RE.sub(repl, text)


def _query(query: str) -> str:
    """Drop trackers and sort by name, keeping each pair's own spelling (``+`` stays ``+``)."""
    pairs = []
    for raw in query.split("&"):
        if not raw:
            continue
        name = unquote_plus(raw.partition("=")[0])
        if name and not is_tracking_param(name):
            pairs.append((name, _normalize_escapes(quote(raw, safe=_QUERY_SAFE))))
    pairs.sort(key=lambda pair: pair[0])
    return "&".join(raw for _, raw in pairs)
