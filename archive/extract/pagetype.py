"""What kind of page this is: ``article``, ``index``, ``consent_wall``, ``paywall``, ``error``, ``other``.

Signals, strongest first: an error title ("404", "Page not found"); a consent platform
or cookie wording on a page with little text; a paywall flag (JSON-LD
``isAccessibleForFree: false``, paywall classes) with a short body; article metadata or
enough prose; many links per word of text (section fronts, tag pages).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from lxml import etree
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


# Links whose text may be headline-sized, found in C: XPath's normalize-space collapses only ASCII
# whitespace, so its length is never under that of Python's " ".join(text.split()); nav links stay out.
_LONG_LINKS = etree.XPath("//a[string-length(normalize-space(.)) >= 20]")


@dataclass(frozen=True)
class ListSignals:
    """What the page links to, measured before boilerplate pruning removed the post lists."""

    headlines: frozenset[str] = frozenset()  # keys of headline-sized link texts
    linked_headings: int = 0  # h2-h4 that are (almost) all link: teaser headlines
    own_headlines: frozenset[str] = frozenset()  # the same, for links to this site's own pages


def list_signals(tree: HtmlElement, restore: Callable[[str], str] = str, url: str = "") -> ListSignals:
    """Measure ``tree`` (call before pruning; ``restore`` undoes the joiner protection of ``script``)."""
    headlines = set()
    own = set()
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    for anchor in _LONG_LINKS(tree):
        text = restore(" ".join(anchor.text_content().split()))
        if len(text) >= 20 and (len(text.split()) >= 3 or len(text) >= 30):
            headlines.add(_key(text))
            if host and _same_site(anchor.get("href") or "", host):
                own.add(_key(text))
    linked = 0
    for heading in tree.iter("h2", "h3", "h4"):
        size = len("".join(heading.text_content().split()))
        link = sum(len("".join(a.text_content().split())) for a in heading.iter("a"))
        linked += size >= 15 and link >= 0.8 * size
    return ListSignals(frozenset(headlines), linked, frozenset(own))


def _same_site(href: str, host: str) -> bool:
    """Whether ``href`` (relative, or absolute on ``host`` or a subdomain of the same site) stays on the site."""
    try:
        target = (urlsplit(href.strip()).hostname or host).removeprefix("www.")
    except ValueError:  # "http://[broken" and other unparseable hosts
        return False
    return target == host or target.endswith("." + host) or host.endswith("." + target)


def classify_page(
    tree: HtmlElement,
    page: PageMetadata,
    body: str,
    url: str,
    title: str | None,
    signals: ListSignals | None = None,
    captioned_images: int = 0,
) -> PageType:
    """The page type of an extracted page (``signals`` from ``list_signals`` before pruning)."""
    signals = list_signals(tree) if signals is None else signals
    chars = len(body)
    if title and _ERROR_TITLE.search(title) and chars < 2 * _ARTICLE_CHARS:
        return "error"
    declared = bool(page.jsonld_types & ARTICLE_TYPES) or (page.og_type or "").lower() == "article"
    # A dated page with a headline of its own is an article even without og:type (many themes omit it).
    articleish = declared or bool(page.published and page.h1)
    if _is_index(signals, body, url, declared, articleish):
        return "index"
    # A cookie banner beside a short article (news briefs, Pashto and Dari pieces are often
    # a few hundred characters) is not a consent wall: a wall hides the text itself.
    if chars < _MIN_ARTICLE_CHARS and (_CONSENT_HOST.search(urlsplit(url).hostname or "") or _consent_text(tree)):
        return "consent_wall"
    if page.free is False and chars < _ARTICLE_CHARS * 2:
        return "paywall"
    if chars < _SHORT_CHARS and _PAYWALL_MARKUP.search(_classes(tree)):
        return "paywall"
    gallery = declared and captioned_images >= 3
    if chars >= _ARTICLE_CHARS or (articleish and chars >= _MIN_ARTICLE_CHARS) or gallery:
        return "article"
    return "other"


def _consent_text(tree: HtmlElement) -> bool:
    body = tree.find("body")
    text = " ".join((body if body is not None else tree).text_content().split())[:3000]
    return len(_CONSENT.findall(text)) >= 2


def _classes(tree: HtmlElement) -> str:
    return " ".join(element.get("class") or "" for element in tree.iter() if isinstance(element.tag, str))[:200_000]


def _is_index(signals: ListSignals, body: str, url: str, declared: bool, articleish: bool) -> bool:
    """A list of links to other pages: a front, section, tag, author or search page.

    Signals: the body is mostly the text of links (trafilatura kept the headline list);
    teaser headlines (linked h2-h4) as many as half the body's paragraphs on a page
    that does not declare itself an article; or many headline links and next to no
    text of its own.
    """
    chars = len(body)
    if declared and chars >= _ARTICLE_CHARS:
        return False
    if chars and _linked_share(body, signals.headlines) >= 0.5:
        return True
    paragraphs = body.count("\n\n") + 1 if body else 0
    if not declared and signals.linked_headings >= 6 and signals.linked_headings * 2 >= paragraphs:
        return True
    if articleish and chars >= _MIN_ARTICLE_CHARS:
        return False
    path = urlsplit(url).path
    if path in ("", "/") or _INDEX_PATH.search(path):
        return True
    if len(signals.headlines) >= 6 and chars < _MIN_ARTICLE_CHARS:
        return True
    return len(signals.headlines) >= 20 and len(body.split()) < len(signals.headlines) * 12


def _linked_share(body: str, headlines: frozenset[str]) -> float:
    """Share of the body's characters in paragraphs that are just a headline link."""
    if not headlines:
        return 0.0
    starts = {key[:_START] for key in headlines}
    lines = [line.lstrip("-•* ").strip() for line in body.split("\n\n")]
    linked = sum(len(line) for line in lines if len(line) >= 20 and _is_headline(line, headlines, starts))
    return linked / max(len(body), 1)


_START = 16  # key characters compared before a paragraph's whole key is computed
_START_SOURCE = 4 * _START


def _is_headline(line: str, headlines: frozenset[str], starts: set[str]) -> bool:
    """``headline_key(line) in headlines``, refusing most paragraphs by their opening alone.

    The key of a prefix is a prefix of the key (characters are dropped or lower-cased one
    by one), so a paragraph whose first key characters open no headline's key is not one:
    a body paragraph costs a key of 64 characters instead of its whole length.
    """
    start = headline_key(line[:_START_SOURCE])
    if len(start) > _START and start[:_START] not in starts:
        return False
    return headline_key(line) in headlines


_NON_WORD = re.compile(r"\W+")


def headline_key(text: str) -> str:
    """The comparison key of a headline-sized text (``ListSignals.headlines`` holds these)."""
    return _NON_WORD.sub("", text).lower()


_key = headline_key
