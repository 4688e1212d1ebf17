"""Captured pages as the replay start page and a WACZ's ``pages.jsonl`` list them.

Read-only: the database is opened without migrating and never created. A database that
is there but cannot be read (a wrong ``--db`` password, an older schema) raises
``DatabaseError``, so the caller can say so in one line instead of quietly listing URLs
without titles.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from archive.db.models import Article, ArticleVersion, Capture, Site
from archive.db.session import DB_FILENAME, open_database
from archive.errors import DatabaseError

ARTICLE = "article"


@dataclass(frozen=True)
class CapturedPage:
    """One capture of a page: where it is in the index, and what the database knows of it."""

    url: str
    timestamp: str  # 14 digits, UTC, as in the CDXJ index
    site: str
    title: str | None = None
    published: str | None = None
    article_id: int | None = None
    page_type: str | None = None


def cdx_timestamp(when: dt.datetime) -> str:
    """``YYYYMMDDhhmmss`` in UTC (naive = UTC), the timestamp of CDXJ lines and replay URLs."""
    if when.tzinfo is not None:
        when = when.astimezone(dt.UTC)
    return when.strftime("%Y%m%d%H%M%S")


def has_database(data_dir: Path, db_url: str | None) -> bool:
    """Is there a database to ask (a URL given, or the data dir's SQLite file)?"""
    return db_url is not None or (Path(data_dir) / DB_FILENAME).exists()


def article_pages(data_dir: Path, db_url: str | None = None) -> list[CapturedPage]:
    """Every capture that gave an article version, newest first; ``[]`` without a database.

    ``DatabaseError`` when there is a database that cannot be read.
    """
    if not has_database(data_dir, db_url):
        return []
    av = ArticleVersion
    stmt = (
        select(Capture.url, Capture.fetched_at, Site.host, Site.name, av.title, av.published,
               av.article_id, av.page_type)
        .join(av, av.id == Capture.article_version_id)
        .join(Article, Article.id == av.article_id)
        .outerjoin(Site, Site.id == Capture.site_id)
        .where(Capture.status == 200)
        .order_by(Capture.fetched_at.desc(), Capture.id.desc())
    )
    db = open_database(data_dir, db_url, upgrade=False)
    try:
        with db.engine.connect() as conn:
            rows = conn.execute(stmt).all()
    except SQLAlchemyError as exc:
        reason = " ".join(str(getattr(exc, "orig", None) or exc).split())[:200]
        raise DatabaseError(f"cannot read the captures from the database: {reason}") from exc
    finally:
        db.dispose()
    return [
        CapturedPage(url=r.url, timestamp=cdx_timestamp(r.fetched_at), site=r.name or r.host or "",
                     title=r.title, published=r.published, article_id=r.article_id, page_type=r.page_type)
        for r in rows
    ]
