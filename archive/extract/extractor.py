"""``extract_article``: page bytes + URL + headers -> ``Article``.

Steps: decode (``decode``), protect joiners (``script``), parse with a bounded parser,
read metadata (``metadata``), prune boilerplate (``cleanup`` + site ``profiles``), run
trafilatura (``trafilatura``), put back a lead it lost (``lost_lead``, ``lead``), clean its lines, then
language, direction and page type.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from copy import deepcopy
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlsplit

from lxml import etree
from lxml.html import HtmlElement, HTMLParser, document_fromstring

from archive.errors import ExtractionError
from archive.extract import cleanup, deep, endmatter, lost_lead, lost_tail, split_body, tail
from archive.extract.agreement import heading_like, trim_to_agreement, worth_checking
from archive.extract.article import Article, Image
from archive.extract.dates import normalize_date
from archive.extract.decode import decode_html
from archive.extract.figures import collect_images
from archive.extract.jsonld import ARTICLE_TYPES
from archive.extract.language import choose_language, detect_language, direction_of
from archive.extract.lead import with_lead
from archive.extract.metadata import PageMetadata, clean_title, read_metadata, split_authors
from archive.extract.pagetype import classify_page, headline_key, list_signals
from archive.extract.profiles import Profile, find_profile
from archive.extract.script import Joiners
from archive.extract.trafilatura import ENGINE, EngineSettings, extract_lines, fallback_metadata, may_find_author

EXTRACTOR = f"newsarchive-extract/1 {ENGINE}"
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*>", re.I)
# Characters XML forbids: one stray BEL in a paragraph made trafilatura's XML step fail and
# return nothing for the whole page (an empty body where the text was plainly there).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_PARSER = HTMLParser(collect_ids=False, remove_comments=True, remove_pis=True, default_doctype=False, huge_tree=True)


@dataclass(frozen=True)
class ExtractOptions:
    """Knobs of ``extract_article``; the defaults are what the benchmark measured."""

    max_bytes: int = 16 * 1024 * 1024
    engine: EngineSettings = EngineSettings()
    fallback_metadata: bool = True
    profile_dirs: tuple[Path, ...] = ()


def extract_article(
    html: bytes | str,
    url: str,
    headers: Mapping[str, str] | None = None,
    *,
    options: ExtractOptions = ExtractOptions(),
) -> Article:
    """Extract one page. Raises ``ExtractionError`` for input that is not HTML at all."""
    text = _decode(html, url, headers, options)
    joiners = Joiners.for_text(text)
    warnings: list[str] = []
    tree = _parse_reachable(joiners.protect(text), url, warnings)
    profile = find_profile(urlsplit(url).hostname or "", options.profile_dirs)
    page = read_metadata(tree, url, text)
    if profile is not None:
        _apply_profile_metadata(page, tree, profile)
    if options.fallback_metadata and not (page.title and page.published):
        _fill_from_trafilatura(page, tree, url, text)
    page.site_name = page.site_name or page.brand
    signals = list_signals(tree, joiners.restore, url)
    cleanup.prune_tree(tree, profile.drop_elements(tree) if profile else None)
    images = collect_images(tree, page.images, url)
    content = _content_tree(tree, profile)
    # NFC, as plain trafilatura's output and search queries are: canonically equivalent text (Bengali
    # য় U+09DF and য + nukta are one letter); it never touches U+200C, so Dari and Pashto keep their joiners.
    found = _body_lines(content, url, options.engine)
    found = lost_lead.lost_lead(content, found, page.summary) + found
    if page.published or _declared_article(page):  # the split-body pattern is a trait of article templates
        found = found + split_body.continuation(content, found)
    found = found + lost_tail.lost_tail(content, found)
    lines = [unicodedata.normalize("NFC", joiners.restore(line)) for line in found]
    lines = cleanup.clean_lines(lines, profile.drop_paragraphs if profile else None)
    if page.published or _declared_article(page):  # related-story lists are a trait of articles, not wikis
        lines = cleanup.drop_linked_lists(lines, signals.own_headlines, headline_key)
        lines = endmatter.drop_link_teasers(
            lines, tree, url, signals.own_headlines, headline_key, joiners.restore
        )
    lines = endmatter.drop_company_boilerplate(endmatter.drop_end_matter(lines))
    lines = tail.drop_closing_sections(lines, [joiners.restore(a) for a in page.authors])
    if not lines:  # pruning or the profile took too much: never an empty body when trafilatura finds one
        lines = _unpruned_lines(joiners.protect(text), url, options, joiners, warnings)
    lines = with_lead(lines, content, page.summary, joiners.restore)  # a lead trafilatura left out (see lead)
    article = _article(page, lines, url, joiners, images)
    article.warnings = warnings
    captioned = sum(1 for image in images if image[1])
    article.page_type = classify_page(tree, page, article.body, url, article.title, signals, captioned)
    return article


_SHORT_SHARE = 0.25  # a body under this share of the page's paragraph text ...
_LONGER = 2.0  # ... is replaced by a recall pass that finds at least this many times more
# A body this short is checked by the recall pass whatever the markup: on pages whose text is not in
# <p> (photo stories, interview boxes: text in <div>s) the paragraph share above says nothing.
_SHORT_BODY = 500
_WIDER = 1.5  # ... and the recall pass wins when it finds this much more and holds most of ours
_KEEPS = 0.5


def _body_lines(tree: HtmlElement, url: str, engine: EngineSettings) -> list[str]:
    """trafilatura's lines, their edges cut to what its precision pass agrees with (see ``agreement``).

    When the body holds far less text than the page's paragraphs (trafilatura settled on a
    tagline or a teaser block), or is short in itself, a recall pass is asked too and wins
    when it finds much more: agreement between two passes, paid for only on the pages that need it.
    """
    lines = extract_lines(tree, url, engine)
    if not engine.recall and not engine.precision:
        lines = _wider_if_short(tree, url, engine, lines)
    if not engine.agreement or engine.precision or not worth_checking(lines):
        return lines
    return trim_to_agreement(lines, extract_lines(tree, url, replace(engine, precision=True, recall=False, fast=True)))


def _wider_if_short(tree: HtmlElement, url: str, engine: EngineSettings, lines: list[str]) -> list[str]:
    """The recall pass's lines when ours are too short and the recall pass extends them.

    Far under the page's paragraph text: the recall pass must find ``_LONGER`` times more.
    Merely short: ``_WIDER`` times more, and it must hold at least ``_KEEPS`` of our text, so
    it is the same story grown (text kept in <div>s), not another block of the page.
    """
    chars = sum(map(len, lines))
    far_short = chars < _SHORT_SHARE * cleanup.paragraph_chars(tree)
    if not far_short and chars >= _SHORT_BODY:
        return lines
    wider = extract_lines(tree, url, replace(engine, recall=True))
    found = sum(map(len, wider))
    if far_short and found >= _LONGER * max(chars, 1):
        return wider
    if found >= _WIDER * max(chars, 1) and _held(lines, wider) >= _KEEPS * chars:
        return wider
    return lines


def _held(lines: list[str], wider: list[str]) -> int:
    """Characters of ``lines`` that ``wider`` holds too (line by line, spacing ignored)."""
    keys = {headline_key(line) for line in wider}
    return sum(len(line) for line in lines if headline_key(line) in keys)


def _decode(html: bytes | str, url: str, headers: Mapping[str, str] | None, options: ExtractOptions) -> str:
    size = len(html)
    if size > options.max_bytes:
        raise ExtractionError(
            f"{url}: page is {size / 1_048_576:.1f} MiB, over the {options.max_bytes / 1_048_576:.0f} MiB "
            "extraction limit (ExtractOptions.max_bytes)"
        )
    text = html if isinstance(html, str) else decode_html(html, headers, name=url)
    if not text.strip():
        raise ExtractionError(f"{url}: page is empty")
    return text


def _parse_reachable(text: str, url: str, warnings: list[str]) -> HtmlElement:
    """Parse, recovering the text of pages nested deeper than the parser can follow (see ``deep``)."""
    tree = _parse(text, url)
    if not deep.too_deep(tree, deep.MAX_DEPTH):  # nearly every page: one check, not two
        return tree
    if deep.too_deep(tree, deep.PARSER_CEILING):
        tree = _parse(deep.strip_wrappers(text), url)
        warnings.append(f"deep_html: nesting beyond {deep.PARSER_CEILING} levels; wrapper tags removed to reach the text")
    if deep.too_deep(tree, deep.MAX_DEPTH):
        deep.flatten(tree)
        warnings.append(f"deep_html: nesting beyond {deep.MAX_DEPTH} levels flattened")
    return tree


def _unpruned_lines(text: str, url: str, options: ExtractOptions, joiners: Joiners, warnings: list[str]) -> list[str]:
    """Body lines from trafilatura (with its fallbacks) on the page as it came, without our pruning."""
    tree = _parse_reachable(text, url, [])
    lines = cleanup.clean_lines([joiners.restore(line) for line in extract_lines(tree, url, options.engine)])
    if lines:
        warnings.append("body_fallback: the pruned page gave no text; body taken from the unpruned page")
    return lines


def _parse(text: str, url: str) -> HtmlElement:
    """Parse with libxml2 (``huge_tree``: nesting stops at depth 2048; ``deep`` handles the rest)."""
    text = _CONTROL.sub("", _XML_DECLARATION.sub("", text, count=1))
    try:
        tree = document_fromstring(text, parser=_PARSER)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
        raise ExtractionError(f"{url}: not parseable as HTML ({exc})") from exc
    if tree is None:
        raise ExtractionError(f"{url}: not parseable as HTML")
    return tree


def _fill_from_trafilatura(page: PageMetadata, tree: HtmlElement, url: str, source: str) -> None:
    """Missing title and date from trafilatura/htmldate; then the author, only on an article-like page.

    trafilatura's author heuristic is its slowest part (as slow as its body extraction on
    some pages); a page neither dated nor declared an article rarely has a byline.
    """
    found = fallback_metadata(
        tree, url, title=not page.title, date=not page.published, author=False, sitename=not page.site_name
    )
    page.title = page.title or _str(found.get("title"))
    page.published = page.published or _str(found.get("date"))
    if not page.authors and (page.published or _declared_article(page)) and may_find_author(source):
        author = _str(fallback_metadata(tree, url, title=False, date=False, author=True, sitename=False).get("author"))
        page.authors = [a.strip() for a in author.split(";") if a.strip()] if author else []
    page.site_name = page.site_name or _str(found.get("sitename"))


def _declared_article(page: PageMetadata) -> bool:
    return bool(page.jsonld_types & ARTICLE_TYPES) or (page.og_type or "").lower() == "article"


def _str(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _apply_profile_metadata(page: PageMetadata, tree: HtmlElement, profile: Profile) -> None:
    """Profile values fill what the page's own metadata left empty; they never override it."""
    page.site_name = page.site_name or profile.site_name
    title = profile.field_text(tree, "title")
    page.title = page.title or (title[0] if title else None)
    if not page.published:
        dates = (normalize_date(t, profile.date_format) or normalize_date(t) for t in profile.field_text(tree, "date"))
        page.published = next(filter(None, dates), None)
    if not page.authors:
        page.authors = [a for t in profile.field_text(tree, "authors") for a in split_authors(t)]
    section = profile.field_text(tree, "section")
    page.section = page.section or (section[0] if section else None)


