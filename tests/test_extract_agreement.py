"""``archive.extract.agreement``: the body's edges cut to what trafilatura's precision pass agrees with."""

from __future__ import annotations

from archive.extract.agreement import trim_to_agreement, worth_checking

LEAD = "The council approved the new budget on Monday after a long debate about schools and roads."
BODY = [
    "Budget approved",
    LEAD,
    "Members voted eleven to four, and the mayor said the plan would take effect in January next year.",
    "Opponents said the increase for roads was too small to fix the damage left by last winter's storms.",
    "More from the city desk",
    "- Bridge closed for repairs",
    "- Library opens a new branch",
]


def test_lines_after_the_last_agreed_line_are_dropped() -> None:
    precise = [BODY[2], BODY[3]]
    assert trim_to_agreement(BODY, precise) == [LEAD, BODY[2], BODY[3]]


def test_a_lead_before_the_agreed_span_stays_but_a_heading_goes() -> None:
    assert trim_to_agreement(BODY, [BODY[2], BODY[3]])[0] == LEAD


def test_lines_inside_the_span_stay_even_when_the_precision_pass_lost_them() -> None:
    lines = [BODY[2], "Photo: the council chamber", BODY[3]]
    assert trim_to_agreement(lines, [BODY[2], BODY[3]]) == lines


def test_link_text_dropped_by_the_precision_pass_still_counts_as_agreement() -> None:
    precise = [LEAD, BODY[2], "Opponents said the increase for roads was too small to fix the damage left by storms."]
    assert trim_to_agreement(BODY, precise)[-1] == BODY[3]


def test_a_precision_pass_that_found_much_less_text_is_not_trusted() -> None:
    assert trim_to_agreement(BODY, [BODY[2][:40]]) == BODY
    assert trim_to_agreement(BODY, []) == BODY


def test_dari_lines_with_zwnj_agree_and_survive_unchanged() -> None:
    lines = ["می\u200cخواهیم " * 6 + "پایان.", "خبرهای مرتبط"]
    assert trim_to_agreement(lines, [lines[0]]) == [lines[0]]


def test_the_second_pass_is_skipped_when_both_edges_are_sentences() -> None:
    assert not worth_checking([LEAD, BODY[2]])
    assert worth_checking(BODY)
    assert worth_checking([LEAD, "Sign up for updates"])
    assert not worth_checking([])
