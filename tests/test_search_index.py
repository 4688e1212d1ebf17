"""archive/db/searchindex.py: the tantivy index that ``search()`` uses, kept in step with the database."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from sqlalchemy import func, select

import archive.db.search as search_module
from archive.db import searchindex
from archive.db.ingest import Ingestor
from archive.db.models import ArticleVersion
from archive.db.search import SearchFilters, search
from archive.db.session import Database, open_database
from archive.ingest.reindex import clear_derived
from tests.test_db_support import article, capture

pytest.importorskip("tantivy")


def _ingest(db: Database, pages: list[tuple[str, int, str, dict[str, object]]]) -> None:
    with db.session() as s:
        ing = Ingestor(s)
        for url, n, body, kw in pages:
            ing.ingest(capture(url, n), article(url, body, **kw))  # type: ignore[arg-type]


def _no_sql(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the SQL path fail, so that a passing search went through the index."""
    def refuse(*_a: object, **_k: object) -> None:
        raise AssertionError("SQL full-text search was used")
    monkeypatch.setattr(search_module, "_statement", refuse)


def _urls(db: Database, query: str, **filters: object) -> list[str]:
    with db.session() as s:
        return [h.url for h in search(s, query, SearchFilters(**filters))]  # type: ignore[arg-type]


def _watermark(db: Database) -> dict[str, object]:
    return json.loads((searchindex.index_dir(db.engine) / "newsarchive-watermark.json").read_text())


def _top(db: Database) -> int:
    with db.session() as s:
        return int(s.scalar(select(func.max(ArticleVersion.id))) or 0)


