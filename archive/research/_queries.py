"""The one adapter between the research API and ``archive.db``'s query code.

Everything the web interface and the notebook API ask of the database goes through
these functions, which call the public search, lookup and export functions: the query
language, its safety and its ranking stay in ``archive.db.search``; here we only add
what a browsing interface needs on top (counts, facets, year/month filters).

Counts and facets are bounded twice: they look at no more than ``cap`` matching
articles, and (like Datasette's facet time limit) they give up after ``time_limit_ms``,
so that they never cost more than the search itself by much; the result says when a
figure is a lower bound ("5,000+"), a sample, or was given up.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from sqlalchemy import func, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from archive.db.export import export_articles
from archive.db.lookup import article_detail, latest_captures
from archive.db.models import Article, ArticleVersion, ArticleVersionAuthor, Author, Site
from archive.db.query import ParsedQuery, parse_query
from archive.db.search import SearchFilters, SearchHit, _folded_with_index, matching, search
from archive.db.search import index_facets as _index_facets
from archive.db.searchindex_facets import IndexFacets
from archive.db.session import Database

FACET_FIELDS = ("site", "section", "language", "author", "date")


def parsed(query: str) -> ParsedQuery | None:
    """The parsed query (``QueryError`` when it is unusable); None for an empty one."""
    return parse_query(query) if query.strip() else None


def to_filters(*, site: str | None = None, section: str | None = None, language: str | None = None,
               author: str | None = None, year: int | None = None, month: int | None = None,
               sort: str = "relevance", limit: int = 20, offset: int = 0) -> SearchFilters:
    """``SearchFilters`` with the same meaning as the CLI's options; year/month become a date range."""
    since = until = None
    if year:
        since = dt.datetime(year, month or 1, 1, tzinfo=dt.UTC)
        until = dt.datetime(year + (month == 12), (month % 12) + 1, 1, tzinfo=dt.UTC) if month \
            else dt.datetime(year + 1, 1, 1, tzinfo=dt.UTC)
    return SearchFilters(site=site, section=section, language=language, author=author, since=since,
                         until=until, limit=limit, offset=offset, sort=sort)


def find(session: Session, query: str, filters: SearchFilters) -> list[SearchHit]:
    return search(session, query, filters)


def index_facets(session: Session, query: str, filters: SearchFilters, size: int = 10,
                 year: int | None = None) -> IndexFacets | None:
    """Exact total and facets over every match from the search index, or None (then SQL counts, bounded)."""
    return _index_facets(session, query, filters, size, by_month=year is not None)


def count(session: Session, query: str, filters: SearchFilters, cap: int) -> int:
    """Matching articles, counted up to ``cap + 1`` (more than ``cap`` means "cap+")."""
    ids = _matches(session, query, filters, (Article.id,)).limit(cap + 1).subquery()
    return session.scalar(select(func.count()).select_from(ids)) or 0


def facets(session: Session, query: str, filters: SearchFilters, cap: int, size: int = 10,
           year: int | None = None) -> tuple[int, dict[str, list[tuple[str, str, int]]]]:
    """(matches looked at, up to ``cap + 1``; (value, label, count) per facet over them, biggest first).

    One query fetches the few columns facets need for at most ``cap + 1`` matches (with
    their authors); counting happens here, which is cheaper than a GROUP BY per facet
    re-running the match. ``date`` is per year, or per month once a year is chosen.
    """
    av = ArticleVersion
    dialect = session.get_bind().dialect.name
    period = _month(av.published_at, dialect) if year else _year(av.published_at, dialect)
    cols = (Article.id.label("aid"), av.id.label("vid"), Site.host.label("site"),
            func.coalesce(Site.name, Site.host).label("site_label"), av.section.label("section"),
            av.language.label("language"), period.label("date"))
    m = _matches(session, query, filters, cols).limit(cap + 1).subquery("m")
    stmt = (select(m, Author.name.label("author")).select_from(m)
            .outerjoin(ArticleVersionAuthor, ArticleVersionAuthor.version_id == m.c.vid)
            .outerjoin(Author, Author.id == ArticleVersionAuthor.author_id))
    counters: dict[str, Counter[str]] = {name: Counter() for name in FACET_FIELDS}
    labels: dict[str, str] = {}
    seen: set[int] = set()
    for row in session.execute(stmt):
        if row.author is not None:
            counters["author"][row.author] += 1
        if row.aid in seen:
            continue
        seen.add(row.aid)
        for name in ("site", "section", "language", "date"):
            if (value := getattr(row, name)) is not None:
                counters[name][value] += 1
        if row.site is not None:
            labels[row.site] = row.site_label
    out = {name: [(v, labels.get(v, v) if name == "site" else v, n) for v, n in
                  sorted(counter.items(), key=lambda item: (-item[1], item[0]))[:size]]
           for name, counter in counters.items() if name != "date"}
    out["date"] = [(v, v, n) for v, n in sorted(counters["date"].items(), reverse=True)]
    return len(seen), out


