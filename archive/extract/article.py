"""The extracted-article record shared by extraction, the database and export.

It is a plain dataclass (no trafilatura, no SQLAlchemy types) so that every layer can
pass it around; ``to_dict`` gives the JSON keys that ``newsarchive extract`` prints.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

PageType = Literal["article", "index", "consent_wall", "paywall", "error", "other"]
Direction = Literal["ltr", "rtl"]


@dataclass(frozen=True)
class Image:
    """One image of an article; the lead image comes first in ``Article.images``."""

    src: str
    caption: str | None = None
    credit: str | None = None


@dataclass
class Article:
    """What we know about one page after extraction.

    ``published``/``modified`` are ISO 8601 strings (with offset when known) rather than
    datetimes, because news metadata is often date-only and we must not invent a time.
    ``body`` holds paragraphs separated by one blank line.
    """

    url: str
    canonical_url: str | None = None
    site_name: str | None = None
    title: str | None = None
    section: str | None = None
    authors: list[str] = field(default_factory=list)
    published: str | None = None
    modified: str | None = None
    language: str | None = None
    direction: Direction = "ltr"
    summary: str | None = None
    tags: list[str] = field(default_factory=list)
    body: str = ""
    images: list[Image] = field(default_factory=list)
    page_type: PageType = "other"
    extractor: str = ""
    # What the extractor had to work around (deep nesting flattened, body from the unpruned page...).
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping with the documented keys, in a stable order."""
        return asdict(self)
