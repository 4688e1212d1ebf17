"""``archive.db.text.change_key``: what counts as a change of an article's text."""

from __future__ import annotations

import pytest

from archive.db.text import _collapse_spaces, _has_digit, change_key


@pytest.mark.parametrize("text, expected", [
    ("no figures here", False),
    ("in 2024 the council met", True),
    ("بازدید ۱۲۳", True),  # Persian digits
    ("بازدید ١٢٣", True),  # Arabic-Indic digits
    ("کابل بدون عدد", False),
    ("full-width ２ is a decimal digit too", True),
    ("", False),
])
def test_has_digit_agrees_with_the_regex(text: str, expected: bool) -> None:
    assert _has_digit(text) is expected


def test_counters_and_whitespace_are_not_changes() -> None:
    body = "The council met on Monday.\n\n1,234 views\n\nIt approved the budget."
    assert change_key("Budget", body) == change_key("Budget", body.replace("1,234 views", "1,301 views"))
    assert change_key("Budget", body) == change_key("Budget", body.replace("met on", "met   on"))
    assert change_key("Budget", "بازدید ۱۲۳\n\nمتن") == change_key("Budget", "بازدید ۱۲۹\n\nمتن")


def test_a_corrected_figure_in_a_sentence_is_a_change() -> None:
    before = "The council approved a budget of 12 million afghanis for the schools of the province."
    assert change_key("Budget", before) != change_key("Budget", before.replace("12 million", "15 million"))


@pytest.mark.parametrize("text", ["a b", " a", "a ", "a  b", "a\tb", "a\nb", "a\x1cb", "x", "", "ä  b",
                                  "a\u00a0b", "a\u2003 b", "no extra spaces at all."])
def test_collapse_spaces_is_split_and_join(text: str) -> None:
    assert _collapse_spaces(text) == " ".join(text.split())
