"""Dates as ISO 8601 strings: keep the offset when the page gives one, never invent a time."""

from __future__ import annotations

import re
import warnings
from datetime import date, datetime

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_COMPACT_OFFSET = re.compile(r"([+-]\d{2})(\d{2})$")
_PERSIAN_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")
_YEAR = re.compile(r"(?<!\d)(19|20)\d{2}(?!\d)")
_MIN_YEAR = 1990


def normalize_date(value: object, fmt: str | None = None) -> str | None:
    """ISO 8601 for ``value`` (ISO-ish text, or text matching ``fmt``), else ``None``."""
    if not isinstance(value, str):
        return None
    text = value.strip().translate(_PERSIAN_DIGITS)
    if not text or len(text) > 80:
        return None
    if fmt:
        return _with_format(text, fmt)
    if _ISO_DATE.match(text):
        return text if _plausible(date.fromisoformat(text).year) else None
    parsed = _iso(text) or _loose(text)
    if parsed is None or not _plausible(parsed.year):
        return None
    if parsed.tzinfo is None and parsed.hour == parsed.minute == parsed.second == 0 and "T" not in text:
        return parsed.date().isoformat()
    return parsed.isoformat(timespec="seconds")


def _iso(text: str) -> datetime | None:
    candidate = text.replace(" ", "T", 1) if re.match(r"^\d{4}-\d{2}-\d{2} \d", text) else text
    candidate = _COMPACT_OFFSET.sub(r"\1:\2", candidate) if "T" in candidate else candidate
    try:
        return datetime.fromisoformat(candidate)
    except ValueError:
        return None


def _loose(text: str) -> datetime | None:
    from dateutil import parser as dateutil_parser

    if not _YEAR.search(text):  # dateutil fills a missing year from today: refuse
        return None
    try:
        with warnings.catch_warnings():
            # "EST", "IST": an ambiguous zone name is dropped (naive time), an expected outcome, not an error.
            warnings.simplefilter("ignore", dateutil_parser.UnknownTimezoneWarning)
            return dateutil_parser.parse(text, fuzzy=False)
    except (ValueError, OverflowError, TypeError):
        return None


def _with_format(text: str, fmt: str) -> str | None:
    try:
        parsed = datetime.strptime(text, fmt)
    except ValueError:
        return None
    if not _plausible(parsed.year):
        return None
    has_time = any(code in fmt for code in ("%H", "%I", "%M"))
    if parsed.tzinfo is None and not has_time:
        return parsed.date().isoformat()
    return parsed.isoformat(timespec="seconds")


def _plausible(year: int) -> bool:
    return _MIN_YEAR <= year <= datetime.now().year + 1
