"""Text normalisation shared by ingest (change detection) and search (folding).

Search folding is applied identically to the indexed copy of the text (on SQLite by
the ``newsarchive_fold()`` SQL function that ``archive.db.session`` registers on each
connection, on PostgreSQL by the ``translate()`` that ``postgres_fold_sql`` writes) and to every query term (by ``fold_for_search``).
The stored text is never folded: it stays byte for byte as extracted.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

# char -> replacement ("" deletes). Keep in step with the migration that froze it.
SEARCH_FOLD: dict[str, str] = {
    "\u200c": "",  # ZERO WIDTH NON-JOINER (Dari, Pashto, Persian): see docs/database.md
    "\u200d": "",  # ZERO WIDTH JOINER
    "\u00ad": "",  # SOFT HYPHEN
    "\u0640": "",  # ARABIC TATWEEL (kashida)
    "\u064a": "\u06cc",  # ARABIC YEH -> FARSI YEH
    "\u0649": "\u06cc",  # ALEF MAKSURA -> FARSI YEH
    "\u0643": "\u06a9",  # ARABIC KAF -> KEHEH
}
# Arabic harakat: FTS5 drops them as diacritics, PostgreSQL keeps them; we delete both ways.
SEARCH_FOLD.update({chr(c): "" for c in range(0x064B, 0x0660)})
SEARCH_FOLD["\u0670"] = ""

_FOLD_TABLE = str.maketrans(SEARCH_FOLD)


def fold_for_search(text: str) -> str:
    """The folded form that the search index holds (NFC first, as extraction stores NFC)."""
    return unicodedata.normalize("NFC", text).translate(_FOLD_TABLE)


# Persian-script affixes that writers join to their word, attach with a ZWNJ, or detach
# with a space: "کتابهای" = "کتاب‌های" = "کتاب های". A query in one spelling also looks for
# the others (``spelling_variants``); the index holds the text as written.
_DARI_PREFIXES = ("نمی", "می")
_DARI_SUFFIXES = ("هایشان", "هایتان", "هایمان", "هایی", "هایش", "هایت", "هایم", "های", "ها", "ترین", "تر",
                  "اند", "اید", "ایم")
MAX_SPELLINGS = 8


def is_detached_prefix(word: str) -> bool:
    """Whether ``word`` alone is a Dari prefix that may be written apart from its verb (``می شوند``)."""
    return fold_for_search(word) in _DARI_PREFIXES


def is_detached_suffix(word: str) -> bool:
    """Whether ``word`` alone is a Dari suffix that may be written apart from its word (``کتاب های``)."""
    return fold_for_search(word) in _DARI_SUFFIXES


def spelling_variants(value: str) -> list[str]:
    """Folded spellings of ``value``: each Dari compound joined (first) and with a space.

    Compounds are found at a ZWNJ, at a detached affix word, or (for a joined word) by a
    known prefix or suffix. At most ``MAX_SPELLINGS`` spellings, the all-joined one first.
    """
    units: list[list[str]] = []
    tokens = unicodedata.normalize("NFC", value).split()
    for i, token in enumerate(tokens):
        pieces = [fold_for_search(p) for p in token.split("\u200c") if fold_for_search(p)]
        if not pieces:
            continue
        if len(pieces) == 1:
            pieces = _guess_pieces(pieces[0])
        after_prefix = i > 0 and units and len(units[-1]) == 1 and units[-1][0] in _DARI_PREFIXES
        if units and (after_prefix or (len(pieces) == 1 and pieces[0] in _DARI_SUFFIXES)):
            units[-1].extend(pieces)
        else:
            units.append(pieces)
    spellings = [""]
    for pieces in units:
        forms = ["".join(pieces)] + ([" ".join(pieces)] if len(pieces) > 1 else [])
        spellings = [f"{s} {f}".strip() for s in spellings for f in forms][:MAX_SPELLINGS]
    return spellings


def _guess_pieces(word: str) -> list[str]:
    """``word`` split before a known suffix or after a known prefix (stem of two letters or more)."""
    for suffix in _DARI_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 2:
            return [word[: -len(suffix)], suffix]
    for prefix in _DARI_PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= 2:
            return [prefix, word[len(prefix):]]
    return [word]


def postgres_fold_sql(expr: str) -> str:
    """``expr`` through one ``translate()`` applying ``SEARCH_FOLD`` in PostgreSQL."""
    mapped = [(c, r) for c, r in SEARCH_FOLD.items() if r]
    deleted = [c for c, r in SEARCH_FOLD.items() if not r]
    src = "".join(c for c, _ in mapped) + "".join(deleted)
    dst = "".join(r for _, r in mapped)
    return f"translate(coalesce({expr}, ''), {_pg_unicode_literal(src)}, {_pg_unicode_literal(dst)})"


def _pg_unicode_literal(text: str) -> str:
    return "U&'" + "".join(f"\\{ord(c):04X}" for c in text) + "'"


# Counters that change between captures without any edit: "1,234 views", "12 comments".
_COUNTER = re.compile(
    r"\d[\d,.\s\u066c\u066b]*\s*(views?|reads?|comments?|shares?|likes?|"
    r"بازدید|نظر|دیدگاه|کتنه|لیدنه|تبصرې|مرتبه)\b",
    re.IGNORECASE,
)
_DIGITS = re.compile(r"[\d\u0660-\u0669\u06f0-\u06f9]+")
_SPACE = re.compile(r"\s+")


def change_key(title: str | None, body: str) -> str:
    """A hash of the text that ignores trivial changes (whitespace, view/comment counters).

    Short paragraphs (four words or fewer) that hold digits have their numbers masked:
    that is where counters and "updated 3 minutes ago" lines live. Numbers in real
    sentences still count, so a corrected figure makes a new version.
    """
    parts = [_normalise_paragraph(p) for p in [title or "", *re.split(r"\n\s*\n", body)]]
    joined = "\n".join(p for p in parts if p)
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()


def _normalise_paragraph(text: str) -> str:
    # str.split() and the regex \s agree on what whitespace is; split is ~5x faster.
    text = _collapse_spaces(unicodedata.normalize("NFC", text))
    if not _has_digit(text):  # counters and masked numbers all need a digit
        return text
    text = _COUNTER.sub("#", text)
    if len(text.split(" ")) <= 4 and _has_digit(text):
        text = _DIGITS.sub("#", text)
    return text


_ASCII_SPACES = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f"  # what str.split() splits on in ASCII, besides " "


def _collapse_spaces(text: str) -> str:
    """``" ".join(text.split())``; an ASCII paragraph already in that form (most are) is returned
    after a few substring searches instead of being cut into words and joined again (~4x faster)."""
    if (text.isascii() and "  " not in text and text[:1] != " " and text[-1:] != " "
            and not any(space in text for space in _ASCII_SPACES)):
        return text
    return " ".join(text.split())


def _has_digit(text: str) -> bool:
    """``_DIGITS.search(text)``; ASCII text (most paragraphs) by ten substring searches, ~10x faster."""
    if text.isascii():
        return any(digit in text for digit in "0123456789")
    return _DIGITS.search(text) is not None


def url_key(url: str) -> str:
    """Fixed-length key for a URL, so the unique index works for any URL length."""
    return hashlib.sha256(url.encode("utf-8")).hexdigest()
