"""archive/db/ingest.py on SQLite and PostgreSQL: versions, last_seen, trivial changes."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from archive.db.ingest import Ingestor, canonical_url, parse_when
from archive.db.models import Article, ArticleVersion, Author, Capture, Image, Site
from archive.db.session import Database
from tests.test_db_support import T0, article, capture, db, db_url  # noqa: F401

URL = "https://www.example.com/news/2025/03/election"
BODY = "The election was held on Sunday.\n\nTurnout was 61 percent, officials said."


def _ingest(db: Database, *pairs):  # noqa: ANN001, ANN202
    with db.session() as s:
        ing = Ingestor(s)
        return [ing.ingest(c, a) for c, a in pairs]


def test_unchanged_recrawl_moves_last_seen_only(db: Database) -> None:
    r1, r2 = _ingest(db, (capture(URL, 1), article(URL, BODY)), (capture(URL, 2), article(URL, BODY)))
    assert (r1.outcome, r2.outcome) == ("new-article", "unchanged")
    with db.session() as s:
        (v,) = s.scalars(select(ArticleVersion)).all()
        art = s.scalars(select(Article)).one()
        assert v.number == 1 and art.version_count == 1
        assert _utc(v.first_seen) == T0 + dt.timedelta(hours=1)
        assert _utc(v.last_seen) == T0 + dt.timedelta(hours=2)
        assert _utc(art.last_seen) == T0 + dt.timedelta(hours=2)
        assert v.last_capture_id == r2.capture_id and v.capture_id == r1.capture_id
        assert s.scalar(select(func.count()).select_from(Capture)) == 2


def test_edit_makes_new_version(db: Database) -> None:
    edited = BODY.replace("61 percent", "64 percent")
    results = _ingest(db, (capture(URL, 1), article(URL, BODY)), (capture(URL, 2), article(URL, edited)))
    assert [r.outcome for r in results] == ["new-article", "new-version"]
    with db.session() as s:
        art = s.scalars(select(Article)).one()
        assert [v.number for v in art.versions] == [1, 2]
        assert art.latest_version_id == art.versions[1].id
        assert art.versions[1].body == edited


def test_trivial_changes_are_not_versions(db: Database) -> None:
    spaced = "The  election was held\non Sunday.\n\n\n\nTurnout was 61 percent,  officials said."
    with_counter = BODY + "\n\n1,204 views"
    more_views = BODY + "\n\n1,377 views"
    results = _ingest(
        db,
        (capture(URL, 1), article(URL, with_counter)),
        (capture(URL, 2), article(URL, more_views)),
        (capture(URL, 3), article(URL, spaced + "\n\n2,001 views")),
    )
    assert [r.outcome for r in results] == ["new-article", "unchanged", "unchanged"]


def test_same_record_twice_is_a_no_op(db: Database) -> None:
    c = capture(URL, 1)
    first, again = _ingest(db, (c, article(URL, BODY)), (c, article(URL, BODY + " changed")))
    assert again.outcome == "duplicate"
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(ArticleVersion)) == 1


def test_rows_keep_metadata_authors_images_and_zwnj(db: Database) -> None:
    dari = "این یک متن آزمایشی است که می\u200cخواهیم آن را ذخیره کنیم."
    _ingest(db, (capture(URL, 1), article(URL, dari, title="عنوان\u200cها", authors=["Jane Doe", "احمد"],
                                          language="fa-AF", direction="rtl", tags=["a", "b"])))
    with db.session() as s:
        v = s.scalars(select(ArticleVersion)).one()
        assert v.body == dari and v.title == "عنوان\u200cها"
        assert v.authors == ["Jane Doe", "احمد"] and v.tags == ["a", "b"] and v.direction == "rtl"
        assert _utc(v.published_at) == dt.datetime(2025, 2, 27, 8, tzinfo=dt.timezone.utc)
        assert s.scalars(select(Image.caption)).all() == ["A caption"]
        assert sorted(s.scalars(select(Author.name_key)).all()) == ["jane doe", "احمد"]
        assert s.scalars(select(Site.host)).all() == ["example.com"]


def test_non_articles_only_record_the_capture(db: Database) -> None:
    results = _ingest(
        db,
        (capture(URL + "/index", 1), article(URL + "/index", "links", page_type="index")),
        (capture(URL + "/gone", 2, status=404), article(URL + "/gone", "Not found")),
        (capture(URL + "/empty", 3), None),
    )
    assert [r.outcome for r in results] == ["not-article"] * 3
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Article)) == 0
        assert s.scalar(select(func.count()).select_from(Capture)) == 3


def test_revisit_moves_last_seen(db: Database) -> None:
    first = capture(URL, 1, digest="sha1:SAME")
    revisit = capture(URL, 5, digest="sha1:SAME", revisit_of=first.location.record_id)
    results = _ingest(db, (first, article(URL, BODY)), (revisit, None))
    assert results[1].outcome == "revisit" and results[1].version_id == results[0].version_id
    with db.session() as s:
        v = s.scalars(select(ArticleVersion)).one()
        assert _utc(v.last_seen) == T0 + dt.timedelta(hours=5)


def test_canonical_url_rules() -> None:
    page = "https://example.com/news/a?utm_source=x"
    assert canonical_url(page, "https://www.example.com/news/a") == "https://www.example.com/news/a"
    assert canonical_url(page, "https://example.com/") == page
    assert canonical_url(page, "https://other.org/news/a") == page
    assert canonical_url(page, None) == page


def test_parse_when() -> None:
    assert parse_when("2025-01-02") == dt.datetime(2025, 1, 2, tzinfo=dt.timezone.utc)
    assert parse_when("2025-01-02T10:00:00+04:30") == dt.datetime(2025, 1, 2, 5, 30, tzinfo=dt.timezone.utc)
    assert parse_when("yesterday") is None


def _utc(when: dt.datetime) -> dt.datetime:
    return when if when.tzinfo else when.replace(tzinfo=dt.timezone.utc)
