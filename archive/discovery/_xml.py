"""Shared, hostile-input-safe XML and date helpers for feeds and sitemaps.

Before parsing, the ``<!DOCTYPE>`` (internal subset included) is cut out, HTML named
entities (``&nbsp;``, ``&eacute;``), which broken feeds use without declaring, become
numeric references, any other named reference and any bare ``&`` become literal text;
CDATA sections are left untouched. The parser then runs with ``resolve_entities=False``,
``no_network=True`` and no DTD loading, so an XXE (``<!ENTITY x SYSTEM "file:///...">``)
or a billion-laughs body yields only its literal ``&name;`` text.
Dates come back timezone-aware (naive = UTC).
"""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from html.entities import html5
from urllib.parse import urljoin, urlsplit

from dateutil import parser as dateutil_parser
from lxml import etree

from archive.discovery.errors import BodyTooLargeError
from archive.warc.decode import GZIP_MAGIC as _GZIP_MAGIC

_PREDEFINED = frozenset({"amp", "lt", "gt", "quot", "apos"})
_CDATA_RE = re.compile(rb"(<!\[CDATA\[.*?\]\]>)", re.DOTALL)
_AMP_RE = re.compile(rb"&(#[0-9]{1,7};|#[xX][0-9A-Fa-f]{1,6};|[A-Za-z][A-Za-z0-9._-]{0,40};)?")
_DOCTYPE_RE = re.compile(rb"<!DOCTYPE[^\[>]*(?:\[.*?\]\s*)?>", re.DOTALL | re.IGNORECASE)


def check_size(body: bytes, max_bytes: int, url: str) -> None:
    """Raise ``BodyTooLargeError`` when ``body`` exceeds ``max_bytes``."""
    if len(body) > max_bytes:
        raise BodyTooLargeError(
            f"{url}: body of {len(body)} bytes is over the {max_bytes}-byte cap; "
            "raise max_bytes if this source is genuinely that large"
        )


def is_gzip(body: bytes) -> bool:
    return body[:2] == _GZIP_MAGIC


def _fix_entities(chunk: bytes) -> bytes:
    def repl(match: re.Match[bytes]) -> bytes:
        ref = match.group(1)
        if ref is None:
            return b"&amp;"
        if ref.startswith(b"#"):
            return match.group(0)
        name = ref[:-1]
        if name.decode("ascii") in _PREDEFINED:
            return match.group(0)
        char = html5.get(name.decode("ascii") + ";")
        if char is not None:
            return "".join(f"&#{ord(c)};" for c in char).encode("ascii")
        return b"&amp;" + ref

    return _AMP_RE.sub(repl, chunk)


def _prepare(body: bytes) -> bytes:
    if body[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in body[:200]:
        return body  # UTF-16/32: byte-level fixing would corrupt it
    start = body.find(b"<!DOCTYPE", 0, 4096)
    if start == -1:
        start = body.find(b"<!doctype", 0, 4096)
    if start != -1:  # no DTD, internal subset included: nothing to expand or fetch
        body = body[:start] + _DOCTYPE_RE.sub(b"", body[start:], count=1)
    parts = _CDATA_RE.split(body)
    return b"".join(p if i % 2 else _fix_entities(p) for i, p in enumerate(parts))


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        recover=True,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def parse_xml(body: bytes) -> etree._Element | None:
    """Parse ``body`` leniently and safely; ``None`` when nothing element-like is in it."""
    body = body.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not body:
        return None
    try:
        root = etree.fromstring(_prepare(body), _parser())
    except (etree.XMLSyntaxError, ValueError):
        return None
    if root is None:
        return None
    for entity in list(root.iter(etree.Entity)):
        _drop_keep_tail(entity)
    return root


def _drop_keep_tail(node: etree._Element) -> None:
    parent = node.getparent()
    if parent is None:
        return
    tail = node.tail or ""
    previous = node.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail
    parent.remove(node)


def local_name(el: etree._Element) -> str:
    """Tag without namespace, lowercased; ``""`` for comments and PIs."""
    tag = el.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1].lower()


def namespace(el: etree._Element) -> str:
    tag = el.tag
    if isinstance(tag, str) and tag.startswith("{"):
        return tag[1:].split("}", 1)[0]
    return ""


def children(el: etree._Element, name: str) -> list[etree._Element]:
    """Direct children whose local name is ``name`` (any namespace)."""
    return [c for c in el if local_name(c) == name]


_CORE_NS = frozenset({
    "", "http://www.w3.org/2005/Atom", "http://purl.org/rss/1.0/",
    "http://my.netscape.com/rdf/simple/0.9/", "http://www.sitemaps.org/schemas/sitemap/0.9",
})  # fmt: skip


def child(el: etree._Element, name: str) -> etree._Element | None:
    """First direct child named ``name``, preferring the core feed/sitemap namespaces
    (so ``<media:title>`` before ``<title>`` does not win)."""
    fallback = None
    for c in el:
        if local_name(c) == name:
            if namespace(c) in _CORE_NS:
                return c
            fallback = fallback if fallback is not None else c
    return fallback


_TAG_RE = re.compile(r"<[^>]{0,2000}>")


def clean_text(text: str | None, *, strip_tags: bool = False) -> str | None:
    """Collapse whitespace (keeping U+200C and other format characters); ``None`` if empty."""
    if text is None:
        return None
    if strip_tags and ("<" in text or "&" in text):
        text = html.unescape(_TAG_RE.sub("", text))
    text = " ".join(text.split())
    return text or None


def text_of(el: etree._Element | None, *, strip_tags: bool = False) -> str | None:
    if el is None:
        return None
    return clean_text("".join(el.itertext()), strip_tags=strip_tags)


def parse_date(value: str | None) -> datetime | None:
    """RFC 822 (RSS), RFC 3339/W3C (Atom, sitemaps) or anything dateutil reads; aware."""
    value = clean_text(value)
    if not value:
        return None
    parsed: datetime | None = None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        parsed = None
    if parsed is None:
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            try:
                parsed = dateutil_parser.parse(value, fuzzy=False)
            except (ValueError, OverflowError, TypeError):
                return None
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def resolve_url(href: str | None, base: str) -> str | None:
    """Absolute http(s) URL of ``href`` against ``base``; ``None`` for anything else."""
    href = clean_text(href)
    if not href:
        return None
    href = "".join(href.split())
    try:
        absolute = urljoin(base, href) if base else href
        parts = urlsplit(absolute)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return absolute
