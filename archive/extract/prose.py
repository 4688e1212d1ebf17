"""What reads as running text (sentence ends, link text), and where a body line ends in the page.

Shared by the rules that put back prose trafilatura left out (``lead``, ``lost_lead``,
``lost_tail``, ``split_body``), so a "sentence" is the same thing in each: Latin, Arabic-script (؟ ۔) and CJK
sentence marks, optionally followed by a closing quote or bracket.
"""

from __future__ import annotations

import re
from functools import lru_cache

from lxml import etree
from lxml.html import HtmlElement

from archive.extract.pagetype import headline_key

_SENTENCE_END = re.compile(r"[.!?\u2026\u061f\u06d4\u3002][\"'\u00bb\u201d\u2019)]*(?:\s|$)")
_TERMINAL = ".!?…\"”»؟۔。"
_LINK_TEXT = etree.XPath(".//a//text()", smart_strings=False)
_END_CHARS = 30  # characters of a line's end looked up in the page's text
# Text nodes holding a line's end, whitespace collapsed as trafilatura does; the raw test on its last
# word first, as normalize-space on every text node costs more.
_FIND_TEXT = etree.XPath(".//text()[contains(., $word)][contains(normalize-space(.), $end)]")


def sentence_count(text: str) -> int:
    """Sentence ends in ``text`` (a headline or a label has none)."""
    return len(_SENTENCE_END.findall(text))


def ends_like_prose(text: str) -> bool:
    """Whether ``text`` ends as a sentence does (a kicker, byline or button does not)."""
    return bool(text) and text[-1] in _TERMINAL


def link_chars(element: HtmlElement) -> int:
    """Characters of link text at or under ``element``."""
    return sum(len(text) for text in _LINK_TEXT(element))


@lru_cache(maxsize=1)
def locate_end(tree: HtmlElement, line: str) -> tuple[HtmlElement, bool] | None:
    """Where the end of body ``line`` sits in ``tree``: the element whose text (``False``) or tail
    (``True``) holds it. One XPath scan in C; ``None`` when the end is too short to tell or not found
    in one text node (a line that ends inside a link). The last answer is kept: ``split_body`` and
    ``lost_tail`` ask about the same line of the same (unchanged) tree on most pages."""
    end = " ".join(line.split())[-_END_CHARS:]
    if len(headline_key(end)) < _END_CHARS // 2:
        return None
    located = next(iter(_FIND_TEXT(tree, word=end.split()[-1], end=end)), None)
    return None if located is None else (located.getparent(), located.is_tail)
