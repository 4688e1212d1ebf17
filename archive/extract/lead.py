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
from collections.abc import Callable

from lxml.html import HtmlElement

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
_SENTENCE_END = re.compile(r"[.!?\u2026\u061f\u06d4\u3002][\"'\u00bb\u201d\u2019)]*(?:\s|$)")
_NEEDLE_CHARS = 16  # the description's first characters, looked up in the page's text nodes
_MATCH_CHARS = 60  # characters (letters and digits) of the description the element must hold
_MIN_CHARS = 30  # shorter descriptions (a site name, a slogan) say nothing about the page
_MAX_NODES = 12
_META_XPATH = (
    "/html/head/meta[@name='description' or @property='og:description' or @name='twitter:description']/@content"
)
_TEXT_XPATH = ".//text()[not(parent::script or parent::style or parent::noscript)]"
_TAG = re.compile(r"<[^>]{0,200}>")
_CLASS_DEPTH = 2  # the element and this many ancestors are read for lead/dek class words


def find_lead(tree: HtmlElement, summary: str | None, restore: Callable[[str], str]) -> str | None:
    """The page's lead paragraph when the page shows its description as running text, else None.

    ``summary`` (JSON-LD first) is tried, then the page's other descriptions: JSON-LD
    sometimes holds the site's slogan where ``og:description`` holds the lead.
    """
    for description in _descriptions(tree, summary):
        block = _find_block(tree, description)
        if block is not None:
            text = " ".join(_text(block).split())
            return restore(text) if _reads_as_lead(block, text) else None
    return None


def _descriptions(tree: HtmlElement, summary: str | None) -> list[str]:
    found = [summary or "", *tree.xpath(_META_XPATH)]
    cleaned = (" ".join(html.unescape(_TAG.sub(" ", text)).split()) for text in found)
    return list(dict.fromkeys(text for text in cleaned if len(_key(text)) >= _MIN_CHARS))


def _find_block(tree: HtmlElement, description: str) -> HtmlElement | None:
    """The smallest element holding the description's start, found from the text node it opens in."""
    wanted, size = _key(description)[:_MATCH_CHARS], len(_key(description))
    nodes = tree.xpath("//body//text()[not(parent::script or parent::style)][contains(normalize-space(.), $n)]", n=description[:_NEEDLE_CHARS])
    for node in nodes[:_MAX_NODES]:
        element = node.getparent()
        if element is not None and getattr(node, "is_tail", False):
            element = element.getparent()
        block = _matching_block(element, wanted, size)
        if block is not None:
            return block
    return None


def prepend_lead(lines: list[str], lead: str | None) -> list[str]:
    """``lines`` with the lead in front, unless the body already holds it."""
    if not lead:
        return lines
    key = _key(lead)[:_MATCH_CHARS]
    if any(key in _key(line) for line in lines[:5]) or key in _key(" ".join(lines)):
        return lines
    return [lead, *lines]


def _matching_block(element: HtmlElement | None, wanted: str, summary_len: int) -> HtmlElement | None:
    """The smallest element from ``element`` up that holds the description's start, if not much more."""
    limit = 1.6 * summary_len + 40
    while element is not None and isinstance(element.tag, str):
        key = _key(_text(element))
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
    sentences = len(_SENTENCE_END.findall(text))
    if sentences >= 2:
        return True
    return sentences == 1 and not in_header and (bold or bool(_LEAD_WORDS.search(names)))


def _text(element: HtmlElement) -> str:
    """The element's visible text: scripts inside a lead block (ad slots) are not part of it."""
    return "".join(element.xpath(_TEXT_XPATH))


def _names(element: HtmlElement) -> str:
    return f"{element.get('class') or ''} {element.get('id') or ''}"


def _key(text: str) -> str:
    return re.sub(r"\W+", "", text).lower()
