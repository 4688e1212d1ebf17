"""archive/db/ingest.py on SQLite and PostgreSQL: versions, last_seen, trivial changes."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from archive.db.ingest import Ingestor, canonical_url, parse_when
from archive.db.models import Article, ArticleVersion, Author, Capture, Image, Site
from archive.db.session import Database
from tests.test_db_support import T0, article, capture

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
        assert _utc(v.published_at) == dt.datetime(2025, 2, 27, 8, tzinfo=dt.UTC)
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
    assert parse_when("2025-01-02") == dt.datetime(2025, 1, 2, tzinfo=dt.UTC)
    assert parse_when("2025-01-02T10:00:00+04:30") == dt.datetime(2025, 1, 2, 5, 30, tzinfo=dt.UTC)
    assert parse_when("yesterday") is None


def _utc(when: dt.datetime) -> dt.datetime:
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


def _state(db: Database) -> list[list[tuple]]:
    """Every row, with ids replaced by what they name (ids may differ; PostgreSQL leaves gaps)."""
    first, last, made = aliased(Capture), aliased(Capture), aliased(ArticleVersion)
    with db.session() as s:
        versions = s.execute(
            select(Article.canonical_url, ArticleVersion.number, ArticleVersion.text_hash, ArticleVersion.first_seen,
                   ArticleVersion.last_seen, first.record_id, last.record_id)
            .join(Article, Article.id == ArticleVersion.article_id).join(first, first.id == ArticleVersion.capture_id)
            .join(last, last.id == ArticleVersion.last_capture_id).order_by(Article.canonical_url, ArticleVersion.number)
        ).all()
        arts = s.execute(select(Article.canonical_url, Article.first_seen, Article.last_seen, Article.version_count,
                                made.number).join(made, made.id == Article.latest_version_id)
                         .order_by(Article.canonical_url)).all()
        caps = s.execute(select(Capture.record_id, Capture.outcome, made.number)
                         .outerjoin(made, made.id == Capture.article_version_id).order_by(Capture.record_id)).all()
        authors = s.execute(select(Author.name_key).order_by(Author.name_key)).scalars().all()
    norm = [[tuple(_utc(v) if isinstance(v, dt.datetime) else v for v in row) for row in rows]
            for rows in (versions, arts, caps)]
    return [*norm, [tuple(authors)]]


def _mixed_pages() -> list[tuple]:
    other = "https://example.com/other"
    return [
        (capture(URL, 1), article(URL, BODY)),
        (capture(other, 2), article(other, "Another story.", authors=["Ali Rahimi", "Jane Doe"])),
        (capture(URL, 3), article(URL, BODY.replace("  ", " ") + "\n")),  # trivial change: unchanged
        (capture(URL, 1), article(URL, BODY)),  # the same record again: duplicate
        (capture(URL, 5, when=T0 - dt.timedelta(days=1)), article(URL, BODY)),  # earlier capture: first_seen moves
        (capture(URL, 4), article(URL, BODY + "\n\nA correction.")),  # new version
        (capture(URL, 6, revisit_of=f"<urn:uuid:{0:08x}-0000-0000-0000-{4:012x}>"), None),  # revisit of record 4
        (capture(other, 7, status=404), article(other, "Not found.")),  # not an article
        (capture(URL, 8), article(URL, BODY)),  # a revert is a new version
    ]


def test_ingest_many_matches_one_at_a_time(db: Database, tmp_path) -> None:  # noqa: ANN001
    """Issue 10 target 3: the batched path decides exactly what page-by-page ingest decides."""
    from archive.db.session import open_database

    pages = _mixed_pages()
    with db.session() as s:
        batched = Ingestor(s).ingest_many(pages)
    single_db = open_database(tmp_path / "single", None)
    try:
        single = _ingest(single_db, *pages)
        assert [r.outcome for r in batched] == [r.outcome for r in single] == [
            "new-article", "new-article", "unchanged", "duplicate", "unchanged", "new-version", "revisit",
            "not-article", "new-version"]
        assert _state(db) == _state(single_db)
    finally:
        single_db.dispose()
