"""Store captures and the articles extracted from them.

The rules (issue 4): a recapture whose text is unchanged only moves ``last_seen``; a
changed text makes a new ``ArticleVersion``; trivial changes (whitespace, counters, see
``text.change_key``) count as unchanged. Ingesting the same WARC record twice changes
nothing, which is what makes ``reindex`` idempotent. One writer at a time is assumed.

``Ingestor.ingest_many`` is the one path: the crawl passes one page (or a few), reindex
a thousand; ``batch.ingest_batch`` writes them in a few statements per batch.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from archive.db.batch import ingest_batch
from archive.db.ingest_rules import (
    SKIPPED_PAGE_TYPES,
    CaptureInfo,
    IngestResult,
    author_key,
    aware,
    canonical_url,
    is_article,
    parse_when,
    site_host,
)
from archive.db.models import Article, ArticleVersion, Author, Capture, Site
from archive.db.searchindex import searchindex_hook
from archive.db.text import url_key

if TYPE_CHECKING:  # only a type: archive.db never imports the extractor (tests/test_layout.py)
    from archive.extract.article import Article as Extracted

__all__ = ["SKIPPED_PAGE_TYPES", "CaptureInfo", "IngestResult", "Ingestor", "canonical_url", "parse_when",
           "site_host"]

_CAPTURE_BY_RECORD = select(Capture.id).where(Capture.record_id == bindparam("rid"))
_INSERT_CAPTURE = insert(Capture).returning(Capture.id)
_SITE_BY_HOST = select(Site.id, Site.name).where(Site.host == bindparam("host"))
_INSERT_SITE = insert(Site).returning(Site.id)
_AUTHOR_BY_KEY = select(Author.id).where(Author.name_key == bindparam("key"))
_INSERT_AUTHOR = insert(Author).returning(Author.id)
_NEW_TEXT = ("new-article", "new-version")


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
        """Store one page (see ``ingest_many``)."""
        return self.ingest_many([(capture, article)])[0]

    def ingest_many(self, items: Sequence[tuple[CaptureInfo, Extracted | None]]) -> list[IngestResult]:
        """Store pages in order, with the same outcomes as one at a time; one result per page.

        Revisit records that are not articles look up earlier captures (maybe in this
        batch), so the pages before one are written first and the revisit goes alone.
        """
        results: list[IngestResult] = []
        pending: list[tuple[CaptureInfo, Extracted | None]] = []
        for capture, article in items:
            if capture.revisit_of and (article is None or not is_article(capture, article)):
                results += ingest_batch(self, pending)
                pending = []
                results.append(self._ingest_revisit(capture, article))
            else:
                pending.append((capture, article))
        results += ingest_batch(self, pending)
        if any(r.outcome in _NEW_TEXT for r in results):
            searchindex_hook(self.session)
        return results

    def _ingest_revisit(self, capture: CaptureInfo, article: Extracted | None) -> IngestResult:
        if self._exec(_CAPTURE_BY_RECORD, rid=capture.location.record_id).first() is not None:
            return IngestResult("duplicate")
        loc = capture.location
        capture_id = self._exec(_INSERT_CAPTURE, **dict(
            crawl_id=capture.crawl_id,
            site_id=self._site_id(capture.url, article.site_name if article else None, capture.fetched_at),
            url=capture.url, url_key=url_key(capture.url), fetched_at=capture.fetched_at,
            status=capture.status, mime_type=capture.mime_type, payload_digest=loc.payload_digest,
            warc_file=loc.file, warc_offset=loc.offset, warc_length=loc.length, record_id=loc.record_id,
            revisit_of=capture.revisit_of, outcome="pending",
        )).scalar_one()
        result = self._revisit(capture_id, capture)
        self._exec(update(Capture).where(Capture.id == capture_id).values(
            outcome=result.outcome, article_version_id=result.version_id))
        return result

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
        if when >= aware(version.last_seen):
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
        key = author_key(name)
        if key in self._authors:
            return self._authors[key]
        author_id = self._exec(_AUTHOR_BY_KEY, key=key).scalar()
        if author_id is None:
            author_id = self._exec(_INSERT_AUTHOR, name=name[:512], name_key=key).scalar_one()
        self._authors[key] = author_id
        return author_id
