"""Ingest a batch of pages in a handful of statements (the engine of ``Ingestor.ingest_many``).

Per batch: one SELECT for the record ids already stored, one for the articles the batch
touches and one for their latest versions. Then every page's outcome is decided in
memory, in the batch's order, by the same rules as before (a page later in the batch
sees the versions made earlier in it). Ids are allocated up front (one writer at a
time is assumed, as everywhere in ingest), so each table gets one bulk write
(``ingest_copy.insert_rows``: COPY on PostgreSQL, executemany on SQLite), and the
batch's new authors one INSERT and one SELECT. This is what takes ingest from about ten
round trips per page to about ten per batch (issue 10, target 3).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, bindparam, select, text, update

from archive.db import sqlvectors
from archive.db.ingest_copy import insert_rows
from archive.db.ingest_rules import (
    CaptureInfo,
    IngestResult,
    author_key,
    aware,
    canonical_url,
    is_article,
    parse_when,
    site_host,
)
from archive.db.models import Article, ArticleVersion, ArticleVersionAuthor, Author, Capture, Image, Site
from archive.db.text import change_key, url_key

if TYPE_CHECKING:  # types only: archive.db never imports the extractor (tests/test_layout.py)
    from archive.db.ingest import Ingestor
    from archive.extract.article import Article as Extracted

_ARTICLE_STATE = update(Article).where(Article.id == bindparam("b_id")).values(
    first_seen=bindparam("b_first"), last_seen=bindparam("b_last"), version_count=bindparam("b_count"),
    latest_version_id=bindparam("b_latest"),
)
_VERSION_SEEN = update(ArticleVersion).where(ArticleVersion.id == bindparam("b_id")).values(
    last_seen=bindparam("b_last"), last_capture_id=bindparam("b_capture"),
)


@dataclass
class _Version:
    """An article's latest version as the batch sees it."""

    id: int
    text_hash: str
    last_seen: dt.datetime
    row: dict[str, Any] | None = None  # the insert row when the version is new in this batch
    moved: bool = False  # an existing version whose last_seen moved (to last_capture_id)
    last_capture_id: int | None = None


@dataclass
class _ArticleState:
    id: int
    first_seen: dt.datetime
    last_seen: dt.datetime
    count: int
    latest: _Version | None
    row: dict[str, Any] | None = None  # the insert row when the article is new in this batch
    dirty: bool = False


_ID_TABLES = ("captures", "articles", "article_versions")
_PG_IDS = text("SELECT nextval(pg_get_serial_sequence('captures', 'id')), "
               "nextval(pg_get_serial_sequence('articles', 'id')), "
               "nextval(pg_get_serial_sequence('article_versions', 'id')) FROM generate_series(1, :n)")
_SQLITE_MAX_IDS = text("SELECT (SELECT max(id) FROM captures), (SELECT max(id) FROM articles), "
                       "(SELECT max(id) FROM article_versions)")


class _Ids:
    """Primary keys handed out before the INSERTs, so that rows can name each other.

    One query per batch for all three tables. PostgreSQL: ``nextval`` as many times as
    the batch has pages (unused ones are gaps, as after a rollback). SQLite: ``max(id) + 1``
    onwards, which is what SQLite itself would assign (one writer at a time).
    """

    def __init__(self, conn: Connection, block: int) -> None:
        self.pools: dict[str, list[int]] = {}
        if conn.dialect.name == "postgresql":
            rows = conn.execute(_PG_IDS, {"n": max(1, block)}).all()
            for k, table in enumerate(_ID_TABLES):
                self.pools[table] = sorted((r[k] for r in rows), reverse=True)
        else:
            start = conn.execute(_SQLITE_MAX_IDS).one()
            for k, table in enumerate(_ID_TABLES):
                first = (start[k] or 0) + 1
                self.pools[table] = list(range(first + block - 1, first - 1, -1))

    def next(self, table: str) -> int:
        return self.pools[table].pop()


@dataclass
class Batch:
    """Rows to write for one batch, and each page's result."""

    ingestor: Ingestor
    conn: Connection
    ids: _Ids
    articles: dict[str, _ArticleState] = field(default_factory=dict)
    captures: list[dict[str, Any]] = field(default_factory=list)
    versions: list[dict[str, Any]] = field(default_factory=list)
    images: list[dict[str, Any]] = field(default_factory=list)
    bylines: list[dict[str, Any]] = field(default_factory=list)  # author_id holds the name key until written
    new_authors: dict[str, str] = field(default_factory=dict)  # name key -> name, not yet in the table
    results: list[IngestResult] = field(default_factory=list)


