"""archive/discovery/recrawl.py: decaying re-fetches and intervals (cron: test_discovery_cron.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from archive.discovery import (
    DEFAULT_STEPS,
    IntervalError,
    ScheduleError,
    is_due,
    next_due,
    parse_interval,
)
from archive.errors import ConfigError

PUB = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
H = timedelta(hours=1)
D = timedelta(days=1)


def test_default_steps() -> None:
    assert DEFAULT_STEPS == (H, 6 * H, D, 7 * D)


def test_decay_follows_publication_then_stops() -> None:
    last, count, dues = PUB + timedelta(minutes=5), 1, []
    while (due := next_due(PUB, last, count, last)) is not None:
        dues.append(due - PUB)
        last, count = due, count + 1
        assert count < 10
    assert dues == [H, 6 * H, D, 7 * D]


def test_tail_repeats_after_last_step() -> None:
    last = PUB + 7 * D
    assert next_due(PUB, last, 5, last) is None
    assert next_due(PUB, last, 5, last, tail=30 * D) == last + 30 * D


def test_late_discovery_skips_past_steps() -> None:
    found = PUB + 3 * D  # first fetched three days after publication
    assert next_due(PUB, found, 1, found) == PUB + 7 * D


def test_step_too_close_to_last_fetch_is_skipped() -> None:
    last = PUB + timedelta(minutes=59)  # the 1 h step would be a minute later
    assert next_due(PUB, last, 1, last) == PUB + 6 * H


def test_unknown_publication_uses_gaps_after_last_fetch() -> None:
    last = datetime(2026, 3, 5, tzinfo=UTC)
    assert next_due(None, last, 1, last) == last + H
    assert next_due(None, last, 2, last) == last + 6 * H
    assert next_due(None, last, 4, last) == last + 7 * D
    assert next_due(None, last, 5, last) is None
    assert next_due(None, last, 5, last, tail=30 * D) == last + 30 * D


def test_never_fetched_is_due_now() -> None:
    now = datetime(2026, 3, 5, tzinfo=UTC)
    assert next_due(PUB, PUB, 0, now) == now
    assert is_due(PUB, PUB, 0, now)


def test_future_publication_date_counts_as_last_fetch() -> None:
    last = PUB
    assert next_due(PUB + 30 * D, last, 1, last) == last + H


def test_naive_datetimes_are_utc_and_results_are_aware() -> None:
    naive_pub, naive_last = datetime(2026, 3, 1, 12), datetime(2026, 3, 1, 12, 5)
    due = next_due(naive_pub, naive_last, 1, naive_last)
    assert due == PUB + H and due.tzinfo is not None
    kabul = timezone(timedelta(hours=4, minutes=30))
    due = next_due(PUB.astimezone(kabul), PUB + timedelta(minutes=5), 1, PUB)
    assert due == PUB + H and due.utcoffset() == timedelta(0)


def test_is_due() -> None:
    last = PUB + timedelta(minutes=5)
    assert not is_due(PUB, last, 1, PUB + timedelta(minutes=30))
    assert is_due(PUB, last, 1, PUB + H)
    assert not is_due(PUB, PUB + 7 * D, 5, PUB + 365 * D)  # schedule finished
    assert is_due(PUB, PUB + 7 * D, 5, PUB + 40 * D, tail=30 * D)


def test_custom_steps_and_bad_steps() -> None:
    steps = (timedelta(seconds=2), timedelta(seconds=5))
    assert next_due(PUB, PUB, 1, PUB, steps) == PUB + timedelta(seconds=2)
    for bad in [(), (H, H), (6 * H, H), (timedelta(0),)]:
        with pytest.raises(ScheduleError, match="steps"):
            next_due(PUB, PUB, 1, PUB, bad)
    with pytest.raises(ScheduleError, match="tail"):
        next_due(PUB, PUB, 1, PUB, tail=timedelta(0))


@pytest.mark.parametrize(
    ("text", "expected"),
    [("6h", 6 * H), ("30m", timedelta(minutes=30)), ("1d", D), ("2w", 14 * D),
     ("45s", timedelta(seconds=45)), ("1h30m", timedelta(minutes=90)), (" 6H ", 6 * H),
     ("1d 12h", timedelta(hours=36))],
)  # fmt: skip
def test_parse_interval(text: str, expected: timedelta) -> None:
    assert parse_interval(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [("6x", "bad interval '6x': expected a number and a unit"), ("", "bad interval ''"),
     ("h", "bad interval 'h'"), ("-1h", "bad interval '-1h'"), ("1.5h", "bad interval '1.5h'"),
     ("0h", "must be longer than zero"), ("999999999w", "longer than 10 years"),
     ("every 6h", "bad interval 'every 6h'")],
)  # fmt: skip
def test_parse_interval_bad_input(text: str, message: str) -> None:
    with pytest.raises(IntervalError, match=message) as info:
        parse_interval(text)
    assert "\n" not in str(info.value)
    assert isinstance(info.value, ConfigError)
