"""Word diff between two versions of an article, for reading rather than patching.

``difflib.SequenceMatcher`` over words, punctuation and the whitespace between them, so
the pieces joined back give exactly either text (U+200C stays inside its word).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any

# Words (joiners and combining marks belong to their word), runs of space, single punctuation marks.
_TOKEN = re.compile(r"\s+|[\w\u200c\u200d\u0300-\u036f\u064b-\u065f\u0670]+|[^\w\s]")


@dataclass(frozen=True)
class DiffPiece:
    """A run of text that is the same in both versions (``equal``), only in the new one
    (``insert``) or only in the old one (``delete``)."""

    op: str
    text: str


def word_diff(old: str, new: str) -> list[DiffPiece]:
    """Pieces that read as the new text with deletions and insertions marked."""
    a, b = _TOKEN.findall(old or ""), _TOKEN.findall(new or "")
    pieces: list[DiffPiece] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            _add(pieces, "equal", "".join(a[i1:i2]))
            continue
        _add(pieces, "delete", "".join(a[i1:i2]))
        _add(pieces, "insert", "".join(b[j1:j2]))
    return pieces


def _add(pieces: list[DiffPiece], op: str, text: str) -> None:
    if not text:
        return
    if pieces and pieces[-1].op == op:
        pieces[-1] = DiffPiece(op, pieces[-1].text + text)
    else:
        pieces.append(DiffPiece(op, text))


def version_word_diff(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """Title and body word diffs between two versions as ``lookup.article_detail`` gives them."""
    body = word_diff(old.get("body") or "", new.get("body") or "")
    return {
        "from": old["number"], "to": new["number"],
        "title": word_diff(old.get("title") or "", new.get("title") or ""),
        "body": body,
        "inserted_words": sum(len(p.text.split()) for p in body if p.op == "insert"),
        "deleted_words": sum(len(p.text.split()) for p in body if p.op == "delete"),
    }
