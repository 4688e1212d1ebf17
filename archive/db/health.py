"""Extraction health: per site and per crawl, how well extraction did, and whether it broke.

A site that changes its template does not fail loudly: pages are still fetched and
archived, but bodies come out empty, titles or dates go missing, or only the lede is
kept. So every crawl of a site is measured against the site's own history, and a
crawl whose figures move sharply is flagged (``newsarchive site show``, ``stats``, the
crawl summary and the web interface's sites page all use this module).

The figures are derived from the capture and article tables, never stored, so
``reindex`` keeps them right. A crawl's *article pages* are its 2xx captures that

* were extracted into an article version (outcomes ``new-article``, ``new-version``,
  ``unchanged``; revisits are left out: nothing was extracted), or
* gave no article although the same URL gave one in another capture. The database
  keeps no article without body text, so this is how an emptied page shows: it
  counts as an *empty body*.

A version carries the date and authors of the extraction that created it, so an
``unchanged`` page counts its earlier version's date and authors; new and changed
articles carry the crawl's own.

Thresholds (see ``judge``): a crawl is flagged when it has at least ``MIN_PAGES``
article pages, its site has at least one earlier crawl that had as many, and

* the share of empty bodies, missing titles, missing dates or missing authors is at
  least ``SHARE_RISE`` (30 points) above the median of the site's previous crawls
  (up to ``HISTORY`` of them), or
* the median body length is below ``LENGTH_DROP`` (half) of theirs.

Captures without a crawl id (``reindex --rebuild`` cannot know the crawl) are grouped
by WARC file instead: one crawl's writer numbers its files 00000, 00001, ... so a
file numbered 00000 starts a new group.

Cost: one grouped pass over ``captures``, then one row per article page of each site's
last ``HISTORY + 1`` crawls (body length, not the body): about 2.5 s for 110,000 such
pages on SQLite or PostgreSQL (``benchmarks/bench_health.py``).
"""

from __future__ import annotations

import datetime as dt
import re
import statistics
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import and_, case, exists, func, literal, or_, select
from sqlalchemy.orm import Session, aliased

from archive.db.models import ArticleVersion, ArticleVersionAuthor, Capture, Site

MIN_PAGES = 5
SHARE_RISE = 0.30
LENGTH_DROP = 0.5
HISTORY = 10
SHARES = ("empty_body", "missing_title", "missing_date", "missing_author")
_LABELS = {"empty_body": "empty bodies", "missing_title": "missing titles", "missing_date": "missing dates",
           "missing_author": "missing authors"}
_EXTRACTED = ("new-article", "new-version", "unchanged")
_Key = tuple[str, Any]  # ("crawl", id) or ("warc", first file name)
_Run = tuple[_Key, dt.datetime, list[str]]  # key, first capture, WARC files (crawl-less runs only)
_WARC_NAME = re.compile(r"^(?P<stem>.+)-(?P<stamp>\d{17})-(?P<serial>\d{5})-(?P<rest>.+)$")


@dataclass(frozen=True)
class CrawlFigures:
    """Extraction figures of one site in one crawl (shares are 0..1; body length in characters)."""

    crawl: str  # "crawl 12", or "WARC FILE" for captures without a crawl id
    started: dt.datetime
    pages: int
    empty_body: float
    missing_title: float
    missing_date: float
    missing_author: float
    median_body: int  # over the pages that have a body


@dataclass(frozen=True)
class ExtractionHealth:
    """A site's newest (or given) crawl, the median of its previous crawls, and what looks broken."""

    host: str
    latest: CrawlFigures | None
    usual: dict[str, float] = field(default_factory=dict)  # median per figure over up to HISTORY crawls
    previous_crawls: int = 0
    problems: tuple[str, ...] = ()

    @property
    def broken(self) -> bool:
        return bool(self.problems)

    def summary(self) -> str:
        """The one line a crawl summary, ``stats`` and the sites page print for a broken site."""
        where = f" ({self.latest.crawl}, {self.latest.pages} article pages)" if self.latest else ""
        return f"extraction for {self.host} looks broken{where}: " + "; ".join(self.problems)

    def to_dict(self) -> dict[str, Any]:
        latest = asdict(self.latest) if self.latest else None
        if latest:
            latest["started"] = _aware(latest["started"]).isoformat()
        return {"broken": self.broken, "problems": list(self.problems), "latest": latest,
                "usual": self.usual, "previous_crawls": self.previous_crawls}


