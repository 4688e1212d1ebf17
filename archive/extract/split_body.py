"""The rest of an article whose body the site split into several containers.

Many news templates cut the article body into chunks so that ads or "most popular" rails can
sit between them: ``<div class="body__container article__body">`` holds the first paragraphs,
an ad row follows, then another ``<div class="body__container article__body">`` with the next
ones, and so on. trafilatura takes the first container that matches its body XPaths and
stops there, so half of such an article goes missing.

The container of the body's last line is found (its parent block's parent: the element whose
children are the paragraphs). Another element of the same tag with exactly the same ``class``
attribute continues the article when it comes after it in the page, sits in the same place of
the page (the same tags and classes up to the ancestor the two share: blog posts on a list
page, teaser cards and comments repeat a body class inside a wrapper of their own), holds
running text (a sentence, under 30% link text, no linked heading) and is separated from the
previous chunk by little text (ad labels, an empty rail: under 300 characters). Its
paragraphs, headings and list items that the body lacks are appended in page order; the first
element that does not qualify ends the article. A container without a class is never matched
(too generic). Only dated or declared articles are looked at, and the lines go through the
same cleanup as the rest of the body.
"""

from __future__ import annotations

import re
from functools import lru_cache

from lxml import etree
from lxml.html import HtmlElement

from archive.extract.pagetype import headline_key as _key
from archive.extract.prose import link_chars, locate_end, sentence_count

_KEY_CHARS = 40
_LINES = ("p", "h2", "h3", "h4", "blockquote", "li")
_LINK_SHARE = 0.3
_MIN_CHUNK_CHARS = 100
_MAX_CHUNKS = 20
_BLOCKS = etree.XPath(".//*[self::p or self::h2 or self::h3 or self::h4 or self::blockquote or self::li]")
_LINKED_HEADING = etree.XPath("boolean(.//*[self::h2 or self::h3 or self::h4][.//a])")
_PLAIN_TAG = re.compile(r"[a-z][a-z0-9]*")
_MAX_BETWEEN = 300  # characters between two chunks of one article: ad labels, a caption, a short rail


def continuation(tree: HtmlElement, lines: list[str]) -> list[str]:
    """Lines of the article's later containers (same tag and class as the body's), in page order."""
    container = _body_container(tree, lines)
    if container is None:
        return []
    classes = container.get("class") or ""
    if not classes.strip() or not _PLAIN_TAG.fullmatch(container.tag):
        return []  # "fb:body" and the like cannot be an XPath name test (and are no article template)
    chunks = _following_same_class(container.tag)(container, cls=classes)[:_MAX_CHUNKS]
    if not chunks:
        return []
    known = {_key(line)[:_KEY_CHARS] for line in lines}
    found: list[str] = []
    previous = container
    for chunk in chunks:
        text = " ".join(chunk.text_content().split())
        if not (_parallel(container, chunk) and _continues(chunk, text)) or _text_between(previous, chunk) > _MAX_BETWEEN:
            break  # the article ended: what follows with the same class is something else (comments, teasers)
        previous = chunk
        for block in _BLOCKS(chunk):
            if _nested(block, chunk):
                continue  # a paragraph inside a quote, an item inside a list in a paragraph: taken with its block
            line = " ".join(block.text_content().split())
            key = _key(line)[:_KEY_CHARS]
            if key and key not in known:
                known.add(key)
                found.append(line)
    return found


@lru_cache(maxsize=32)
def _following_same_class(tag: str) -> etree.XPath:
    """Elements ``tag`` with exactly the class ``$cls`` after the context element in page order (the
    ``following`` axis leaves out its ancestors and descendants; a name test is faster than ``local-name()``)."""
    return etree.XPath(f"following::{tag}[@class = $cls]")


def _parallel(container: HtmlElement, chunk: HtmlElement) -> bool:
    """Whether ``chunk`` sits in the page as the body's container does: the same tags and classes up to
    the ancestor they share. Blog posts on a list page, teaser cards and comments repeat the body's class
    too, but each inside a wrapper of its own (``post-5979``, ``article.comment``, ``field-name-comment-body``)."""
    up = [container, *container.iterancestors()]
    path: list[HtmlElement] = []
    for element in (chunk, *chunk.iterancestors()):
        if element in up:
            return [_shape(e) for e in path] == [_shape(e) for e in up[: up.index(element)]]
        path.append(element)
    return False


def _shape(element: HtmlElement) -> tuple[str, str]:
    return element.tag, element.get("class") or ""


def _continues(chunk: HtmlElement, text: str) -> bool:
    """Running text of the article: long enough, a sentence at least, few links, no teaser headlines."""
    if len(text) < _MIN_CHUNK_CHARS or sentence_count(text) < 1 or link_chars(chunk) > _LINK_SHARE * len(text):
        return False
    return not _LINKED_HEADING(chunk)


def _text_between(first: HtmlElement, second: HtmlElement) -> int:
    """Characters of text after ``first`` ends and before ``second`` starts (at most a little over the limit)."""
    total = len((first.tail or "").strip())
    node: HtmlElement | None = first
    while node is not None and total <= _MAX_BETWEEN:
        for sibling in node.itersiblings():
            if sibling is second:
                return total
            if any(a is sibling for a in second.iterancestors()):
                return total + _text_before(sibling, second)
            total += len("".join(sibling.text_content().split())) + len((sibling.tail or "").strip())
            if total > _MAX_BETWEEN:
                return total
        node = node.getparent()
        total += len((node.tail or "").strip()) if node is not None else 0
    return total


def _text_before(root: HtmlElement, target: HtmlElement) -> int:
    """Characters of text inside ``root`` before ``target`` starts."""
    total = 0
    for event, element in etree.iterwalk(root, events=("start", "end")):
        if element is target:
            return total
        text = element.text if event == "start" else (element.tail if element is not root else None)
        total += len("".join((text or "").split())) if isinstance(element.tag, str) else 0
    return total


def _body_container(tree: HtmlElement, lines: list[str]) -> HtmlElement | None:
    """The element whose children are the body's paragraphs, found from the last line's text."""
    located = locate_end(tree, lines[-1]) if lines else None
    if located is None:
        return None
    element: HtmlElement | None = located[0].getparent() if located[1] else located[0]
    while element is not None and element.tag not in _LINES:
        element = element.getparent()
    if element is None:
        return None
    parent = element.getparent()
    return parent if parent is not None and parent.tag not in ("body", "html") else None


def _nested(block: HtmlElement, chunk: HtmlElement) -> bool:
    """Whether ``block`` sits inside another line block of ``chunk``."""
    for ancestor in block.iterancestors():
        if ancestor is chunk:
            return False
        if ancestor.tag in _LINES:
            return True
    return False
