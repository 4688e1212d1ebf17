"""The number of matches and the facets over every match, from the tantivy index's columns.

SQL facets read each match's row (its body included), so the web interface could only
count the first 1,000 matches and stop counting at 5,000: at a million articles a common
word matched hundreds of thousands and the figures were a sample. Tantivy's aggregations
read one column (fast field) per facet instead, a few milliseconds per 100,000 matches,
so here the total and every facet count are exact over all matches, whatever their number.

Each segment counts every distinct value (``_SEGMENT_SIZE``), which is what makes the
counts of the values shown exact; should tantivy still report a possible error (a
facet with more distinct values than that), ``IndexFacets.approximate`` says so and the
page says "about".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from archive.db.query import ParsedQuery
from archive.db.searchindex import SearchIndex
from archive.db.searchindex_query import build_query

_SEGMENT_SIZE = 1_000_000  # distinct values a segment counts per facet (terms past it make counts approximate)
_TEXT_FACETS = {"section": "section_facet", "language": "language_facet", "author": "author_facet"}
_WIDE = 200  # buckets fetched per facet before re-sorting ties by value and keeping ``size``


@dataclass(frozen=True)
class IndexFacets:
    """Matches counted over the whole index, and (value, label, count) per facet, biggest first."""

    total: int
    facets: dict[str, list[tuple[str, str, int]]]
    approximate: bool = False


def facet_counts(idx: SearchIndex, session: Session, parsed: ParsedQuery | None, filters: Any, size: int = 10,
                 by_month: bool = False) -> IndexFacets:
    """Total and facets for ``parsed`` AND ``filters`` (a ``SearchFilters``; its page is ignored).

    ``date`` is per year, or per month (``YYYY-MM``) when ``by_month`` (a year is chosen).
    """
    query, _ = build_query(idx, session, parsed, filters)
    wide = max(size, _WIDE)
    aggs: dict[str, Any] = {"total": {"value_count": {"field": "article_id"}},
                            "site": _terms("site_id", wide), "date": _terms("month" if by_month else "year", 100_000)}
    aggs.update({name: _terms(field, wide) for name, field in _TEXT_FACETS.items()})
    result = idx.index.searcher().aggregate(query, aggs)
    approximate = any((result[name].get("doc_count_error_upper_bound") or 0) > 0 for name in aggs if name != "total")
    buckets = {name: [(b["key"], int(b["doc_count"])) for b in result[name]["buckets"]]
               for name in aggs if name != "total"}
    facets = {name: _top([(str(k), str(k), n) for k, n in buckets[name]], size) for name in _TEXT_FACETS}
    facets["site"] = _top(_site_labels(session, buckets["site"]), size)
    dates = [(_period(int(k), by_month), n) for k, n in buckets["date"]]
    facets["date"] = [(v, v, n) for v, n in sorted(dates, reverse=True)]
    total = int(result["total"].get("value") or 0)
    return IndexFacets(total, {name: facets[name] for name in ("site", "section", "language", "author", "date")},
                       approximate)


def _terms(field: str, size: int) -> dict[str, Any]:
    return {"terms": {"field": field, "size": size, "segment_size": _SEGMENT_SIZE}}


def _top(values: list[tuple[str, str, int]], size: int) -> list[tuple[str, str, int]]:
    """Biggest count first, ties by value (as the SQL facets order them)."""
    return sorted(values, key=lambda v: (-v[2], v[0]))[:size]


def _site_labels(session: Session, counts: list[tuple[Any, int]]) -> list[tuple[str, str, int]]:
    """(host, name or host, count) for site ids (a site's name may be learned after indexing)."""
    from archive.db.models import Site

    ids = [int(k) for k, _ in counts]
    if not ids:
        return []
    rows = {r.id: r for r in session.execute(
        select(Site.id, Site.host, func.coalesce(Site.name, Site.host).label("label")).where(Site.id.in_(ids)))}
    return [(rows[int(k)].host, rows[int(k)].label, n) for k, n in counts if int(k) in rows]


def _period(key: int, by_month: bool) -> str:
    return f"{key // 100:04d}-{key % 100:02d}" if by_month else f"{key:04d}"