def test_ingest_feeds_the_index_and_search_uses_it(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    _ingest(db, [("https://example.com/a", 1, "Peace talks in Kabul.", {"published": "2025-01-01"}),
                 ("https://example.com/b", 2, "Kabul weather today.", {"published": "2025-02-01"})])
    assert _watermark(db)["watermark"] == _top(db)
    _no_sql(monkeypatch)
    assert _urls(db, "kabul", sort="newest") == ["https://example.com/b", "https://example.com/a"]
    assert _urls(db, "kabul", sort="oldest") == ["https://example.com/a", "https://example.com/b"]
    assert _urls(db, '"peace talks" -weather') == ["https://example.com/a"]
    assert [h.snippet for h in search_hits(db, "weather")] == ["Kabul weather today."]


def search_hits(db: Database, query: str) -> list[search_module.SearchHit]:
    with db.session() as s:
        return search(s, query)


def test_only_the_latest_version_is_searchable(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    url = "https://example.com/a"
    _ingest(db, [(url, 1, "The first text speaks of elephants.", {})])
    _ingest(db, [(url, 2, "The corrected text speaks of giraffes.", {})])
    _no_sql(monkeypatch)
    assert _urls(db, "elephants") == []
    assert _urls(db, "giraffes") == [url]


def test_index_behind_the_database_falls_back_to_sql(db: Database, monkeypatch: pytest.MonkeyPatch,
                                                      caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setattr(searchindex, "FRESH_WINDOW", -1.0)  # its last catch-up is long past: nothing keeps it in step
    _ingest(db, [("https://example.com/a", 1, "Herat market prices.", {})])
    poke = searchindex._updater.poke
    monkeypatch.setattr(searchindex._updater, "poke", lambda engine: None)  # a crash between the two commits
    _ingest(db, [("https://example.com/b", 2, "Herat airport reopens.", {})])
    monkeypatch.setattr(searchindex._updater, "poke", poke)
    with caplog.at_level(logging.WARNING, logger="archive.db.searchindex"):
        assert sorted(_urls(db, "herat")) == ["https://example.com/a", "https://example.com/b"]  # SQL answered
    assert "behind the database" in caplog.text
    assert searchindex.catch_up(db.engine) == 1
    _no_sql(monkeypatch)
    assert sorted(_urls(db, "herat")) == ["https://example.com/a", "https://example.com/b"]


def test_an_index_caught_up_seconds_ago_answers_while_a_crawl_keeps_it_in_step(
        db: Database, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    """Near real time: during a crawl the index trails by one ``UPDATE_INTERVAL``; sending every
    search to SQL meanwhile would cost seconds per query at a million articles."""
    _ingest(db, [("https://example.com/a", 1, "Kunduz bridge rebuilt.", {})])
    monkeypatch.setattr(searchindex._updater, "poke", lambda engine: None)  # the next catch-up is not due yet
    _ingest(db, [("https://example.com/b", 2, "Kunduz river floods.", {})])
    _no_sql(monkeypatch)
    with caplog.at_level(logging.WARNING, logger="archive.db.searchindex"):
        assert _urls(db, "kunduz") == ["https://example.com/a"]  # the index, seconds behind
    assert "behind" not in caplog.text
    assert searchindex.catch_up(db.engine) == 1
    assert sorted(_urls(db, "kunduz")) == ["https://example.com/a", "https://example.com/b"]


def test_missing_or_disabled_index_means_sql_and_creates_nothing(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ARCHIVE_SEARCH_INDEX_DIR")
    monkeypatch.setenv("ARCHIVE_SEARCH_INDEX", "off")
    db = open_database(tmp_path)
    try:
        _ingest(db, [("https://example.com/a", 1, "Balkh province news.", {})])
        assert not (tmp_path / "search-index").exists()
        monkeypatch.setenv("ARCHIVE_SEARCH_INDEX", "auto")
        assert _urls(db, "balkh") == ["https://example.com/a"]
        assert not (tmp_path / "search-index").exists()  # searching never creates it
        searchindex.catch_up(db.engine, create=True)  # what reindex does
        assert (tmp_path / "search-index" / "newsarchive-watermark.json").exists()  # beside the SQLite file
        _no_sql(monkeypatch)
        assert _urls(db, "balkh") == ["https://example.com/a"]
    finally:
        db.dispose()


def test_clear_derived_drops_the_index(db: Database) -> None:
    _ingest(db, [("https://example.com/a", 1, "Ghazni road repaired.", {})])
    clear_derived(db)
    assert not searchindex.index_dir(db.engine).exists()
    _ingest(db, [("https://example.com/z", 2, "Bamyan festival.", {})])
    assert _urls(db, "ghazni") == [] and _urls(db, "bamyan") == ["https://example.com/z"]


def test_an_index_of_another_database_is_not_used(db: Database, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    _ingest(db, [("https://example.com/a", 1, "Kunduz bridge.", {})])
    other = open_database(tmp_path / "other")  # same ARCHIVE_SEARCH_INDEX_DIR
    try:
        _ingest(other, [("https://example.com/b", 1, "Kandahar bridge.", {})])
        assert _urls(other, "bridge") == ["https://example.com/b"]
    finally:
        other.dispose()


def test_filter_values_are_literal_not_patterns(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    _ingest(db, [("https://example.com/a", 1, "Kabul news.", {"section": "World", "authors": ["Jane Doe"]})])
    _no_sql(monkeypatch)
    assert _urls(db, 'kabul section:".*"') == []
    assert _urls(db, "kabul author:.+") == []
    assert _urls(db, "kabul language:e.") == []
    assert _urls(db, 'kabul section:orl') == ["https://example.com/a"]


def test_dari_spellings_match_through_the_index(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    body = "مکتب\u200cها از هفته آینده باز می\u200cشوند و كتاب"  # ZWNJ compounds, Arabic kaf
    _ingest(db, [("https://example.af/d", 1, body, {"language": "fa-AF"})])
    _no_sql(monkeypatch)
    for query in ("مکتبها", "مکتب\u200cها", "مکتب ها", "می شوند", "کتاب", "language:fa"):
        assert _urls(db, query) == ["https://example.af/d"], query


def test_index_lives_in_the_data_dir(db_url: str | None, tmp_path: Path,  # noqa: F811
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ARCHIVE_SEARCH_INDEX_DIR")
    database = open_database(tmp_path / "data", db_url)
    try:
        _ingest(database, [("https://example.com/a", 1, "Paktia rain.", {})])
        where = searchindex.index_dir(database.engine)
        assert where.parent == (tmp_path / "data").resolve()
        assert where.name == ("search-index" if db_url is None else f"search-index-{searchindex.database_key(database.engine)}")
        assert _watermark(database)["watermark"] == _top(database)
    finally:
        database.dispose()


def test_background_updater_catches_up_after_commits(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    updater = searchindex._updater  # the real thread (tests/conftest.py makes updates synchronous)
    monkeypatch.setattr(updater, "poke", type(updater).poke.__get__(updater))
    for n in range(1, 6):
        _ingest(db, [(f"https://example.com/{n}", n, f"Story number {n} about Logar.", {})])
    searchindex.wait_for_updates()
    assert _watermark(db)["watermark"] == _top(db)
    _no_sql(monkeypatch)
    assert len(_urls(db, "logar")) == 5


def test_ingest_leaves_a_big_database_without_index_to_reindex(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(searchindex, "CREATE_LIMIT", 0)  # as if the database were big
    _ingest(db, [("https://example.com/a", 1, "Nangarhar harvest.", {})])
    assert not searchindex.index_dir(db.engine).exists()  # not built inside a crawl
    assert _urls(db, "nangarhar") == ["https://example.com/a"]  # SQL
    assert searchindex.catch_up(db.engine, create=True) == 1  # what reindex ends with
    _no_sql(monkeypatch)
    assert _urls(db, "nangarhar") == ["https://example.com/a"]


def test_a_damaged_index_means_sql_search(db: Database) -> None:
    _ingest(db, [("https://example.com/a", 1, "Zabul election.", {})])
    (searchindex.index_dir(db.engine) / "meta.json").write_text("not json")  # tantivy's own file
    searchindex._open_indexes.clear()
    assert _urls(db, "zabul") == ["https://example.com/a"]


def test_a_catch_up_waits_for_another_process_writing_the_index(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """Opening the index while another process's commit deletes old segments reads files that are
    gone (CI saw ``FileDoesNotExist`` end a crawl); one flock beside the index makes them take turns."""
    import fcntl

    monkeypatch.setattr(searchindex, "LOCK_WAIT", 0.2)
    _ingest(db, [("https://example.com/a", 1, "Paktia road opened.", {})])
    path = searchindex.index_dir(db.engine)
    with open(f"{path}.lock", "a") as other_process:  # a separate open file: flock treats it as another holder
        fcntl.flock(other_process, fcntl.LOCK_EX)
        _ingest(db, [("https://example.com/b", 2, "Paktia school reopened.", {})])  # its catch-up gives up
        assert _watermark(db)["watermark"] < _top(db)
        fcntl.flock(other_process, fcntl.LOCK_UN)
    assert searchindex.catch_up(db.engine) == 1
    assert _watermark(db)["watermark"] == _top(db)
    _no_sql(monkeypatch)
    assert sorted(_urls(db, "paktia")) == ["https://example.com/a", "https://example.com/b"]


def test_a_vanished_segment_file_is_read_again(monkeypatch: pytest.MonkeyPatch) -> None:
    attempts = iter([ValueError("Failed to open file for read: 'FileDoesNotExist(\"x.term\")'"), "opened"])

    def flaky() -> object:
        outcome = next(attempts)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    assert searchindex._retry_vanished(flaky) == "opened"
    with pytest.raises(ValueError, match="LockBusy"):
        searchindex._retry_vanished(lambda: (_ for _ in ()).throw(ValueError("LockBusy")))
