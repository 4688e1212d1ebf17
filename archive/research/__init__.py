"""The archive from Python: search, read, compare versions, export, without writing SQL.

For notebooks and scripts (and the web interface, which is built on it)::

    from archive.research import open_archive

    archive = open_archive("newsarchive-data")          # or open_archive(db="postgresql+psycopg://...")
    results = archive.search("election", language="fa", year=2025)
    results.total, results.hits[0].title, results.facets["site"]
    df = results.to_pandas()                           # needs pandas (optional)
    article = archive.article(results.hits[0].id)      # dict: metadata, body, versions
    diff = archive.diff(article["id"], 1, 2)           # word diff between versions 1 and 2
    archive.export("parquet", "election.parquet", "election", language="fa")

The database is opened read-only and never created; the query language is the CLI's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from archive.db.search import SORTS, SearchHit
from archive.db.session import open_archive as open_db_archive
from archive.errors import ConfigError, QueryError
from archive.research import _queries
from archive.research._dashboard import SiteHealth, sites_dashboard
from archive.research._diff import DiffPiece, version_word_diff, word_diff
from archive.research._queries import highlight

__all__ = ["Archive", "DiffPiece", "FacetValue", "SearchRequest", "SearchResults", "SiteHealth", "check_query", "highlight",
           "open_archive", "word_diff"]

# Counts stop at COUNT_CAP ("5,000+"); facets count the first FACET_CAP matches; both give
# up after TIME_LIMIT_MS. Reading a match costs reading its version row (body included), so
# these bound a page's work at any size (Datasette limits its facets the same way).
COUNT_CAP = 5_000
FACET_CAP = 1_000
TIME_LIMIT_MS = 200
MAX_PER_PAGE = 100


@dataclass(frozen=True)
class SearchRequest:
    """One search: the query text, facet filters, order and page (what a search URL holds)."""

    q: str = ""
    site: str | None = None
    section: str | None = None
    language: str | None = None
    author: str | None = None
    year: int | None = None
    month: int | None = None
    sort: str = "relevance"
    page: int = 1
    per_page: int = 20

    def __post_init__(self) -> None:
        if self.sort not in SORTS:
            raise QueryError(f"unknown sort {self.sort!r}; use one of {', '.join(SORTS)}")
        if self.page < 1 or not 1 <= self.per_page <= MAX_PER_PAGE:
            raise QueryError(f"page must be 1 or more and per_page 1 to {MAX_PER_PAGE}")
        if self.month is not None and (self.year is None or not 1 <= self.month <= 12):
            raise QueryError("month needs a year and must be 1 to 12")
        if self.year is not None and not 1 <= self.year <= 9998:
            raise QueryError(f"year {self.year} is out of range")

    def filters(self, paged: bool = True) -> Any:
        """The ``archive.db.search.SearchFilters`` for this request."""
        return _queries.to_filters(
            site=self.site, section=self.section, language=self.language, author=self.author, year=self.year,
            month=self.month, sort=self.sort, limit=self.per_page if paged else 20,
            offset=(self.page - 1) * self.per_page if paged else 0)


@dataclass(frozen=True)
class FacetValue:
    """One value of a facet with the number of matching articles that have it."""

    value: str
    label: str
    count: int


@dataclass
class SearchResults:
    """A page of hits, the total (a lower bound when ``total_capped``) and the facets.

    With the search index, total and facets are exact over every match. Without it (SQL),
    facets are counted over the first ``FACET_CAP`` matches (``facets_sampled``), or
    none when they took longer than the time limit (``facets_skipped``)."""

    request: SearchRequest
    hits: list[SearchHit]
    total: int
    total_capped: bool
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    facets_sampled: bool = False
    facets_skipped: bool = False  # they took longer than the time limit
    facets_approximate: bool = False  # the index could not count some facet exactly (shown as "about")

    @property
    def has_next(self) -> bool:
        return self.request.page < self.pages or (self.total_capped and len(self.hits) == self.request.per_page)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.request.per_page))

    def to_dicts(self) -> list[dict[str, Any]]:
        return [hit.to_dict() for hit in self.hits]

    def to_pandas(self) -> Any:
        """The hits as a pandas DataFrame (pandas is optional: pip install pandas)."""
        try:
            import pandas as pd
        except ImportError as exc:
            raise ConfigError("to_pandas() needs pandas: pip install pandas") from exc
        return pd.DataFrame(self.to_dicts())


class Archive:
    """A read-only view of one archive database."""

    def __init__(self, data_dir: Path | str | None = None, db: str | None = None,
                 time_limit_ms: int = TIME_LIMIT_MS) -> None:
        self.data_dir = Path(data_dir or "newsarchive-data")
        self.time_limit_ms = time_limit_ms
        self.database = open_db_archive(self.data_dir, db)

    def close(self) -> None:
        self.database.dispose()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def search(self, q: str = "", *, facets: bool = True, **options: Any) -> SearchResults:
        """Search like ``newsarchive search``; ``options`` are ``SearchRequest`` fields."""
        return self.run(SearchRequest(q=q, **options), facets=facets)

    def run(self, request: SearchRequest, facets: bool = True) -> SearchResults:
        filters = request.filters()
        with self.database.session() as session:
            hits = _queries.find(session, request.q, filters)
            exact = _queries.index_facets(session, request.q, filters, year=request.year)
            if exact is not None:  # the search index counts every match: no cap, no sample, no time limit
                return SearchResults(
                    request, hits, exact.total, False,
                    {name: [FacetValue(*v) for v in values] for name, values in exact.facets.items()} if facets else {},
                    facets_approximate=exact.approximate and facets)
            found = _queries.within(session, self.time_limit_ms, lambda: _queries.facets(
                session, request.q, filters, FACET_CAP, year=request.year)) if facets else None
            sampled = found[0] if found else 0
            if found and sampled <= FACET_CAP:
                total: int | None = sampled
            elif facets and found is None:
                total = None  # facets ran out of time: so would the count, which reads more rows
            else:
                total = _queries.within(session, self.time_limit_ms,
                                        lambda: _queries.count(session, request.q, filters, COUNT_CAP))
        counted = total is not None
        total = total if total is not None else filters.offset + len(hits)  # gave up counting: at least these
        return SearchResults(
            request, hits, min(total, COUNT_CAP), not counted or total > COUNT_CAP,
            {name: [FacetValue(*v) for v in values] for name, values in (found[1] if found else {}).items()},
            facets_sampled=sampled > FACET_CAP, facets_skipped=facets and found is None)

    def article(self, article_id: int) -> dict[str, Any] | None:
        """Latest fields at top level and every version (oldest first), as ``newsarchive show --format json``."""
        with self.database.session() as session:
            return _queries.detail(session, article_id)

    def captures(self, article_ids: list[int]) -> dict[int, tuple[str, Any]]:
        """(URL, fetched_at) of the capture behind each article's latest version."""
        with self.database.session() as session:
            return _queries.captures_for(session, article_ids)

    def diff(self, article_id: int, old: int, new: int) -> dict[str, Any] | None:
        """Word diff of title and body between version numbers ``old`` and ``new``; None if either is missing."""
        detail = self.article(article_id)
        versions = {v["number"]: v for v in (detail or {}).get("versions", [])}
        if old not in versions or new not in versions:
            return None
        return version_word_diff(versions[old], versions[new])

    def export(self, fmt: str, out: Path | str | IO[bytes], q: str = "", **options: Any) -> int:
        """Write every matching article as csv, jsonl or parquet (``newsarchive export``'s columns)."""
        request = SearchRequest(q=q, **options)
        return _queries.export(self.database, fmt, Path(out) if isinstance(out, str) else out, request.q,
                               request.filters(paged=False))

    def sites(self, days: int = 30) -> list[SiteHealth]:
        """The sites dashboard: articles per day, last crawl, next run, errors, extraction health."""
        with self.database.session() as session:
            return sites_dashboard(session, days)


def check_query(q: str) -> None:
    """Raise ``QueryError`` (one line) if ``q`` is not a query that search can run."""
    _queries.parsed(q)


def open_archive(data_dir: Path | str | None = None, db: str | None = None,
                 time_limit_ms: int = TIME_LIMIT_MS) -> Archive:
    """Open the archive in ``data_dir`` (default ./newsarchive-data) or at the database URL ``db``.

    ``time_limit_ms`` bounds the counting and facets of a search (not the search itself);
    in a notebook, raise it to always get them.
    """
    return Archive(data_dir, db, time_limit_ms)
