"""Page metadata from JSON-LD, OpenGraph, ``article:*``/``<meta>``, microdata, ``<time>`` and bylines.

Precedence, per field: JSON-LD (when it describes an article) > OpenGraph/``article:*`` >
other ``<meta>`` > microdata > visible markup (``<time>``, bylines, ``<h1>``). trafilatura
and htmldate are asked only for what is still missing (see ``archive.extract.extractor``).
"""

from __future__ import annotations

import html
import re
from copy import deepcopy
from dataclasses import dataclass, field
from typing import cast
from urllib.parse import unquote, urljoin

from lxml import etree
from lxml.html import HtmlElement

from archive.extract.dates import normalize_date
from archive.extract.jsonld import (
    find_article,
    id_index,
    image_urls,
    jsonld_objects,
    names,
    resolve,
    strings,
    types_of,
)

_SPACE = re.compile(r"\s+")
_BY = re.compile(r"^\s*(by|par|por|von|di|door|от|автор|نویسنده|نوشته|لیکوال|بقلم|كتب|ليكنه)\s*[:：]?\s+", re.I)
_AUTHOR_SPLIT = re.compile(r"\s*(?:,|;|\band\b|\bund\b|\bet\b|\by\b|\bи\b| و |&)\s*")
_BYLINE_CLASSES = ("byline", "author-name", "jeg_meta_author", "entry-author", "article-author", "author vcard", "c-byline")
_META_AUTHOR = ("author", "article:author", "dc.creator", "parsely-author", "sailthru.author", "byl", "cxenseparse:author")
_META_PUBLISHED = ("article:published_time", "og:article:published_time", "datepublished", "pubdate", "publish-date",
                   "parsely-pub-date", "sailthru.date", "dc.date", "dc.date.issued", "date", "dcterms.created")
_META_MODIFIED = ("article:modified_time", "og:updated_time", "datemodified", "last-modified", "dcterms.modified")
_META_SECTION = ("article:section", "parsely-section", "section", "category")
_META_TAGS = ("article:tag", "news_keywords", "keywords", "parsely-tags", "sailthru.tags")


@dataclass
class PageMetadata:
    """Metadata candidates gathered from one page (strings not yet restored or cleaned)."""

    canonical_url: str | None = None
    site_name: str | None = None
    title: str | None = None
    h1: str | None = None
    html_title: str | None = None
    brand: str | None = None
    h1s: list[str] = field(default_factory=list)
    section: str | None = None
    authors: list[str] = field(default_factory=list)
    published: str | None = None
    modified: str | None = None
    declared_language: str | None = None
    summary: str | None = None
    tags: list[str] = field(default_factory=list)
    images: list[tuple[str, str | None]] = field(default_factory=list)
    og_type: str | None = None
    jsonld_types: set[str] = field(default_factory=set)
    free: bool | None = None


def read_metadata(tree: HtmlElement, url: str, source: str | None = None) -> PageMetadata:
    """Collect every metadata field we can find in ``tree``.

    ``source`` is the HTML ``tree`` was parsed from: a markup rule whose class, attribute or
    tag name does not occur in it is skipped without walking the tree (each walk of a large
    page costs about as much as a substring search of the whole source, done many times).
    """
    meta = _meta_tags(tree)
    page = PageMetadata()
    _from_jsonld(page, tree, url)
    _from_meta(page, meta, tree, url)
    _from_markup(page, tree, _Source(source))
    page.images = [(urljoin(url, src), caption) for src, caption in page.images if not src.startswith("data:")]
    return page


def text_of(element: HtmlElement) -> str:
    """Whitespace-collapsed text content."""
    return _SPACE.sub(" ", element.text_content()).strip()


def split_authors(text: str) -> list[str]:
    """``"By Ann Lee and Bo Chen"`` -> ``["Ann Lee", "Bo Chen"]``."""
    text = _BY.sub("", _SPACE.sub(" ", text)).strip(" |·—-")
    parts = [p.strip(" .|·—-") for p in _AUTHOR_SPLIT.split(text)]
    return [p for p in parts if p and len(p) <= 80 and not p.startswith("http")]


