"""Counts and facets from the search index (archive/db/searchindex_facets.py) and ranking over every match.

A small archive (five sites, three languages with Dari, sections, several authors, dates
over four years, one undated page) is searched through ``archive.research``: with the
index the total and every facet count are exact over all matches, and they must equal
what SQL counts (exact too below its 1,000-match sample) and what the data says.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import pytest

from archive.db import searchindex
from archive.db.ingest import Ingestor
from archive.db.session import open_database
from archive.research import open_archive
from tests.test_db_support import article, capture, db_url  # noqa: F401 - db_url: the engine fixture

pytest.importorskip("tantivy")

SECTIONS = ("Politics", "Sport", "جامعه")
LANGS = ("en", "fa-AF", "ps")
AUTHORS = ("Jane Doe", "Ali Rahimi", "احمد", "Mallory")


def _page(n: int) -> dict[str, object]:
    """Page ``n``'s fields; every value is a function of ``n`` so the tests can count them."""
    year = 2021 + n % 4
    return {
        "site": f"site{n % 5}.example", "section": SECTIONS[n % 3], "language": LANGS[n % 3 if n % 7 else 0],
        "authors": [AUTHORS[n % 4]] + ([AUTHORS[(n + 1) % 4]] if n % 5 == 0 else []),
        "published": None if n == 13 else f"{year}-{1 + n % 12:02d}-15T10:00:00+00:00",
        "body": ("harvest " * (1 + n % 3)) + ("wheat prices in the valley " if n % 2 else "snow on the pass ")
                + ("مکتب\u200cها " if n % 3 == 1 else ""),
    }


N = 40


@pytest.fixture
def archive_data(db_url: str | None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, str | None]:  # noqa: F811
    data = tmp_path / "data"
    db = open_database(data, db_url)
    try:
        with db.session() as s:
            pages = []
            for n in range(N):
                p = _page(n)
                url = f"https://{p['site']}/a/{n}"
                pages.append((capture(url, n + 1), article(url, str(p["body"]), title=f"Report {n}",
                                                            site_name=f"Site {n % 5}", section=p["section"],
                                                            language=p["language"], authors=p["authors"],
                                                            published=p["published"], images=[])))
            Ingestor(s).ingest_many(pages)
        searchindex.wait_for_updates()
    finally:
        db.dispose()
    return data, db_url


def _expected(match: list[int]) -> dict[str, Counter[str]]:
    counts: dict[str, Counter[str]] = {k: Counter() for k in ("site", "section", "language", "author", "date")}
    for n in match:
        p = _page(n)
        counts["site"][str(p["site"])] += 1
        counts["section"][str(p["section"])] += 1
        counts["language"][str(p["language"])] += 1
        for name in p["authors"]:  # type: ignore[attr-defined]
            counts["author"][name] += 1
        if p["published"]:
            counts["date"][str(p["published"])[:4]] += 1
    return counts


def _facets(results: object) -> dict[str, dict[str, int]]:
    return {name: {v.value: v.count for v in values} for name, values in results.facets.items()}  # type: ignore[attr-defined]


@pytest.mark.parametrize("engine", ["index", "sql"])
@pytest.mark.parametrize(("query", "options", "match"), [
    ("", {}, list(range(N))),
    ("wheat", {}, [n for n in range(N) if n % 2]),
    ("harvest", {"language": "fa-AF"}, [n for n in range(N) if n % 7 and n % 3 == 1]),
    ("مکتبها", {"site": "site2.example"}, [n for n in range(N) if n % 3 == 1 and n % 5 == 2]),
    ("snow", {"author": "jane doe"}, [n for n in range(N) if n % 2 == 0 and "Jane Doe" in _page(n)["authors"]]),  # type: ignore[operator]
    ("", {"section": "sport", "year": 2022}, [n for n in range(N) if n % 3 == 1 and n % 4 == 1 and n != 13]),
])
def test_total_and_facets_are_exact(archive_data: tuple[Path, str | None], monkeypatch: pytest.MonkeyPatch,
                                    engine: str, query: str, options: dict[str, object], match: list[int]) -> None:
    monkeypatch.setenv("ARCHIVE_SEARCH_INDEX", "auto" if engine == "index" else "off")
    if engine == "index":  # the index answers: SQL counting must not run
        from archive.research import _queries

        monkeypatch.setattr(_queries, "facets", None)
        monkeypatch.setattr(_queries, "count", None)
    with open_archive(*archive_data) as archive:
        results = archive.search(query, per_page=5, **options)
    expected = _expected(match)
    assert (results.total, results.total_capped, results.facets_sampled) == (len(match), False, False)
    assert not results.facets_approximate
    facets = _facets(results)
    for name in ("site", "section", "language"):
        assert facets[name] == dict(expected[name]), name
    assert facets["author"] == dict(expected["author"])
    if "year" in options:  # a year chosen: the date facet is per month
        months = Counter(str(_page(n)["published"])[:7] for n in match)
        assert facets["date"] == dict(months)
        assert [v.value for v in results.facets["date"]] == sorted(months, reverse=True)
    else:
        assert facets["date"] == dict(expected["date"])
    site_labels = {v.value: v.label for v in results.facets["site"]}
    assert all(site_labels[host] == f"Site {host[4]}" for host in site_labels)
    counts = [v.count for v in results.facets["author"]]
    assert counts == sorted(counts, reverse=True)


