"""Images with their captions and credits; captions leave the tree so they stay out of the body.

The lead image (JSON-LD ``image``, else ``og:image``) comes first, then every ``<figure>``
and WordPress ``.wp-caption`` in document order. A credit is a ``.credit``-like element,
or a trailing "Photo: AFP" / "(© Reuters)" part of the caption.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from lxml import etree
from lxml.html import HtmlElement

_CAPTIONS = etree.XPath(
    ".//figcaption | .//*[contains(concat(' ', normalize-space(@class), ' '), ' wp-caption-text ')]"
    " | .//*[contains(concat(' ', normalize-space(@class), ' '), ' wp-element-caption ')]"
    " | .//*[contains(@class, 'caption') and not(self::figure) and not(self::img)]"
)  # compiled once: collect_images runs on every page
_FIGURES = etree.XPath(
    "//figure | //*[contains(concat(' ', normalize-space(@class), ' '), ' wp-caption ')]"
    " | //*[contains(concat(' ', normalize-space(@class), ' '), ' jeg_featured ')]"
)
_FIGCAPTIONS = etree.XPath("//figcaption")
_PARAGRAPH_TEXT = etree.XPath(".//p//text()", smart_strings=False)
_CREDIT_CLASS = re.compile(r"credit|copyright|source|byline|author", re.I)
_CREDIT_TEXT = re.compile(
    r"\s*[(\[]?\s*((?:photo|image|picture|foto|фото|عکس|انځور|صورة|crédit|credit)s?(?: credit)?(?:\s*[:：/©]| by\b)\s*[^()\[\]]{1,80}"
    r"|©\s*[^()\[\]]{1,80})[)\]]?\s*$",
    re.I,
)
# Agency slugs that prefix a caption ("TOPSHOT - ..." from AFP): desk markers, not caption text.
_CAPTION_SLUG = re.compile(r"^\s*(?:TOPSHOT|EDITORS NOTE|EDITOR'S NOTE|FILE PHOTO|FILE)\s*[-–—:]\s*")
_SIZE_SUFFIX = re.compile(r"-\d{2,4}x\d{2,4}(?=\.\w+$)")
_SPACE = re.compile(r"\s+")


def collect_images(
    tree: HtmlElement, lead: list[tuple[str, str | None]], url: str
) -> list[tuple[str, str | None, str | None]]:
    """``(src, caption, credit)`` for the lead image and each captioned figure.

    Captions leave the tree so they stay out of the body, except on galleries and slideshows,
    where the captions are the story: when they hold more text than the page's paragraphs
    outside them, they stay in the body too (and are still image metadata).
    """
    found: list[tuple[str, str | None, str | None]] = []
    captions: list[HtmlElement] = []
    for figure in _FIGURES(tree):
        if figure.getparent() is None:
            continue
        img = next(figure.iter("img"), None)
        src = _img_src(img, url) if img is not None else None
        caption, credit = _caption(figure)
        if src:
            found.append((src, caption, credit))
        captions.extend(_CAPTIONS(figure))
    captions.extend(element for element in _FIGCAPTIONS(tree) if element not in captions)
    if not _captions_are_the_story(tree, captions):
        for element in captions:
            _remove(element)
    return _merge(lead, found)


def _captions_are_the_story(tree: HtmlElement, captions: list[HtmlElement]) -> bool:
    caption_chars = sum(len(_text(element)) for element in captions)
    if caption_chars < _GALLERY_MIN_CHARS:
        return False
    paragraph_chars = sum(len(text.strip()) for text in _PARAGRAPH_TEXT(tree))
    inside = sum(len(text.strip()) for element in captions for text in _PARAGRAPH_TEXT(element))
    return caption_chars > paragraph_chars - inside


_GALLERY_MIN_CHARS = 500


def ends_with_credit(text: str) -> bool:
    """Whether ``text`` closes with a photo credit ("... (Foto: Getty)", "... © Reuters"): a caption's shape."""
    match = _CREDIT_TEXT.search(text)
    return match is not None and match.start() > 0


def _img_src(img: HtmlElement, url: str) -> str | None:
    for attribute in ("data-src", "data-lazy-src", "data-original", "src"):
        value = (img.get(attribute) or "").strip()
        if value and not value.startswith("data:"):
            return urljoin(url, value)
    srcset = (img.get("srcset") or img.get("data-srcset") or "").strip()
    return urljoin(url, srcset.split(",")[0].split()[0]) if srcset else None


def _caption(figure: HtmlElement) -> tuple[str | None, str | None]:
    captions = _CAPTIONS(figure)
    if not captions:
        return None, None
    element = captions[0]
    credit = None
    for child in element.iter():
        if child is not element and _CREDIT_CLASS.search(child.get("class") or ""):
            credit = _text(child)
            _remove(child)
            break
    text = _CAPTION_SLUG.sub("", _text(element))
    if credit is None and text:
        match = _CREDIT_TEXT.search(text)
        if match and match.start() > 0:
            credit, text = match.group(1).strip(), text[: match.start()].strip()
    return text or None, credit or None


def _merge(
    lead: list[tuple[str, str | None]], found: list[tuple[str, str | None, str | None]]
) -> list[tuple[str, str | None, str | None]]:
    by_key: dict[str, tuple[str, str | None, str | None]] = {}
    for src, caption, credit in found:
        by_key.setdefault(_key(src), (src, caption, credit))
    images: list[tuple[str, str | None, str | None]] = []
    for src, caption in lead[:1]:
        match = by_key.pop(_key(src), None)
        images.append((src, (match[1] if match else None) or caption, match[2] if match else None))
    images.extend(by_key.values())
    return images


def _key(src: str) -> str:
    path = urlsplit(src).path
    return _SIZE_SUFFIX.sub("", path.rsplit("/", 1)[-1]).lower() or src


def _text(element: HtmlElement) -> str:
    return _SPACE.sub(" ", element.text_content()).strip()


def _remove(element: HtmlElement) -> None:
    parent = element.getparent()
    if parent is not None:
        tail = element.tail
        if tail and tail.strip():
            previous = element.getprevious()
            if previous is not None:
                previous.tail = (previous.tail or "") + tail
            else:
                parent.text = (parent.text or "") + tail
        parent.remove(element)
