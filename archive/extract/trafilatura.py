"""The one place that imports trafilatura: a cleaned lxml tree in, text lines out.

trafilatura is the body engine; everything news-specific (boilerplate, captions,
metadata precedence, scripts) happens around it in ``archive.extract``. Its text
cleaning deletes format characters such as U+200C; callers protect those before
building the tree (see ``archive.extract.script``), so nothing here needs patching.
"""

from __future__ import annotations

import logging
from copy import deepcopy
from dataclasses import dataclass

import trafilatura
from lxml.html import HtmlElement
from trafilatura.metadata import META_URL, extract_author, extract_sitename, extract_title, find_date
from trafilatura.settings import DEFAULT_CONFIG, set_date_params

ENGINE = f"trafilatura/{trafilatura.__version__}"

# trafilatura logs every discarded page at WARNING; that is an expected outcome here.
logging.getLogger("trafilatura").setLevel(logging.CRITICAL)

_CONFIG = deepcopy(DEFAULT_CONFIG)
_CONFIG["DEFAULT"]["EXTRACTION_TIMEOUT"] = "0"
_CONFIG["DEFAULT"]["MIN_EXTRACTED_SIZE"] = "200"


@dataclass(frozen=True)
class EngineSettings:
    """The trafilatura switches we expose; defaults are the ones that measure best."""

    precision: bool = False
    recall: bool = False
    tables: bool = True
    fast: bool = False
    # Cut the body's edges to what a precision pass agrees with (``agreement``). Off by default:
    # +0.002 F1 on both sets for ~12% more CPU and more pages worse than plain trafilatura.
    agreement: bool = False


def extract_lines(tree: HtmlElement, url: str | None, settings: EngineSettings = EngineSettings()) -> list[str]:
    """Main-text lines (one block or list item per line) of ``tree``; [] when none."""
    document = trafilatura.bare_extraction(
        tree,
        url=url,
        fast=settings.fast,
        favor_precision=settings.precision,
        favor_recall=settings.recall,
        include_comments=False,
        include_tables=settings.tables,
        include_images=False,
        include_links=False,
        include_formatting=False,
        with_metadata=False,
        deduplicate=False,
        config=_CONFIG,
    )
    if document is None or isinstance(document, dict) or not document.text:
        return []
    return [line for line in document.text.splitlines() if line.strip()]


def fallback_metadata(
    tree: HtmlElement, url: str | None, *, title: bool = True, date: bool = True, author: bool = True,
    sitename: bool = True,
) -> dict[str, object]:
    """trafilatura's (and htmldate's) guesses for the fields we found nowhere else, and only those.

    ``extract_metadata`` re-reads the meta tags and JSON-LD we already read and computes
    fields we never use (categories, tags, license, URL); its author heuristic alone costs
    more than plain trafilatura's whole body extraction on some pages. So each guess runs
    only when asked for. htmldate's extensive search (dateparser over free text, in every
    locale) took half of the extraction time on general web pages for dates it rarely gets
    right, so it stays off. None of these changes ``tree`` (those that prune copy first).
    """
    found: dict[str, object] = {}
    try:
        if title:
            found["title"] = extract_title(tree)
        if date:
            found["date"] = find_date(tree, **{**set_date_params(False), "url": url})
        if author:
            found["author"] = extract_author(tree)
        if sitename:
            found["sitename"] = extract_sitename(tree) or _host_name(url)
    except (ValueError, TypeError, AttributeError):
        return found
    return found


# Every attribute value or tag trafilatura's author XPaths test holds one of these, in any case
# ("author", "Byline", "BBL", "submitted-by"...): a page whose source holds none has no author for it.
_AUTHOR_MARKS = (
    "author", "byl", "bbl", "username", "channel-name", "zuozhe", "bianji", "xiaobian", "submitted-by", "posted-by",
    "journalist-name", "screenname", "writer",
)


def may_find_author(source: str) -> bool:
    """Whether trafilatura's author heuristic can find anything in a page with this source.

    The heuristic copies the whole tree and runs regex XPaths over it (10 ms a page); a third
    of the pages that ask for it hold none of the marks it looks for (measured on both sets).
    """
    lowered = source.lower()
    return any(mark in lowered for mark in _AUTHOR_MARKS)


def _host_name(url: str | None) -> str | None:
    match = META_URL.match(url or "")
    return match[1] if match else None
