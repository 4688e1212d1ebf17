"""What kind of page this is: ``article``, ``index``, ``consent_wall``, ``paywall``, ``error``, ``other``.

Signals, strongest first: an error title ("404", "Page not found"); a consent platform
or cookie wording on a page with little text; a paywall flag (JSON-LD
``isAccessibleForFree: false``, paywall classes) with a short body; article metadata or
enough prose; many links per word of text (section fronts, tag pages).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from lxml.html import HtmlElement

from archive.extract.article import PageType
from archive.extract.jsonld import ARTICLE_TYPES
from archive.extract.metadata import PageMetadata

_ERROR_TITLE = re.compile(
    r"\b(?:404|410|500|503)\b|page (?:not found|introuvable)|not found|no encontrada|nicht gefunden|не найдена"
    r"|صفحه (?:پیدا نشد|یافت نشد)|پاڼه ونه موندل شوه|الصفحة غير موجودة|error occurred|access denied",
    re.I,
)
_CONSENT = re.compile(
    r"cookie|consent|privacy (?:settings|choices)|gdpr|before you continue|accept all|tout accepter|alle akzeptieren"
    r"|aceptar todo|принять все",
    re.I,
)
_CONSENT_HOST = re.compile(r"^(?:consent|privacy|cmp)\.|consent\.(?:google|yahoo)", re.I)
_PAYWALL_MARKUP = re.compile(r"paywall|subscriber[-_]only|premium[-_]content|piano[-_]|tp-modal|meteredContent|regwall", re.I)
_INDEX_PATH = re.compile(r"/(?:category|categories|tag|tags|section|topics?|author|page/\d+|archive)(?:/|$)", re.I)
_ARTICLE_CHARS = 600
_SHORT_CHARS = 400
_MIN_ARTICLE_CHARS = 150


def classify_page(
    tree: HtmlElement, page: PageMetadata, body: str, url: str, title: str | None, headlines: set[str] | None = None
) -> PageType:
    """The page type of an extracted page.

    ``headlines`` are the page's headline-sized link texts (``headline_links``), taken
    before boilerplate pruning removed the post lists that make a section front.
    """
    chars = len(body)
    if title and _ERROR_TITLE.search(title) and chars < 2 * _ARTICLE_CHARS:
        return "error"
    declared = bool(page.jsonld_types & ARTICLE_TYPES) or (page.og_type or "").lower() == "article"
    # A dated page with a headline of its own is an article even without og:type (many themes omit it).
    articleish = declared or bool(page.published and page.h1)
    # A cookie banner beside a short article (news briefs, Pashto and Dari pieces are often
    # a few hundred characters) is not a consent wall: a wall hides the text itself.
    short_article = articleish and chars >= _MIN_ARTICLE_CHARS
    if chars < _SHORT_CHARS and not short_article and (
        _CONSENT_HOST.search(urlsplit(url).hostname or "") or _consent_text(tree)
    ):
        return "consent_wall"
    if chars < _ARTICLE_CHARS * 2 and (page.free is False or _PAYWALL_MARKUP.search(_classes(tree))):
        return "paywall" if page.free is False or chars < _ARTICLE_CHARS else "article"
    if _is_index(headline_links(tree) if headlines is None else headlines, body, url, declared, articleish):
        return "index"
    if chars >= _ARTICLE_CHARS or (articleish and chars >= _MIN_ARTICLE_CHARS):
        return "article"
    return "other"


def _consent_text(tree: HtmlElement) -> bool:
    body = tree.find("body")
    text = " ".join((body if body is not None else tree).text_content().split())[:3000]
    return len(_CONSENT.findall(text)) >= 2


def _classes(tree: HtmlElement) -> str:
    return " ".join(element.get("class") or "" for element in tree.iter() if isinstance(element.tag, str))[:200_000]


def _is_index(headlines: set[str], body: str, url: str, declared: bool, articleish: bool) -> bool:
    """A list of links to other pages: a front, section, tag, author or search page.

    Signals: the body is mostly the text of links (trafilatura kept the headline list),
    or the page has many headline-sized links and next to no text of its own.
    """
    chars = len(body)
    if declared and chars >= _ARTICLE_CHARS:
        return False
    if chars and _linked_share(body, headlines) >= 0.5:
        return True
    if articleish and chars >= _MIN_ARTICLE_CHARS:
        return False
    path = urlsplit(url).path
    if path in ("", "/") or _INDEX_PATH.search(path):
        return True
    if len(headlines) >= 6 and chars < _MIN_ARTICLE_CHARS:
        return True
    return len(headlines) >= 20 and len(body.split()) < len(headlines) * 12


def headline_links(tree: HtmlElement) -> set[str]:
    """Keys of the distinct link texts long enough to be headlines."""
    found = set()
    for anchor in tree.iter("a"):
        text = " ".join(anchor.text_content().split())
        if len(text) >= 20 and (len(text.split()) >= 3 or len(text) >= 30):
            found.add(_key(text))
    return found


def _linked_share(body: str, headlines: set[str]) -> float:
    """Share of the body's characters in paragraphs that are just a headline link."""
    lines = [line.lstrip("-•* ").strip() for line in body.split("\n\n")]
    linked = sum(len(line) for line in lines if len(line) >= 20 and _key(line) in headlines)
    return linked / max(len(body), 1)


def _key(text: str) -> str:
    return re.sub(r"\W+", "", text).lower()
