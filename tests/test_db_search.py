"""archive/db/search.py on SQLite (FTS5) and PostgreSQL (tsvector): same answers, no raw input."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from archive.db import sqlvectors
from archive.db.ingest import Ingestor
from archive.db.models import ArticleVersion
from archive.db.search import SearchFilters, make_snippet, search
from archive.db.session import Database
from archive.errors import QueryError
from tests.test_db_support import article, capture

DARI = "وزارت معارف اعلام کرد که مکتب\u200cها از هفته آینده باز می\u200cشوند و شاگردان می\u200cتوانند برگردند."
DOCS = [
    ("https://example.com/a", "Border talks resume", "Peace talks at the border resumed on Monday. Officials don't expect a deal.",
     {"authors": ["Jane Doe"], "section": "World", "language": "en", "published": "2025-01-10"}),
    ("https://example.com/b", "Multi-agent systems", "Researchers built a multi-agent simulation of traffic in Kabul.",
     {"authors": ["Ali Rahimi"], "section": "Science", "language": "en", "published": "2025-02-10"}),
    ("https://news.example.org/c", "Sport results", "Kabul won the cricket match; the border crowd celebrated.",
     {"authors": ["Jane Doe"], "section": "Sport", "language": "en", "published": "2025-03-10"}),
    ("https://example.af/d", "بازگشایی مکتب\u200cها", DARI,
     {"authors": ["احمد"], "section": "جامعه", "language": "fa-AF", "published": "2025-03-12", "direction": "rtl"}),
]


@pytest.fixture
def corpus(db: Database) -> Database:
    with db.session() as s:
        ing = Ingestor(s)
        for n, (url, title, body, kw) in enumerate(DOCS, 1):
            ing.ingest(capture(url, n), article(url, body, title=title, **kw))
    return db


def _urls(db: Database, query: str, **filters: object) -> list[str]:
    with db.session() as s:
        return sorted(h.url for h in search(s, query, SearchFilters(**filters)))  # type: ignore[arg-type]


def test_words_phrases_exclusion_or(corpus: Database) -> None:
    assert _urls(corpus, "border") == ["https://example.com/a", "https://news.example.org/c"]
    assert _urls(corpus, '"resumed border"') == []
    assert _urls(corpus, '"talks at the border"') == ["https://example.com/a"]
    assert _urls(corpus, "border -cricket") == ["https://example.com/a"]
    assert _urls(corpus, "cricket OR simulation") == ["https://example.com/b", "https://news.example.org/c"]
    assert _urls(corpus, "KABUL") == ["https://example.com/b", "https://news.example.org/c"]


def test_fields(corpus: Database) -> None:
    assert _urls(corpus, "title:border") == ["https://example.com/a"]
    assert _urls(corpus, 'author:"jane doe"') == ["https://example.com/a", "https://news.example.org/c"]
    assert _urls(corpus, "kabul author:rahimi") == ["https://example.com/b"]
    assert _urls(corpus, "section:sport") == ["https://news.example.org/c"]
    assert _urls(corpus, "site:example.org kabul") == ["https://news.example.org/c"]
    assert _urls(corpus, "language:fa") == ["https://example.af/d"]
    assert _urls(corpus, "kabul -author:rahimi") == ["https://news.example.org/c"]
    assert _urls(corpus, "section:world OR section:science") == ["https://example.com/a", "https://example.com/b"]


def test_option_filters(corpus: Database) -> None:
    assert _urls(corpus, "kabul", site="example.com") == ["https://example.com/b"]
    assert _urls(corpus, "", author="Jane Doe", since=dt.datetime(2025, 3, 1, tzinfo=dt.UTC)) == [
        "https://news.example.org/c"
    ]
    assert _urls(corpus, "border", until=dt.datetime(2025, 2, 1, tzinfo=dt.UTC)) == ["https://example.com/a"]
    assert _urls(corpus, "", language="en", section="science") == ["https://example.com/b"]


@pytest.mark.parametrize("query", ["می\u200cشوند", "میشوند", "مکتب\u200cها", "مکتبها", "مكتبها"])
def test_dari_zwnj_found_with_or_without_it(corpus: Database, query: str) -> None:
    assert _urls(corpus, query) == ["https://example.af/d"]


def test_dari_snippet_keeps_zwnj(corpus: Database) -> None:
    with corpus.session() as s:
        (hit,) = search(s, "میشوند")
    assert "می\u200cشوند" in hit.snippet


@pytest.mark.parametrize(
    "query",
    ["don't", "multi-agent", '"unbalanced', "NEAR(", "NEAR(border talks, 2)", "border*", "title:", "a:b:c",
     "'; DROP TABLE articles; --", "1; DELETE FROM article_versions", "x\" OR 1=1 --", "{title}: x",
     "^border", "border AND", "(border OR kabul)", "\x00", "c'est l'été", "A" * 999],
)
def test_hostile_or_odd_queries_answer_without_writing(corpus: Database, query: str) -> None:
    with corpus.session() as s:
        before = s.scalar(select(func.count()).select_from(ArticleVersion))
        try:
            hits = search(s, query)
        except QueryError as exc:
            assert "\n" not in str(exc)
        else:
            assert isinstance(hits, list)
        assert s.scalar(select(func.count()).select_from(ArticleVersion)) == before == len(DOCS)


def test_expected_answers_for_tricky_words(corpus: Database) -> None:
    assert _urls(corpus, "don't") == ["https://example.com/a"]
    assert _urls(corpus, "multi-agent") == ["https://example.com/b"]
    assert _urls(corpus, '"multi-agent simulation') == ["https://example.com/b"]


@pytest.mark.parametrize("query", ["*", "a" * 10_000, "-border"])
def test_unsearchable_queries_are_query_errors(corpus: Database, query: str) -> None:
    with corpus.session() as s, pytest.raises(QueryError):
        search(s, query)


def test_only_latest_version_is_searched(db: Database) -> None:
    url = "https://example.com/edit"
    with db.session() as s:
        ing = Ingestor(s)
        ing.ingest(capture(url, 1), article(url, "The minister resigned on Friday."))
        ing.ingest(capture(url, 2), article(url, "The minister stayed in office after all."))
    assert _urls(db, "resigned") == []
    assert _urls(db, "stayed") == [url]


def test_limit_and_sort(corpus: Database) -> None:
    with corpus.session() as s:
        newest = search(s, "kabul OR border", SearchFilters(sort="newest", limit=2))
        oldest = search(s, "kabul OR border", SearchFilters(sort="oldest", limit=1))
    assert [h.url for h in newest] == ["https://news.example.org/c", "https://example.com/b"]
    assert [h.url for h in oldest] == ["https://example.com/a"]


def test_snippet_window() -> None:
    body = "word " * 100 + "needle " + "tail " * 100
    snippet = make_snippet(body, ["needle"])
    assert "needle" in snippet and snippet.startswith("…") and snippet.endswith("…") and len(snippet) < 210
    assert make_snippet("short text", ["absent"]) == "short text"


# Issue 13 item 14: Dari spellings, folded filters, clear errors, same answers on both engines.
BOOKS = [
    ("https://example.af/zwnj", "کتاب\u200cهای تازه در کابل چاپ شد."),
    ("https://example.af/joined", "کتابهای تازه در هرات چاپ شد."),
    ("https://example.af/spaced", "کتاب های تازه در مزار چاپ شد."),
]


@pytest.fixture
def books(db: Database) -> Database:
    with db.session() as s:
        ing = Ingestor(s)
        for n, (url, body) in enumerate(BOOKS, 1):
            ing.ingest(capture(url, n), article(url, body, title="کتاب", authors=["علی رحیمی"], section="فرهنگ کشور",
                                                language="fa-AF", site_name="کابل نیوز"))
    return db


@pytest.mark.parametrize("query", ["کتاب های", "کتاب\u200cهای", "کتابهای", '"کتاب های تازه"', "كتاب هاي"])
def test_dari_zwnj_word_found_in_every_spelling(books: Database, query: str) -> None:
    assert _urls(books, query) == sorted(url for url, _ in BOOKS)


def test_dari_detached_prefix_found(corpus: Database) -> None:
    assert _urls(corpus, "می شوند") == ["https://example.af/d"]


@pytest.mark.parametrize("query", ["author:رحيمي", "author:رحیمی", 'author:"علي رحيمي"', "section:كشور",
                                   "site:\"کابل نيوز\""])
def test_field_filters_fold_arabic_letters(books: Database, query: str) -> None:
    assert _urls(books, query + " تازه") == sorted(url for url, _ in BOOKS)


def test_option_filters_fold_arabic_letters(books: Database) -> None:
    assert len(_urls(books, "", author="رحيمي")) == 3
    assert len(_urls(books, "", section="كشور")) == 3


@pytest.mark.parametrize("query", ["foo:bar", "border foo:bar", "title:", "border author:"])
def test_unknown_or_empty_field_is_an_error(corpus: Database, query: str) -> None:
    with corpus.session() as s, pytest.raises(QueryError) as info:
        search(s, query)
    assert "\n" not in str(info.value)


def test_nul_in_query_or_filter_is_handled(corpus: Database) -> None:
    assert _urls(corpus, "border\x00") == _urls(corpus, "border")
    assert _urls(corpus, "", author="Jane\x00Doe") == _urls(corpus, "", author="Jane Doe") != []
    with corpus.session() as s, pytest.raises(QueryError, match="nothing to search for"):
        search(s, "\x00")


@pytest.mark.parametrize("query", ["~border", "border~", "~~border"])
def test_tilde_is_literal_punctuation_on_both_engines(corpus: Database, query: str) -> None:
    assert _urls(corpus, query) == ["https://example.com/a", "https://news.example.org/c"]


def test_only_articles_by_default(db: Database) -> None:
    """Issue 9: pages typed other than ``article`` (e.g. a mistyped section front) are not listed by default."""
    with db.session() as s:
        ing = Ingestor(s)
        for n, kind in enumerate(("article", "other", "paywall"), 1):
            url = f"https://example.com/{kind}"
            ing.ingest(capture(url, n), article(url, f"Election coverage {kind}.", page_type=kind))
    assert _urls(db, "election") == ["https://example.com/article"]
    assert _urls(db, "election", page_type=None) == [f"https://example.com/{k}" for k in ("article", "other", "paywall")]
    assert _urls(db, "election", page_type="paywall") == ["https://example.com/paywall"]


def _old_relevant_corpus(db: Database) -> None:
    with db.session() as s:
        ing = Ingestor(s)
        ing.ingest(capture("https://example.com/old", 1), article("https://example.com/old", "Kabul kabul kabul.",
                                                                 title="Kabul"))
        for n in range(2, 31):
            url = f"https://example.com/n{n}"
            ing.ingest(capture(url, n), article(url, f"News of the day {n} with a mention of Kabul among other words."))


def test_relevance_ranks_every_match(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 10: an old, highly relevant article reaches the first page (the window used to hide it)."""
    _old_relevant_corpus(db)
    monkeypatch.setattr("archive.db.search.RANK_WINDOW", 5)
    with db.session() as s:
        hits = search(s, "kabul", SearchFilters(limit=3))
    assert hits[0].url == "https://example.com/old"


def test_window_only_past_the_exact_limit(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARCHIVE_SEARCH_INDEX", "off")  # the SQL window itself (the index ranks every match)
    _old_relevant_corpus(db)
    monkeypatch.setattr("archive.db.search.RANK_WINDOW", 5)
    monkeypatch.setattr("archive.db.search.EXACT_RANK_LIMIT", 10)
    monkeypatch.setattr("archive.db.search._lexeme_cache", {})
    if db.dialect == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("ANALYZE article_versions")
    with db.session() as s:
        hits = search(s, "kabul", SearchFilters(limit=3))
        exact = search(s, "kabul", SearchFilters(limit=3, section="politics"))  # filters: always exact
    if db.dialect == "postgresql" and not sqlvectors.maintained():
        assert hits[0].url == "https://example.com/old"  # no stored vectors, no lexeme statistics: exact
    else:
        assert "https://example.com/old" not in [h.url for h in hits] and len(hits) == 3
    assert exact[0].url == "https://example.com/old"