@dataclass(frozen=True)
class _Page:
    body: int
    title: bool
    date: bool
    author: bool


def judge(latest: CrawlFigures, history: list[CrawlFigures]) -> tuple[dict[str, float], tuple[str, ...]]:
    """(the usual figures, the problems) of ``latest`` against the site's earlier crawls."""
    history = [h for h in history if h.pages >= MIN_PAGES][-HISTORY:]
    if not history:
        return {}, ()
    usual = {name: statistics.median(getattr(h, name) for h in history) for name in (*SHARES, "median_body")}
    if latest.pages < MIN_PAGES:
        return usual, ()
    problems = [f"{_LABELS[name]} {getattr(latest, name):.0%} (usually {usual[name]:.0%})"
                for name in SHARES if getattr(latest, name) - usual[name] >= SHARE_RISE]
    if latest.median_body < LENGTH_DROP * usual["median_body"]:
        problems.append(f"median body {latest.median_body:,} characters (usually {usual['median_body']:,.0f})")
    return usual, tuple(problems)


def site_health(session: Session, host: str | None = None) -> list[ExtractionHealth]:
    """Every site's (or ``host``'s) newest crawl judged against its history, by host."""
    return _health(session, host=host, crawl_id=None)


def crawl_health(session: Session, crawl_id: int) -> list[ExtractionHealth]:
    """The sites of crawl ``crawl_id``, that crawl judged against the crawls before it."""
    return _health(session, host=None, crawl_id=crawl_id)


def _health(session: Session, host: str | None, crawl_id: int | None) -> list[ExtractionHealth]:
    runs = _runs(session, host)
    if crawl_id is not None:  # that crawl is the newest: drop the sites it did not touch, and later crawls
        keys = {sid: [run[0] for run in r] for sid, r in runs.items()}
        runs = {sid: r[:keys[sid].index(("crawl", crawl_id)) + 1]
                for sid, r in runs.items() if ("crawl", crawl_id) in keys[sid]}
    runs = {sid: r[-(HISTORY + 1):] for sid, r in runs.items()}
    pages = _pages(session, runs)
    hosts = dict(session.execute(select(Site.id, Site.host).where(Site.id.in_(list(runs)))).all())
    out = []
    for site_id, site_runs in runs.items():
        figures = [f for f in (_figures(run, pages.get((site_id, run[0]), [])) for run in site_runs) if f is not None]
        if not figures:
            continue
        usual, problems = judge(figures[-1], figures[:-1])
        previous = sum(f.pages >= MIN_PAGES for f in figures[:-1])
        out.append(ExtractionHealth(hosts[site_id], figures[-1], usual, previous, problems))
    return sorted(out, key=lambda h: h.host)


def _runs(session: Session, host: str | None) -> dict[int, list[_Run]]:
    """Per site, its crawls oldest first: (key, first capture time, WARC files of crawl-less captures)."""
    stmt = (select(Capture.site_id, Capture.crawl_id, Capture.warc_file, func.min(Capture.fetched_at))
            .where(Capture.status.between(200, 299))
            .group_by(Capture.site_id, Capture.crawl_id, Capture.warc_file))
    if host is not None:
        stmt = stmt.join(Site, Site.id == Capture.site_id).where(Site.host == host)
    crawls: dict[tuple[int, int], dt.datetime] = {}
    files: dict[int, list[tuple[str, dt.datetime]]] = {}
    for site_id, crawl, warc_file, first in session.execute(stmt):
        if site_id is None:
            continue
        if crawl is not None:
            crawls[(site_id, crawl)] = min(crawls.get((site_id, crawl), _aware(first)), _aware(first))
        else:
            files.setdefault(site_id, []).append((warc_file, _aware(first)))
    runs: dict[int, list[_Run]] = {}
    for (site_id, crawl), first in crawls.items():
        runs.setdefault(site_id, []).append((("crawl", crawl), first, []))
    for site_id, site_files in files.items():
        runs.setdefault(site_id, []).extend(_file_runs(site_files))
    return {sid: sorted(r, key=lambda run: run[1]) for sid, r in runs.items()}


