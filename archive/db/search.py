"""One ``search()`` for both engines: FTS5 on SQLite, tsvector on PostgreSQL.

When the tantivy index (``searchindex.py``) exists and is current, it picks the page's
article ids instead (``searchindex_query.py``, same semantics) and only the rows are read
here; SQL answers whenever it is missing, behind or switched off.

The query is parsed by ``query.parse_query``; every user value is a bound parameter,
and the FTS5 string is built only from quoted phrases. Results are the latest version
of each matching article; snippets are cut in Python from the stored (unfolded) text.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, bindparam, false, func, literal_column, not_, or_, select, text
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql import column, table
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import String

from archive.db import searchindex
from archive.db.models import Article, ArticleVersion, ArticleVersionAuthor, Author, Site
from archive.db.query import ParsedQuery, Term, fts5_expression, fts5_phrase, parse_query
from archive.db.searchindex_facets import IndexFacets, facet_counts
from archive.db.searchindex_query import search_ids
from archive.db.snippet import _folded_with_index, make_snippet  # noqa: F401 - re-exported (research, tests)
from archive.db.sqlvectors import SEARCH_VECTOR_SQL, TITLE_VECTOR_SQL
from archive.db.text import fold_for_search, postgres_fold_sql

SORTS = ("relevance", "newest", "oldest")
MAX_LIMIT = 1000
# Relevance is computed over every match unless a query matches more than EXACT_RANK_LIMIT
# versions (SQLite: counted by a probe that stops there; PostgreSQL: estimated from
# pg_stats); then only the RANK_WINDOW newest matches are ranked (see docs/database.md).
RANK_WINDOW = 500
EXACT_RANK_LIMIT = 20_000
LISTING_INDEX = "ix_article_versions_listing"  # migration 0004; see models.ArticleVersion


@dataclass(frozen=True)
class SearchFilters:
    """Filters from command-line options; they AND with the query."""

    site: str | None = None
    section: str | None = None
    author: str | None = None
    language: str | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None
    limit: int = 20
    offset: int = 0
    sort: str = "relevance"
    page_type: str | None = "article"  # None: every page type (index pages, paywalls, "other")


@dataclass(frozen=True)
class SearchHit:
    id: int
    url: str
    title: str | None
    site: str | None
    published: str | None
    language: str | None
    section: str | None
    authors: list[str]
    snippet: str

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def search(session: Session, query: str, filters: SearchFilters | None = None) -> list[SearchHit]:
    """Articles matching ``query`` (may be empty when filters are given), best first."""
    filters = filters or SearchFilters()
    parsed = parse_query(query) if query.strip() else None
    rows: Sequence[Any] | None = _index_rows(session, parsed, filters)
    if rows is None:
        dialect = session.get_bind().dialect.name
        dense = (filters.sort == "relevance" and parsed is not None and not _has_option_filters(filters)
                 and _is_dense(session, dialect, parsed))
        rows = session.execute(_statement(dialect, parsed, filters, dense)).all()
    words = parsed.positive_words if parsed else []
    return [
        SearchHit(
            id=r.id, url=r.canonical_url, title=r.title, site=r.site_name or r.host, published=r.published,
            language=r.language, section=r.section, authors=list(r.authors or []),
            snippet=make_snippet(r.body or r.summary or "", words),
        )
        for r in rows
    ]


def filter_conditions(filters: SearchFilters) -> list[ColumnElement[bool]]:
    """SQL conditions for the option filters (shared with export)."""
    av = ArticleVersion
    conds: list[ColumnElement[bool]] = []
    for field in ("site", "section", "author", "language"):
        value = getattr(filters, field)
        if value:
            conds.append(_field_condition(Term(value, field)))
    if filters.since:
        conds.append(av.published_at >= filters.since)
    if filters.until:
        conds.append(av.published_at < filters.until)
    if filters.page_type:
        conds.append(av.page_type == filters.page_type)
    return conds


def _statement(dialect: str, parsed: ParsedQuery | None, filters: SearchFilters, dense: bool = False):  # noqa: ANN202
    """The page of results in two steps: ids in order first (narrow rows), then their columns.

    Sorting thousands of matches with their bodies attached (kilobytes each) cost seconds
    for a common word; sorting ids and one key, then fetching ``limit`` rows, does not.
    """
    a, av = Article, ArticleVersion
    rank = filters.sort == "relevance"
    ids, order = matching(dialect, parsed, filters, (a.id,), window=RANK_WINDOW if dense else None, rank=rank)
    if not rank or not order:
        published = av.published_at.asc() if filters.sort == "oldest" else av.published_at.desc()
        order = [published.nulls_last(), a.id.desc()]
    limit = max(1, min(filters.limit, MAX_LIMIT))
    if dialect == "sqlite" and parsed is not None and parsed.has_text:
        ids = ids.with_hint(av, f"INDEXED BY {LISTING_INDEX}", "sqlite")
    page = (ids.add_columns(func.row_number().over(order_by=order).label("pos"))
            .order_by(*order).limit(limit).offset(max(0, filters.offset)).subquery("page"))
    return _hit_rows().join(page, page.c.id == a.id).order_by(page.c.pos)


def _hit_rows():  # noqa: ANN202
    """SELECT the columns of a ``SearchHit`` from articles, their latest versions and sites."""
    a, av = Article, ArticleVersion
    columns = (a.id, a.canonical_url, av.title, av.published, av.language, av.section, av.authors,
               av.body, av.summary, Site.host, Site.name.label("site_name"))
    return (select(*columns).select_from(a).join(av, av.id == a.latest_version_id)
            .outerjoin(Site, Site.id == a.site_id))


def _index_rows(session: Session, parsed: ParsedQuery | None, filters: SearchFilters) -> list[Any] | None:
    """The page's rows through the tantivy index, or None when SQL must answer (see searchindex.py)."""
    idx = _current_index(session)
    if idx is None:
        return None
    ids = search_ids(idx, session, parsed, filters)
    if not ids:
        return []
    rows = {r.id: r for r in session.execute(_hit_rows().where(Article.id.in_(ids)))}
    return [rows[i] for i in ids if i in rows]


