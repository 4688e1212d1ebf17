"""``Retry-After`` (RFC 9110 §10.2.3) for 429 and 503 responses, as a bounded delay.

The value is either delay-seconds (``120``) or an HTTP date
(``Wed, 21 Oct 2026 07:28:00 GMT``). Whatever a server says, the delay is clamped to
``[0, cap]`` so one hostile or broken header cannot park a crawl for a year. A missing or
unreadable value gives ``default`` (``None`` unless given), so the caller's own backoff
applies.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

__all__ = ["DEFAULT_RETRY_AFTER_CAP", "parse_retry_after"]

DEFAULT_RETRY_AFTER_CAP = 3600.0


def parse_retry_after(
    value: str | bytes | None,
    *,
    now: datetime | None = None,
    cap: float = DEFAULT_RETRY_AFTER_CAP,
    default: float | None = None,
) -> float | None:
    """Seconds to wait according to ``value``, clamped to ``[0, cap]``; ``default`` if unreadable.

    ``now`` (aware; naive = UTC) is the reference for HTTP dates, normally the response's
    ``Date`` header or the local clock.
    """
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    text = (value or "").strip()
    if not text:
        return default
    if not text.isascii():  # "²" passes str.isdigit(), "١٢" passes float(): neither is HTTP
        return default
    if text.isdigit():
        return min(float(text), cap)
    try:
        seconds = float(text)  # "120.5": not allowed by the RFC but harmless
    except ValueError:
        seconds = None
    if seconds is not None:
        return min(max(seconds, 0.0), cap) if math.isfinite(seconds) else default
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return default
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    reference = now or datetime.now(UTC)
    if reference.tzinfo is None:
        reference = reference.replace(tzinfo=UTC)
    return min(max((when - reference).total_seconds(), 0.0), cap)
