"""Our search query syntax, parsed by us so that user text never reaches MATCH or to_tsquery raw.

Syntax::

    climate talks            both words (AND is implied)
    "peace talks"            a phrase
    -sport   NOT sport       exclude
    kabul OR herat           either (OR in capitals; binds tighter than AND)
    title:election           words in the title only
    author:"Jane Doe"  section:politics  site:example.com  language:fa   filters

Anything else is text: ``don't``, ``multi-agent``, ``NEAR(``, ``*``, ``~word`` or an SQL
fragment are just words (punctuation-only words are dropped; ``~`` is a separator on
both engines). An unknown field (``foo:bar``) or an empty one (``title:``) is a
``QueryError``; a URL (``https://...``) is text. Control characters (NUL...) are spaces.
A Dari compound also matches its other spellings (``text.spelling_variants``). The result is a ``ParsedQuery`` of
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
from dataclasses import field as dc_field

from archive.db.text import is_detached_prefix, is_detached_suffix, spelling_variants
from archive.errors import QueryError

MAX_QUERY_CHARS = 1000
MAX_TERMS = 32

TEXT_FIELDS = ("title",)
FILTER_FIELDS = ("author", "section", "site", "language")
_FIELD_ALIASES = {"lang": "language", "by": "author"}
_TOKEN = re.compile(r'\s*(-?)(?:([A-Za-z]+):)?("(?:[^"]*)(?:"|$)|[^\s"]+)')
_EMPTY_FIELD = re.compile(r'(?:^|\s)-?([A-Za-z]+):(?:""?)?(?=\s|$)')
_WORD = re.compile(r"[^\W_]+")
# C0 controls (NUL cannot even be sent to PostgreSQL) and "~" (FTS5 splits on it, PostgreSQL's
# phraseto_tsquery keeps a leading one: "~word" matched on one engine only) become spaces.
_SEPARATORS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f~]")


@dataclass(frozen=True)
class Term:
    """One word, phrase or filter. ``text`` is the folded text (for text terms) or value."""

    text: str
    field: str | None = None  # None (anywhere), "title", or a FILTER_FIELDS name
    negated: bool = False
    alternatives: tuple[str, ...] = ()  # other folded spellings that match too (Dari compounds)
    source: str = dc_field(default="", compare=False, repr=False)  # the text as typed, for merging

    @property
    def is_filter(self) -> bool:
        return self.field in FILTER_FIELDS

    @property
    def words(self) -> list[str]:
        return [w.casefold() for w in _WORD.findall(self.text)]

    @property
    def spellings(self) -> tuple[str, ...]:
        """The folded text and its alternatives: the term matches any of them."""
        return (self.text, *self.alternatives)


@dataclass(frozen=True)
class ParsedQuery:
    """AND of groups; each group is an OR of terms. A negated term is a group of its own."""

    groups: tuple[tuple[Term, ...], ...]

    @property
    def positive_words(self) -> list[str]:
        """Words to highlight in snippets."""
        return [w for g in self.groups for t in g if not t.negated and not t.is_filter
                for s in t.spellings for w in _WORD.findall(s.casefold())]

    @property
    def has_text(self) -> bool:
        """Whether any term searches text (not only filters such as ``site:``)."""
        return any(not t.is_filter for g in self.groups for t in g)


def parse_query(query: str) -> ParsedQuery:
    """Parse ``query``; raises ``QueryError`` (one line) when nothing searchable remains."""
    if len(query) > MAX_QUERY_CHARS:
        raise QueryError(f"query is too long ({len(query)} characters; the limit is {MAX_QUERY_CHARS})")
    query = _SEPARATORS.sub(" ", query)
    _check_empty_fields(query)
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


def _check_empty_fields(query: str) -> None:
    """``title:`` with nothing after it: say so rather than search for nothing."""
    for match in _EMPTY_FIELD.finditer(query):
        name = _FIELD_ALIASES.get(match.group(1).lower(), match.group(1).lower())
        if name in TEXT_FIELDS + FILTER_FIELDS:
            raise QueryError(f"{match.group(1)}: has no value in {_preview(query)}; write {match.group(1)}:WORD "
                             f"or {match.group(1)}:\"some words\"")


def _tokenise(query: str) -> list[Term | str]:
    """Terms and the operator "OR"; empty words vanish, "AND" is implied."""
    out: list[Term | str] = []
    negate_next = False
    for match in _TOKEN.finditer(query):
        minus, field_name, raw = match.group(1), match.group(2), match.group(3)
        quoted = raw.startswith('"')
        value = raw.strip('"') if quoted else raw
        plain = not quoted and not field_name and not minus
        if plain and value in ("OR", "AND", "NOT"):
            if value == "OR":
                out.append("OR")
            negate_next = value == "NOT"
            continue
        previous = out[-1] if out and isinstance(out[-1], Term) else None
        if plain and not negate_next and previous is not None and _joins(previous, value):
            joined = _text_term(previous.negated, previous.field, f"{previous.source} {value}")
            if joined is None:
                out.pop()
            else:
                out[-1] = joined
            continue
        term = _make_term(minus == "-" or negate_next, field_name, value, raw, query)
        negate_next = False
        if term is not None:
            out.append(term)
    return out


def _joins(previous: Term, word: str) -> bool:
    """Whether ``word`` is a detached Dari affix that belongs to the previous text term."""
    if previous.is_filter or not previous.source.split():
        return False
    return is_detached_suffix(word) or is_detached_prefix(previous.source.split()[-1])


def _make_term(negated: bool, field_name: str | None, value: str, raw: str, query: str) -> Term | None:
    name = _FIELD_ALIASES.get(field_name.lower(), field_name.lower()) if field_name else None
    if name in FILTER_FIELDS:
        value = " ".join(value.split())
        return Term(value, name, negated) if value else None
    if field_name and name not in TEXT_FIELDS:
        if raw.startswith("//"):  # a URL such as https://example.com/a is text
            name, value = None, f"{field_name}:{raw}"
        else:
            fields = ", ".join(f"{f}:" for f in TEXT_FIELDS + FILTER_FIELDS)
            raise QueryError(f"unknown field {field_name}: in {_preview(query)}; the fields are {fields} "
                             f"(put \"{field_name}:{value}\" in quotes to search for the text)")
    return _text_term(negated, name, value)


def _text_term(negated: bool, name: str | None, value: str) -> Term | None:
    spellings = spelling_variants(value)
    term = Term(spellings[0], name, negated, tuple(spellings[1:]), source=value)
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
    """An FTS5 string for one text term: quoted phrases only (OR-ed spellings), column filter for title."""
    phrases = ['"' + s.replace('"', '""') + '"' for s in term.spellings]
    phrase = phrases[0] if len(phrases) == 1 else "(" + " OR ".join(phrases) + ")"
    return f"{{{term.field}}} : {phrase}" if term.field else phrase


def fts5_expression(groups: list[tuple[Term, ...]]) -> str:
    """``(a OR b) AND c`` from positive text groups (quoted phrases only)."""
    return " AND ".join("(" + " OR ".join(fts5_phrase(t) for t in group) + ")" for group in groups)


def _preview(query: str) -> str:
    text = " ".join(query.split())
    return repr(text if len(text) <= 40 else text[:40] + "...")
