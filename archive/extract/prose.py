"""What reads as running text: sentence ends and link text.

Shared by the rules that put back prose trafilatura left out (``lead``, ``lost_lead``,
``lost_tail``), so a "sentence" is the same thing in each: Latin, Arabic-script (؟ ۔) and CJK
sentence marks, optionally followed by a closing quote or bracket.
"""

from __future__ import annotations

import re

from lxml import etree
from lxml.html import HtmlElement

_SENTENCE_END = re.compile(r"[.!?\u2026\u061f\u06d4\u3002][\"'\u00bb\u201d\u2019)]*(?:\s|$)")
_TERMINAL = ".!?…\"”»؟۔。"
_LINK_TEXT = etree.XPath(".//a//text()", smart_strings=False)


def sentence_count(text: str) -> int:
    """Sentence ends in ``text`` (a headline or a label has none)."""
    return len(_SENTENCE_END.findall(text))


def ends_like_prose(text: str) -> bool:
    """Whether ``text`` ends as a sentence does (a kicker, byline or button does not)."""
    return bool(text) and text[-1] in _TERMINAL


def link_chars(element: HtmlElement) -> int:
    """Characters of link text at or under ``element``."""
    return sum(len(text) for text in _LINK_TEXT(element))
