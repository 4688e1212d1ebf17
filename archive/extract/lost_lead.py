"""The lead paragraph trafilatura lost: prose between the headline and the body's first line.

trafilatura drops a container whose class merely *contains* one of its boilerplate words
("slide", "meta", "expand", "embed"...), so a lead in ``<section class="js-slider-toggle">``
goes while the paragraphs after it stay. A paragraph that sits after the page's ``<h1>`` and
before the block the body starts with, in the same container (``_NEAR`` levels up: the article,
not the page's header), reads as prose (sentence-final punctuation, mostly not link text,
``_MIN_CHARS`` or more) and is not in the body is that lead. What else sits there stays out:
bylines, datelines and kickers (short or unpunctuated), captions (an image inside, a caption
or credit class, a closing photo credit), author boxes and post-meta lines (by class), and a
standfirst that repeats the meta description: ``lead`` decides on that one, by its shape (a
one-sentence dek under the headline stays out, a lead paragraph comes in).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import islice

from lxml import etree
from lxml.html import HtmlElement

from archive.extract.figures import ends_with_credit
from archive.extract.pagetype import headline_key as _key
from archive.extract.prose import ends_like_prose, link_chars

_MIN_CHARS = 80
_LOOKAHEAD = 12  # blocks after the headline searched for the body's first line
_LINK_SHARE = 0.5
_PREFIX = 40
_NEAR = 7
_BLOCK_TAGS = ("p", "li", "h2", "h3", "h4", "blockquote")
_NOT_LEAD = etree.XPath(
    ".//img | .//picture | ancestor-or-self::*[position() <= 4][@class or @id] | .//*[@class]", smart_strings=False
)
_NOT_LEAD_NAME = re.compile(r"caption|credit|author|bio|copyright|meta", re.I)
_LIST_MARK = re.compile(r"^[-•*]\s+")


def lost_lead(tree: HtmlElement, lines: list[str], summary: str | None = None) -> list[str]:
    """Prose paragraphs between the headline and the body's first block that the body lacks."""
    head = next(tree.iter("h1"), None)
    if head is None:
        return []
    headline = _key(head.text_content())
    keys = [_key(_LIST_MARK.sub("", line.lstrip()[: 5 * _PREFIX])) for line in lines]
    first = next((key[:_PREFIX] for key in keys if key and key != headline), "")
    if not first:
        return []
    known = {key[:_PREFIX] for key in keys} | ({_key(summary)[:_PREFIX]} if summary else set())
    found: list[tuple[str, HtmlElement]] = []
    for block in islice(_following_blocks(head), _LOOKAHEAD):
        text = " ".join(block.text_content().split())
        key = _key(text)
        if not key:
            continue
        if key.startswith(first) or first.startswith(key[:_PREFIX]):
            return [text for text, element in found if _near(element, block)]
        if block.tag == "p" and key[:_PREFIX] not in known and _prose(block, text) and not _caption_or_box(block, text):
            found.append((text, block))
    return []  # the body does not start near the headline: nothing to say about what precedes it


def _following_blocks(element: HtmlElement) -> Iterator[HtmlElement]:
    """Block elements after ``element`` in document order, lazily (an XPath ``following::`` reads to the end)."""
    while element is not None:
        for sibling in element.itersiblings():
            yield from sibling.iter(_BLOCK_TAGS)
        element = element.getparent()


def _near(lead: HtmlElement, first: HtmlElement) -> bool:
    """Whether the two share a container within ``_NEAR`` levels of the lead (the article, not the page)."""
    around = set(first.iterancestors())
    for depth, ancestor in enumerate(lead.iterancestors(), start=1):
        if ancestor in around:
            return depth <= _NEAR and ancestor.tag not in ("body", "html")
    return False


def _prose(block: HtmlElement, text: str) -> bool:
    if len(text) < _MIN_CHARS or not ends_like_prose(text):
        return False
    return link_chars(block) < _LINK_SHARE * len(text)


def _caption_or_box(block: HtmlElement, text: str) -> bool:
    """An image caption or an author box (by an image inside, class names, or a closing photo credit)."""
    if ends_with_credit(text):
        return True
    for element in _NOT_LEAD(block):
        if element.tag in ("img", "picture"):
            return True
        if _NOT_LEAD_NAME.search(f"{element.get('class') or ''} {element.get('id') or ''}"):
            return True
    return False

