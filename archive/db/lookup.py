"""Read-side helpers for ``show`` and ``stats``: one article with its versions, diffs, counts."""

from __future__ import annotations

import datetime as dt
import difflib
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from archive.db.models import Article, ArticleVersion, Author, Capture, Crawl, Image, Site


def article_detail(session: Session, article_id: int) -> dict[str, Any] | None:
    """The article, its latest fields at top level, and every version (oldest first)."""
    article = session.get(Article, article_id)
    if article is None:
        return None
    captures = {
        c.id: c for c in session.scalars(
            select(Capture).where(Capture.id.in_([v.capture_id for v in article.versions if v.capture_id]))
        )
    }
    versions = [_version(v, captures.get(v.capture_id or -1)) for v in article.versions]
    latest = versions[-1] if versions else {}
    site = article.site
    return {
        "id": article.id,
        "url": article.canonical_url,
        "site": (site.name or site.host) if site else None,
        **{k: latest.get(k) for k in ("title", "authors", "published", "modified", "language", "direction",
                                      "section", "tags", "summary", "body", "images")},
        "first_seen": _iso(article.first_seen),
        "last_seen": _iso(article.last_seen),
        "version_count": article.version_count,
        "versions": versions,
    }


def latest_captures(session: Session, article_ids: list[int]) -> dict[int, tuple[str, dt.datetime]]:
    """(URL, fetched_at) of the capture that last confirmed each article's latest version."""
    if not article_ids:
        return {}
    capture_id = func.coalesce(ArticleVersion.last_capture_id, ArticleVersion.capture_id)
    rows = session.execute(
        select(Article.id, Capture.url, Capture.fetched_at)
        .join(ArticleVersion, ArticleVersion.id == Article.latest_version_id)
        .join(Capture, Capture.id == capture_id)
        .where(Article.id.in_(article_ids))
    )
    return {row.id: (row.url, row.fetched_at) for row in rows}


def _version(v: ArticleVersion, capture: Capture | None) -> dict[str, Any]:
    return {
        "number": v.number, "id": v.id, "url": v.url, "title": v.title, "authors": v.authors,
        "published": v.published, "modified": v.modified, "language": v.language, "direction": v.direction,
        "section": v.section, "tags": v.tags, "summary": v.summary, "body": v.body,
        "images": [_image(i) for i in v.images], "page_type": v.page_type, "extractor": v.extractor,
        "first_seen": _iso(v.first_seen), "last_seen": _iso(v.last_seen), "text_hash": v.text_hash,
        "capture": _capture(capture) if capture else None,
    }


def _image(image: Image) -> dict[str, Any]:
    return {"src": image.src, "caption": image.caption, "credit": image.credit}


def _capture(c: Capture) -> dict[str, Any]:
    return {"id": c.id, "url": c.url, "fetched_at": _iso(c.fetched_at), "status": c.status,
            "warc_file": c.warc_file, "warc_offset": c.warc_offset, "warc_length": c.warc_length,
            "record_id": c.record_id, "payload_digest": c.payload_digest}


def version_diffs(detail: dict[str, Any]) -> list[str]:
    """Unified diffs (title + body, one line per paragraph) between consecutive versions."""
    out = []
    versions = detail["versions"]
    for old, new in zip(versions, versions[1:], strict=False):
        diff = difflib.unified_diff(
            _lines(old), _lines(new), fromfile=f"version {old['number']} ({old['first_seen']})",
            tofile=f"version {new['number']} ({new['first_seen']})", lineterm="",
        )
        out.append("\n".join(diff))
    return out


def _lines(version: dict[str, Any]) -> list[str]:
    paragraphs = [p.strip() for p in (version["body"] or "").split("\n\n") if p.strip()]
    return [f"# {version['title'] or ''}", *paragraphs]


def database_stats(session: Session) -> dict[str, Any]:
    """Row counts, languages, sites, capture outcomes and the time span covered."""
    def count(model: Any) -> int:
        return session.scalar(select(func.count()).select_from(model)) or 0

    outcomes = dict(session.execute(select(Capture.outcome, func.count()).group_by(Capture.outcome)).all())
    languages = session.execute(
        select(ArticleVersion.language, func.count()).join(Article, Article.latest_version_id == ArticleVersion.id)
        .group_by(ArticleVersion.language).order_by(func.count().desc()).limit(20)
    ).all()
    sites = session.execute(
        select(Site.host, func.count(Article.id)).join(Article, Article.site_id == Site.id)
        .group_by(Site.host).order_by(func.count(Article.id).desc()).limit(20)
    ).all()
    first, last = session.execute(select(func.min(Capture.fetched_at), func.max(Capture.fetched_at))).one()
    return {
        "sites": count(Site), "crawls": count(Crawl), "captures": count(Capture), "articles": count(Article),
        "versions": count(ArticleVersion), "authors": count(Author), "images": count(Image),
        "first_capture": _iso(first), "last_capture": _iso(last),
        "capture_outcomes": outcomes,
        "languages": {lang or "unknown": n for lang, n in languages},
        "top_sites": {host: n for host, n in sites},
    }


def _iso(when: dt.datetime | None) -> str | None:
    if when is None:
        return None
    return (when if when.tzinfo else when.replace(tzinfo=dt.UTC)).isoformat()
