"""Store one capture and the article extracted from it.

The rules (issue 4): a recapture whose text is unchanged only moves ``last_seen``; a
changed text makes a new ``ArticleVersion``; trivial changes (whitespace, counters, see
``text.change_key``) count as unchanged. Ingesting the same WARC record twice changes
nothing, which is what makes ``reindex`` idempotent. One writer at a time is assumed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.db.models import Article, ArticleVersion, ArticleVersionAuthor, Author, Capture, Image, Site
from archive.db.text import change_key, url_key
from archive.extract.article import Article as Extracted
from archive.warc.location import RecordLocation

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


class Ingestor:
    """Writes captures and versions through one session; caches site and author ids."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._sites: dict[str, int] = {}
        self._authors: dict[str, int] = {}

    def clear_cache(self) -> None:
        """Call after a rollback: cached ids may name rows that were never committed."""
        self._sites.clear()
        self._authors.clear()

    def ingest(self, capture: CaptureInfo, article: Extracted | None) -> IngestResult:
        s = self.session
        if s.scalar(select(Capture.id).where(Capture.record_id == capture.location.record_id)) is not None:
            return IngestResult("duplicate")
        row = self._add_capture(capture, article)
        if article is None or not _is_article(capture, article):
            if capture.revisit_of:
                return self._revisit(row, capture)
            row.outcome = "not-article"
            return IngestResult("not-article", row.id)
        result = self._store_article(row, capture, article)
        row.outcome, row.article_version_id = result.outcome, result.version_id
        return result

    def _add_capture(self, capture: CaptureInfo, article: Extracted | None) -> Capture:
        loc = capture.location
        row = Capture(
            crawl_id=capture.crawl_id,
            site_id=self._site_id(capture.url, article.site_name if article else None, capture.fetched_at),
            url=capture.url,
            url_key=url_key(capture.url),
            fetched_at=capture.fetched_at,
            status=capture.status,
            mime_type=capture.mime_type,
            payload_digest=loc.payload_digest,
            warc_file=loc.file,
            warc_offset=loc.offset,
            warc_length=loc.length,
            record_id=loc.record_id,
            revisit_of=capture.revisit_of,
            outcome="pending",
        )
        self.session.add(row)
        self.session.flush()
        return row

    def _store_article(self, row: Capture, capture: CaptureInfo, extracted: Extracted) -> IngestResult:
        s = self.session
        canonical = canonical_url(capture.url, extracted.canonical_url)
        article = s.scalar(select(Article).where(Article.url_key == url_key(canonical)))
        when = capture.fetched_at
        outcome = "new-version"
        if article is None:
            article = Article(
                site_id=row.site_id, canonical_url=canonical, url_key=url_key(canonical),
                first_seen=when, last_seen=when, version_count=0,
            )
            s.add(article)
            s.flush()
            outcome = "new-article"
        article.first_seen = min(_aware(article.first_seen), when)
        article.last_seen = max(_aware(article.last_seen), when)
        key = change_key(extracted.title, extracted.body)
        latest = s.get(ArticleVersion, article.latest_version_id) if article.latest_version_id else None
        if latest is not None and latest.text_hash == key:
            if when >= _aware(latest.last_seen):
                latest.last_seen, latest.last_capture_id = when, row.id
            return IngestResult("unchanged", row.id, article.id, latest.id)
        version = self._new_version(article, row, extracted, key, when)
        return IngestResult(outcome, row.id, article.id, version.id)

    def _new_version(
        self, article: Article, row: Capture, ex: Extracted, key: str, when: dt.datetime
    ) -> ArticleVersion:
        version = ArticleVersion(
            article_id=article.id, number=article.version_count + 1, text_hash=key, url=row.url,
            title=ex.title, summary=ex.summary, body=ex.body, authors=list(ex.authors), tags=list(ex.tags),
            published=ex.published, modified=ex.modified, published_at=parse_when(ex.published),
            language=ex.language, direction=ex.direction, section=ex.section, page_type=ex.page_type,
            extractor=ex.extractor, first_seen=when, last_seen=when, capture_id=row.id, last_capture_id=row.id,
        )
        version.images = [
            Image(position=i, src=img.src, caption=img.caption, credit=img.credit) for i, img in enumerate(ex.images)
        ]
        self.session.add(version)
        self.session.flush()
        for position, name in enumerate(dict.fromkeys(n.strip() for n in ex.authors if n.strip())):
            self.session.add(ArticleVersionAuthor(version_id=version.id, position=position, author_id=self._author_id(name)))
        article.version_count += 1
        article.latest_version_id = version.id
        return version

    def _revisit(self, row: Capture, capture: CaptureInfo) -> IngestResult:
        """A revisit record: same payload as an earlier capture, so its version was seen again."""
        s = self.session
        original = s.scalar(select(Capture).where(Capture.record_id == capture.revisit_of))
        if original is None and row.payload_digest:
            original = s.scalar(
                select(Capture).where(Capture.payload_digest == row.payload_digest, Capture.id != row.id,
                                      Capture.article_version_id.is_not(None)).order_by(Capture.id.desc()).limit(1)
            )
        version = s.get(ArticleVersion, original.article_version_id) if original and original.article_version_id else None
        row.outcome = "revisit"
        if version is None:
            return IngestResult("revisit", row.id)
        row.article_version_id = version.id
        when = capture.fetched_at
        if when >= _aware(version.last_seen):
            version.last_seen, version.last_capture_id = when, row.id
        article = s.get(Article, version.article_id)
        if article is not None and when > _aware(article.last_seen):
            article.last_seen = when
        return IngestResult("revisit", row.id, version.article_id, version.id)

    def _site_id(self, url: str, name: str | None, when: dt.datetime) -> int | None:
        host = site_host(url)
        if not host:
            return None
        if host in self._sites:
            return self._sites[host]
        site = self.session.scalar(select(Site).where(Site.host == host))
        if site is None:
            site = Site(host=host, name=name, first_seen=when)
            self.session.add(site)
            self.session.flush()
        elif name and not site.name:
            site.name = name
        self._sites[host] = site.id
        return site.id

    def _author_id(self, name: str) -> int:
        key = " ".join(name.casefold().split())[:512]
        if key in self._authors:
            return self._authors[key]
        author = self.session.scalar(select(Author).where(Author.name_key == key))
        if author is None:
            author = Author(name=name[:512], name_key=key)
            self.session.add(author)
            self.session.flush()
        self._authors[key] = author.id
        return author.id


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
        when = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return _aware(when).astimezone(dt.timezone.utc)


def _aware(when: dt.datetime) -> dt.datetime:
    """SQLite returns naive datetimes; everything we store is UTC."""
    return when if when.tzinfo is not None else when.replace(tzinfo=dt.timezone.utc)