def ingest_batch(ingestor: Ingestor, items: Sequence[tuple[CaptureInfo, Extracted | None]]) -> list[IngestResult]:
    """Store ``items`` (no revisit records: ``Ingestor.ingest_many`` routes those singly)."""
    if not items:
        return []
    conn = ingestor.session.connection()
    batch = Batch(ingestor, conn, _Ids(conn, len(items)))
    stored = _stored_records(conn, [c.location.record_id for c, _ in items])
    _prefetch_ids(ingestor, conn, items)
    _load_articles(batch, [_key(c, a) for c, a in items if a is not None and is_article(c, a)])
    for capture, article in items:
        if capture.location.record_id in stored:
            batch.results.append(_result("duplicate"))
            continue
        stored.add(capture.location.record_id)
        _plan(batch, capture, article)
    _write(batch)
    return batch.results


def _plan(batch: Batch, capture: CaptureInfo, article: Extracted | None) -> None:
    capture_id = batch.ids.next("captures")
    row = _capture_row(batch, capture_id, capture, article)
    batch.captures.append(row)
    if article is None or not is_article(capture, article):
        row["outcome"] = "not-article"
        batch.results.append(_result("not-article", capture_id))
        return
    outcome, article_id, version_id = _plan_article(batch, capture_id, capture, article)
    row["outcome"], row["article_version_id"] = outcome, version_id
    batch.results.append(_result(outcome, capture_id, article_id, version_id))


def _plan_article(batch: Batch, capture_id: int, capture: CaptureInfo, ex: Extracted) -> tuple[str, int, int]:
    canonical = canonical_url(capture.url, ex.canonical_url)
    key_url, when = url_key(canonical), capture.fetched_at
    state = batch.articles.get(key_url)
    if state is None:
        site_id = batch.ingestor._site_id(capture.url, ex.site_name, when)
        state = _ArticleState(batch.ids.next("articles"), when, when, 0, None)
        state.row = dict(id=state.id, site_id=site_id, canonical_url=canonical, url_key=key_url)
        batch.articles[key_url] = state
        outcome = "new-article"
    else:
        outcome = "new-version"
        if when < state.first_seen or when > state.last_seen:
            state.first_seen, state.last_seen = min(state.first_seen, when), max(state.last_seen, when)
            state.dirty = True
    key = change_key(ex.title, ex.body)
    latest = state.latest
    if latest is not None and latest.text_hash == key:
        if when >= latest.last_seen:
            latest.last_seen = when
            if latest.row is not None:
                latest.row.update(last_seen=when, last_capture_id=capture_id)
            else:
                latest.moved, latest.last_capture_id = True, capture_id
        return "unchanged", state.id, latest.id
    state.count += 1
    version = _Version(batch.ids.next("article_versions"), key, when)
    version.row = _version_row(batch, version.id, state, capture_id, capture.url, ex, key, when)
    state.latest, state.dirty = version, True
    return outcome, state.id, version.id


def _version_row(batch: Batch, version_id: int, state: _ArticleState, capture_id: int, url: str, ex: Extracted,
                 key: str, when: dt.datetime) -> dict[str, Any]:
    batch.images.extend(
        dict(version_id=version_id, position=i, src=img.src, caption=img.caption, credit=img.credit)
        for i, img in enumerate(ex.images)
    )
    names = list(dict.fromkeys(n.strip() for n in ex.authors if n.strip()))
    for position, name in enumerate(names):
        name_key = author_key(name)
        if name_key not in batch.ingestor._authors:
            batch.new_authors.setdefault(name_key, name[:512])  # the first spelling names the author
        batch.bylines.append(dict(version_id=version_id, position=position, author_id=name_key))
    row = dict(
        id=version_id, article_id=state.id, number=state.count, text_hash=key, url=url, title=ex.title,
        summary=ex.summary, body=ex.body, authors=list(ex.authors), tags=list(ex.tags), published=ex.published,
        modified=ex.modified, published_at=parse_when(ex.published), language=ex.language, direction=ex.direction,
        section=ex.section, page_type=ex.page_type, extractor=ex.extractor, first_seen=when, last_seen=when,
        capture_id=capture_id, last_capture_id=capture_id,
    )
    batch.versions.append(row)
    return row


def _capture_row(batch: Batch, capture_id: int, capture: CaptureInfo, article: Extracted | None) -> dict[str, Any]:
    loc = capture.location
    site_id = batch.ingestor._site_id(capture.url, article.site_name if article else None, capture.fetched_at)
    return dict(
        id=capture_id, crawl_id=capture.crawl_id, site_id=site_id, url=capture.url, url_key=url_key(capture.url),
        fetched_at=capture.fetched_at, status=capture.status, mime_type=capture.mime_type,
        payload_digest=loc.payload_digest, warc_file=loc.file, warc_offset=loc.offset, warc_length=loc.length,
        record_id=loc.record_id, revisit_of=capture.revisit_of, outcome="pending", article_version_id=None,
    )