def test_selecting_a_facet_value_gives_its_count(archive_data: tuple[Path, str | None]) -> None:
    """Every count shown is what clicking it finds (filters through the index are exact)."""
    with open_archive(*archive_data) as archive:
        results = archive.search("harvest")
        for name in ("site", "section", "language", "author"):
            for value in results.facets[name]:
                narrowed = archive.search("harvest", facets=False, **{name: value.value})
                assert narrowed.total == value.count, (name, value)
        for value in results.facets["date"]:
            assert archive.search("harvest", facets=False, year=int(value.value)).total == value.count


def test_an_old_highly_relevant_article_reaches_page_one(db_url: str | None, tmp_path: Path) -> None:  # noqa: F811
    """Relevance is computed over every match, not the newest few hundred: the oldest article,
    about the word in its title and throughout, comes first among 700 newer passing mentions."""
    db = open_database(tmp_path / "data", db_url)
    try:
        old = dt.datetime(2012, 1, 1, tzinfo=dt.UTC)
        with db.session() as s:
            Ingestor(s).ingest_many([(capture("https://a.example/old", 1, old),
                                      article("https://a.example/old", "Saffron saffron saffron harvest.",
                                              title="Saffron", published=old.isoformat(), images=[]))])
        filler = " ".join(f"word{k}" for k in range(120))
        with db.session() as s:
            Ingestor(s).ingest_many([
                (capture(f"https://a.example/{n}", n + 2), article(f"https://a.example/{n}",
                 f"{filler} saffron {filler}", title=f"Market day {n}", published=f"2025-01-{1 + n % 28:02d}", images=[]))
                for n in range(700)])
        searchindex.wait_for_updates()
    finally:
        db.dispose()
    with open_archive(tmp_path / "data", db_url) as archive:
        results = archive.search("saffron", per_page=20)
        newest = archive.search("saffron", per_page=20, sort="newest")
    assert results.total == 701 and results.hits[0].url == "https://a.example/old"
    assert "https://a.example/old" not in [h.url for h in newest.hits]


def test_the_read_only_archive_finds_the_index_in_its_data_dir(db_url: str | None, tmp_path: Path,  # noqa: F811
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """``newsarchive serve --data-dir D --db postgresql://...`` uses D's index, where ingest put it."""
    from archive.research import _queries

    monkeypatch.delenv("ARCHIVE_SEARCH_INDEX_DIR")
    db = open_database(tmp_path / "data", db_url)
    try:
        with db.session() as s:
            Ingestor(s).ingest_many([(capture(f"https://a.example/{n}", n + 1),
                                      article(f"https://a.example/{n}", "saffron fields", images=[]))
                                     for n in range(3)])
        searchindex.wait_for_updates()
        assert searchindex.index_dir(db.engine).parent == (tmp_path / "data").resolve()
    finally:
        db.dispose()
    monkeypatch.setattr(_queries, "facets", None)  # SQL counting must not run: the index answers
    with open_archive(tmp_path / "data", db_url) as archive:
        results = archive.search("saffron")
    assert results.total == 3 and [(v.value, v.count) for v in results.facets["site"]] == [("a.example", 3)]


def test_a_new_author_or_section_is_found_after_the_next_ingest(db_url: str | None, tmp_path: Path,  # noqa: F811
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Contains-filters match the index's terms, remembered per index state: a new term is never missed."""
    from archive.db.search import SearchFilters, search

    monkeypatch.setattr("archive.db.search._statement", None)  # SQL must not answer: the index does
    db = open_database(tmp_path / "data", db_url)
    try:
        for n, (author, section) in enumerate([("Jane Doe", "Politics"), ("Zarghuna Ahmadi", "Kabul [Provinces]")]):
            with db.session() as s:
                Ingestor(s).ingest_many([(capture(f"https://a.example/{n}", n + 1),
                                          article(f"https://a.example/{n}", "saffron", authors=[author],
                                                  section=section, images=[]))])
            searchindex.wait_for_updates()
            with db.session() as s:
                by_author = [h.url for h in search(s, "saffron", SearchFilters(author="ahmad"))]
                by_section = [h.url for h in search(s, "", SearchFilters(section="[provinces]"))]
                everyone = [h.url for h in search(s, "", SearchFilters(author="A"))]
            expected = ["https://a.example/1"] if n else []
            assert (by_author, by_section) == (expected, expected)
            assert sorted(everyone) == [f"https://a.example/{k}" for k in range(n + 1)]
    finally:
        db.dispose()


def test_an_index_of_the_older_layout_is_reported_and_rebuilt_by_catch_up(
        db_url: str | None, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:  # noqa: F811
    """Schema 1 had no facet columns: SQL answers (with one warning) until ``reindex``'s catch-up rebuilds it."""
    import json
    import logging

    db = open_database(tmp_path / "data", db_url)
    try:
        with db.session() as s:
            Ingestor(s).ingest_many([(capture("https://a.example/1", 1), article("https://a.example/1", "saffron",
                                                                                   images=[]))])
        searchindex.wait_for_updates()
        meta_path = searchindex.index_dir(db.engine) / "newsarchive-watermark.json"
        meta = json.loads(meta_path.read_text())
        meta_path.write_text(json.dumps({**meta, "schema": 1}))
        with db.session() as s, caplog.at_level(logging.WARNING, "archive.db.searchindex"):
            assert searchindex.open_for_search(db.engine, searchindex.latest_version_id(s.connection())) is None
        assert "older layout" in caplog.text and "newsarchive reindex" in caplog.text
        assert searchindex.catch_up(db.engine, create=True) == 1  # what `newsarchive reindex` runs
        with db.session() as s:
            assert searchindex.open_for_search(db.engine, searchindex.latest_version_id(s.connection())) is not None
    finally:
        db.dispose()
