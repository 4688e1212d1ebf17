"""What ingest knows about one page, and the pure rules it applies before touching a table.

Shared by ``ingest`` (one page, revisits) and ``batch`` (many pages); no database here.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from archive.warc.location import RecordLocation

if TYPE_CHECKING:  # only a type: archive.db never imports the extractor (tests/test_layout.py)
    from archive.extract.article import Article as Extracted

# Page types whose text is not an article (see archive.extract.article.PageType).
SKIPPED_PAGE_TYPES = frozenset({"index", "consent_wall", "error"})


@dataclass(frozen=True)
class CaptureInfo:
    """What the crawler (or reindex) knows about one WARC record."""

    url: str
    fetched_at: dt.datetime
    location: RecordLocation
    status: int | None = None
    mime_type: str | None = None
    revisit_of: str | None = None  # WARC-Refers-To of a revisit record
    crawl_id: int | None = None


@dataclass(frozen=True)
class IngestResult:
    """``outcome``: new-article, new-version, unchanged, revisit, not-article or duplicate."""

    outcome: str
    capture_id: int | None = None
    article_id: int | None = None
    version_id: int | None = None


def is_article(capture: CaptureInfo, article: Extracted) -> bool:
    """A 2xx page with a body whose type is not one of ``SKIPPED_PAGE_TYPES``."""
    if capture.status is not None and not 200 <= capture.status < 300:
        return False
    return bool(article.body.strip()) and article.page_type not in SKIPPED_PAGE_TYPES


def author_key(name: str) -> str:
    """What ``authors.name_key`` holds: case-folded, spaces collapsed, at most 512 characters."""
    return " ".join(name.casefold().split())[:512]


@functools.lru_cache(maxsize=4096)  # ingest asks up to seven times per page, for the same one or two URLs
def site_host(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


def canonical_url(page_url: str, declared: str | None) -> str:
    """The declared canonical URL when it is plausible (same site, not the home page), else the page URL."""
    if not declared:
        return page_url
    parts, page = urlsplit(declared), urlsplit(page_url)
    if parts.scheme not in ("http", "https") or site_host(declared) != site_host(page_url):
        return page_url
    if parts.path in ("", "/") and page.path not in ("", "/"):
        return page_url
    return declared


def parse_when(value: str | None) -> dt.datetime | None:
    """An ISO 8601 date or datetime as an aware UTC datetime (date-only means midnight UTC)."""
    if not value:
        return None
    try:
        when = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return aware(when).astimezone(dt.UTC)


def aware(when: dt.datetime) -> dt.datetime:
    """SQLite returns naive datetimes; everything we store is UTC."""
    return when if when.tzinfo is not None else when.replace(tzinfo=dt.UTC)
