"""Crawler-trap bounds: URLs a news crawl should refuse before requesting them.

``TrapGuard.refusal(url, chain=...)`` returns ``None`` (go ahead) or a one-line reason.
Checks, cheapest first: URL length; path depth and repeated segments (``/a/b/a/b/a/b``);
query length and parameter count (ever-growing query strings); calendar pages
(``/calendar/``, ``?month=``, date paths or ``date=`` values far in the past or future);
redirect and meta-refresh loops (``chain`` = the URLs that led here, oldest first);
and, the stateful checks, too many distinct query variants of one path, and year-only
calendar paths (``/cal/1850/``). A guard is meant to live as long as one crawl; it is
not thread-safe.

Date paths of ordinary articles (``/2024/03/20/slug/``) pass: only dates before
``min_year`` or after ``now + future_slack`` are refused. A lone year (``/cal/2024/``)
may be an article ID, so it counts as a date only once the same path has been seen with
``year_path_siblings`` different years, one of them plausible: that is a calendar walking
year by year, and its years out of range are refused.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from urllib.parse import SplitResult, parse_qsl, urlsplit

from archive.discovery.canonical import canonicalize
from archive.discovery.errors import UrlError

__all__ = ["TrapGuard", "TrapLimits"]

_YEAR_RE = re.compile(r"^(1[0-9]{3}|2[0-9]{3})$")
_MONTH_RE = re.compile(r"^(0?[1-9]|1[0-2])$")
_DAY_RE = re.compile(r"^(0?[1-9]|[12][0-9]|3[01])$")
_DASHED_DATE_RE = re.compile(r"^(\d{4})-(0?[1-9]|1[0-2])(?:-(0?[1-9]|[12][0-9]|3[01]))?$")
_DATE_VALUE_RE = re.compile(r"^(\d{4})(?:[-/]?(\d{1,2})(?:[-/]?(\d{1,2}))?)?")


@dataclass(frozen=True, slots=True)
class TrapLimits:
    """Thresholds of a ``TrapGuard``; the defaults suit a news site."""

    max_url_length: int = 2048
    max_path_depth: int = 16
    max_segment_repeats: int = 3  # one segment value this many times in a path is a trap
    max_query_length: int = 512
    max_query_params: int = 16
    max_query_variants: int = 200  # distinct query strings per scheme+host+path
    max_chain: int = 10  # redirects or refreshes in a row
    max_chain_revisits: int = 1  # a URL may come back once (cookie and consent walls)
    min_year: int = 1990
    year_path_siblings: int = 3  # distinct lone years under one path before they count as dates
    future_slack: timedelta = timedelta(days=2)
    calendar_segments: frozenset[str] = frozenset({"calendar", "calendrier", "kalender", "ical"})
    calendar_params: frozenset[str] = frozenset(
        {"month", "calendar", "cal", "ical", "tribe-bar-date", "eventdisplay"}
    )
    date_params: frozenset[str] = frozenset({"date", "day", "year", "y", "d", "from", "to"})


@dataclass
class TrapGuard:
    """Stateful trap checker for one crawl. ``now`` is injectable for tests."""

    limits: TrapLimits = field(default_factory=TrapLimits)
    now: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    _variants: dict[str, set[str]] = field(default_factory=dict, init=False, repr=False)
    _years: dict[str, set[int]] = field(default_factory=dict, init=False, repr=False)

    def refusal(
        self, url: str, *, chain: Sequence[str] = (), chain_kind: str = "redirect"
    ) -> str | None:
        """Why ``url`` should not be fetched, or ``None``; an accepted URL is recorded.

        ``chain`` holds the URLs that redirected (or meta-refreshed, say so with
        ``chain_kind="meta-refresh"``) to ``url``, oldest first.
        """
        lim = self.limits
        if len(url) > lim.max_url_length:
            return f"URL is {len(url)} characters, over the {lim.max_url_length} limit"
        try:
            key = canonicalize(url)
        except UrlError as exc:
            return str(exc)
        parts = urlsplit(key)
        reason = (
            self._path_refusal(parts.path)
            or self._query_refusal(parts.query)
            or self._calendar_refusal(parts.path, parts.query)
            or self._year_path_refusal(parts)
            or self._chain_refusal(key, chain, chain_kind)
        )
        if reason:
            return reason
        return self._variant_refusal(parts)

    def _path_refusal(self, path: str) -> str | None:
        lim = self.limits
        segments = [s for s in path.split("/") if s]
        if len(segments) > lim.max_path_depth:
            return f"path is {len(segments)} segments deep, over the {lim.max_path_depth} limit"
        counts: dict[str, int] = {}
        for seg in segments:
            counts[seg] = counts.get(seg, 0) + 1
            if counts[seg] >= lim.max_segment_repeats and not seg.isdigit():
                return f"path segment {seg!r} repeats {counts[seg]} times (looping links)"
        for size in range(2, len(segments) // 3 + 1):
            for start in range(len(segments) - 3 * size + 1):
                block = segments[start : start + size]
                if block * 3 == segments[start : start + 3 * size]:
                    return f"path repeats {'/'.join(block)!r} 3 times (looping links)"
        return None

    def _query_refusal(self, query: str) -> str | None:
        lim = self.limits
        if len(query) > lim.max_query_length:
            return f"query string is {len(query)} characters, over the {lim.max_query_length} limit"
        params = parse_qsl(query, keep_blank_values=True)
        if len(params) > lim.max_query_params:
            return f"query has {len(params)} parameters, over the {lim.max_query_params} limit"
        repeats = len(params) - len({k for k, _ in params})
        if repeats >= 3:
            return f"query repeats parameter names {repeats} times (an ever-growing query string)"
        return None

    def _calendar_refusal(self, path: str, query: str) -> str | None:
        lim = self.limits
        segments = [s.lower() for s in path.split("/") if s]
        for seg in segments:
            if seg in lim.calendar_segments:
                return f"calendar page (path segment {seg!r})"
        for name, value in parse_qsl(query, keep_blank_values=True):
            lowered = name.lower()
            if lowered in lim.calendar_params:
                return f"calendar page (query parameter {name!r})"
            if lowered in lim.date_params and (when := _date_value(value)):
                if reason := self._date_out_of_range(when, f"query {name}={value}"):
                    return reason
        for i, seg in enumerate(segments):
            when = _path_date(segments[i : i + 3])
            if when and (reason := self._date_out_of_range(when, f"date path /{seg}/")):
                return reason
        return None

    def _year_path_refusal(self, parts: SplitResult) -> str | None:
        """A lone year segment out of range, once its path has shown a calendar's pattern."""
        segments = [s for s in parts.path.split("/") if s]
        for i, seg in enumerate(segments):
            if not _YEAR_RE.match(seg) or _path_date(segments[i : i + 3]) is not None:
                continue
            pattern = "/".join([*segments[:i], "{year}", *segments[i + 1 :]])
            years = self._years.setdefault(f"{parts.netloc}/{pattern}", set())
            years.add(int(seg))
            plausible = any(self._date_out_of_range(date(y, 1, 1), "") is None for y in years)
            if len(years) < self.limits.year_path_siblings or not plausible:
                continue
            if reason := self._date_out_of_range(date(int(seg), 1, 1), f"year path /{pattern}/"):
                return reason.replace("{year}", seg)
        return None

    def _date_out_of_range(self, when: date, what: str) -> str | None:
        if when.year < self.limits.min_year:
            return f"calendar trap: {what} is before {self.limits.min_year}"
        latest = (self.now() + self.limits.future_slack).date()
        if when > latest:
            return f"calendar trap: {what} is in the future (after {latest.isoformat()})"
        return None

    def _chain_refusal(self, key: str, chain: Sequence[str], kind: str) -> str | None:
        lim = self.limits
        if len(chain) >= lim.max_chain:
            return f"{kind} chain of {len(chain)} hops, over the {lim.max_chain} limit"
        seen = 0
        for hop in chain:
            try:
                seen += canonicalize(hop) == key
            except UrlError:
                continue
        if seen > lim.max_chain_revisits:
            return f"{kind} loop: {key} already visited {seen} times in this chain"
        return None

    def _variant_refusal(self, parts: SplitResult) -> str | None:
        query = parts.query
        if not query:
            return None
        base = f"{parts.scheme}://{parts.netloc}{parts.path}"
        variants = self._variants.setdefault(base, set())
        if query in variants:
            return None
        if len(variants) >= self.limits.max_query_variants:
            return (
                f"{base} already has {len(variants)} query variants, "
                f"over the {self.limits.max_query_variants} limit"
            )
        variants.add(query)
        return None


def _path_date(segments: list[str]) -> date | None:
    """``/YYYY/MM/(DD/)`` or ``/YYYY-MM(-DD)/``; a lone number is an ID, not a date."""
    if not segments:
        return None
    if (match := _DASHED_DATE_RE.match(segments[0])) is not None:
        numbers = [int(g) for g in match.groups() if g]
        return _safe_date(numbers[0], numbers[1], numbers[2] if len(numbers) > 2 else 1)
    if len(segments) < 2 or not _YEAR_RE.match(segments[0]) or not _MONTH_RE.match(segments[1]):
        return None
    day = int(segments[2]) if len(segments) > 2 and _DAY_RE.match(segments[2]) else 1
    return _safe_date(int(segments[0]), int(segments[1]), day)


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _date_value(value: str) -> date | None:
    match = _DATE_VALUE_RE.match(value.strip())
    if not match:
        return None
    return _safe_date(int(match.group(1)), int(match.group(2) or 1), int(match.group(3) or 1))
