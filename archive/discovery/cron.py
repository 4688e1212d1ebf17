"""Cron expressions for ``schedule add --cron``, evaluated by ``cronsim``.

cronsim (the evaluator behind healthchecks.io) does the work: the five fields (minute,
hour, day of month, month, day of week; names such as ``jan`` and ``mon``; ``0`` and
``7`` both Sunday), ranges and steps, ``L`` (last day of the month, or ``5L``: the last
Friday), ``#`` (``1#2``: the second Monday), ``W``, the Vixie rule that a day matching
either restricted day field matches, and daylight-saving gaps and repeats in the
timezone of ``after``. This module adds only what cronsim leaves to its caller: the
``@hourly``-style macros, naive times taken as UTC, and one-line ``CronError``s that
name the expression.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from cronsim import CronSim, CronSimError

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
_FIELD_NAMES = "minute hour day-of-month month day-of-week"
_CHECK_FROM = datetime(2000, 1, 1, tzinfo=UTC)  # cronsim validates when iterated


@dataclass(frozen=True, slots=True)
class CronExpression:
    """A validated expression: ``expr`` as given, ``fields`` with macros expanded."""

    expr: str
    fields: str

    def next_after(self, after: datetime) -> datetime:
        """The first matching minute strictly after ``after``, in its timezone (naive = UTC)."""
        start = after if after.tzinfo is not None else after.replace(tzinfo=UTC)
        try:
            return next(CronSim(self.fields, start))
        except (CronSimError, StopIteration) as exc:
            raise CronError(f"cron expression {self.expr!r} never matches ({exc or 'no next time'})") from exc


def parse_cron(expr: str) -> CronExpression:
    """Validate a 5-field expression (or macro); ``CronError`` says which part is wrong."""
    text = " ".join(expr.split()) if isinstance(expr, str) else ""
    text = _MACROS.get(text.lower(), text)
    count = len(text.split(" ")) if text else 0
    if count != 5:
        raise CronError(f"bad cron expression {expr!r}: expected 5 fields ({_FIELD_NAMES}), got {count}")
    try:
        CronSim(text, _CHECK_FROM)
    except CronSimError as exc:
        raise CronError(f"bad cron expression {expr!r}: {_field_message(str(exc), text)}") from exc
    return CronExpression(expr=expr, fields=text)


def _field_message(message: str, text: str) -> str:
    """cronsim says "Bad minute": name the field's text too ("bad minute field '61'")."""
    name = message.lower().removeprefix("bad ").strip()
    names = _FIELD_NAMES.split()
    if name in names:
        return f"bad {name} field {text.split(' ')[names.index(name)]!r}"
    return message.lower()


def next_cron_time(expr: str, after: datetime) -> datetime:
    """The first time matching ``expr`` strictly after ``after`` (naive ``after`` = UTC)."""
    return parse_cron(expr).next_after(after)
