"""Snippets: about 200 characters of the stored text around the first query word.

Cut in Python from the stored (unfolded) text, so a snippet shows the text exactly as
stored, U+200C included; the word is found in the folded copy and mapped back.
"""

from __future__ import annotations

import re

from archive.db.text import SEARCH_FOLD

_FOLD_TABLE = str.maketrans(SEARCH_FOLD)
_SPACE = re.compile(r"\s+")
_SNIPPET_PREFIX = 2000
_FOLDED_CHARS = re.compile("[" + re.escape("".join(SEARCH_FOLD)) + "]")


_DELETED_CHARS = re.compile("[" + re.escape("".join(c for c, r in SEARCH_FOLD.items() if not r)) + "]+")
_REPLACED = [(c, r) for c, r in SEARCH_FOLD.items() if r]


def _fold(text: str) -> str:
    """``text.translate(SEARCH_FOLD).casefold()``, in C: ``str.translate`` with a dict costs ~100 ns a character."""
    if not _FOLDED_CHARS.search(text):
        return text.casefold()
    text = _DELETED_CHARS.sub("", text)
    for char, replacement in _REPLACED:
        text = text.replace(char, replacement)
    return text.casefold()


def make_snippet(body: str, words: list[str], width: int = 200) -> str:
    """About ``width`` characters of ``body`` around the first query word, in the stored spelling."""
    text = _SPACE.sub(" ", body).strip()
    if not text:
        return ""
    hit = -1
    for cut in (_SNIPPET_PREFIX, len(text)):  # folding is slow per character: most hits are early
        folded = _fold(text[:cut])
        hit = min((p for w in words if (p := folded.find(w)) >= 0), default=-1)
        if hit >= 0 or cut >= len(text):
            break
    if hit < 0:
        return text if len(text) <= width else text[:width].rstrip() + "…"
    at = _original_position(text, hit)
    start = max(0, at - width // 3)
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < at else start
    end = min(len(text), start + width)
    return ("…" if start else "") + text[start:end].strip() + ("…" if end < len(text) else "")


def _original_position(text: str, folded_pos: int) -> int:
    """The position in ``text`` of the character that became ``folded_pos`` in its folded form.

    Folding is per character (deletions, one-to-many case folds), so the folded length of a
    prefix grows with it: a binary search over prefixes (each folded in C) finds the
    character, where a Python loop over a body of kilobytes cost milliseconds per hit.
    """
    lo, hi = 0, min(len(text), folded_pos + 1)
    while hi < len(text) and len(_fold(text[:hi])) <= folded_pos:
        lo, hi = hi, min(len(text), hi * 2)  # deletions: the character lies further on
    while lo < hi:  # smallest k with len(fold(text[:k + 1])) > folded_pos
        mid = (lo + hi) // 2
        if len(_fold(text[: mid + 1])) > folded_pos:
            hi = mid
        else:
            lo = mid + 1
    return lo


def _folded_with_index(text: str) -> tuple[str, list[int] | range]:
    """``text`` folded and lower-cased, with the original position of every folded character."""
    folded = text.translate(_FOLD_TABLE).casefold()
    if len(folded) == len(text) and folded == text.casefold():  # nothing folded away: same positions
        return folded, range(len(text))
    chars: list[str] = []
    index: list[int] = []
    for pos, char in enumerate(text):
        for out in char.translate(_FOLD_TABLE).casefold():
            chars.append(out)
            index.append(pos)
    return "".join(chars), index
