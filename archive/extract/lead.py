"""The article's lead (standfirst) when trafilatura leaves it out of the body.

Many news sites print an editorial intro between the headline and the body, in its own
block (``<p class="lead">``, ``<div class="article-intro">``, a bold paragraph in the
article header), and repeat it as the page's description. trafilatura often drops that
block because it sits outside the container it picks. Researchers want it: it is part
of the article text (Fundus keeps it). But the same slot also holds *deks*: a one-line
subtitle under the headline, which belongs with the title, not the body (the zyte-dev
ground truth leaves ten of eleven of them out).

The element is found from the description (``PageMetadata.summary``): only text the site
itself calls the summary of this page is considered, so teasers of other stories never
are. It is kept only when it reads as running text:

- not a heading (``h1``-``h6``: subtitles are marked up as headings), not inside a link,
  caption, list, navigation or footer, and no dek/subtitle class on it or near it;
- two sentences or more, or one sentence in a block whose class says lead/intro/teaser
  /standfirst/summary/abstract/excerpt/chapo.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator

from lxml import etree
from lxml.html import HtmlElement

from archive.extract.pagetype import headline_key as _key
from archive.extract.prose import sentence_count

# Class/id words of a lead block; "chapo"/"chapeau" (French), "vorspann"/"anriss" (German).
_LEAD_WORDS = re.compile(
    r"(?<![a-z])(?:lead(?!ing)|intro|teaser|standfirst|summary|abstract|excerpt|chapo|chapeau|preface|vorspann|anriss|perex|desc(?:ription)?(?![a-z]))",
    re.I,
)
# Class/id words of a subtitle or dek: that text goes with the headline, not the body.
_DEK_WORDS = re.compile(r"(?<![a-z])dek(?![a-z])|deck|sub-?title|sub-?head|sub-?line|heading|title|tagline|kicker", re.I)
_BOLD = frozenset({"strong", "b"})  # a bold first paragraph is the classic lead without a class
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
# Containers whose text is not the article's running text.
_NOT_RUNNING = frozenset({"a", "figure", "figcaption", "li", "nav", "footer", "aside", "button", "label", "option", "noscript"})
_BLOCKS = frozenset({"p", "div", "section", "header", "span", "strong", "b", "em", "td", "article"})
_NEEDLE_CHARS = 16  # the description's first characters, looked up in the page's text nodes
_MATCH_CHARS = 60  # characters (letters and digits) of the description the element must hold
_MIN_CHARS = 40  # shorter descriptions (a site name, a slogan) say nothing about the page
_MAX_NODES = 12
_META = etree.XPath(
    "/html/head/meta[@name='description' or @property='og:description' or @name='twitter:description']/@content",
    smart_strings=False,
)
_MARKED_WORDS = ("lead", "intro", "teaser", "standfirst", "summary", "abstract", "excerpt", "chapo", "vorspann")
_MARKED = etree.XPath(
    ".//*[self::p or self::div or self::section][" + " or ".join(f"contains(@class, '{w}')" for w in _MARKED_WORDS) + "]"
)
_MAX_MARKED = 30
_LINK_SHARE = 0.5
_CUT = ("...", "\u2026", "[...]", "[\u2026]")  # a text cut short is a teaser
_MIN_MARKED, _MAX_MARKED_CHARS = 60, 1200
_NEAR = 2  # the headline and the lead meet at most this many levels above the headline
_SCRIPTS = frozenset({"script", "style", "noscript"})
# The elements holding a text node that contains $n (for a tail, XPath's parent is the enclosing element).
_FIND_TEXT = etree.XPath("//body//text()[contains(., $n)]/..")
_VISIBLE_TEXT = etree.XPath(".//text()[not(parent::script or parent::style or parent::noscript)]", smart_strings=False)
_TAG = re.compile(r"<[^>]{0,200}>")
_CLASS_DEPTH = 2  # the element and this many ancestors are read for lead/dek class words


def with_lead(lines: list[str], tree: HtmlElement, summary: str | None, restore: Callable[[str], str]) -> list[str]:
    """``lines`` with the page's lead in front when the page has one that the body lacks."""
    if not lines:
        return lines
    raw = " ".join(lines)
    body = ""

    def in_body(text: str) -> bool:
        nonlocal body
        text = restore(text)
        if " ".join(text.split())[:_MATCH_CHARS] in raw:  # the common case, without a regex over the body
            return True
        body = body or _key(raw)
        return _key(text)[:_MATCH_CHARS] in body

    for text in _candidates(tree, summary, in_body):
        if not in_body(text):
            return [restore(text), *lines]
    return lines


