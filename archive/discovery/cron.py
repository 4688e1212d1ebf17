"""A small 5-field cron evaluator for ``schedule add --cron``.

Fields: minute (0-59), hour (0-23), day of month (1-31), month (1-12 or jan-dec), day of
week (0-7 or sun-sat, 0 and 7 both Sunday). Each field is ``*`` or a comma list of
``N``, ``A-B``, ``*/S``, ``A-B/S`` or ``A/S`` (A to the field's end). The macros
``@hourly``, ``@daily``/``@midnight``, ``@weekly``, ``@monthly`` and ``@yearly``/``@annually``
are accepted. As in Vixie cron, when both day fields are restricted a day matching either
one matches. Times are wall-clock in the timezone of ``after`` (naive = UTC); no
seconds field, no ``L``/``W``/``#``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from archive.discovery.errors import CronError

__all__ = ["CronExpression", "next_cron_time", "parse_cron"]

_MACROS = {
    "@hourly": "0 * * * *",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@weekly": "0 0 * * 0",
    "@monthly": "0 0 1 * *",
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
}
_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
_DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]
# name, low, high, names (index 0 = low)
_FIELDS = (
    ("minute", 0, 59, None),
    ("hour", 0, 23, None),
    ("day-of-month", 1, 31, None),
    ("month", 1, 12, _MONTHS),
    ("day-of-week", 0, 7, _DAYS),
)
_SEARCH_YEARS = 8  # Feb 29 on a Monday can take 6+ years; beyond this it never matches


@dataclass(frozen=True, slots=True)
class CronExpression:
    """A parsed expression: the allowed values of each field."""

    expr: str
    minutes: frozenset[int]
    hours: frozenset[int]
    days: frozenset[int]
    months: frozenset[int]
    weekdays: frozenset[int]  # 0 = Sunday
    day_restricted: bool
    weekday_restricted: bool

    def day_matches(self, when: datetime) -> bool:
        dom = when.day in self.days
        dow = (when.isoweekday() % 7) in self.weekdays
        if self.day_restricted and self.weekday_restricted:
            return dom or dow
        return dom and dow

    def next_after(self, after: datetime) -> datetime:
        """The first matching minute strictly after ``after``, in its timezone."""
        tz = after.tzinfo or UTC
        t = after.replace(tzinfo=None, second=0, microsecond=0) + timedelta(minutes=1)
        limit = t + timedelta(days=366 * _SEARCH_YEARS)
        while t < limit:
            if t.month not in self.months:
                t = _first_of_next_month(t)
            elif not self.day_matches(t):
                t = t.replace(hour=0, minute=0) + timedelta(days=1)
            elif t.hour not in self.hours:
                t = t.replace(minute=0) + timedelta(hours=1)
            elif t.minute not in self.minutes:
                later = [m for m in self.minutes if m > t.minute]
                t = t.replace(minute=min(later)) if later else (
                    t.replace(minute=0) + timedelta(hours=1)
                )
            else:
                return t.replace(tzinfo=tz)
        raise CronError(
            f"cron expression {self.expr!r} never matches (checked {_SEARCH_YEARS} years)"
        )


def _first_of_next_month(t: datetime) -> datetime:
    year, month = (t.year + 1, 1) if t.month == 12 else (t.year, t.month + 1)
    return datetime(year, month, 1)


def parse_cron(expr: str) -> CronExpression:
    """Parse a 5-field cron expression; ``CronError`` names the bad field."""
    text = " ".join(expr.split()).lower() if isinstance(expr, str) else ""
    text = _MACROS.get(text, text)
    fields = text.split(" ") if text else []
    if len(fields) != 5:
        raise CronError(
            f"bad cron expression {expr!r}: expected 5 fields "
            f"(minute hour day-of-month month day-of-week), got {len(fields)}"
        )
    values = [_parse_field(expr, raw, *spec) for raw, spec in zip(fields, _FIELDS, strict=True)]
    weekdays = frozenset(v % 7 for v in values[4])
    return CronExpression(
        expr=expr,
        minutes=values[0],
        hours=values[1],
        days=values[2],
        months=values[3],
        weekdays=weekdays,
        day_restricted=not fields[2].startswith("*"),
        weekday_restricted=not fields[4].startswith("*"),
    )


def next_cron_time(expr: str, after: datetime) -> datetime:
    """The first time matching ``expr`` strictly after ``after`` (naive ``after`` = UTC)."""
    return parse_cron(expr).next_after(after)


def _parse_field(
    expr: str, raw: str, name: str, low: int, high: int, names: list[str] | None
) -> frozenset[int]:
    def bad(why: str) -> CronError:
        return CronError(f"bad cron expression {expr!r}: {name} field {raw!r} {why}")

    def number(token: str) -> int:
        if names and token in names:
            return names.index(token) + low
        if not token.isdigit():
            raise bad(f"has {token!r}, not a number" + (" or name" if names else ""))
        value = int(token)
        if not low <= value <= high:
            raise bad(f"has {value}, out of range {low}-{high}")
        return value

    allowed: set[int] = set()
    for part in raw.split(","):
        span, slash, step_text = part.partition("/")
        step = 1
        if slash:
            if not step_text.isdigit() or int(step_text) == 0:
                raise bad(f"has step {step_text!r}; a step must be a positive number")
            step = int(step_text)
        if span == "*":
            start, end = low, high
        elif "-" in span:
            first, _, last = span.partition("-")
            start, end = number(first), number(last)
            if start > end:
                raise bad(f"has range {span!r} running backwards")
        else:
            start = number(span)
            end = high if slash else start
        allowed.update(range(start, end + 1, step))
    return frozenset(allowed)
