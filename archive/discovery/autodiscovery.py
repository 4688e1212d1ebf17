"""Finding a site's feeds, sitemaps and section pagination from its HTML.

``find_feed_links`` reads ``<link rel="alternate" type="application/rss+xml|atom+xml|
feed+json">`` (honouring ``<base href>``); ``candidate_feed_urls`` and
``candidate_sitemap_urls`` list the usual places to probe when a page declares nothing;
``find_pagination_links`` finds the next pages of a front or section page (``rel=next``,
``class="next"``, ``/page/N/``, ``?page=N``). Nothing here fetches anything.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from lxml import etree, html

from archive.discovery._xml import resolve_url

__all__ = [
    "COMMON_FEED_PATHS",
    "COMMON_SITEMAP_PATHS",
    "FEED_TYPES",
    "FeedLink",
    "candidate_feed_urls",
    "candidate_sitemap_urls",
    "find_feed_links",
    "find_pagination_links",
]

FEED_TYPES: frozenset[str] = frozenset({
    "application/rss+xml", "application/atom+xml", "application/feed+json",
    "application/rdf+xml", "application/json+feed", "application/x.atom+xml",
})  # fmt: skip
COMMON_FEED_PATHS: tuple[str, ...] = (
    "/feed/", "/rss/", "/rss.xml", "/feed.xml", "/atom.xml", "/feed/atom/", "/index.xml",
    "/feed.json", "/rss", "/feed", "/?feed=rss2",
)  # fmt: skip
COMMON_SITEMAP_PATHS: tuple[str, ...] = (
    "/sitemap.xml", "/sitemap_index.xml", "/sitemap-index.xml", "/news-sitemap.xml",
    "/sitemap-news.xml", "/sitemap_news.xml", "/wp-sitemap.xml", "/sitemap.xml.gz",
)  # fmt: skip
# Not "p": on WordPress ?p=123 is a post ID, not a page number.
PAGE_PARAMS: frozenset[str] = frozenset({"page", "paged", "pg", "pagina", "seite"})

_ASCII_NUMBER_RE = re.compile(r"[0-9]{1,9}")  # not str.isdigit(): it accepts "²", which int() refuses
_PAGE_PATH_RE = re.compile(r"^(?P<base>.*?/)(?:page|pagina|seite)/(?P<n>[0-9]{1,6})/?$", re.I)
_NEXT_WORDS = frozenset({"next", "next-page", "nextpostslink", "pagination-next", "older"})
_MAX_HTML_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class FeedLink:
    """A feed a page declares. ``is_comments`` flags WordPress-style comment feeds."""

    url: str
    type: str
    title: str | None = None

    @property
    def is_comments(self) -> bool:
        title = (self.title or "").lower()
        return "/comments/" in self.url or "comments" in title or "comment feed" in title


def _parse_html(body: bytes, url: str) -> tuple[etree._Element | None, str]:
    """The document root (``None`` if no HTML) and the base URL links resolve against."""
    if not body.strip():
        return None, url
    try:
        root = html.fromstring(body[:_MAX_HTML_BYTES])
    except (etree.ParserError, ValueError):
        return None, url
    for base in root.iter("base"):
        if href := resolve_url(base.get("href"), url):
            return root, href
        break
    return root, url


def _tokens(value: str | None) -> set[str]:
    return {t.lower() for t in (value or "").split()}


def find_feed_links(body: bytes, url: str) -> list[FeedLink]:
    """Feeds declared by the HTML page at ``url``, in document order, once each."""
    root, base = _parse_html(body, url)
    if root is None:
        return []
    found: dict[str, FeedLink] = {}
    for link in root.iter("link", "a"):
        kind = (link.get("type") or "").split(";")[0].strip().lower()
        rels = _tokens(link.get("rel"))
        if kind not in FEED_TYPES or not ({"alternate", "feed"} & rels):
            continue
        if (href := resolve_url(link.get("href"), base)) and href not in found:
            title = " ".join((link.get("title") or "").split()) or None
            found[href] = FeedLink(href, kind, title)
    return list(found.values())


def _site_root(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/", "", ""))


def candidate_feed_urls(site_url: str) -> list[str]:
    """``COMMON_FEED_PATHS`` on the site of ``site_url``, to probe when none is declared."""
    root = _site_root(site_url)
    return [urljoin(root, path) for path in COMMON_FEED_PATHS]


def candidate_sitemap_urls(site_url: str) -> list[str]:
    """``COMMON_SITEMAP_PATHS`` on the site of ``site_url`` (after robots.txt's ``Sitemap:``)."""
    root = _site_root(site_url)
    return [urljoin(root, path) for path in COMMON_SITEMAP_PATHS]


def _page_key(url: str) -> tuple[str, int]:
    """(section key, page number) of ``url``: page 1 when no page marker is present."""
    parts = urlsplit(url)
    path, number = parts.path or "/", 1
    if match := _PAGE_PATH_RE.match(path):
        path, number = match.group("base"), int(match.group("n"))
    query = []
    for name, value in parse_qsl(parts.query, keep_blank_values=True):
        if name.lower() in PAGE_PARAMS and _ASCII_NUMBER_RE.fullmatch(value):
            number = int(value)
        else:
            query.append((name, value))
    section = urlunsplit((parts.scheme, parts.netloc.lower(), path, urlencode(sorted(query)), ""))
    return section, number


def find_pagination_links(body: bytes, url: str, *, max_page: int = 10_000) -> list[str]:
    """Further pages of the section page at ``url``: explicit "next" links first, then
    numbered pages of the same section (``/page/N/``, ``?page=N``) after the current one,
    in page order. Links to other sections, hosts or pages past ``max_page`` are left out.
    """
    root, base = _parse_html(body, url)
    if root is None:
        return []
    section, current = _page_key(url)
    explicit: list[str] = []
    numbered: dict[str, int] = {}
    for link in root.iter("a", "link"):
        href = resolve_url(link.get("href"), base)
        if href is None or urlsplit(href).netloc.lower() != urlsplit(url).netloc.lower():
            continue
        href = href.split("#", 1)[0]
        link_section, number = _page_key(href)
        is_next = "next" in _tokens(link.get("rel")) or bool(
            _NEXT_WORDS & _tokens(link.get("class"))
        )
        if is_next and number <= max_page and href != url:
            explicit.append(href)
        elif link_section == section and current < number <= max_page:
            numbered.setdefault(href, number)
    ordered = explicit + sorted(numbered, key=lambda h: numbered[h])
    return list(dict.fromkeys(ordered))
