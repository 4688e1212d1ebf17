"""archive/discovery/retry_after.py: Retry-After as a bounded number of seconds."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from archive.discovery import parse_retry_after
from archive.discovery.retry_after import DEFAULT_RETRY_AFTER_CAP

NOW = datetime(2026, 10, 21, 7, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("120", 120.0),
        (b"5", 5.0),
        (" 0 ", 0.0),
        ("1.5", 1.5),
        ("Wed, 21 Oct 2026 07:28:00 GMT", 1680.0),
        (b"Wed, 21 Oct 2026 07:00:30 GMT", 30.0),
        ("Tue, 21 Oct 2025 07:28:00 GMT", 0.0),  # in the past: retry now
        ("-5", 0.0),
        ("99999999", DEFAULT_RETRY_AFTER_CAP),
        ("Wed, 21 Oct 2099 07:28:00 GMT", DEFAULT_RETRY_AFTER_CAP),
    ],
)
def test_values(value: str | bytes, seconds: float) -> None:
    assert parse_retry_after(value, now=NOW) == seconds


@pytest.mark.parametrize("value", [None, "", "soon", "nan", "inf", b"\xff\xfe", "12 seconds"])
def test_unreadable_values_give_the_default(value: str | bytes | None) -> None:
    assert parse_retry_after(value, now=NOW) is None
    assert parse_retry_after(value, now=NOW, default=30.0) == 30.0


def test_cap_and_naive_now() -> None:
    assert parse_retry_after("600", cap=60) == 60
    naive = datetime(2026, 10, 21, 7, 0)
    assert parse_retry_after("Wed, 21 Oct 2026 07:01:00 GMT", now=naive) == 60.0


@pytest.mark.parametrize("value", ["²", "١٢", "1²", b"\xc2\xb2"])
def test_non_ascii_digits_are_unreadable_not_a_crash(value: str | bytes) -> None:
    assert parse_retry_after(value, now=NOW, default=7.0) == 7.0
