"""When to fetch an article again, and the ``--every`` interval syntax.

Articles are re-fetched on a decaying schedule measured from publication, by default
1 h, 6 h, 1 d and 7 d after it, to catch edits while they are likely. Steps already
past when the article was last fetched are skipped (an article found three days late is
next due at publication + 7 d, not three times at once), and a step closer than half the
first step to the last fetch is skipped too. Without a publication date the steps are
gaps after the last fetch, the n-th fetch using the n-th step.

After the last step, ``next_due`` returns ``None`` (no more scheduled re-fetches) unless
a ``tail`` is given, e.g. ``timedelta(days=30)``: then every ``tail`` after the last
fetch, forever. ``None`` is the default because feeds and sitemaps, re-polled every run,
announce later edits themselves (``updated``, ``lastmod``), which is cheaper than
re-fetching years of articles. Naive datetimes (as SQLite returns them) are taken as UTC.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from archive.discovery.cron import next_cron_time
from archive.discovery.errors import IntervalError, ScheduleError

__all__ = ["DEFAULT_STEPS", "is_due", "next_cron_time", "next_due", "parse_interval"]

DEFAULT_STEPS: tuple[timedelta, ...] = (
    timedelta(hours=1),
    timedelta(hours=6),
    timedelta(days=1),
    timedelta(days=7),
)
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_MAX_INTERVAL_SECONDS = 10 * 366 * 86400
_INTERVAL_RE = re.compile(r"(\d+)\s*([smhdw])")
_INTERVAL_FULL_RE = re.compile(r"^(?:\d+\s*[smhdw]\s*)+$")


def _aware(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def _check_steps(steps: Sequence[timedelta]) -> None:
    if not steps:
        raise ScheduleError("re-fetch steps are empty: give at least one, e.g. (1h, 6h, 1d, 7d)")
    previous = timedelta(0)
    for step in steps:
        if step <= previous:
            raise ScheduleError(
                f"re-fetch steps must be positive and increasing; got {step} after {previous}"
            )
        previous = step


def next_due(
    published: datetime | None,
    last_fetched: datetime,
    fetch_count: int,
    now: datetime,
    steps: Sequence[timedelta] = DEFAULT_STEPS,
    *,
    tail: timedelta | None = None,
) -> datetime | None:
    """When the article should next be fetched (aware UTC), or ``None`` for never again.

    ``fetch_count`` is how many times it has been fetched so far; 0 means due ``now``.
    A publication date later than ``last_fetched`` (clock skew, scheduled posts) counts as
    ``last_fetched``.
    """
    _check_steps(steps)
    if tail is not None and tail <= timedelta(0):
        raise ScheduleError(f"re-fetch tail must be positive, got {tail}")
    last = _aware(last_fetched)
    if fetch_count <= 0:
        return _aware(now).astimezone(UTC)
    if published is not None:
        anchor = min(_aware(published), last)
        min_gap = steps[0] / 2
        for step in steps:
            if anchor + step >= last + min_gap:
                return (anchor + step).astimezone(UTC)
    elif fetch_count - 1 < len(steps):
        return (last + steps[fetch_count - 1]).astimezone(UTC)
    return None if tail is None else (last + tail).astimezone(UTC)


def is_due(
    published: datetime | None,
    last_fetched: datetime,
    fetch_count: int,
    now: datetime,
    steps: Sequence[timedelta] = DEFAULT_STEPS,
    *,
    tail: timedelta | None = None,
) -> bool:
    """True when ``next_due(...)`` is at or before ``now``."""
    due = next_due(published, last_fetched, fetch_count, now, steps, tail=tail)
    return due is not None and due <= _aware(now)


def parse_interval(text: str) -> timedelta:
    """``"30m"``, ``"6h"``, ``"1d"``, ``"2w"``, ``"45s"``, or sums like ``"1h30m"``.

    Raises ``IntervalError`` (a ``ConfigError``) naming the bad value.
    """
    cleaned = text.strip().lower() if isinstance(text, str) else ""
    if not _INTERVAL_FULL_RE.match(cleaned):
        raise IntervalError(
            f"bad interval {text!r}: expected a number and a unit (s, m, h, d, w), e.g. 6h or 1h30m"
        )
    seconds = sum(int(n) * _UNITS[unit] for n, unit in _INTERVAL_RE.findall(cleaned))
    if seconds <= 0:
        raise IntervalError(f"bad interval {text!r}: it must be longer than zero")
    if seconds > _MAX_INTERVAL_SECONDS:
        raise IntervalError(f"bad interval {text!r}: longer than 10 years")
    return timedelta(seconds=seconds)
