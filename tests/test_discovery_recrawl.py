"""archive/discovery/recrawl.py and cron.py: decaying re-fetches, intervals, cron."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import re

import pytest

from archive.discovery import (
    DEFAULT_STEPS,
    CronError,
    IntervalError,
    ScheduleError,
    is_due,
    next_cron_time,
    next_due,
    parse_cron,
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


AFTER = datetime(2026, 11, 29, 2, 21, 30, tzinfo=UTC)  # a Sunday


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("0 */6 * * *", datetime(2026, 11, 29, 6, 0, tzinfo=UTC)),
        ("*/15 * * * *", datetime(2026, 11, 29, 2, 30, tzinfo=UTC)),
        ("* * * * *", datetime(2026, 11, 29, 2, 22, tzinfo=UTC)),
        ("21 2 * * *", datetime(2026, 11, 30, 2, 21, tzinfo=UTC)),  # strictly after
        ("30 2 * * mon-fri", datetime(2026, 11, 30, 2, 30, tzinfo=UTC)),
        ("0 9 * * 1,3,5", datetime(2026, 11, 30, 9, 0, tzinfo=UTC)),
        ("0 0 * * 7", datetime(2026, 12, 6, 0, 0, tzinfo=UTC)),  # 7 is Sunday too
        ("0 0 29 2 *", datetime(2028, 2, 29, 0, 0, tzinfo=UTC)),
        ("0 0 1,15 * 5", datetime(2026, 12, 1, 0, 0, tzinfo=UTC)),  # day OR weekday
        ("5 4 * jan,jul sun", datetime(2027, 1, 3, 4, 5, tzinfo=UTC)),
        ("0 12 1-7/3 DEC *", datetime(2026, 12, 1, 12, 0, tzinfo=UTC)),
        ("10/20 * * * *", datetime(2026, 11, 29, 2, 30, tzinfo=UTC)),
        ("@hourly", datetime(2026, 11, 29, 3, 0, tzinfo=UTC)),
        ("@daily", datetime(2026, 11, 30, 0, 0, tzinfo=UTC)),
        ("@weekly", datetime(2026, 12, 6, 0, 0, tzinfo=UTC)),
        ("@monthly", datetime(2026, 12, 1, 0, 0, tzinfo=UTC)),
        ("@yearly", datetime(2027, 1, 1, 0, 0, tzinfo=UTC)),
        ("59 23 31 12 *", datetime(2026, 12, 31, 23, 59, tzinfo=UTC)),
    ],
)
def test_next_cron_time(expr: str, expected: datetime) -> None:
    assert next_cron_time(expr, AFTER) == expected


def test_cron_keeps_the_timezone_and_treats_naive_as_utc() -> None:
    kabul = timezone(timedelta(hours=4, minutes=30))
    after = datetime(2026, 11, 29, 8, 0, tzinfo=kabul)
    assert next_cron_time("0 9 * * *", after) == datetime(2026, 11, 29, 9, 0, tzinfo=kabul)
    naive = next_cron_time("0 9 * * *", datetime(2026, 11, 29, 8, 0))
    assert naive == datetime(2026, 11, 29, 9, 0, tzinfo=UTC)


def test_cron_sequence_every_six_hours() -> None:
    t, seen = AFTER, []
    for _ in range(5):
        t = next_cron_time("0 */6 * * *", t)
        seen.append(t.hour)
    assert seen == [6, 12, 18, 0, 6]


def test_parse_cron_fields() -> None:
    cron = parse_cron("*/20 1-3 * * sat,sun")
    assert cron.minutes == {0, 20, 40}
    assert cron.hours == {1, 2, 3}
    assert cron.weekdays == {0, 6}
    assert not cron.day_restricted and cron.weekday_restricted


@pytest.mark.parametrize(
    ("expr", "message"),
    [
        ("61 * * * *", "minute field '61' has 61, out of range 0-59"),
        ("* 24 * * *", "hour field '24'"),
        ("* * 0 * *", "day-of-month field '0'"),
        ("* * * 13 *", "month field '13'"),
        ("* * * foo *", "month field 'foo' has 'foo', not a number or name"),
        ("* * * * 8", "day-of-week field '8'"),
        ("* * * * funday", "day-of-week field 'funday'"),
        ("*/0 * * * *", "minute field '*/0' has step '0'"),
        ("5-1 * * * *", "running backwards"),
        ("1,,2 * * * *", "minute field '1,,2'"),
        ("* * *", "expected 5 fields"),
        ("* * * * * *", "got 6"),
        ("", "got 0"),
        ("@fortnightly", "got 1"),
    ],
)
def test_cron_bad_input_names_the_field(expr: str, message: str) -> None:
    with pytest.raises(CronError, match=re.escape(message)) as info:
        next_cron_time(expr, AFTER)
    assert str(info.value).startswith(f"bad cron expression {expr!r}")
    assert "\n" not in str(info.value)
    assert isinstance(info.value, ConfigError)


def test_cron_that_never_matches() -> None:
    with pytest.raises(CronError, match="never matches"):
        next_cron_time("0 0 31 2 *", AFTER)
