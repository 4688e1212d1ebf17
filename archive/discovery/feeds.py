"""RSS 2.0 / 0.9x / 1.0, Atom 1.0 and JSON Feed 1.x parsing into ``FeedEntry`` rows.

The format is detected from the body, never from the Content-Type (servers lie):
``{`` starts a JSON Feed; otherwise the XML root decides (``rss``, ``rdf:RDF``, ``feed``).
Broken XML is recovered as far as libxml2 can; a body that is no feed at all raises
``FeedFormatError``. Entry URLs are resolved (``xml:base``, then ``base_url``) but not
canonicalised: call ``archive.discovery.canonical.canonicalize`` for seen-URL keys.
Entries without an http(s) URL are dropped, and a URL is listed once (first wins).

Hand-written on purpose rather than feedparser: we keep the news metadata the crawler
schedules by (published/updated, title, language) in our own types, and every body
goes through ``_xml``'s hostile-input policy (size cap, capped gunzip, no entities or
network access) before lxml sees it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from lxml import etree

from archive.discovery import _xml
from archive.discovery.errors import FeedFormatError
from archive.warc.decode import gunzip_capped

__all__ = ["DEFAULT_MAX_FEED_BYTES", "FeedEntry", "parse_feed"]

DEFAULT_MAX_FEED_BYTES = 10 * 1024 * 1024
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"
_EMAIL_NAME_RE = re.compile(r"^\s*\S+@\S+\s*\((?P<name>[^)]+)\)\s*$")


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One item of a feed. Datetimes are timezone-aware (a feed's naive date is UTC)."""

    url: str
    title: str | None = None
    published: datetime | None = None
    updated: datetime | None = None
    language: str | None = None
    authors: tuple[str, ...] = ()
    guid: str | None = None


def parse_feed(
    body: bytes, base_url: str, *, max_bytes: int = DEFAULT_MAX_FEED_BYTES
) -> list[FeedEntry]:
    """Entries of the RSS, Atom or JSON feed in ``body``, in document order.

    Raises ``FeedFormatError`` when ``body`` is not a feed, ``BodyTooLargeError`` past
    ``max_bytes``, ``DecompressionLimitError`` for a gzip body inflating past it.
    """
    _xml.check_size(body, max_bytes, base_url)
    if _xml.is_gzip(body):
        body = gunzip_capped(body, max_bytes, base_url)
    head = body.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if head in (b"{", b"["):
        return _dedupe(_json_entries(body, base_url))
    root = _xml.parse_xml(body)
    if root is None:
        raise FeedFormatError(f"{base_url}: body is neither XML nor JSON, so not a feed")
    kind = _xml.local_name(root)
    if kind == "feed":
        return _dedupe(_atom_entries(root, base_url))
    if kind in ("rss", "rdf", "channel") or root.find(".//{*}item") is not None:
        return _dedupe(_rss_entries(root, base_url))
    raise FeedFormatError(
        f"{base_url}: XML root <{kind or '?'}> is not RSS (<rss>, <rdf:RDF>) or Atom (<feed>)"
    )


def _dedupe(entries: Iterable[FeedEntry]) -> list[FeedEntry]:
    seen: set[str] = set()
    out = []
    for entry in entries:
        if entry.url not in seen:
            seen.add(entry.url)
            out.append(entry)
    return out


def _unique(names: Iterable[str | None]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(n for n in names if n))


# --- RSS ------------------------------------------------------------------


def _rss_entries(root: etree._Element, base_url: str) -> Iterator[FeedEntry]:
    channel = root if _xml.local_name(root) == "channel" else _xml.child(root, "channel")
    feed_lang = _language(channel) if channel is not None else None
    feed_lang = feed_lang or _xml.clean_text(root.get(_XML_LANG))
    for item in root.iter("{*}item", "item"):
        url = _rss_url(item, base_url)
        if url is None:
            continue
        yield FeedEntry(
            url=url,
            title=_xml.text_of(_xml.child(item, "title"), strip_tags=True),
            published=_first_date(item, ("pubdate", "date", "issued", "published", "created")),
            updated=_first_date(item, ("updated", "modified")),
            language=_language(item) or feed_lang,
            authors=_rss_authors(item),
            guid=_xml.text_of(_xml.child(item, "guid")) or item.get(_RDF_ABOUT),
        )


_RDF_ABOUT = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about"


def _rss_url(item: etree._Element, base_url: str) -> str | None:
    orig = _xml.child(item, "origlink")  # feedburner:origLink: the publisher's own URL
    if orig is not None and (url := _xml.resolve_url(_xml.text_of(orig), base_url)):
        return url
    for link in _xml.children(item, "link"):
        href = _xml.text_of(link) or (
            link.get("href") if link.get("rel", "alternate") == "alternate" else None
        )
        if url := _xml.resolve_url(href, base_url):
            return url
    guid = _xml.child(item, "guid")
    if guid is not None and guid.get("isPermaLink", "true").strip().lower() != "false":
        if url := _xml.resolve_url(_xml.text_of(guid), base_url):
            return url
    return _xml.resolve_url(item.get(_RDF_ABOUT), base_url)