def _current_index(session: Session) -> searchindex.SearchIndex | None:
    if not searchindex.enabled():
        return None
    return searchindex.open_for_search(session.get_bind().engine, searchindex.latest_version_id(session.connection()))


def index_facets(session: Session, query: str, filters: SearchFilters, size: int = 10,
                 by_month: bool = False) -> IndexFacets | None:
    """Exact total and facets over every match from the tantivy index; None when SQL must answer."""
    idx = _current_index(session)
    if idx is None:
        return None
    return facet_counts(idx, session, parse_query(query) if query.strip() else None, filters, size, by_month)


def matching(dialect: str, parsed: ParsedQuery | None, filters: SearchFilters, columns: tuple[Any, ...],
             window: int | None = None, rank: bool = False):  # noqa: ANN201
    """(SELECT columns of latest versions matching query and filters, relevance ORDER BY terms).

    The statement joins ``articles``, their latest ``article_versions`` and ``sites``.
    Text terms are matched in a candidate subquery; with ``window``, relevance is only
    computed for the ``window`` newest matching versions (see docs/database.md), which
    keeps a common word fast at a million articles. Export passes no window. Without
    ``rank`` no score is computed at all (BM25's document frequencies cost a full scan
    of each term's posting list on SQLite).
    """
    a, av = Article, ArticleVersion
    stmt = select(*columns).join(av, av.id == a.latest_version_id).outerjoin(Site, Site.id == a.site_id)
    conds = filter_conditions(filters)
    order: list[Any] = []
    if parsed is not None:
        text_groups, negated, other = _split(parsed)
        if other or _has_option_filters(filters):
            window = None  # SQL filters would shrink a window: be exact instead
        compile_fn = _compile_sqlite if dialect == "sqlite" else _compile_postgresql
        stmt, more, order = compile_fn(stmt, text_groups, negated, other, window, rank)
        conds.extend(more)
    return stmt.where(*conds), order


def _has_option_filters(filters: SearchFilters) -> bool:
    """Filters other than the page type (nearly every stored page is an article)."""
    return any(getattr(filters, f) for f in ("site", "section", "author", "language", "since", "until"))


def _split(parsed: ParsedQuery) -> tuple[list[tuple[Term, ...]], list[Term], list[tuple[Term, ...]]]:
    """(pure positive text groups, negated text terms, groups holding filters)."""
    text_groups, negated, other = [], [], []
    for group in parsed.groups:
        if all(not t.is_filter and not t.negated for t in group):
            text_groups.append(group)
        elif len(group) == 1 and group[0].negated and not group[0].is_filter:
            negated.append(group[0])
        else:
            other.append(group)
    return text_groups, negated, other