def _meta_tags(tree: HtmlElement) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for element in tree.iter("meta"):
        key = element.get("property") or element.get("name") or element.get("itemprop") or element.get("http-equiv")
        value = element.get("content")
        if key and value and value.strip():
            found.setdefault(key.strip().lower(), []).append(value.strip())
    return found


def _first(meta: dict[str, list[str]], keys: tuple[str, ...]) -> str | None:
    for key in keys:
        if meta.get(key):
            return meta[key][0]
    return None


def _from_jsonld(page: PageMetadata, tree: HtmlElement, url: str) -> None:
    objects = jsonld_objects(tree)
    if not objects:
        return
    index = id_index(objects)
    page.jsonld_types = {t for obj in objects for t in types_of(obj)}
    site = next((o for o in objects if types_of(o) & {"WebSite"}), None)
    if site and strings(site.get("name")):
        page.site_name = strings(site.get("name"))[0]
    article = find_article(objects)
    if article is None:
        return
    headline = strings(article.get("headline")) or strings(article.get("name"))
    page.title = headline[0] if headline else None
    page.authors = names(article.get("author") or article.get("creator"), index)
    page.published = normalize_date(article.get("datePublished") or article.get("dateCreated"))
    page.modified = normalize_date(article.get("dateModified"))
    section = strings(article.get("articleSection"))
    page.section = section[0] if section else None
    keywords = strings(article.get("keywords"))
    page.tags = [k.strip() for item in keywords for k in item.split(",") if k.strip()]
    description = strings(article.get("description"))
    page.summary = description[0] if description else None
    page.images = image_urls(article.get("image") or article.get("thumbnailUrl"), index)
    publisher = names(article.get("publisher"), index)
    page.site_name = page.site_name or (publisher[0] if publisher else None)
    language = strings(article.get("inLanguage"))
    page.declared_language = language[0] if language else None
    entity = resolve(article.get("mainEntityOfPage"), index)
    entity_url = entity.get("@id") if isinstance(entity, dict) else entity
    if isinstance(entity_url, str) and entity_url.startswith("http"):
        page.canonical_url = entity_url
    free = article.get("isAccessibleForFree")
    if free is not None:
        page.free = str(free).strip().lower() not in ("false", "0", "no")


def _from_meta(page: PageMetadata, meta: dict[str, list[str]], tree: HtmlElement, url: str) -> None:
    canonical = next((link.get("href") for link in tree.iter("link") if (link.get("rel") or "").lower() == "canonical" and link.get("href")), None)
    page.canonical_url = urljoin(url, canonical.strip()) if canonical else page.canonical_url or _first(meta, ("og:url",))
    page.site_name = page.site_name or _first(meta, ("og:site_name", "application-name", "twitter:site"))
    page.title = page.title or _first(meta, ("og:title", "twitter:title", "dc.title", "parsely-title", "headline"))
    page.summary = page.summary or _first(meta, ("og:description", "description", "twitter:description", "dc.description"))
    page.section = page.section or _first(meta, _META_SECTION)
    page.og_type = _first(meta, ("og:type",))
    if not page.authors:
        value = _first(meta, _META_AUTHOR)
        page.authors = split_authors(value) if value and not value.startswith("http") else []
    page.published = page.published or next(filter(None, (normalize_date(_first(meta, (k,))) for k in _META_PUBLISHED)), None)
    page.modified = page.modified or next(filter(None, (normalize_date(_first(meta, (k,))) for k in _META_MODIFIED)), None)
    if not page.tags:
        for key in _META_TAGS:
            values = meta.get(key, [])
            page.tags = [t.strip() for v in values for t in (v.split(",") if key != "article:tag" else [v]) if t.strip()]
            if page.tags:
                break
    if not page.images:
        page.images = [(src, cast(str | None, None)) for src in meta.get("og:image", []) + meta.get("twitter:image", [])][:1]
    root_lang = tree.get("lang") or tree.get("xml:lang")
    page.declared_language = root_lang or page.declared_language or _first(meta, ("og:locale", "content-language", "language", "dc.language"))
    if page.free is None and _first(meta, ("article:content_tier",)) in ("locked", "metered"):
        page.free = False