def _content_tree(tree: HtmlElement, profile: Profile | None) -> HtmlElement:
    """The whole page, or a fresh document holding only the profile's ``keep`` element."""
    element = profile.keep_element(tree) if profile else None
    if element is None:
        return tree
    document = document_fromstring("<html><body></body></html>", parser=_PARSER)
    document.find("body").append(deepcopy(element))
    return document


def _article(
    page: PageMetadata,
    lines: list[str],
    url: str,
    joiners: Joiners,
    images: list[tuple[str, str | None, str | None]],
) -> Article:
    restore = joiners.restore
    headings = {headline_key(restore(t)) for t in (page.title, page.h1) if t}
    lines = _after_headline(lines, headings)
    body = "\n\n".join(lines)
    title = clean_title(page.title, page.site_name, page.h1, urlsplit(url).hostname or "")
    title = restore(title) if title else None
    language = choose_language(detect_language(f"{title or ''}\n{body}"), page.declared_language)
    return Article(
        url=url,
        canonical_url=page.canonical_url,
        site_name=_restore(page.site_name, restore),
        title=title,
        section=_restore(page.section, restore),
        authors=list(dict.fromkeys(restore(a) for a in page.authors)),
        published=page.published,
        modified=page.modified,
        language=language,
        direction=direction_of(language, body or title or ""),
        summary=_restore(page.summary, restore),
        tags=list(dict.fromkeys(restore(t) for t in page.tags)),
        body=body,
        images=[Image(src, _restore(caption, restore), _restore(credit, restore)) for src, caption, credit in images],
        extractor=EXTRACTOR,
    )


_HEAD_SHARE = 0.3


def _after_headline(lines: list[str], headings: set[str]) -> list[str]:
    """The lines after the headline when it opens the body or follows a short run of lines.

    The headline is a field, not body text. Heading-like lines trafilatura puts *before* it
    (a kicker such as "Review", a "Now available" banner, "Saved by NAME on") go too; a lead
    paragraph there stays. Only a run of under ``_HEAD_SHARE`` of the body's text is looked at.
    """
    total = sum(map(len, lines))
    before = 0
    for i, line in enumerate(lines):
        if headline_key(line) in headings:
            rest = lines[i + 1 :]
            while rest and headline_key(rest[0]) in headings:
                rest = rest[1:]
            return [head for head in lines[:i] if not heading_like(head)] + rest
        before += len(line)
        if before > _HEAD_SHARE * total:
            break
    return lines



def _restore(value: str | None, restore: Callable[[str], str]) -> str | None:
    return restore(value) if value else value
