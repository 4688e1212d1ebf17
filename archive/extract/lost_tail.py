"""The closing paragraph trafilatura lost: prose right after the body's last line, in the same container.

The mirror of ``lost_lead``. trafilatura reads text held directly in a ``<div>`` only when the
page has little ``<p>`` text, so a review's verdict or an article's closing paragraph written
straight into ``<div id="conclusion">`` after a body of ``<br>``-separated text is dropped while
everything before it stays. A block that comes next after the body's last line (only short
labels such as "Our verdict: good" between them), as a child of a container of that line (``_NEAR``
levels up), reads as prose (two sentences or more, ``_MIN_CHARS`` or more, hardly any link text,
no image, no block of its own inside) and carries no class or id of the boxes that close an
article (comments, author box, share bar, related stories, newsletter, disclaimer) is put back.
The first longer text that does not qualify ends the search: what follows it is the page, not
the story. The result goes through the same cleanup as the rest of the body.
"""

from __future__ import annotations

import re

from lxml import etree
from lxml.html import HtmlElement

from archive.extract.pagetype import headline_key as _key
from archive.extract.prose import ends_like_prose, link_chars, locate_end, sentence_count

_MIN_CHARS = 150
_MIN_SENTENCES = 2
_LABEL_CHARS = 80  # shorter text between the body and the block is a label ("Fazit", "Our verdict: 4/5")
_KEY_CHARS = 30
_NEAR = 3
_LINK_SHARE = 0.1
_MAX_BLOCKS = 3
_BLOCKS = frozenset({"div", "p"})
_NOT_PROSE = frozenset({"img", "picture", "figure", "table", "form", "iframe", "video", "ul", "ol", "h1", "h2", "h3"})
_BOX_NAME = re.compile(
    r"(?<![a-z])(?:comments?|author|bio|byline|caption|credits?|related|share|social|newsletter|subscribe"
    r"|promo|footer|meta|disclaimer|copyright|sidebar|widget|ads?|advert\w*|sponsor\w*|teaser|nav\w*|cookie"
    r"|consent|tags?|signup|donat\w*|recommend\w*|more)(?![a-z])",
    re.I,
)


def lost_tail(tree: HtmlElement, lines: list[str]) -> list[str]:
    """Prose blocks right after the body's last line that the body lacks (usually none)."""
    if len(lines) < 2:
        return []
    located = locate_end(tree, lines[-1])  # one XPath scan; the walk in Python covers only the container
    if located is None:
        return []
    anchor, in_tail = located
    ancestors = list(anchor.iterancestors())[:_NEAR]
    scope = next((a for a in reversed(ancestors) if a.tag not in ("body", "html")), None)
    if scope is None:
        return []
    found: list[str] = []
    known: set[str] = set()
    after, skip = False, None
    for event, element in etree.iterwalk(scope, events=("start", "end")):
        if not isinstance(element.tag, str):
            continue
        if skip is not None:
            skip = None if event == "end" and element is skip else skip
            continue
        if not after:
            after = element is anchor and (event == "end") == in_tail
            continue
        if event == "start" and element.tag in _BLOCKS and element.getparent() in ancestors:
            block = " ".join(element.text_content().split())
            if _prose(element, block):
                known = known or {_key(line)[:_KEY_CHARS] for line in lines}  # only on the few pages with a candidate
                if _key(block)[:_KEY_CHARS] not in known:
                    found.append(block)
                if len(found) == _MAX_BLOCKS:
                    break
                skip = element
                continue
        text = element.text if event == "start" else element.tail
        if text and len(text.strip()) >= _LABEL_CHARS:
            break  # the first longer text that is not a lost block: the story ended before it
    return found


def _prose(block: HtmlElement, text: str) -> bool:
    if len(text) < _MIN_CHARS or not ends_like_prose(text) or sentence_count(text) < _MIN_SENTENCES:
        return False
    if _BOX_NAME.search(_names(block)) or link_chars(block) > _LINK_SHARE * len(text):
        return False
    for inner in block.iterdescendants():
        if inner.tag in _NOT_PROSE or (inner.tag in _BLOCKS and len(inner.text_content().strip()) >= _LABEL_CHARS):
            return False
    return True


def _names(element: HtmlElement) -> str:
    return f"{element.get('class') or ''} {element.get('id') or ''}".replace("_", "-")
