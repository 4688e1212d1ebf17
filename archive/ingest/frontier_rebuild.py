"""The frontier is state: after the database is lost, ``reindex`` rebuilds it from the WARCs.

Only the records' headers are read (no payload, so a bomb in a record costs nothing),
in capture-time order, and replayed through ``Frontier.record_fetch`` exactly as the
crawl recorded them, so validators, fetch counts, revisit targets and due times come
out the same way.
"""

from __future__ import annotations

import datetime as dt
import re
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.recordloader import ArcWarcRecord

from archive.db.frontier import FetchResult, Frontier
from archive.db.models import ArticleVersion, Capture, UrlState, WatchedSite
from archive.db.session import Database
from archive.db.sites import aware, sync_sites
from archive.scope import Scope
from archive.warc.records import parse_warc_date

_FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json")


@dataclass(frozen=True)
class _Fetch:
    """What one response or revisit record says about a fetch of its URL."""

    url: str
    when: dt.datetime
    status: int
    mime: str
    result: FetchResult


def rebuild_frontier_from_warcs(db: Database, data_dir: Path, files: Iterable[Path]) -> int:
    """Fill the frontier of every declared site that has none from the WARC records.

    After the database is lost, ``reindex`` gives back the articles and this gives back
    what the next incremental crawl needs: each URL's validators (ETag, Last-Modified),
    last status and fetch count, the record a revisit points at, feeds and sitemaps to
    poll, and when an article is due again. The sites come from ``sites.toml`` (synced
    first). A site whose frontier has rows is left alone, so a second ``reindex`` changes
    nothing; URLs that were queued but never fetched are not in any WARC and are simply
    found again. Returns how many URL rows were written.
    """
    sync_sites(db, data_dir)
    with db.session() as session:
        used = set(session.scalars(select(UrlState.watched_site_id).distinct()))
        sites = [s for s in session.scalars(select(WatchedSite).where(WatchedSite.adhoc.is_(False)))
                 if s.id not in used]
    if not sites:
        return 0
    fetches = sorted((f for path in files for f in _fetches(path)), key=lambda f: (f.when, f.url))
    articles = _article_info(db)
    written = 0
    for site in sites:
        frontier = Frontier(db, site.id)
        covers = _site_filter(site)
        for fetch in fetches:
            if covers(fetch.url):
                published, is_article = articles.get(fetch.result.record_id or "", (None, False))
                kind = _kind(site, fetch, is_article)
                frontier.discover(fetch.url, kind, published=published)
                frontier.record_fetch(fetch.url, fetch.result, now=fetch.when)
        written += frontier.flush()
    return written


def _fetches(path: Path) -> Iterator[_Fetch]:
    """Headers only: no payload is read, so a bomb in a record costs nothing here."""
    try:
        with open(path, "rb") as stream:
            for record in ArchiveIterator(stream, check_digests=False):
                fetch = _fetch(record)
                if fetch is not None:
                    yield fetch
    except (ArchiveLoadFailed, OSError, EOFError, ValueError, zlib.error):
        return  # reindex reports unreadable files; what was read before still counts


def _fetch(record: ArcWarcRecord) -> _Fetch | None:
    if record.rec_type not in ("response", "revisit") or record.http_headers is None:
        return None
    headers = record.rec_headers
    url = (headers.get_header("WARC-Target-URI") or "").strip("<>")
    when = parse_warc_date(headers.get_header("WARC-Date") or "")
    status = _status(record.http_headers.get_statuscode())
    if when is None or status is None or not url.startswith(("http://", "https://")):
        return None
    http = record.http_headers
    result = FetchResult(
        status=status, etag=http.get_header("ETag"), last_modified=http.get_header("Last-Modified"),
        payload_digest=headers.get_header("WARC-Payload-Digest"), record_id=headers.get_header("WARC-Record-ID"),
        warc_date=headers.get_header("WARC-Date"), target_uri=url, unchanged=record.rec_type == "revisit",
    )
    mime = (http.get_header("Content-Type") or "").split(";")[0].strip().lower()
    return _Fetch(url, when, status, mime, result)


def _status(text: str | None) -> int | None:
    try:
        return int(text or "", 10) if (text or "").isascii() else None
    except ValueError:
        return None


def _article_info(db: Database) -> dict[str, tuple[dt.datetime | None, bool]]:
    """``record_id -> (published_at, is an article)`` for captures that gave a version."""
    stmt = (select(Capture.record_id, ArticleVersion.published_at, ArticleVersion.page_type)
            .join(ArticleVersion, ArticleVersion.id == Capture.article_version_id))
    with db.session() as session:
        return {rid: (aware(published), page_type == "article") for rid, published, page_type in session.execute(stmt)}


def _site_filter(site: WatchedSite) -> Callable[[str], bool]:
    """The crawl's own scope: the seeds' domains, then ``allow``/``deny``; declared URLs always."""
    scope = Scope.for_seeds([site.url, *site.sections])
    allow = [re.compile(p) for p in site.allow]
    deny = [re.compile(p) for p in site.deny]
    declared = {site.url, *site.sections, *site.feeds, *site.sitemaps}

    def covers(url: str) -> bool:
        if url in declared or (url.endswith("/robots.txt") and scope.contains(url)):
            return True
        if not scope.contains(url) or (allow and not any(p.search(url) for p in allow)):
            return False
        return not any(p.search(url) for p in deny)

    return covers


def _kind(site: WatchedSite, fetch: _Fetch, is_article: bool) -> str:
    """What the crawl would have called the URL, told from the site and the response."""
    if fetch.url == site.url:
        return "seed"
    if fetch.url in site.sections:
        return "section"
    if fetch.url in site.feeds or fetch.mime in _FEED_TYPES:
        return "feed"
    if fetch.url in site.sitemaps or ("xml" in fetch.mime and "sitemap" in fetch.url.lower()):
        return "sitemap"
    return "article" if is_article else "page"
