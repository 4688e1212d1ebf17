"""Keep format characters (U+200C ZWNJ, U+200D ZWJ, U+200E/U+200F marks) through trafilatura.

trafilatura's ``line_processing`` (``trafilatura/utils.py``) keeps only characters for
which ``str.isprintable()`` is true, and every format character (category ``Cf``) fails
that test, so Dari and Pashto words such as «می‌شود» lose their non-joiner. Instead of
patching trafilatura, ``Joiners`` swaps each such character for a printable *letter*
from a rarely used script that does not occur in the page (so word boundaries and
text-density heuristics are unchanged), and ``restore`` swaps them back afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass

PROTECTED = ("\u200c", "\u200d", "\u200e", "\u200f")
# Mro and Mende Kikakui letters: printable, alphabetic, almost never on news pages.
_CANDIDATES = tuple(chr(c) for c in range(0x16A40, 0x16A5F)) + tuple(chr(c) for c in range(0x1E800, 0x1E8C4))


@dataclass(frozen=True)
class Joiners:
    """A reversible substitution of ``PROTECTED`` characters for one page."""

    forward: dict[int, str]
    backward: dict[int, str]

    @classmethod
    def for_text(cls, text: str) -> Joiners:
        """Choose placeholders that do not occur in ``text``."""
        present = [char for char in PROTECTED if char in text]
        free = (char for char in _CANDIDATES if char not in text)
        forward: dict[int, str] = {}
        backward: dict[int, str] = {}
        for char in present:
            placeholder = next(free, None)
            if placeholder is None:  # a page using all of Mro and Mende: give up on this char
                continue
            forward[ord(char)] = placeholder
            backward[ord(placeholder)] = char
        return cls(forward, backward)

    def protect(self, text: str) -> str:
        """Replace protected characters by their placeholders."""
        return text.translate(self.forward) if self.forward else text

    def restore(self, text: str) -> str:
        """Put the original characters back."""
        return text.translate(self.backward) if self.backward else text
