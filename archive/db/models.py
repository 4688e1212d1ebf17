"""Tables of the article database (SQLAlchemy 2 typed models).

Every row is derived from the WARC files: ``Capture`` points at one WARC record, and
``ArticleVersion`` at the capture its text first came from. The search columns
(an FTS5 table on SQLite, ``tsvector`` columns on PostgreSQL) are created by the
migrations only, because they differ per engine; see ``migrations/versions``.

::

    sites 1─* articles 1─* article_versions *─* authors   (article_version_authors)
      │                        │  1─* images
      └─* captures *─1 crawls  └─ capture_id / last_capture_id → captures
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

IntPk = Annotated[int, mapped_column(Integer, primary_key=True)]
Url = Annotated[str, mapped_column(Text)]
Sha = Annotated[str, mapped_column(String(64))]
Timestamp = Annotated[dt.datetime, mapped_column(DateTime(timezone=True))]
JsonList = Annotated[list[Any], mapped_column(JSON)]
JsonDict = Annotated[dict[str, Any], mapped_column(JSON)]


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {
        str: String(255),
        dt.datetime: DateTime(timezone=True),
        list[Any]: JSON,
        dict[str, Any]: JSON,
    }


class Site(Base):
    """One news site, keyed by host name (``www.`` removed)."""

    __tablename__ = "sites"

    id: Mapped[IntPk]
    host: Mapped[str] = mapped_column(unique=True)
    name: Mapped[str | None]
    first_seen: Mapped[Timestamp]


class Crawl(Base):
    """One run of the crawler; reindexed captures have no crawl."""

    __tablename__ = "crawls"

    id: Mapped[IntPk]
    spider: Mapped[str | None]
    started_at: Mapped[Timestamp]
    finished_at: Mapped[dt.datetime | None]
    status: Mapped[str] = mapped_column(String(32), default="running")
    seeds: Mapped[JsonList] = mapped_column(default=list)
    settings: Mapped[JsonDict] = mapped_column(default=dict)
    pages: Mapped[int] = mapped_column(default=0)
    articles_new: Mapped[int] = mapped_column(default=0)
    versions_new: Mapped[int] = mapped_column(default=0)
    unchanged: Mapped[int] = mapped_column(default=0)
    errors: Mapped[int] = mapped_column(default=0)


class Capture(Base):
    """One WARC response (or revisit) record: what was fetched, when, and where it is stored."""

    __tablename__ = "captures"
    __table_args__ = (Index("ix_captures_url_fetched", "url_key", "fetched_at"),)

    id: Mapped[IntPk]
    crawl_id: Mapped[int | None] = mapped_column(ForeignKey("crawls.id", ondelete="SET NULL"), index=True)
    site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id"), index=True)
    url: Mapped[Url]
    url_key: Mapped[Sha]
    fetched_at: Mapped[Timestamp]
    status: Mapped[int | None]
    mime_type: Mapped[str | None]
    payload_digest: Mapped[str | None] = mapped_column(index=True)
    warc_file: Mapped[str] = mapped_column(String(1024))
    warc_offset: Mapped[int] = mapped_column(BigInteger)
    warc_length: Mapped[int] = mapped_column(BigInteger)
    record_id: Mapped[str] = mapped_column(unique=True)
    revisit_of: Mapped[str | None]
    outcome: Mapped[str] = mapped_column(String(32), default="pending")
    # The version this capture created or confirmed (plain integer: no FK cycle).
    article_version_id: Mapped[int | None] = mapped_column(index=True)


class Article(Base):
    """A stable identity per canonical URL; its text lives in versions."""

    __tablename__ = "articles"

    id: Mapped[IntPk]
    site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id"), index=True)
    canonical_url: Mapped[Url]
    url_key: Mapped[Sha] = mapped_column(unique=True)
    first_seen: Mapped[Timestamp]
    last_seen: Mapped[Timestamp]
    version_count: Mapped[int] = mapped_column(default=0)
    # The newest version; a plain indexed integer (no FK) to avoid a cycle with versions.
    latest_version_id: Mapped[int | None] = mapped_column(index=True)

    site: Mapped[Site | None] = relationship(lazy="joined")
    versions: Mapped[list[ArticleVersion]] = relationship(
        back_populates="article", order_by="ArticleVersion.number", lazy="selectin"
    )


class ArticleVersion(Base):
    """One distinct extracted text of an article (trivial changes excluded)."""

    __tablename__ = "article_versions"
    __table_args__ = (
        UniqueConstraint("article_id", "number", name="uq_article_versions_article_number"),
        Index("ix_article_versions_published_at", "published_at"),
        # Covering index for search: SQLite stores these columns after the body, so reading
        # them from the row walks the body's overflow pages (6x slower at 30,000 articles).
        Index("ix_article_versions_listing", "id", "page_type", "published_at"),
    )

    id: Mapped[IntPk]
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    number: Mapped[int]
    text_hash: Mapped[Sha]
    url: Mapped[Url]
    title: Mapped[str | None] = mapped_column(Text)
    summary: Mapped[str | None] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    authors: Mapped[JsonList] = mapped_column(default=list)
    tags: Mapped[JsonList] = mapped_column(default=list)
    published: Mapped[str | None] = mapped_column(String(64))
    modified: Mapped[str | None] = mapped_column(String(64))
    published_at: Mapped[dt.datetime | None]
    language: Mapped[str | None] = mapped_column(String(35), index=True)
    direction: Mapped[str] = mapped_column(String(3), default="ltr")
    section: Mapped[str | None]
    page_type: Mapped[str] = mapped_column(String(32), default="other")
    extractor: Mapped[str] = mapped_column(String(128), default="")
    first_seen: Mapped[Timestamp]
    last_seen: Mapped[Timestamp]
    capture_id: Mapped[int | None] = mapped_column(ForeignKey("captures.id", ondelete="SET NULL"))
    last_capture_id: Mapped[int | None] = mapped_column(ForeignKey("captures.id", ondelete="SET NULL"))

    article: Mapped[Article] = relationship(back_populates="versions")
    images: Mapped[list[Image]] = relationship(
        order_by="Image.position", lazy="selectin", cascade="all, delete-orphan"
    )


class Author(Base):
    """A byline name; ``name_key`` is the case-folded, space-collapsed form used to match."""

    __tablename__ = "authors"

    id: Mapped[IntPk]
    name: Mapped[str] = mapped_column(String(512))
    name_key: Mapped[str] = mapped_column(String(512), unique=True)


class ArticleVersionAuthor(Base):
    """Byline order of one version."""

    __tablename__ = "article_version_authors"

    version_id: Mapped[int] = mapped_column(
        ForeignKey("article_versions.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("authors.id"), index=True)


class Image(Base):
    """One image of a version; position 0 is the lead image."""

    __tablename__ = "images"
    __table_args__ = (UniqueConstraint("version_id", "position", name="uq_images_version_position"),)

    id: Mapped[IntPk]
    version_id: Mapped[int] = mapped_column(ForeignKey("article_versions.id", ondelete="CASCADE"))
    position: Mapped[int]
    src: Mapped[Url]
    caption: Mapped[str | None] = mapped_column(Text)
    credit: Mapped[str | None] = mapped_column(Text)


# -- Following sites over time: watched sites, their frontier, schedules -----------------


class WatchedSite(Base):
    """A site an archivist follows: where to start and how to discover its articles.

    ``newsarchive site add`` creates one; an ad-hoc ``crawl URL`` creates one too
    (``adhoc``), so that its frontier can be resumed.
    """

    __tablename__ = "watched_sites"

    id: Mapped[IntPk]
    name: Mapped[str] = mapped_column(String(100), unique=True)
    url: Mapped[Url]
    feeds: Mapped[JsonList] = mapped_column(default=list)
    sitemaps: Mapped[JsonList] = mapped_column(default=list)
    sections: Mapped[JsonList] = mapped_column(default=list)
    allow: Mapped[JsonList] = mapped_column(default=list)
    deny: Mapped[JsonList] = mapped_column(default=list)
    adhoc: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[Timestamp]
    last_crawl_started: Mapped[dt.datetime | None]
    last_crawl_finished: Mapped[dt.datetime | None]


class UrlState(Base):
    """The crawl frontier and seen-URL state of one watched site, one row per URL.

    ``queued`` rows were discovered but not fetched yet (or were in flight when a crawl
    was killed): the next run fetches them first. ``fetched`` rows carry what a
    conditional GET and a revisit record need (validators, digest, the record that
    holds the payload) and when the URL is due again (``next_due``; NULL = only when a
    feed or sitemap announces a change).
    """

    __tablename__ = "url_states"
    __table_args__ = (
        UniqueConstraint("watched_site_id", "url_key", name="uq_url_states_site_url"),
        Index("ix_url_states_site_status", "watched_site_id", "status"),
        Index("ix_url_states_site_due", "watched_site_id", "next_due"),
    )

    id: Mapped[IntPk]
    watched_site_id: Mapped[int] = mapped_column(ForeignKey("watched_sites.id", ondelete="CASCADE"))
    url: Mapped[Url]
    url_key: Mapped[Sha]
    kind: Mapped[str] = mapped_column(String(16), default="page")
    depth: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(16), default="queued")
    discovered_at: Mapped[Timestamp]
    last_fetched: Mapped[dt.datetime | None]
    fetch_count: Mapped[int] = mapped_column(default=0)
    last_status: Mapped[int | None]
    etag: Mapped[str | None] = mapped_column(String(512))
    last_modified: Mapped[str | None] = mapped_column(String(64))
    payload_digest: Mapped[str | None] = mapped_column(String(64))
    record_id: Mapped[str | None]
    warc_date: Mapped[str | None] = mapped_column(String(40))
    target_uri: Mapped[str | None] = mapped_column(Text)
    published_at: Mapped[dt.datetime | None]
    announced_at: Mapped[dt.datetime | None]  # newest lastmod/updated a feed or sitemap gave
    next_due: Mapped[dt.datetime | None]
    title: Mapped[str | None] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(35))


class Schedule(Base):
    """When a watched site is crawled: every N seconds or by a cron expression."""

    __tablename__ = "schedules"

    id: Mapped[IntPk]
    watched_site_id: Mapped[int] = mapped_column(
        ForeignKey("watched_sites.id", ondelete="CASCADE"), unique=True
    )
    every_seconds: Mapped[int | None]
    cron: Mapped[str | None] = mapped_column(String(100))
    next_run: Mapped[Timestamp] = mapped_column(index=True)
    created_at: Mapped[Timestamp]


class ScheduleRun(Base):
    """One crawl started by the scheduler, with its outcome and counts."""

    __tablename__ = "schedule_runs"

    id: Mapped[IntPk]
    watched_site_id: Mapped[int] = mapped_column(
        ForeignKey("watched_sites.id", ondelete="CASCADE"), index=True
    )
    started_at: Mapped[Timestamp]
    finished_at: Mapped[dt.datetime | None]
    status: Mapped[str] = mapped_column(String(16), default="running")
    pid: Mapped[int | None]
    exit_code: Mapped[int | None]
    pages: Mapped[int] = mapped_column(default=0)
    responses: Mapped[int] = mapped_column(default=0)
    errors: Mapped[int] = mapped_column(default=0)
    log_path: Mapped[str | None] = mapped_column(Text)
    message: Mapped[str | None] = mapped_column(Text)