def _rss_authors(item: etree._Element) -> tuple[str, ...]:
    names: list[str | None] = []
    for el in item:
        name = _xml.local_name(el)
        if name in ("creator", "author"):
            nested = _xml.child(el, "name")
            text = _xml.text_of(nested if nested is not None else el)
            if text and (match := _EMAIL_NAME_RE.match(text)):
                text = match.group("name").strip()
            names.append(text)
    return _unique(names)


def _language(el: etree._Element) -> str | None:
    lang = _xml.child(el, "language")
    return _xml.text_of(lang) or _xml.clean_text(el.get(_XML_LANG))


def _first_date(el: etree._Element, names: tuple[str, ...]) -> datetime | None:
    for name in names:
        for candidate in _xml.children(el, name):
            if parsed := _xml.parse_date(_xml.text_of(candidate)):
                return parsed
    return None


# --- Atom -----------------------------------------------------------------


def _atom_entries(root: etree._Element, base_url: str) -> Iterator[FeedEntry]:
    feed_base = _xml.resolve_url(root.get(_XML_BASE), base_url) or base_url
    feed_authors = _atom_authors(root)
    for entry in _xml.children(root, "entry"):
        base = _xml.resolve_url(entry.get(_XML_BASE), feed_base) or feed_base
        url = _atom_url(entry, base)
        if url is None:
            continue
        yield FeedEntry(
            url=url,
            title=_atom_text(_xml.child(entry, "title")),
            published=_first_date(entry, ("published", "issued", "created")),
            updated=_first_date(entry, ("updated", "modified")),
            language=_inherited_lang(entry),
            authors=_atom_authors(entry) or feed_authors,
            guid=_xml.text_of(_xml.child(entry, "id")),
        )


def _atom_url(entry: etree._Element, base: str) -> str | None:
    links = _xml.children(entry, "link")
    ranked = sorted(links, key=lambda link: 0 if link.get("rel", "alternate") == "alternate" else 1)
    for link in ranked:
        if link.get("rel", "alternate") not in ("alternate", "self"):
            continue
        link_base = _xml.resolve_url(link.get(_XML_BASE), base) or base
        if url := _xml.resolve_url(link.get("href") or _xml.text_of(link), link_base):
            return url
    return _xml.resolve_url(_xml.text_of(_xml.child(entry, "id")), "")


def _atom_text(el: etree._Element | None) -> str | None:
    if el is None:
        return None
    kind = (el.get("type") or "text").lower()
    return _xml.text_of(el, strip_tags=kind in ("html", "xhtml") or "html" in kind)


def _atom_authors(el: etree._Element) -> tuple[str, ...]:
    return _unique(
        _xml.text_of(_xml.child(a, "name")) or _xml.text_of(a)
        for a in _xml.children(el, "author")
    )


def _inherited_lang(el: etree._Element | None) -> str | None:
    while el is not None:
        if lang := _xml.clean_text(el.get(_XML_LANG)):
            return lang
        el = el.getparent()
    return None


# --- JSON Feed ------------------------------------------------------------


def _json_entries(body: bytes, base_url: str) -> Iterator[FeedEntry]:
    try:
        doc = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise FeedFormatError(
            f"{base_url}: body looks like JSON but does not parse ({exc})"
        ) from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("items"), list):
        raise FeedFormatError(f"{base_url}: JSON body has no \"items\" list, so not a JSON Feed")
    feed_lang = _str(doc.get("language"))
    feed_authors = _json_authors(doc)
    for item in doc["items"]:
        if not isinstance(item, dict):
            continue
        url = (
            _xml.resolve_url(_str(item.get("url")), base_url)
            or _xml.resolve_url(_str(item.get("id")), "")  # an id is a URL only if absolute
            or _xml.resolve_url(_str(item.get("external_url")), base_url)
        )
        if url is None:
            continue
        yield FeedEntry(
            url=url,
            title=_xml.clean_text(_str(item.get("title")), strip_tags=True),
            published=_xml.parse_date(_str(item.get("date_published"))),
            updated=_xml.parse_date(_str(item.get("date_modified"))),
            language=_str(item.get("language")) or feed_lang,
            authors=_json_authors(item) or feed_authors,
            guid=_str(item.get("id")),
        )


def _str(value: Any) -> str | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    return _xml.clean_text(value) if isinstance(value, str) else None


def _json_authors(obj: dict[str, Any]) -> tuple[str, ...]:
    raw = obj.get("authors")
    people = raw if isinstance(raw, list) else [obj.get("author")]
    return _unique(_str(p.get("name")) for p in people if isinstance(p, dict))
