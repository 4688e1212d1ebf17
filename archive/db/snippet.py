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
    """About ``width`` characters of ``body`` around the first query word, in the stored spelling.

    Whitespace runs show as one space. Only a window around the word is normalised: a
    body of 1,500 words cost a millisecond to normalise whole, twenty times per page.
    """
    hit, raw = -1, body
    for cut in (_SNIPPET_PREFIX, len(body)):  # folding is slow per character: most hits are early
        raw = body[:cut]
        folded = _fold(raw)
        hit = min((p for w in words if (p := folded.find(w)) >= 0), default=-1)
        if hit >= 0 or cut >= len(body):
            break
    if hit < 0:
        head = _SPACE.sub(" ", body[:width * 4]).strip()
        more = len(body) > width * 4 and not body[width * 4:].isspace()
        return head if len(head) <= width and not more else head[:width].rstrip() + "…"
    at = _original_position(raw, hit)
    lo = max(0, at - 2 * width)
    before = _SPACE.sub(" ", body[lo:at]).lstrip() if lo == 0 or not body[:lo].strip() else \
        _SPACE.sub(" ", body[lo:at])
    after = _SPACE.sub(" ", body[at:at + 2 * width])
    text = before + after
    pos = len(before)  # the word in ``text``
    start = max(0, pos - width // 3)
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < pos else start
    end = min(len(text), start + width)
    earlier = start > 0 or (lo > 0 and bool(body[:lo].strip()))
    later = end < len(text.rstrip()) or bool(body[at + 2 * width:].strip())
    return ("…" if earlier else "") + text[start:end].strip() + ("…" if later else "")


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
