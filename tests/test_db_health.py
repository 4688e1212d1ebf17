"""archive/db/health.py on SQLite and PostgreSQL: per-crawl extraction figures and the "looks broken" flag."""

from __future__ import annotations

import dataclasses
import datetime as dt

from archive.db.health import CrawlFigures, crawl_health, judge, site_health, summaries
from archive.db.ingest import Ingestor
from archive.db.models import Crawl
from archive.db.session import Database
from tests.test_db_support import T0, article, capture

BODY = "\n\n".join(f"Paragraph {i} of the report on the border talks, with enough words to count." for i in range(5))
URLS = [f"https://www.example.com/news/2025/03/story-{i}" for i in range(6)]


def _crawl(database: Database, n: int, pages: list[tuple[str, str, dict]], warc: str | None = None) -> int | None:
    """Ingest (url, body, article fields) pages as crawl ``n`` (as a crawl-less reindex when ``warc``)."""
    with database.session() as s:
        crawl_id = None
        if warc is None:
            crawl = Crawl(spider="news", started_at=T0 + dt.timedelta(days=n))
            s.add(crawl)
            s.flush()
            crawl_id = crawl.id
        ingest = Ingestor(s)
        for i, (url, body, fields) in enumerate(pages):
            info = capture(url, n * 100 + i, T0 + dt.timedelta(days=n, minutes=i), crawl_id=crawl_id)
            if warc is not None:
                info = dataclasses.replace(info, location=dataclasses.replace(info.location, file=warc))
            ingest.ingest(info, article(url, body, **fields))
    return crawl_id


def _good(urls: list[str] = URLS, suffix: str = "") -> list[tuple[str, str, dict]]:
    return [(url, BODY + suffix, {}) for url in urls]


def test_a_template_change_is_flagged_against_the_sites_history(db: Database) -> None:  # noqa: F811
    _crawl(db, 1, _good())
    second = _crawl(db, 2, _good(suffix="\n\nUpdated."))  # every page a new version: extracted again
    fresh = [f"https://www.example.com/news/2025/04/new-{i}" for i in range(2)]
    emptied = [(url, "", {}) for url in URLS]  # the same articles now come out empty
    third = _crawl(db, 3, emptied + [(url, BODY, {"published": None, "authors": []}) for url in fresh])
    with db.session() as s:
        (health,) = site_health(s)
        assert crawl_health(s, second)[0].broken is False
        assert crawl_health(s, third) == [health]
    latest = health.latest
    assert latest is not None and (latest.crawl, latest.pages) == (f"crawl {third}", 8)
    assert (latest.empty_body, latest.missing_date, latest.missing_author, latest.missing_title) == (0.75, 1.0, 1.0, 0.0)
    assert health.previous_crawls == 2 and health.usual["empty_body"] == 0.0
    assert health.host == "example.com" and health.broken
    assert summaries([health]) == [(
        f"extraction for example.com looks broken (crawl {third}, 8 article pages): empty bodies 75% (usually 0%); "
        "missing dates 100% (usually 0%); missing authors 100% (usually 0%)")]
    assert health.to_dict()["latest"]["started"] == "2025-03-04T12:00:00+00:00"


def test_a_steady_site_and_a_first_crawl_are_not_flagged(db: Database) -> None:  # noqa: F811
    _crawl(db, 1, _good())
    with db.session() as s:
        (first,) = site_health(s)
        assert not first.broken and first.previous_crawls == 0 and first.usual == {}
    _crawl(db, 2, _good())  # unchanged pages count with their versions' fields
    with db.session() as s:
        (steady,) = site_health(s)
        assert steady.latest is not None and steady.latest.pages == 6 and not steady.broken
        assert steady.latest.median_body == len(BODY)
        assert site_health(s, "other.example") == []


def test_reindexed_captures_are_grouped_by_warc_file_runs(db: Database) -> None:  # noqa: F811
    stem = "newsarchive-2025030112000000{}-{}-example.com-42.warc.gz"
    _crawl(db, 1, _good(URLS[:3]), warc=stem.format(0, "00000"))
    _crawl(db, 2, _good(URLS[3:]), warc=stem.format(1, "00001"))  # same crawl, next file
    _crawl(db, 3, [(url, "", {}) for url in URLS], warc=stem.format(2, "00000"))  # a new crawl
    with db.session() as s:
        (health,) = site_health(s)
    assert health.latest is not None and health.latest.crawl == f"WARC {stem.format(2, '00000')}"
    assert health.latest.empty_body == 1.0 and health.previous_crawls == 1 and health.broken


def test_a_crawl_of_two_sites_judges_each_on_its_own(db: Database) -> None:  # noqa: F811
    other = [url.replace("www.example.com", "news.example.org") for url in URLS]
    _crawl(db, 1, _good() + _good(other))
    third = _crawl(db, 2, _good(suffix="\n\nMore.") + [(url, "", {}) for url in other])
    with db.session() as s:
        healths = {h.host: h for h in crawl_health(s, third)}
    assert set(healths) == {"example.com", "news.example.org"} and not healths["example.com"].broken
    assert [h.latest.pages for h in healths.values() if h.latest] == [6, 6]
    assert healths["news.example.org"].problems == ("empty bodies 100% (usually 0%)",
                                                    f"median body 0 characters (usually {len(BODY)})")


def _figures(pages: int = 10, **shares: float) -> CrawlFigures:
    values = {"empty_body": 0.0, "missing_title": 0.0, "missing_date": 0.0, "missing_author": 0.0,
              "median_body": 2000, **shares}
    return CrawlFigures(crawl="crawl 9", started=T0, pages=pages, **values)  # type: ignore[arg-type]


def test_thresholds() -> None:
    history = [_figures(missing_date=0.1), _figures(missing_date=0.2), _figures(missing_date=0.9, pages=4)]
    assert judge(_figures(missing_date=0.44), history)[1] == ()  # 29 points over the median (15%)
    assert judge(_figures(missing_date=0.45), history)[1] == ("missing dates 45% (usually 15%)",)
    assert judge(_figures(median_body=1000), history)[1] == ()
    assert judge(_figures(median_body=999), history)[1] == ("median body 999 characters (usually 2,000)",)
    assert judge(_figures(pages=4, empty_body=1.0), history)[1] == ()  # too few pages to judge
    assert judge(_figures(empty_body=1.0), [_figures(pages=4)]) == ({}, ())  # no usable history
