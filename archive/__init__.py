"""newsarchive: preserve news sites as WARC, derive an article database from them.

This package never imports Scrapy; the crawler lives in ``scraper`` and feeds it.
"""

from __future__ import annotations

from archive.errors import (
    ArchiveError,
    ConfigError,
    DatabaseError,
    DecompressionLimitError,
    ExportError,
    ExtractionError,
    QueryError,
    WarcDigestError,
    WarcError,
    WarcFormatError,
    WarcWriteError,
)

__version__ = "0.1.0"

__all__ = [
    "ArchiveError",
    "ConfigError",
    "DatabaseError",
    "DecompressionLimitError",
    "ExportError",
    "ExtractionError",
    "QueryError",
    "WarcDigestError",
    "WarcError",
    "WarcFormatError",
    "WarcWriteError",
    "__version__",
]