def within(session: Session, limit_ms: int, query: Callable[[], Any]) -> Any | None:
    """``query()``, or None when it runs longer than ``limit_ms`` (the statement is interrupted)."""
    try:
        with _time_limit(session, limit_ms):
            return query()
    except OperationalError as exc:
        if "interrupt" in str(exc) or "statement timeout" in str(exc) or "canceling statement" in str(exc):
            return None
        raise


@contextlib.contextmanager
def _time_limit(session: Session, limit_ms: int) -> Iterator[None]:
    if session.get_bind().dialect.name == "sqlite":
        raw = session.connection().connection.driver_connection
        deadline = time.monotonic() + limit_ms / 1000
        raw.set_progress_handler(lambda: int(time.monotonic() > deadline), 2000)  # type: ignore[union-attr]
        try:
            yield
        finally:
            raw.set_progress_handler(None, 0)  # type: ignore[union-attr]
        return
    with session.begin_nested():  # a cancelled statement aborts only this savepoint
        session.execute(text(f"SET LOCAL statement_timeout = {max(1, int(limit_ms))}"))  # 0 would mean none
        yield
        session.execute(text("SET LOCAL statement_timeout TO DEFAULT"))


def _matches(session: Session, query: str, filters: SearchFilters, columns: tuple[Any, ...]) -> Any:
    stmt, _ = matching(session.get_bind().dialect.name, parsed(query), filters, columns)
    return stmt


def _year(column: Any, dialect: str) -> Any:
    return func.substr(column, 1, 4) if dialect == "sqlite" else func.to_char(column, "YYYY")


def _month(column: Any, dialect: str) -> Any:
    return func.substr(column, 1, 7) if dialect == "sqlite" else func.to_char(column, "YYYY-MM")


def detail(session: Session, article_id: int) -> dict[str, Any] | None:
    return article_detail(session, article_id)


def captures_for(session: Session, article_ids: list[int]) -> dict[int, tuple[str, dt.datetime]]:
    return latest_captures(session, article_ids)


def export(db: Database, fmt: str, out: Path | IO[bytes], query: str, filters: SearchFilters) -> int:
    """Stream the result set as ``newsarchive export`` does (same columns)."""
    return export_articles(db, fmt, out, query=query, filters=filters)


def highlight(text: str, query: str) -> list[tuple[str, bool]]:
    """``text`` cut into (piece, is_match) for the query's words, matched as search matches them
    (folded: U+200C, tatweel, Arabic/Farsi yeh and kaf, case)."""
    query_parsed = parsed(query)
    words = sorted(set(query_parsed.positive_words), key=len, reverse=True) if query_parsed else []
    if not words or not text:
        return [(text, False)] if text else []
    folded, index = _folded_with_index(text)
    marks = [False] * len(text)
    for word in words:
        start = folded.find(word)
        while start >= 0:
            end = start + len(word)
            for pos in range(index[start], (index[end - 1] + 1)):
                marks[pos] = True
            start = folded.find(word, end)
    pieces: list[tuple[str, bool]] = []
    for char, mark in zip(text, marks, strict=False):
        if pieces and pieces[-1][1] == mark:
            pieces[-1] = (pieces[-1][0] + char, mark)
        else:
            pieces.append((char, mark))
    return pieces