class _Source:
    """Cheap necessary conditions on the page source, checked before a walk of the tree."""

    def __init__(self, text: str | None) -> None:
        self._text = text

    def has(self, *words: str) -> bool:
        """Whether any of ``words`` occurs in the source (always true without a source)."""
        return self._text is None or any(word in self._text for word in words)

    def has_tag(self, name: str) -> bool:
        """Whether ``<name`` occurs in the source, in any case."""
        return self._text is None or re.search(f"<{name}\\b", self._text, re.I) is not None


def _from_markup(page: PageMetadata, tree: HtmlElement, source: _Source) -> None:
    for element in tree.iter("title"):
        page.html_title = text_of(element) or None
        break
    page.brand = _brand(tree) if source.has("site-title", "site-name") else None
    page.h1s = [t for t in (text_of(e) for e in tree.iter("h1") if not _in_branding(e)) if t]
    page.h1 = headline_h1(page)
    if page.title and _key(page.title) in _site_keys(page):
        page.title = None  # an og:title that is only the site name says nothing about this page
    itemprop = source.has("itemprop")
    page.title = page.title or (itemprop and _itemprop(tree, "headline")) or page.h1 or page.html_title
    if not page.published:
        page.published = (itemprop and normalize_date(_itemprop(tree, "datePublished"))) or (
            _time_element(tree) if source.has_tag("time") else None
        )
    page.modified = page.modified or (itemprop and normalize_date(_itemprop(tree, "dateModified"))) or None
    if not page.section:
        page.section = (itemprop and _itemprop(tree, "articleSection")) or (
            _wordpress_category(tree) if source.has("category") else None
        )
    if not page.authors:
        page.authors = (_microdata_authors(tree) if itemprop else []) or (
            _byline(tree) if source.has("author", "byline") else []
        )


_BRANDING = re.compile(r"(?:^|[-_ ])(?:site[-_]?(?:title|name|logo|branding)|logo|brand(?:ing)?|masthead)(?:$|[-_ ])", re.I)
_CATEGORY_CLASS = re.compile(r"(?:^|\s)category-([^\s]+)")


def headline_h1(page: PageMetadata) -> str | None:
    """The ``<h1>`` that is the headline: the one ``<title>`` (minus its site part) agrees with.

    Themes such as JNews put the site name in an ``<h1 class="site-title">`` before the
    headline, so the first ``<h1>`` is not necessarily the headline.
    """
    site = _site_keys(page)
    candidates = [h for h in page.h1s if _key(h) not in site]
    title_parts = {_key(p) for p in _TITLE_SEPARATORS.split(page.html_title or "")} | {_key(page.html_title)}
    for h1 in candidates:
        if _key(h1) in title_parts or (len(_key(h1)) >= 12 and _key(h1) in _key(page.html_title)):
            return h1
    return candidates[0] if candidates else None


def _site_keys(page: PageMetadata) -> set[str]:
    return {_key(page.site_name), _key(page.brand)} - {""}


def _in_branding(element: HtmlElement) -> bool:
    """True for an element in a logo / site-title block (its text is the site name, not a headline)."""
    for ancestor in element.iterancestors():
        if ancestor.tag in ("article", "main", "body"):
            return False
        if _BRANDING.search(f"{ancestor.get('class') or ''} {ancestor.get('id') or ''}"):
            return True
    return bool(_BRANDING.search(f"{element.get('class') or ''} {element.get('id') or ''}"))


def _brand(tree: HtmlElement) -> str | None:
    """The site name as the page header prints it (``.site-title``, ``.site-name``)."""
    for element in tree.xpath('//*[contains(@class, "site-title") or contains(@class, "site-name")]'):
        text = text_of(element)
        if 0 < len(text) <= 80:
            return text
    return None


