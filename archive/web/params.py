"""The search URL: query parameters <-> ``SearchRequest``, and links that change one part of it.

The whole search lives in the URL (``/?q=...&site=...&year=2025&sort=newest&page=2``),
so a search can be bookmarked or shared; the JSON API and the exports take the same
parameters.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields, replace
from typing import Any
from urllib.parse import urlencode

from archive.errors import QueryError
from archive.research import SearchRequest

_INTS = ("year", "month", "page", "per_page")
_DEFAULTS = SearchRequest()
FIELDS = tuple(f.name for f in fields(SearchRequest))


def search_request(params: Mapping[str, str]) -> SearchRequest:
    """A ``SearchRequest`` from query parameters; ``QueryError`` (shown as HTTP 400) when one is unusable."""
    values: dict[str, Any] = {}
    for name in FIELDS:
        raw = (params.get(name) or "").strip() if name != "q" else params.get("q") or ""
        if raw == "":
            continue
        if name in _INTS:
            try:
                values[name] = int(raw)
            except ValueError:
                raise QueryError(f"{name} must be a whole number, not {raw[:40]!r}") from None
        else:
            values[name] = raw
    return SearchRequest(**values)


def query_string(request: SearchRequest, **changes: Any) -> str:
    """``?...`` for ``request`` with ``changes`` applied; defaults are left out to keep URLs short.

    Changing anything but the page goes back to page 1; clearing the year clears the month.
    """
    if "page" not in changes:
        changes["page"] = 1
    if changes.get("year", "keep") is None:
        changes["month"] = None
    updated = replace(request, **changes)
    pairs = [(name, getattr(updated, name)) for name in FIELDS]
    kept = [(k, v) for k, v in pairs if v not in (None, "") and v != getattr(_DEFAULTS, k)]
    return "?" + urlencode(kept) if kept else "?"


def facet_change(request: SearchRequest, facet: str, value: str) -> dict[str, Any]:
    """The change that selecting ``value`` of ``facet`` makes (date: a year, then a month)."""
    if facet != "date":
        return {facet: value}
    if request.year is None:
        return {"year": int(value[:4])}
    return {"month": int(value[5:7])}


def facet_clear(request: SearchRequest, facet: str) -> dict[str, Any]:
    """The change that removes ``facet``'s selection (date: the month first, then the year)."""
    if facet != "date":
        return {facet: None}
    return {"month": None} if request.month else {"year": None}