def _file_runs(files: list[tuple[str, dt.datetime]]) -> list[_Run]:
    """Crawl-less WARC files grouped into runs: a file numbered 00000 starts one."""
    runs: list[_Run] = []
    for name, first in sorted(files, key=lambda f: (f[1], f[0])):
        match = _WARC_NAME.match(name.rsplit("/", 1)[-1])
        if runs and match is not None and match["serial"] != "00000":
            runs[-1][2].append(name)
        else:
            runs.append((("warc", name), first, [name]))
    return runs


def _pages(session: Session, runs: dict[int, list[_Run]]) -> dict[tuple[int, _Key], list[_Page]]:
    """The article pages of each site's ``runs``, keyed by (site id, run); a crawl may cover several sites."""
    if not runs:
        return {}
    crawl_ids = sorted({key[1] for r in runs.values() for key, _, _ in r if key[0] == "crawl"})
    file_run = {(sid, name): key for sid, r in runs.items() for key, _, names in r for name in names}
    av, other = ArticleVersion, aliased(Capture)
    extracted = and_(Capture.outcome.in_(_EXTRACTED), Capture.article_version_id.is_not(None))
    lost = and_(Capture.outcome == "not-article", exists().where(
        other.url_key == Capture.url_key, other.article_version_id.is_not(None)))
    has_author = exists().where(ArticleVersionAuthor.version_id == av.id)
    stmt = (select(Capture.site_id, Capture.crawl_id, Capture.warc_file,
                   func.coalesce(func.length(av.body), literal(0)),
                   case((func.length(func.trim(func.coalesce(av.title, ""))) > 0, True), else_=False),
                   av.published_at.is_not(None), has_author)
            .outerjoin(av, and_(extracted, av.id == Capture.article_version_id))
            .where(Capture.site_id.in_(list(runs)), Capture.status.between(200, 299), or_(extracted, lost),
                   or_(Capture.crawl_id.in_(crawl_ids),
                       and_(Capture.crawl_id.is_(None), Capture.warc_file.in_({n for _, n in file_run})))))
    out: dict[tuple[int, _Key], list[_Page]] = {}
    for site_id, crawl, warc_file, body, title, date, author in session.execute(stmt):
        key = ("crawl", crawl) if crawl is not None else file_run.get((site_id, warc_file))
        if key is not None:
            out.setdefault((site_id, key), []).append(_Page(int(body or 0), bool(title), bool(date), bool(author)))
    return out


def _figures(run: _Run, pages: list[_Page]) -> CrawlFigures | None:
    if not pages:
        return None
    key, started, _ = run
    n = len(pages)
    with_body = [p for p in pages if p.body > 0]
    bodies = [p.body for p in with_body]
    return CrawlFigures(
        crawl=f"crawl {key[1]}" if key[0] == "crawl" else f"WARC {key[1]}", started=started, pages=n,
        empty_body=_share(n - len(bodies), n),
        missing_title=_share(sum(not p.title for p in with_body), len(with_body)),
        missing_date=_share(sum(not p.date for p in with_body), len(with_body)),
        missing_author=_share(sum(not p.author for p in with_body), len(with_body)),
        median_body=int(statistics.median(bodies)) if bodies else 0)


def _share(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def _aware(when: dt.datetime) -> dt.datetime:
    return when if when.tzinfo is not None else when.replace(tzinfo=dt.UTC)


def summaries(healths: Iterable[ExtractionHealth]) -> list[str]:
    """The "looks broken" lines of the broken ones."""
    return [h.summary() for h in healths if h.broken]
