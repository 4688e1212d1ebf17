"""archive/discovery/cron.py: cron expressions through cronsim (macros, L, #, DST, errors)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from archive.discovery import CronError, next_cron_time, parse_cron
from archive.errors import ConfigError

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
        # what the hand-written evaluator could not do
        ("0 0 L * *", datetime(2026, 11, 30, 0, 0, tzinfo=UTC)),  # last day of the month
        ("0 9 * * 1#2", datetime(2026, 12, 14, 9, 0, tzinfo=UTC)),  # second Monday
        ("0 9 * * 5L", datetime(2026, 12, 25, 9, 0, tzinfo=UTC)),  # last Friday
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


def test_cron_across_daylight_saving() -> None:
    new_york = ZoneInfo("America/New_York")
    # 02:30 does not exist on 2026-03-08 (clocks jump 02:00 -> 03:00): run at 03:00 EDT.
    spring = next_cron_time("30 2 * * *", datetime(2026, 3, 7, 12, 0, tzinfo=new_york))
    assert spring == datetime(2026, 3, 8, 3, 0, tzinfo=new_york)
    assert spring.utcoffset() == timedelta(hours=-4)
    # The day after, 09:00 local is 13:00 UTC, not 14:00.
    after = next_cron_time("0 9 * * *", datetime(2026, 3, 8, 12, 0, tzinfo=new_york))
    assert after.astimezone(UTC) == datetime(2026, 3, 9, 13, 0, tzinfo=UTC)


def test_cron_sequence_every_six_hours() -> None:
    t, seen = AFTER, []
    for _ in range(5):
        t = next_cron_time("0 */6 * * *", t)
        seen.append(t.hour)
    assert seen == [6, 12, 18, 0, 6]


def test_parse_cron_expands_macros() -> None:
    assert parse_cron("@daily").fields == "0 0 * * *"
    assert parse_cron("  */20   1-3 * * sat,sun ").fields == "*/20 1-3 * * sat,sun"


@pytest.mark.parametrize(
    ("expr", "message"),
    [
        ("61 * * * *", "bad minute field '61'"),
        ("* 24 * * *", "bad hour field '24'"),
        ("* * 0 * *", "bad day-of-month field '0'"),
        ("* * * 13 *", "bad month field '13'"),
        ("* * * foo *", "bad month field 'foo'"),
        ("* * * * 8", "bad day-of-week field '8'"),
        ("* * * * funday", "bad day-of-week field 'funday'"),
        ("*/0 * * * *", "bad minute field '*/0'"),
        ("5-1 * * * *", "bad minute field '5-1'"),
        ("1,,2 * * * *", "bad minute field '1,,2'"),
        ("\u00b2 * * * *", "bad minute field '\u00b2'"),  # isdigit() is True for "²" (issue 13 item 20)
        ("0 0 31 2 *", "bad day-of-month field '31'"),  # never matches
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
