"""XML sitemaps, sitemap indexes, Google News sitemaps, and ``Sitemap:`` lines of robots.txt.

``parse_sitemap`` accepts what the sitemaps protocol allows: a ``<urlset>``, a
``<sitemapindex>``, a plain-text list of URLs, or an RSS/Atom feed; gzip bodies (by magic
bytes, whatever the URL says) are inflated up to a cap, since a ``.xml.gz`` may or may not
have been decompressed already by the HTTP layer. Google News fields
(``news:publication_date``, ``news:title``, ``news:language``, ``news:name``) are read so
the crawler can prioritise fresh articles and pre-fill their metadata.

Hand-written on purpose rather than a generic sitemap library (or Scrapy's
``SitemapSpider``): those drop the Google News fields and do not cap size or
decompression; here every body goes through ``_xml``'s hostile-input policy.
robots.txt itself is parsed by Protego (``robots_sitemaps`` takes that parse).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urljoin

from lxml import etree
from protego import Protego

from archive.discovery import _xml
from archive.discovery.errors import FeedFormatError, SitemapFormatError
from archive.discovery.feeds import parse_feed
from archive.warc.decode import gunzip_capped

__all__ = [
    "DEFAULT_MAX_SITEMAP_BYTES",
    "Sitemap",
    "SitemapChild",
    "SitemapUrl",
    "parse_sitemap",
    "robots_sitemaps",
    "sitemaps_from_robots",
]

# The protocol caps a sitemap at 50 MB uncompressed; a little slack for sloppy generators.
DEFAULT_MAX_SITEMAP_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class SitemapChild:
    """A ``<sitemap>`` entry of a sitemap index."""

    url: str
    lastmod: datetime | None = None


@dataclass(frozen=True, slots=True)
class SitemapUrl:
    """A ``<url>`` entry, with the Google News extension's fields when present."""

    url: str
    lastmod: datetime | None = None
    news_publication_date: datetime | None = None
    news_title: str | None = None
    news_language: str | None = None
    news_publication_name: str | None = None

    @property
    def freshness(self) -> datetime | None:
        """Best known date for prioritising: news publication date, else lastmod."""
        return self.news_publication_date or self.lastmod


@dataclass(slots=True)
class Sitemap:
    """What one sitemap body lists: child sitemaps (an index) and/or page URLs."""

    children: list[SitemapChild] = field(default_factory=list)
    urls: list[SitemapUrl] = field(default_factory=list)

    @property
    def is_index(self) -> bool:
        return bool(self.children)


def parse_sitemap(
    body: bytes, base_url: str, *, max_bytes: int = DEFAULT_MAX_SITEMAP_BYTES
) -> Sitemap:
    """Entries of the sitemap (or sitemap index) in ``body``, fetched from ``base_url``.

    ``max_bytes`` caps both the body and its inflated size (``BodyTooLargeError``,
    ``DecompressionLimitError``). A body that is none of the accepted forms raises
    ``SitemapFormatError``; URLs that are not http(s) are skipped.
    """
    _xml.check_size(body, max_bytes, base_url)
    if _xml.is_gzip(body):
        body = gunzip_capped(body, max_bytes, base_url)
    stripped = body.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not stripped:
        raise SitemapFormatError(f"{base_url}: sitemap body is empty")
    if not stripped.startswith(b"<"):
        return _text_sitemap(stripped, base_url)
    root = _xml.parse_xml(stripped)
    if root is None:
        raise SitemapFormatError(f"{base_url}: sitemap body is not XML")
    kind = _xml.local_name(root)
    if kind == "sitemapindex":
        return Sitemap(children=list(_children(root, base_url)))
    if kind == "urlset":
        return Sitemap(urls=list(_urls(root, base_url)))
    try:
        entries = parse_feed(stripped, base_url, max_bytes=max_bytes)
    except FeedFormatError as exc:
        raise SitemapFormatError(
            f"{base_url}: XML root <{kind or '?'}> is not <urlset>, <sitemapindex> or a feed"
        ) from exc
    return Sitemap(urls=[SitemapUrl(e.url, e.updated or e.published) for e in entries])


def _text_sitemap(body: bytes, base_url: str) -> Sitemap:
    text = body.decode("utf-8", errors="replace")
    if text.lstrip().startswith(("{", "[")):
        raise SitemapFormatError(f"{base_url}: body is JSON, not a sitemap")
    urls = []
    for line in text.splitlines():
        line = line.strip()
        if line.lower().startswith("http") and (url := _xml.resolve_url(line, "")):
            urls.append(SitemapUrl(url))
    if not urls:
        raise SitemapFormatError(f"{base_url}: text body lists no http(s) URL, so not a sitemap")
    return Sitemap(urls=_dedupe(urls))


def _dedupe(urls: list[SitemapUrl]) -> list[SitemapUrl]:
    firsts: dict[str, SitemapUrl] = {}
    for u in urls:
        firsts.setdefault(u.url, u)
    return list(firsts.values())


def _loc(el: etree._Element, base_url: str) -> str | None:
    return _xml.resolve_url(_xml.text_of(_xml.child(el, "loc")), base_url)


def _lastmod(el: etree._Element) -> datetime | None:
    return _xml.parse_date(_xml.text_of(_xml.child(el, "lastmod")))


def _children(root: etree._Element, base_url: str) -> list[SitemapChild]:
    out: dict[str, SitemapChild] = {}
    for entry in _xml.children(root, "sitemap"):
        if (url := _loc(entry, base_url)) and url not in out:
            out[url] = SitemapChild(url, _lastmod(entry))
    return list(out.values())


def _urls(root: etree._Element, base_url: str) -> list[SitemapUrl]:
    out: dict[str, SitemapUrl] = {}
    for entry in _xml.children(root, "url"):
        url = _loc(entry, base_url)
        if not url or url in out:
            continue
        news = _xml.child(entry, "news")
        if news is None:
            out[url] = SitemapUrl(url, _lastmod(entry))
            continue
        publication = _xml.child(news, "publication")
        pub = publication if publication is not None else news
        out[url] = SitemapUrl(
            url,
            _lastmod(entry),
            news_publication_date=_xml.parse_date(
                _xml.text_of(_xml.child(news, "publication_date"))
            ),
            news_title=_xml.text_of(_xml.child(news, "title"), strip_tags=True),
            news_language=_xml.text_of(_xml.child(pub, "language")),
            news_publication_name=_xml.text_of(_xml.child(pub, "name")),
        )
    return list(out.values())


def sitemaps_from_robots(robots_txt: str, base_url: str) -> list[str]:
    """Absolute URLs of the ``Sitemap:`` lines in ``robots_txt``, in order, once each."""
    return robots_sitemaps(Protego.parse(robots_txt), base_url)


def robots_sitemaps(robots: Protego, base_url: str) -> list[str]:
    """Absolute URLs of the ``Sitemap:`` lines of a parsed robots.txt, in order, once each.

    Protego reads the directive case-insensitively and outside user-agent groups; relative
    values (not allowed by the spec, but seen) are resolved against ``base_url``, and
    anything but http(s) is dropped.
    """
    found: dict[str, None] = {}
    for value in robots.sitemaps:
        if url := _xml.resolve_url(value.strip(), urljoin(base_url, "/")):
            found.setdefault(url, None)
    return list(found)