def _compile_sqlite(stmt, text_groups, negated, other, window, rank):  # noqa: ANN001, ANN202
    av = ArticleVersion
    conds: list[ColumnElement[bool]] = []
    order: list[Any] = []
    if text_groups:
        match = fts5_expression(text_groups)
        if negated:
            match = f"({match}) NOT ({' OR '.join(fts5_phrase(t) for t in negated)})"
        fts = table("article_search", column("rowid"))
        score = literal_column("bm25(article_search, 10.0, 3.0, 1.0)" if rank else "0")
        cand = (
            select(fts.c.rowid.label("vid"), score.label("score"))
            .select_from(fts)
            .where(text("article_search MATCH :fts_match").bindparams(fts_match=match))
        )
        if window:
            cand = cand.order_by(fts.c.rowid.desc()).limit(window)
        cand_sq = cand.subquery("cand")
        stmt = stmt.join(cand_sq, cand_sq.c.vid == av.id)
        order = [cand_sq.c.score.asc()] if rank else []
    elif negated:
        conds.append(not_(_sqlite_match(" OR ".join(fts5_phrase(t) for t in negated), "neg")))
    for i, group in enumerate(other):
        conds.append(or_(*[_term_condition_sqlite(t, f"g{i}_{j}") for j, t in enumerate(group)]))
    return stmt, conds, order


def _sqlite_match(expression: str, name: str) -> ColumnElement[bool]:
    sub = text(f"SELECT rowid FROM article_search WHERE article_search MATCH :{name}").bindparams(
        bindparam(name, expression)
    )
    return ArticleVersion.id.in_(sub.columns(literal_column("rowid")))  # type: ignore[arg-type]


def _term_condition_sqlite(term: Term, name: str) -> ColumnElement[bool]:
    cond = _field_condition(term) if term.is_filter else _sqlite_match(fts5_phrase(term), name)
    return not_(cond) if term.negated else cond


def _compile_postgresql(stmt, text_groups, negated, other, window, rank):  # noqa: ANN001, ANN202
    av = ArticleVersion
    conds: list[ColumnElement[bool]] = []
    order: list[Any] = []
    if text_groups or negated:
        cv = ArticleVersion.__table__.alias("cv")
        text_conds, ranked = _pg_groups(text_groups + [(t,) for t in negated], "cv")
        rank = rank and bool(ranked)
        vector = func.coalesce(literal_column("cv.search_vector"), literal_column(SEARCH_VECTOR_SQL.format(p="cv.")))
        score = func.ts_rank(vector, _or_all(ranked)) if rank else literal_column("0")
        cand = select(cv.c.id.label("vid"), score.label("score")).where(*text_conds)
        if window:  # only dense queries: walk the primary key backwards, stop after `window` matches
            cand = cand.order_by(cv.c.id.desc()).limit(window)
        cand_sq = cand.subquery("cand")
        stmt = stmt.join(cand_sq, cand_sq.c.vid == av.id)
        if rank:
            order = [cand_sq.c.score.desc()]
    other_conds, _ = _pg_groups(other, "article_versions")
    conds.extend(other_conds)
    return stmt, conds, order


def _pg_groups(groups: list[tuple[Term, ...]], table_name: str) -> tuple[list[ColumnElement[bool]], list[Any]]:
    """One condition per group (OR inside), plus the positive tsqueries for ranking."""
    conds, ranked = [], []
    for group in groups:
        parts = []
        for term in group:
            if term.is_filter:
                cond = _field_condition(term)
            else:
                tsq = _or_all([_tsquery(spelling) for spelling in term.spellings])
                cond = _pg_text_match(table_name, bool(term.field), tsq)
                if not term.negated:
                    ranked.append(tsq)
            parts.append(not_(cond) if term.negated else cond)
        conds.append(or_(*parts) if len(parts) > 1 else parts[0])
    return conds, ranked


def _pg_text_match(table_name: str, title: bool, tsq: Any) -> ColumnElement[bool]:
    """``vector @@ tsq``, the vector computed on the fly where ingest did not store it (``sqlvectors``).

    Never NULL (a negated term must not drop unvectored rows); the GIN index serves the
    first arm, the partial index on unvectored rows the second.
    """
    stored: ColumnElement[Any] = literal_column(f"{table_name}.{'title_vector' if title else 'search_vector'}")
    computed: ColumnElement[Any] = literal_column((TITLE_VECTOR_SQL if title else SEARCH_VECTOR_SQL).format(p=f"{table_name}."))
    unvectored: ColumnElement[Any] = literal_column(f"{table_name}.search_vector")
    return or_(and_(unvectored.is_not(None), stored.op("@@")(tsq)),
               and_(unvectored.is_(None), computed.op("@@")(tsq)))


def _or_all(queries: list[Any]) -> Any:
    combined = queries[0]
    for tsq in queries[1:]:
        combined = combined.op("||")(tsq)
    return combined


def _tsquery(value: str) -> ColumnElement[Any]:
    return func.phraseto_tsquery(literal_column("'simple'::regconfig"), bindparam(None, value))


