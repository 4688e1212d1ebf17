"""The article database: derived from the WARC files, versioned, searchable.

Public entry points::

    db = open_database(data_dir, url)     # engine + migrations applied on first use
    ingest_article(session, capture, article)
    search(session, "query text", SearchFilters(...))

This package imports no Scrapy, click or trafilatura.
"""

from __future__ import annotations

from archive.db.session import Database, open_database

__all__ = ["Database", "open_database"]
