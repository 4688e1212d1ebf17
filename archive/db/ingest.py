"""Store one capture and the article extracted from it.

The rules (issue 4): a recapture whose text is unchanged only moves ``last_seen``; a
changed text makes a new ``ArticleVersion``; trivial changes (whitespace, counters, see
``text.change_key``) count as unchanged. Ingesting the same WARC record twice changes
nothing, which is what makes ``reindex`` idempotent. One writer at a time is assumed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from archive.db.models import Article, ArticleVersion, ArticleVersionAuthor, Author, Capture, Image, Site
from archive.db.text import change_key, url_key
from archive.warc.location import RecordLocation

if TYPE_CHECKING:  # only a type: archive.db never imports the extractor (tests/test_layout.py)
    from archive.extract.article import Article as Extracted

# Page types whose text is not an article (see archive.extract.article.PageType).
SKIPPED_PAGE_TYPES = frozenset({"index", "consent_wall", "error"})

# Statements built once: building them per call cost more than running them.
_CAPTURE_BY_RECORD = select(Capture.id).where(Capture.record_id == bindparam("rid"))
_INSERT_CAPTURE = insert(Capture).returning(Capture.id)
_CAPTURE_OUTCOME = update(Capture).where(Capture.id == bindparam("cid"))
_ARTICLE_BY_KEY = select(
    Article.id, Article.first_seen, Article.last_seen, Article.version_count, Article.latest_version_id
).where(Article.url_key == bindparam("key"))
_INSERT_ARTICLE = insert(Article).returning(Article.id)
_ARTICLE_SEEN = update(Article).where(Article.id == bindparam("aid"))
_ARTICLE_LATEST = update(Article).where(Article.id == bindparam("aid"))
_VERSION_BY_ID = select(ArticleVersion.id, ArticleVersion.text_hash, ArticleVersion.last_seen).where(
    ArticleVersion.id == bindparam("vid")
)
_INSERT_VERSION = insert(ArticleVersion).returning(ArticleVersion.id)
_VERSION_SEEN = update(ArticleVersion).where(ArticleVersion.id == bindparam("vid"))
_SITE_BY_HOST = select(Site.id, Site.name).where(Site.host == bindparam("host"))
_INSERT_SITE = insert(Site).returning(Site.id)
_AUTHOR_BY_KEY = select(Author.id).where(Author.name_key == bindparam("key"))
_INSERT_AUTHOR = insert(Author).returning(Author.id)


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


class Ingestor:
    """Writes captures and versions through one session; caches site and author ids.

    Plain Core statements on the session's connection (no ORM unit of work): about ten
    round trips per page, which is what makes bulk ingest fast (see benchmarks/).
    """

    def __init__(self, session: Session) -> None:
        self.session = session
        self._sites: dict[str, int] = {}
        self._authors: dict[str, int] = {}

    def _exec(self, stmt: Any, **params: Any) -> Any:
        return self.session.connection().execute(stmt, params)

    def ingest(self, capture: CaptureInfo, article: Extracted | None) -> IngestResult:
        loc = capture.location
        if self._exec(_CAPTURE_BY_RECORD, rid=loc.record_id).first() is not None:
            return IngestResult("duplicate")
        capture_id = self._add_capture(capture, article)
        if article is None or not _is_article(capture, article):
            result = self._revisit(capture_id, capture) if capture.revisit_of else IngestResult("not-article", capture_id)
        else:
            result = self._store_article(capture_id, capture, article)
        self._exec(_CAPTURE_OUTCOME, cid=capture_id, outcome=result.outcome, article_version_id=result.version_id)
        return result

    def _add_capture(self, capture: CaptureInfo, article: Extracted | None) -> int:
        loc = capture.location
        values = dict(
            crawl_id=capture.crawl_id,
            site_id=self._site_id(capture.url, article.site_name if article else None, capture.fetched_at),
            url=capture.url, url_key=url_key(capture.url), fetched_at=capture.fetched_at,
            status=capture.status, mime_type=capture.mime_type, payload_digest=loc.payload_digest,
            warc_file=loc.file, warc_offset=loc.offset, warc_length=loc.length, record_id=loc.record_id,
            revisit_of=capture.revisit_of, outcome="pending",
        )
        return self._exec(_INSERT_CAPTURE, **values).scalar_one()

    def _store_article(self, capture_id: int, capture: CaptureInfo, extracted: Extracted) -> IngestResult:
        canonical = canonical_url(capture.url, extracted.canonical_url)
        key_url = url_key(canonical)
        when = capture.fetched_at
        row = self._exec(_ARTICLE_BY_KEY, key=key_url).first()
        if row is None:
            site_id = self._site_id(capture.url, extracted.site_name, when)
            article_id = self._exec(
                _INSERT_ARTICLE, site_id=site_id, canonical_url=canonical, url_key=key_url, first_seen=when,
                last_seen=when, version_count=0,
            ).scalar_one()
            count, latest, outcome = 0, None, "new-article"
        else:
            article_id, count, outcome = row.id, row.version_count, "new-version"
            if when < _aware(row.first_seen) or when > _aware(row.last_seen):
                self._exec(_ARTICLE_SEEN, aid=article_id, first_seen=min(_aware(row.first_seen), when),
                           last_seen=max(_aware(row.last_seen), when))
            latest = self._exec(_VERSION_BY_ID, vid=row.latest_version_id).first() if row.latest_version_id else None
        key = change_key(extracted.title, extracted.body)
        if latest is not None and latest.text_hash == key:
            if when >= _aware(latest.last_seen):
                self._exec(_VERSION_SEEN, vid=latest.id, last_seen=when, last_capture_id=capture_id)
            return IngestResult("unchanged", capture_id, article_id, latest.id)
        version_id = self._new_version(article_id, count + 1, capture_id, capture.url, extracted, key, when)
        self._exec(_ARTICLE_LATEST, aid=article_id, version_count=count + 1, latest_version_id=version_id)
        return IngestResult(outcome, capture_id, article_id, version_id)

    def _new_version(self, article_id: int, number: int, capture_id: int, url: str, ex: Extracted,
                     key: str, when: dt.datetime) -> int:
        version_id = self._exec(
            _INSERT_VERSION, article_id=article_id, number=number, text_hash=key, url=url,
            title=ex.title, summary=ex.summary, body=ex.body, authors=list(ex.authors), tags=list(ex.tags),
            published=ex.published, modified=ex.modified, published_at=parse_when(ex.published),
            language=ex.language, direction=ex.direction, section=ex.section, page_type=ex.page_type,
            extractor=ex.extractor, first_seen=when, last_seen=when, capture_id=capture_id,
            last_capture_id=capture_id,
        ).scalar_one()
        if ex.images:
            self.session.connection().execute(insert(Image), [
                dict(version_id=version_id, position=i, src=img.src, caption=img.caption, credit=img.credit)
                for i, img in enumerate(ex.images)
            ])
        names = list(dict.fromkeys(n.strip() for n in ex.authors if n.strip()))
        if names:
            self.session.connection().execute(insert(ArticleVersionAuthor), [
                dict(version_id=version_id, position=i, author_id=self._author_id(name)) for i, name in enumerate(names)
            ])
        return version_id

    def _revisit(self, capture_id: int, capture: CaptureInfo) -> IngestResult:
        """A revisit record: same payload as an earlier capture, so its version was seen again."""
        original = self._exec(select(Capture.article_version_id)
                              .where(Capture.record_id == capture.revisit_of)).first()
        digest = capture.location.payload_digest
        if (original is None or original.article_version_id is None) and digest:
            original = self._exec(
                select(Capture.article_version_id).where(
                    Capture.payload_digest == digest, Capture.id != capture_id,
                    Capture.article_version_id.is_not(None)).order_by(Capture.id.desc()).limit(1)
            ).first()
        if original is None or original.article_version_id is None:
            return IngestResult("revisit", capture_id)
        version = self._exec(select(ArticleVersion.id, ArticleVersion.article_id, ArticleVersion.last_seen)
                             .where(ArticleVersion.id == original.article_version_id)).first()
        if version is None:
            return IngestResult("revisit", capture_id)
        when = capture.fetched_at
        if when >= _aware(version.last_seen):
            self._exec(update(ArticleVersion).where(ArticleVersion.id == version.id)
                       .values(last_seen=when, last_capture_id=capture_id))
        self._exec(update(Article).where(Article.id == version.article_id, Article.last_seen < when)
                   .values(last_seen=when))
        return IngestResult("revisit", capture_id, version.article_id, version.id)

    def _site_id(self, url: str, name: str | None, when: dt.datetime) -> int | None:
        host = site_host(url)
        if not host:
            return None
        if host in self._sites:
            return self._sites[host]
        row = self._exec(_SITE_BY_HOST, host=host).first()
        if row is None:
            site_id = self._exec(_INSERT_SITE, host=host, name=name, first_seen=when).scalar_one()
        else:
            site_id = row.id
            if name and not row.name:
                self._exec(update(Site).where(Site.id == site_id).values(name=name))
        if name or row is not None and row.name:
            self._sites[host] = site_id  # cache once the name is known
        return site_id

    def _author_id(self, name: str) -> int:
        key = " ".join(name.casefold().split())[:512]
        if key in self._authors:
            return self._authors[key]
        author_id = self._exec(_AUTHOR_BY_KEY, key=key).scalar()
        if author_id is None:
            author_id = self._exec(_INSERT_AUTHOR, name=name[:512], name_key=key).scalar_one()
        self._authors[key] = author_id
        return author_id


def _is_article(capture: CaptureInfo, article: Extracted) -> bool:
    if capture.status is not None and not 200 <= capture.status < 300:
        return False
    return bool(article.body.strip()) and article.page_type not in SKIPPED_PAGE_TYPES


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
    return _aware(when).astimezone(dt.timezone.utc)


def _aware(when: dt.datetime) -> dt.datetime:
    """SQLite returns naive datetimes; everything we store is UTC."""
    return when if when.tzinfo is not None else when.replace(tzinfo=dt.timezone.utc)