def _candidates(tree: HtmlElement, summary: str | None, in_body: Callable[[str], bool]) -> Iterator[str]:
    """The block showing the page's description, if it reads as a lead; then a block marked as the lead.

    ``summary`` (JSON-LD first) is tried, then the page's other descriptions: JSON-LD
    sometimes holds the site's slogan where ``og:description`` holds the lead. A description
    the body already holds is not looked up (most pages: the lead is in the body).
    """
    needles: set[str] = set()
    for description in _descriptions(tree, summary):
        needle = description[:_NEEDLE_CHARS]
        if needle in needles or in_body(description):  # og:description and description are often one text
            continue
        needles.add(needle)
        block = _find_block(tree, description)
        if block is not None:
            text = " ".join(_text(block).split())
            if _reads_as_lead(block, text):
                yield text
            break
    block = _marked_block(tree)
    if block is not None:
        yield " ".join(_text(block).split())


def _marked_block(tree: HtmlElement) -> HtmlElement | None:
    """The first block after the headline whose class names it a lead, when it reads as one.

    No description vouches for it, so it must hold two sentences (one may be a dek). A block
    with an image is a card (a teaser of another story), and so is every block inside it.
    """
    headlines = tree.xpath("(//body//h1)[1]")
    if not headlines:
        return None
    scope = headlines[0]
    for _ in range(_NEAR):  # the lead shares this ancestor with the headline: only its subtree is searched
        scope = scope.getparent() if scope.getparent() is not None else scope
    cards: set[HtmlElement] = set()
    for element in _MARKED(scope)[:_MAX_MARKED]:
        if any(True for _ in element.iter("img", "picture", "figure")):
            cards.add(element)
            continue
        if not _LEAD_WORDS.search(_names(element)) or not _near_after(headlines[0], element):
            continue
        if cards and any(ancestor in cards for ancestor in element.iterancestors()):
            continue
        text = " ".join(_text(element).split())
        if _MIN_MARKED <= len(text) <= _MAX_MARKED_CHARS and sentence_count(text) >= 2 and _reads_as_lead(element, text):
            return element
    return None


def _near_after(h1: HtmlElement, element: HtmlElement) -> bool:
    """``element`` follows the headline and shares a close ancestor with it (same header or article)."""
    h1_path = [h1, *h1.iterancestors()][: _NEAR + 1]
    for branch in (element, *element.iterancestors()):
        parent = branch.getparent()
        if parent is None:
            return False
        if parent in h1_path:
            h1_branch = h1_path[h1_path.index(parent) - 1]
            return h1_branch is not branch and parent.index(h1_branch) < parent.index(branch)
    return False


def _descriptions(tree: HtmlElement, summary: str | None) -> list[str]:
    found = [summary or "", *_META(tree)]
    cleaned = (" ".join(html.unescape(_TAG.sub(" ", text) if "<" in text else text).split()) for text in found)
    return list(dict.fromkeys(text for text in cleaned if len(text) >= _MIN_CHARS))


def _find_block(tree: HtmlElement, description: str) -> HtmlElement | None:
    """The smallest element holding the description's start, found from the text node it opens in."""
    wanted, size = _key(description)[:_MATCH_CHARS], len(_key(description))
    for element in _FIND_TEXT(tree, n=description[:_NEEDLE_CHARS])[:_MAX_NODES]:
        if element.tag in _SCRIPTS:
            continue
        block = _matching_block(element, wanted, size)
        if block is not None:
            return block
    return None


def _matching_block(element: HtmlElement | None, wanted: str, summary_len: int) -> HtmlElement | None:
    """The smallest element from ``element`` up that holds the description's start, if not much more."""
    limit = 1.6 * summary_len + 40
    while element is not None and isinstance(element.tag, str):
        text = _text(element)
        if len(text) > 10 * limit:  # far too long even after the layout whitespace is gone
            return None
        key = _key(text)
        if len(key) > limit:
            return None
        if wanted in key:
            return element
        element = element.getparent()
    return None


def _reads_as_lead(block: HtmlElement, text: str) -> bool:
    if block.tag in _HEADINGS or block.tag not in _BLOCKS:
        return False
    if any(True for _ in block.iter(*_HEADINGS)):
        return False
    classes = []
    in_header, bold = block.tag == "header", block.tag in _BOLD
    for depth, element in enumerate(block.iterancestors()):
        if element.tag in _NOT_RUNNING or element.tag in _HEADINGS:
            return False
        in_header = in_header or element.tag == "header"
        if depth < _CLASS_DEPTH:
            classes.append(_names(element))
            bold = bold or element.tag in _BOLD
    names = " ".join([_names(block), *classes])
    if _DEK_WORDS.search(names):
        return False
    if _link_chars(block) > _LINK_SHARE * len(text) or text.endswith(_CUT):  # a teaser of another story
        return False
    sentences = sentence_count(text)
    if sentences >= 2:
        return True
    return sentences == 1 and not in_header and (bold or bool(_LEAD_WORDS.search(names)))


def _link_chars(block: HtmlElement) -> int:
    return sum(len(" ".join(_text(link).split())) for link in block.iter("a"))


def _text(element: HtmlElement) -> str:
    """The element's visible text: scripts inside a lead block (ad slots) are not part of it."""
    return "".join(_VISIBLE_TEXT(element))


def _names(element: HtmlElement) -> str:
    return f"{element.get('class') or ''} {element.get('id') or ''}"

