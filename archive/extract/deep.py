"""Pathologically deep HTML: parse what libxml2 can reach, flatten it, and say so.

libxml2 stops building the tree at depth 256 (2048 with ``huge_tree``) and drops everything
below, so a page nested 300 levels deep used to come out with an empty body and no word.
Here the page is parsed with ``huge_tree``; when the tree still reaches the parser's
ceiling the generic wrapper tags (``div``, ``span``...) are cut from the markup and the
page is parsed again; and any tree deeper than ``MAX_DEPTH`` is flattened by unwrapping
wrapper elements below that depth, so trafilatura (which recurses) never sees it. Each
step adds a line to ``Article.warnings``.
"""

from __future__ import annotations

import re
from functools import lru_cache

from lxml import etree
from lxml.html import HtmlElement

MAX_DEPTH = 150
PARSER_CEILING = 2040
_SLACK = 20  # room for the paragraphs, lists and tables kept below MAX_DEPTH
_WRAPPERS = frozenset({"div", "span", "section", "font", "center", "main", "header", "article", "b", "i", "u", "em", "strong", "small"})
_WRAPPER_TAGS = re.compile(r"</?(?:div|span|section|font|center|b|i|u|em|strong|small)\b[^>]*>", re.I)


def too_deep(tree: HtmlElement, depth: int) -> bool:
    """True when some element sits at ``depth`` or below (checked in C by one XPath step chain)."""
    return bool(_at_depth(depth)(tree))


@lru_cache(maxsize=8)
def _at_depth(depth: int) -> etree.XPath:
    """The elements at ``depth``, compiled once: a 2,040-step expression took longer to compile than to run."""
    return etree.XPath("/*" + "/*" * (depth - 1))


def strip_wrappers(text: str) -> str:
    """The page without its generic wrapper tags, for a second parse of an over-deep page."""
    return _WRAPPER_TAGS.sub("", text)


def flatten(tree: HtmlElement) -> None:
    """Unwrap wrapper elements below ``MAX_DEPTH``, then anything still far below it."""
    for only_wrappers, depth in ((True, MAX_DEPTH), (False, MAX_DEPTH + _SLACK)):
        if not too_deep(tree, depth + 1):
            return
        for anchor in _at_depth(depth)(tree):
            for element in list(anchor.iterdescendants()):
                if isinstance(element.tag, str) and (not only_wrappers or element.tag in _WRAPPERS):
                    element.drop_tag()
