"""The cheap paths of language, direction, page-type signals and the author fallback give what the full computation gives.

``direction_of`` skips counting bidirectional classes when no right-to-left letter occurs,
``detect_language`` counts letters before naming their scripts, and ``_linked_share``
refuses a paragraph by the opening of its key: each must agree with the plain definition.
"""

from __future__ import annotations

import sys
import unicodedata
from collections import Counter

import pytest
from lxml.html import document_fromstring

from archive.extract.language import _RTL_BLOCKS, _SAMPLE_CHARS, _script, _scripts, detect_language, direction_of
from archive.extract.pagetype import _linked_share, headline_key
from archive.extract.trafilatura import extract_author, may_find_author


def _direction_by_counting(text: str) -> str:
    classes = Counter(map(unicodedata.bidirectional, text[:_SAMPLE_CHARS]))
    return "rtl" if classes["R"] + classes["AL"] > classes["L"] else "ltr"


def test_every_right_to_left_character_is_in_the_blocks_searched() -> None:
    missing = [hex(c) for c in range(sys.maxunicode + 1)
               if unicodedata.bidirectional(chr(c)) in ("R", "AL") and not _RTL_BLOCKS.match(chr(c))]
    assert missing == []


@pytest.mark.parametrize("text", [
    "A plain English sentence about the budget.",
    "English with one Hebrew letter א in it.",
    "د افغانستان حکومت وايي چې د ښوونځيو بيا پرانيستل به ژر پيل شي",
    "Mixed: کابل کې نن ورځ باران",
    "ﻻ presentation forms ﻻﻻﻻﻻﻻﻻﻻ",
    "12345 !!! ---",
    "",
])
def test_direction_matches_counting_every_class(text: str) -> None:
    assert direction_of(None, text) == _direction_by_counting(text)


def test_direction_beyond_the_sample_is_not_read() -> None:
    text = "x" * _SAMPLE_CHARS + "ب" * (2 * _SAMPLE_CHARS)
    assert direction_of(None, text) == "ltr"


def test_scripts_are_counted_per_letter_as_before() -> None:
    text = "Kabul کابل Кабул कабुल Kabul 東京 とうきょう"
    plain = Counter(map(_script, filter(str.isalpha, text)))
    plain.pop(None, None)
    assert _scripts(text) == plain
    assert list(_scripts(text)) == list(plain)  # same order: ties in most_common go the same way


def test_languages_still_detected() -> None:
    assert detect_language("The minister said that the budget of the province was approved by the council " * 3) == "en"
    assert detect_language("Министр сказал, что бюджет провинции был утверждён советом и это важно " * 3) == "ru"


def test_linked_share_counts_headline_paragraphs_only() -> None:
    headlines = frozenset({headline_key("Minister opens new school in Herat province"),
                           headline_key("Trade across the border resumes after a week")})
    prose = "Long paragraph of the story itself, which no link on the page carries. " * 6
    body = "\n\n".join([prose, "Minister opens new school in Herat province", "- Trade across the border resumes after a week"])
    expected = (len("Minister opens new school in Herat province")
                + len("Trade across the border resumes after a week")) / len(body)
    assert _linked_share(body, headlines) == pytest.approx(expected)
    assert _linked_share(body, frozenset()) == 0.0


def test_linked_share_matches_a_long_headline_with_a_shared_opening() -> None:
    long_title = "Government and council agree on a budget for schools, hospitals and roads in every province this year"
    headlines = frozenset({headline_key(long_title)})
    near_miss = long_title + " and next year too"
    body = f"{long_title}\n\n{near_miss}"
    assert _linked_share(body, headlines) == pytest.approx(len(long_title) / len(body))


_AUTHOR_MARKUP = [
    '<a rel="author" href="/u/1">Sara Ahmadi</a>',
    '<span class="author-name">Sara Ahmadi</span>',
    '<span itemprop="author">Sara Ahmadi</span>',
    '<div id="Author">Sara Ahmadi</div>',
    '<p class="byline">Sara Ahmadi</p>',
    '<div data-component="Byline">Sara Ahmadi</div>',
    '<span class="BBL">Sara Ahmadi</span>',
    '<span class="post-writer">Sara Ahmadi</span>',
    '<span class="submitted-by">Sara Ahmadi</span>',
    "<author>Sara Ahmadi</author>",
]
_NO_AUTHOR_MARKUP = [
    '<p class="credit">By Sara Ahmadi, Kabul</p>',
    '<span class="name">Sara Ahmadi</span>',
    "<p>Reporting by Sara Ahmadi in Kabul.</p>",
]


def _story(markup: str) -> str:
    return (f"<html><head><title>Wheat prices ease</title></head><body><article><h1>Wheat prices ease</h1>{markup}"
            "<p>The price of wheat flour fell in Kabul markets this week, traders said.</p></article></body></html>")


@pytest.mark.parametrize("markup", _AUTHOR_MARKUP)
def test_the_author_shortcut_lets_every_kind_of_author_markup_through(markup: str) -> None:
    assert may_find_author(_story(markup))
    assert extract_author(document_fromstring(_story(markup))) == "Sara Ahmadi"


@pytest.mark.parametrize("markup", _NO_AUTHOR_MARKUP)
def test_the_author_shortcut_skips_only_pages_where_trafilatura_finds_no_author(markup: str) -> None:
    assert not may_find_author(_story(markup))
    assert extract_author(document_fromstring(_story(markup))) is None