def _field_condition(term: Term) -> ColumnElement[bool]:
    """A filter as SQL; text values are folded (Arabic/Persian letters, ZWNJ) on both sides."""
    value = " ".join(_CONTROL.sub(" ", term.text).split())
    if term.field == "language":
        lang = value.lower()
        return or_(func.lower(ArticleVersion.language) == lang, func.lower(ArticleVersion.language).like(_like_prefix(lang)))
    if term.field == "site":
        host = value.lower().removeprefix("www.")
        return Article.site_id.in_(
            select(Site.id).where(or_(Site.host == host, Site.host.like("%." + _escape_like(host), escape="\\"),
                                      _Fold(func.lower(Site.name)) == _fold_key(value)))
        )
    if term.field == "section":
        return _Fold(func.lower(ArticleVersion.section)).like(_like_contains(_fold_key(value)), escape="\\")
    if term.field == "author":
        return ArticleVersion.id.in_(
            select(ArticleVersionAuthor.version_id).join(Author, Author.id == ArticleVersionAuthor.author_id)
            .where(_Fold(Author.name_key).like(_like_contains(_fold_key(value)), escape="\\"))
        )
    return false()


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _fold_key(value: str) -> str:
    """What a filter value is compared as: folded, case-folded, spaces collapsed."""
    return " ".join(fold_for_search(value).casefold().split())


class _Fold(FunctionElement[str]):
    """``SEARCH_FOLD`` applied in SQL: ``newsarchive_fold()`` on SQLite, ``translate()`` on PostgreSQL."""

    type = String()
    inherit_cache = True
    name = "newsarchive_fold"


@compiles(_Fold)
def _fold_sqlite(element: _Fold, compiler: Any, **kw: Any) -> str:
    return f"newsarchive_fold({compiler.process(element.clauses, **kw)})"


@compiles(_Fold, "postgresql")
def _fold_postgresql(element: _Fold, compiler: Any, **kw: Any) -> str:
    return postgres_fold_sql(compiler.process(element.clauses, **kw))


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _like_contains(value: str) -> str:
    return f"%{_escape_like(value)}%"


def _like_prefix(value: str) -> str:
    return f"{_escape_like(value)}-%"


def _is_dense(session: Session, dialect: str, parsed: ParsedQuery) -> bool:
    """Whether the query matches too many versions to rank them all (see ``EXACT_RANK_LIMIT``)."""
    text_groups, negated, other = _split(parsed)
    if not text_groups or other:
        return False  # filter terms in the query: exact, as with option filters
    if dialect == "postgresql":
        return _is_dense_postgresql(session, parsed)
    match = fts5_expression(text_groups)
    if negated:
        match = f"({match}) NOT ({' OR '.join(fts5_phrase(t) for t in negated)})"
    probe = text("SELECT count(*) FROM (SELECT rowid FROM article_search WHERE article_search MATCH :m LIMIT :n)")
    return (session.execute(probe, {"m": match, "n": EXACT_RANK_LIMIT + 1}).scalar() or 0) > EXACT_RANK_LIMIT


def _is_dense_postgresql(session: Session, parsed: ParsedQuery) -> bool:
    """Whether the query's text part probably matches more than ``EXACT_RANK_LIMIT`` versions.

    Group density = sum of its terms' (capped at 1); term density = its rarest word's;
    the query's = product over the AND-ed groups, times the table's row estimate. Words
    outside ANALYZE's most common elements count as rare.
    """
    rows, freqs = _lexeme_freqs(session)
    density = 1.0
    groups = [g for g in parsed.groups if all(not t.is_filter and not t.negated for t in g)]
    if not groups or not freqs:
        return False
    for group in groups:
        density *= min(1.0, sum(min((freqs.get(w, 0.0) for w in t.words), default=0.0) for t in group))
    return density * rows > EXACT_RANK_LIMIT


# PostgreSQL: row estimate and lexeme frequencies from pg_class/pg_stats (ANALYZE), per engine URL.
_STATS_TTL = 600.0
_lexeme_cache: dict[str, tuple[float, float, dict[str, float]]] = {}


def _lexeme_freqs(session: Session) -> tuple[float, dict[str, float]]:
    key = str(session.get_bind().engine.url)
    cached = _lexeme_cache.get(key)
    now = time.monotonic()
    if cached and now - cached[0] < _STATS_TTL:
        return cached[1], cached[2]
    row = session.execute(text(
        "SELECT most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats "
        "WHERE schemaname = current_schema() AND tablename = 'article_versions' AND attname = 'search_vector'"
    )).first()
    rows = session.execute(text("SELECT reltuples FROM pg_class WHERE oid = 'article_versions'::regclass")).scalar()
    freqs = dict(zip(row[0], row[1], strict=False)) if row and row[0] else {}
    _lexeme_cache[key] = (now, float(rows or 0), freqs)
    return float(rows or 0), freqs