def _write(batch: Batch) -> None:
    """Inserts in foreign-key order (captures, articles, versions, their rows), then updates."""
    conn = batch.conn
    new_articles, moved_articles, moved_versions = [], [], []
    for state in batch.articles.values():
        latest_id = state.latest.id if state.latest else None
        if state.row is not None:
            new_articles.append(dict(state.row, first_seen=state.first_seen, last_seen=state.last_seen,
                                     version_count=state.count, latest_version_id=latest_id))
        elif state.dirty:
            moved_articles.append(dict(b_id=state.id, b_first=state.first_seen, b_last=state.last_seen,
                                       b_count=state.count, b_latest=latest_id))
        if state.latest is not None and state.latest.moved:
            moved_versions.append(dict(b_id=state.latest.id, b_last=state.latest.last_seen,
                                       b_capture=state.latest.last_capture_id))
    _resolve_authors(batch)
    if batch.versions:  # PostgreSQL's SQL search vectors, when SQL search answers (migration 0006)
        sqlvectors.before_insert(conn)
    for model, rows in ((Capture, batch.captures), (Article, new_articles), (ArticleVersion, batch.versions),
                        (Image, batch.images), (ArticleVersionAuthor, batch.bylines)):
        insert_rows(conn, model, rows)
    if moved_articles:
        conn.execute(_ARTICLE_STATE, moved_articles)
    if moved_versions:
        conn.execute(_VERSION_SEEN, moved_versions)


def _resolve_authors(batch: Batch) -> None:
    """Create the batch's new authors in one statement, read their ids in one, fill the bylines."""
    authors = batch.ingestor._authors
    if batch.new_authors:
        insert_rows(batch.conn, Author,
                    [dict(name=name, name_key=key) for key, name in batch.new_authors.items()])
        found = batch.conn.execute(select(Author.id, Author.name_key)
                                   .where(Author.name_key.in_(list(batch.new_authors))))
        authors.update((row.name_key, row.id) for row in found)
        batch.new_authors.clear()
    for byline in batch.bylines:
        byline["author_id"] = authors[byline["author_id"]]


def _prefetch_ids(ingestor: Ingestor, conn: Connection, items: Sequence[tuple[CaptureInfo, Extracted | None]]) -> None:
    """Fill the ingestor's site and author caches with one SELECT each (a new one per batch)."""
    hosts = {site_host(c.url) for c, _ in items} - set(ingestor._sites)
    if hosts:
        for row in conn.execute(select(Site.id, Site.host).where(Site.host.in_(hosts), Site.name.is_not(None))):
            ingestor._sites[row.host] = row.id  # the same rule as Ingestor._site_id: cached once named
    keys = {author_key(n) for _, a in items if a is not None for n in a.authors if n.strip()} - set(ingestor._authors)
    if keys:
        for row in conn.execute(select(Author.id, Author.name_key).where(Author.name_key.in_(keys))):
            ingestor._authors[row.name_key] = row.id


def _stored_records(conn: Connection, record_ids: list[str]) -> set[str]:
    return set(conn.execute(select(Capture.record_id).where(Capture.record_id.in_(set(record_ids)))).scalars())


def _load_articles(batch: Batch, keys: list[str]) -> None:
    """The stored articles the batch touches, with the text hash of their latest version."""
    if not keys:
        return
    rows = batch.conn.execute(
        select(Article.id, Article.url_key, Article.first_seen, Article.last_seen, Article.version_count,
               Article.latest_version_id, ArticleVersion.text_hash, ArticleVersion.last_seen.label("v_seen"))
        .outerjoin(ArticleVersion, ArticleVersion.id == Article.latest_version_id)
        .where(Article.url_key.in_(set(keys)))
    ).all()
    for r in rows:
        latest = _Version(r.latest_version_id, r.text_hash, aware(r.v_seen)) if r.latest_version_id else None
        batch.articles[r.url_key] = _ArticleState(r.id, aware(r.first_seen), aware(r.last_seen), r.version_count,
                                                  latest)


def _key(capture: CaptureInfo, article: Extracted) -> str:
    return url_key(canonical_url(capture.url, article.canonical_url))


def _result(outcome: str, capture_id: int | None = None, article_id: int | None = None,
            version_id: int | None = None) -> IngestResult:
    return IngestResult(outcome, capture_id, article_id, version_id)
