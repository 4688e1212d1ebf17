"""archive/discovery/traps.py: calendar pages, loops, growing queries, variant counts."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from archive.discovery import TrapGuard, TrapLimits

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


def guard(**limits: object) -> TrapGuard:
    return TrapGuard(TrapLimits(**limits), now=lambda: NOW)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "url",
    [
        "https://news.example/",
        "https://news.example/2024/03/20/carpet-weavers-cooperative/",
        "https://news.example/2026/11/30/tomorrow-in-kabul-time/",  # within future_slack
        "https://news.example/1995/05/01/archive-story/",
        "https://news.example/news/1234/slug/",  # an ID, not a year
        "https://news.example/news/9999/",
        "https://news.example/section/economy/page/2/",
        "https://news.example/search?q=kabul&page=3",
        "https://news.example/archive/2024-03/",
        "https://news.example/?date=2024-03-20",
        "https://news.example/a/b/a/b/",  # twice is fine
    ],
)
def test_ordinary_news_urls_pass(url: str) -> None:
    assert guard().refusal(url) is None


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("https://news.example/calendar/", "calendar page"),
        ("https://news.example/events/Calendar/2024/", "calendar page"),
        ("https://news.example/events/?month=2024-05", "calendar page"),
        ("https://news.example/events/?tribe-bar-date=2024-05-01", "calendar page"),
        ("https://news.example/2099/01/", "in the future"),
        ("https://news.example/2027/01/05/", "in the future"),
        ("https://news.example/events/2031-05/", "in the future"),
        ("https://news.example/1970/01/01/", "before 1990"),
        ("https://news.example/archive/?date=1901-01-01", "before 1990"),
        ("https://news.example/archive/?year=2150", "in the future"),
    ],
)
def test_calendar_traps(url: str, reason: str) -> None:
    refusal = guard().refusal(url)
    assert refusal is not None and reason in refusal


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("https://news.example/a/b/a/b/a/b", "repeats"),
        ("https://news.example/x/y/z/x/y/z/x/y/z/", "repeats"),
        ("https://news.example/tag/tag/tag/", "repeats"),
        ("https://news.example/" + "/".join(f"s{i}" for i in range(20)), "segments deep"),
        ("https://news.example/?" + "&".join(f"p{i}=1" for i in range(20)), "parameters"),
        ("https://news.example/?a=1&a=2&a=3&a=4", "repeats parameter names"),
        ("https://news.example/?q=" + "x" * 600, "query string is"),
        ("https://news.example/" + "a" * 3000, "characters, over the 2048 limit"),
        ("ftp://news.example/file", "http or https"),
    ],
)
def test_structural_traps(url: str, reason: str) -> None:
    refusal = guard().refusal(url)
    assert refusal is not None and reason in refusal, refusal


def test_query_variants_are_counted_per_path() -> None:
    g = guard(max_query_variants=3)
    for i in range(3):
        assert g.refusal(f"https://news.example/list?sort={i}") is None
    refusal = g.refusal("https://news.example/list?sort=99")
    assert refusal is not None and "3 query variants" in refusal
    assert g.refusal("https://news.example/list?sort=1") is None  # already seen: still fine
    assert g.refusal("https://news.example/list?sort=1&utm_source=x") is None  # same canonical
    assert g.refusal("https://news.example/other?sort=99") is None  # another path
    assert g.refusal("https://news.example/list") is None  # no query


def test_redirect_loop() -> None:
    g = guard()
    a, b = "https://news.example/a", "https://news.example/b"
    assert g.refusal(b, chain=[a]) is None
    assert g.refusal(a, chain=[a, b]) is None  # one return is allowed (consent walls)
    refusal = g.refusal(a, chain=[a, b, a, b])
    assert refusal is not None and refusal.startswith("redirect loop")
    refusal = g.refusal("HTTPS://NEWS.example/a#x", chain=[a, a])
    assert refusal is not None and "loop" in refusal


def test_meta_refresh_loop_and_long_chain() -> None:
    g = guard(max_chain=5)
    refresh = "https://news.example/refresh"
    refusal = g.refusal(refresh, chain=[refresh, refresh], chain_kind="meta-refresh")
    assert refusal is not None and refusal.startswith("meta-refresh loop")
    chain = [f"https://news.example/hop/{i}" for i in range(5)]
    refusal = g.refusal("https://news.example/final", chain=chain)
    assert refusal == "redirect chain of 5 hops, over the 5 limit"


def test_limits_are_configurable() -> None:
    assert guard(min_year=1970).refusal("https://news.example/1971/01/01/") is None
    assert guard(max_url_length=30).refusal("https://news.example/long-enough-path") is not None
    g = guard(calendar_params=frozenset())
    assert g.refusal("https://news.example/events/?month=5") is None


def test_reasons_are_one_line() -> None:
    g = guard()
    for url in ["https://news.example/calendar/", "https://news.example/a/b/a/b/a/b"]:
        reason = g.refusal(url)
        assert reason and "\n" not in reason


def test_year_only_calendar_paths_are_refused_once_they_walk() -> None:
    g = guard()
    walked = [f"https://news.example/cal/{year}/" for year in range(2026, 1849, -1)]
    walked += [f"https://news.example/cal/{year}/" for year in range(2027, 2153)]
    refused = {url for url in walked if g.refusal(url) is not None}
    assert "https://news.example/cal/1850/" in refused and "https://news.example/cal/2152/" in refused
    assert refused == {url for url in walked if not 1990 <= int(url.split("/")[-2]) <= 2026}
    reason = g.refusal("https://news.example/cal/1900/")
    assert reason == "calendar trap: year path /cal/1900/ is before 1990"


def test_lone_numbers_that_look_like_years_but_are_ids_pass() -> None:
    g = guard()
    for story in (1001, 1002, 1003, 1004):  # IDs: never a plausible year among them
        assert g.refusal(f"https://news.example/story/{story}/") is None
    assert g.refusal("https://news.example/news/1234/slug/") is None
