"""Our search query syntax, parsed by us so that user text never reaches MATCH or to_tsquery raw.

Syntax::

    climate talks            both words (AND is implied)
    "peace talks"            a phrase
    -sport   NOT sport       exclude
    kabul OR herat           either (OR in capitals; binds tighter than AND)
    title:election           words in the title only
    author:"Jane Doe"  section:politics  site:example.com  language:fa   filters

Anything else is text: ``don't``, ``multi-agent``, ``NEAR(``, ``*`` or an SQL fragment are
just words (punctuation-only words are dropped). The result is a ``ParsedQuery`` of
AND-ed groups of OR-ed ``Term``s; ``search.py`` compiles it per engine with every value
bound as a parameter and every FTS5 string built from quoted phrases only.

Hand-written on purpose: this parser is the injection boundary between user text and
two query languages (FTS5 MATCH, PostgreSQL tsquery). A generic query-parser library
would hand through operators we do not want (``NEAR``, ``*``, column filters), and
both engines' own parsers (``websearch_to_tsquery``) differ, so one small grammar here
gives the same answers on SQLite and PostgreSQL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from archive.db.text import fold_for_search
from archive.errors import QueryError

MAX_QUERY_CHARS = 1000
MAX_TERMS = 32

TEXT_FIELDS = ("title",)
FILTER_FIELDS = ("author", "section", "site", "language")
_FIELD_ALIASES = {"lang": "language", "by": "author"}
_TOKEN = re.compile(r'\s*(-?)(?:([A-Za-z]+):)?("(?:[^"]*)(?:"|$)|[^\s"]+)')
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Term:
    """One word, phrase or filter. ``text`` is the folded text (for text terms) or value."""

    text: str
    field: str | None = None  # None (anywhere), "title", or a FILTER_FIELDS name
    negated: bool = False

    @property
    def is_filter(self) -> bool:
        return self.field in FILTER_FIELDS

    @property
    def words(self) -> list[str]:
        return [w.casefold() for w in _WORD.findall(self.text)]


@dataclass(frozen=True)
class ParsedQuery:
    """AND of groups; each group is an OR of terms. A negated term is a group of its own."""

    groups: tuple[tuple[Term, ...], ...]

    @property
    def positive_words(self) -> list[str]:
        """Words to highlight in snippets."""
        return [w for g in self.groups for t in g if not t.negated and not t.is_filter for w in t.words]


def parse_query(query: str) -> ParsedQuery:
    """Parse ``query``; raises ``QueryError`` (one line) when nothing searchable remains."""
    if len(query) > MAX_QUERY_CHARS:
        raise QueryError(f"query is too long ({len(query)} characters; the limit is {MAX_QUERY_CHARS})")
    items = _tokenise(query)
    groups = _group(items)
    if not groups:
        raise QueryError(
            f"nothing to search for in {_preview(query)}: use words, \"phrases\", -word, OR, field:value"
        )
    if sum(len(g) for g in groups) > MAX_TERMS:
        raise QueryError(f"too many terms in the query (the limit is {MAX_TERMS})")
    if all(t.negated for g in groups for t in g):
        raise QueryError(f"{_preview(query)} only excludes; add a word or a field:value to search for")
    return ParsedQuery(tuple(groups))


def _tokenise(query: str) -> list[Term | str]:
    """Terms and the operator "OR"; empty words vanish, "AND" is implied."""
    out: list[Term | str] = []
    negate_next = False
    for match in _TOKEN.finditer(query):
        minus, field, raw = match.group(1), match.group(2), match.group(3)
        quoted = raw.startswith('"')
        value = raw.strip('"') if quoted else raw
        if not quoted and not field and not minus:
            if value == "OR":
                out.append("OR")
                continue
            if value == "AND":
                continue
            if value == "NOT":
                negate_next = True
                continue
        term = _make_term(minus == "-" or negate_next, field, value, raw)
        negate_next = False
        if term is not None:
            out.append(term)
    return out


def _make_term(negated: bool, field: str | None, value: str, raw: str) -> Term | None:
    name = _FIELD_ALIASES.get(field.lower(), field.lower()) if field else None
    if name in FILTER_FIELDS:
        value = " ".join(value.split())
        return Term(value, name, negated) if value else None
    if name not in TEXT_FIELDS:  # "http://x" or "foo:bar": the whole thing is text
        name, value = None, (f"{field}:{raw}" if field else value)
    term = Term(fold_for_search(value), name, negated)
    return term if term.words else None


def _group(items: list[Term | str]) -> list[tuple[Term, ...]]:
    groups: list[list[Term]] = []
    join_next = False
    for item in items:
        if item == "OR":
            join_next = bool(groups)
            continue
        assert isinstance(item, Term)
        if join_next and not item.negated and not any(t.negated for t in groups[-1]):
            groups[-1].append(item)
        else:
            groups.append([item])
        join_next = False
    return [tuple(g) for g in groups]


def fts5_phrase(term: Term) -> str:
    """An FTS5 string for one text term: always a quoted phrase, with a column filter for title."""
    phrase = '"' + term.text.replace('"', '""') + '"'
    return f"{{{term.field}}} : {phrase}" if term.field else phrase


def fts5_expression(groups: list[tuple[Term, ...]]) -> str:
    """``(a OR b) AND c`` from positive text groups (quoted phrases only)."""
    return " AND ".join("(" + " OR ".join(fts5_phrase(t) for t in group) + ")" for group in groups)


def _preview(query: str) -> str:
    text = " ".join(query.split())
    return repr(text if len(text) <= 40 else text[:40] + "...")
