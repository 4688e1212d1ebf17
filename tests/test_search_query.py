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


def test_unknown_field_is_text() -> None:
    assert _terms("foo:bar https://x.org/a") == [[("foo:bar", None, False)], [("https://x.org/a", None, False)]]


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
        ('say "a ""b"" c"', '("say") AND ("a ") AND ("b") AND (" c")'),
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
    assert with_zwnj == without == arabic_yeh == Term("میخواهم")


def test_or_with_exclusion_keeps_exclusion_separate() -> None:
    assert _terms("a OR -b") == [[("a", None, False)], [("b", None, True)]]
