"""The background search-index updater: catch-ups coalesced to one per interval, ``wait`` runs them now.

No timings: the interval is an hour that never passes, or a clock the test moves.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest

from archive.db import searchindex


class _Engine:
    """Stands for a SQLAlchemy engine: ``database_key`` and ``catch_up`` are replaced."""

    def __init__(self, name: str) -> None:
        self.name = name


@pytest.fixture
def caught_up(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    done: list[str] = []
    monkeypatch.setattr(searchindex, "database_key", lambda engine: engine.name)
    monkeypatch.setattr(searchindex, "catch_up", lambda engine: done.append(engine.name))
    monkeypatch.setattr(searchindex.atexit, "register", lambda function: None)  # a test's updater, not the process's
    return done


def test_commits_within_the_interval_wait_and_are_caught_up_in_one_run(caught_up: list[str]) -> None:
    updater = searchindex._Updater(min_interval=3600)
    a = _Engine("a")
    updater.poke(a)
    updater.wait()  # the first poke runs at once (nothing ran before)
    assert caught_up == ["a"]
    for _ in range(5):  # commits during the crawl: the hour has not passed, nothing runs
        updater.poke(a)
    updater.poke(_Engine("b"))
    assert caught_up == ["a"]
    updater.wait()  # the end of the crawl: everything pending, once per database
    assert caught_up == ["a", "a", "b"]
    assert updater.runs == 2


def test_a_poke_after_the_interval_runs_without_wait(caught_up: list[str]) -> None:
    now = [0.0]
    updater = searchindex._Updater(min_interval=10, clock=lambda: now[0])
    engine = _Engine("a")
    updater.poke(engine)
    updater.wait()
    ran = threading.Event()
    original = searchindex.catch_up

    def catch_up(engine: Any) -> None:
        original(engine)
        ran.set()

    searchindex.catch_up = catch_up  # type: ignore[assignment]  # restored by the fixture's monkeypatch
    now[0] = 10.0  # the interval has passed
    updater.poke(engine)
    assert ran.wait(timeout=60)  # a bound on a hang, not a timing: the run starts by itself
    assert caught_up == ["a", "a"]


def test_wait_with_nothing_poked_returns(caught_up: list[str]) -> None:
    updater = searchindex._Updater(min_interval=3600)
    updater.wait()
    assert caught_up == []