def _wordpress_category(tree: HtmlElement) -> str | None:
    """WordPress's category: ``rel="category tag"`` links, else the ``category-slug`` class of the post."""
    for element in tree.xpath('//a[contains(concat(" ", normalize-space(@rel), " "), " category ")]'):
        text = text_of(element)
        if 0 < len(text) <= 80:
            return text
    posts = '//*[self::article or contains(concat(" ", normalize-space(@class), " "), " hentry ")][contains(@class, "category-")]'
    for element in tree.xpath(posts)[:1]:
        match = _CATEGORY_CLASS.search(element.get("class") or "")
        if match:
            slug = unquote(match.group(1))
            return slug.replace("-", " ").strip().capitalize() if slug.isascii() else slug.replace("-", " ")
    return None


def _itemprop(tree: HtmlElement, name: str) -> str | None:
    for element in tree.xpath(f'//*[@itemprop="{name}"]'):
        value = element.get("content") or element.get("datetime") or text_of(element)
        if value:
            return value
    return None


def _microdata_authors(tree: HtmlElement) -> list[str]:
    found: list[str] = []
    for element in tree.xpath('//*[@itemprop="author"]'):
        named = element.xpath('.//*[@itemprop="name"]')
        value = (named[0].get("content") or text_of(named[0])) if named else (element.get("content") or text_of(element))
        found.extend(split_authors(value or ""))
    return list(dict.fromkeys(found))


def _byline(tree: HtmlElement) -> list[str]:
    for element in tree.xpath('//a[@rel="author"]'):
        if text_of(element):
            return split_authors(text_of(element))
    # One walk for every byline class (each holds "author" or "byline"), then the classes in order.
    found = [(f" {' '.join(e.get('class', '').split())} ", e) for e in _BYLINE_CANDIDATES(tree)]
    for cls in _BYLINE_CLASSES:
        for classes, element in found:
            if f" {cls} " in classes:
                text = _visible_text(element)
                if text and len(text) < 120:
                    return split_authors(text)
    return []


_BYLINE_CANDIDATES = etree.XPath('//*[contains(@class, "author") or contains(@class, "byline")]')


def _visible_text(element: HtmlElement) -> str:
    """Text without screen-reader-only labels ("Author", "Posted by") that themes hide visually."""
    hidden = element.xpath('.//*[contains(@class, "screen-reader-text") or contains(@class, "sr-only")]')
    if not hidden:
        return text_of(element)
    copy = deepcopy(element)
    for label in copy.xpath('.//*[contains(@class, "screen-reader-text") or contains(@class, "sr-only")]'):
        label.drop_tree()
    return text_of(copy)


def _time_element(tree: HtmlElement) -> str | None:
    candidates = tree.xpath('//time[@pubdate] | //time[contains(@class, "publish")] | //time[contains(@class, "entry-date")]')
    for element in candidates + tree.xpath("//article//time[@datetime]") + tree.xpath("//time[@datetime]")[:1]:
        value = normalize_date(element.get("datetime") or text_of(element))
        if value:
            return value
    return None


_TITLE_SEPARATORS = re.compile(r"\s+(?:[|–—:»«·•]|-|::|/)\s+")


def clean_title(title: str | None, site_name: str | None, h1: str | None, host: str) -> str | None:
    """Drop a trailing (or leading) `` – Site name`` part from ``title``."""
    if not title:
        return None
    title = _SPACE.sub(" ", html.unescape(title)).strip()  # "&bull;" escaped twice in og:title
    parts = _TITLE_SEPARATORS.split(title)
    if len(parts) < 2:
        return title
    site_keys = {_key(site_name), _key(host.removeprefix("www.").split(".")[0]), _key(host.removeprefix("www."))} - {""}
    if _key(parts[-1]) in site_keys or (h1 and _key(_TITLE_SEPARATORS.split(title)[0]) == _key(h1) and len(parts) == 2):
        return title[: title.rfind(parts[-1])].rstrip(" |–—:»«·•-/")
    if _key(parts[0]) in site_keys:
        return title[len(parts[0]) :].lstrip(" |–—:»«·•-/")
    return title


def _key(text: str | None) -> str:
    return re.sub(r"[\W_]+", "", text or "").lower()
