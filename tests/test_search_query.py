"""archive/db/query.py: our query syntax, parsed without touching a database."""

from __future__ import annotations

import pytest

from archive.db.query import MAX_QUERY_CHARS, Term, fts5_expression, parse_query
from archive.errors import QueryError


def _terms(query: str) -> list[list[tuple[str, str | None, bool]]]:
    return [[(t.text, t.field, t.negated) for t in g] for g in parse_query(query).groups]


def test_words_phrases_exclusion_or() -> None:
    assert _terms('peace "border talks" -sport kabul OR herat') == [
        [("peace", None, False)],
        [("border talks", None, False)],
        [("sport", None, True)],
        [("kabul", None, False), ("herat", None, False)],
    ]


def test_fields_and_aliases() -> None:
    assert _terms('title:vote author:"Jane  Doe" lang:fa site:example.com section:world') == [
        [("vote", "title", False)],
        [("Jane Doe", "author", False)],
        [("fa", "language", False)],
        [("example.com", "site", False)],
        [("world", "section", False)],
    ]


def test_url_is_text() -> None:
    assert _terms("https://x.org/a") == [[("https://x.org/a", None, False)]]


@pytest.mark.parametrize("query", ["foo:bar", "kabul Foo:\"a b\"", "-xyz:1", "a:b:c"])
def test_unknown_field_is_one_line_error(query: str) -> None:
    with pytest.raises(QueryError, match="unknown field .*: in .*; the fields are title:, author:") as info:
        parse_query(query)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("query", ["title:", "kabul author:", 'section:""', "lang: fa", "-site:"])
def test_empty_field_is_one_line_error(query: str) -> None:
    with pytest.raises(QueryError, match="has no value in") as info:
        parse_query(query)
    assert "\n" not in str(info.value)


def test_word_ending_in_colon_is_text() -> None:
    assert _terms("Note: kabul") == [[("Note:", None, False)], [("kabul", None, False)]]


@pytest.mark.parametrize("query", ["kabul\x00", "\x00kabul", "kab\x01 ul"[:3] + "ul\x00"])
def test_control_characters_are_spaces(query: str) -> None:
    assert all("\x00" not in t.text for g in parse_query(query).groups for t in g)


def test_nul_only_is_nothing_to_search() -> None:
    with pytest.raises(QueryError, match="nothing to search for"):
        parse_query("\x00 \x00")


def test_tilde_is_a_separator_not_an_operator() -> None:
    assert _terms("~border") == _terms("border") == [[("border", None, False)]]
    assert _terms("a~b") == [[("a", None, False)], [("b", None, False)]]


@pytest.mark.parametrize("query", ["کتاب های", "کتاب\u200cهای", "کتابهای", "كتاب هاي"])
def test_dari_compound_matches_every_spelling(query: str) -> None:
    (term,) = parse_query(query).groups[0]
    assert term.spellings == ("کتابهای", "کتاب های")


def test_detached_prefix_joins_its_verb() -> None:
    (group,) = parse_query("می شوند").groups
    assert group[0].spellings == ("میشوند", "می شوند")
    assert fts5_expression([group]) == '(("میشوند" OR "می شوند"))'


def test_dari_affix_after_a_filter_stays_separate() -> None:
    assert _terms("author:x ها") == [[("x", "author", False)], [("ها", None, False)]]


def test_not_and_lowercase_or() -> None:
    assert _terms("NOT rain or shine AND sun") == [
        [("rain", None, True)], [("or", None, False)], [("shine", None, False)], [("sun", None, False)]
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("don't", '("don\'t")'),
        ("multi-agent", '("multi-agent")'),
        ('"unbalanced quote', '("unbalanced quote")'),
        ("NEAR(a b)", '("NEAR(a") AND ("b)")'),
        ('say "a ""b"" c"', '("say") AND ("a") AND ("b") AND ("c")'),
        ("'; DROP TABLE articles; --", '("DROP") AND ("TABLE") AND ("articles;")'),
        ("title:x", '({title} : "x")'),
    ],
)
def test_fts5_expression_is_quoted_phrases_only(query: str, expected: str) -> None:
    groups = [g for g in parse_query(query).groups if not any(t.negated or t.is_filter for t in g)]
    assert fts5_expression(groups) == expected


@pytest.mark.parametrize("query", ["*", "-", '""', "OR", "AND NOT", "   ", "()", "^$#@"])
def test_nothing_to_search_is_one_line_error(query: str) -> None:
    with pytest.raises(QueryError, match="nothing to search for") as info:
        parse_query(query)
    assert "\n" not in str(info.value)


def test_only_exclusions_is_an_error() -> None:
    with pytest.raises(QueryError, match="only excludes"):
        parse_query("-sport -weather")


def test_too_long() -> None:
    with pytest.raises(QueryError, match=f"too long \\(10000 characters; the limit is {MAX_QUERY_CHARS}\\)"):
        parse_query("a" * 10_000)


def test_too_many_terms() -> None:
    with pytest.raises(QueryError, match="too many terms"):
        parse_query(" ".join(f"w{i}" for i in range(100)))


def test_zwnj_and_arabic_letters_are_folded() -> None:
    with_zwnj = parse_query("می\u200cخواهم").groups[0][0]
    without = parse_query("میخواهم").groups[0][0]
    arabic_yeh = parse_query("ميخواهم").groups[0][0]
    assert with_zwnj == without == arabic_yeh == Term("میخواهم", alternatives=("می خواهم",))


def test_or_with_exclusion_keeps_exclusion_separate() -> None:
    assert _terms("a OR -b") == [[("a", None, False)], [("b", None, True)]]
