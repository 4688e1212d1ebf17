"""Agreement between two trafilatura passes: where the article ends, decided by both.

trafilatura's default pass keeps too much at the edges of the body (related-story lists,
newsletter and "read more" promos, contact lines, category labels after the last
paragraph); its precision pass finds the same article core but loses leads and real
paragraphs of its own. So the default pass gives the lines, and the precision pass
(``fast``: no readability/justext fallbacks, to keep the CPU cost down) says where the
article is: lines after the last line both passes agree on are dropped, and lines before
the first agreed line are dropped only when they look like headings (no terminal
punctuation, few words), since leads and standfirsts sit there. Everything between
the first and the last agreed line is kept, so nothing inside the article is lost to
the precision pass's own misses. When the precision pass found much less text than
the default pass, it probably picked another block, and it is not trusted. The second
pass costs CPU, so it runs only when an edge of the body looks like boilerplate.

Measured on both benchmark sets (see docs/extraction.md); no site rules.
"""

from __future__ import annotations

import re

_WORD = re.compile(r"\w+")
_PREFIX_WORDS = 6  # two lines agree when their first words match ...
_MIN_WORDS = 4  # ... or when a line of at least this many words ...
_SHARED_WORDS = 0.9  # ... has this share of its words in the precision pass
_MIN_PRECISE_SHARE = 0.5  # precision text under this share of the default text: not trusted
_HEADING_WORDS = 20
_TERMINAL = ".!?\"”»)…:;"


def worth_checking(lines: list[str]) -> bool:
    """Whether an edge of the body looks like boilerplate (a heading-like first or last line).

    When the body starts and ends with sentences the cut rarely helps: on the benchmark sets,
    skipping the second pass there loses nothing and saves a third of its runs.
    """
    return bool(lines) and (heading_like(lines[0]) or heading_like(lines[-1]))


def trim_to_agreement(lines: list[str], precise: list[str]) -> list[str]:
    """``lines`` (default pass) cut to the span the precision pass agrees with."""
    if not precise or sum(map(len, precise)) < _MIN_PRECISE_SHARE * sum(map(len, lines)):
        return lines
    agreed = _agreed(lines, precise)
    if not any(agreed):
        return lines
    first = agreed.index(True)
    last = len(agreed) - 1 - agreed[::-1].index(True)
    head = [line for line in lines[:first] if not heading_like(line)]
    return head + lines[first : last + 1]


def _agreed(lines: list[str], precise: list[str]) -> list[bool]:
    """Per default-pass line: does the precision pass hold it (allowing for dropped link text)?"""
    prefixes = {tuple(words[:_PREFIX_WORDS]) for words in map(_words, precise) if words}
    vocabulary = {word for line in precise for word in _words(line)}
    flags = []
    for line in lines:
        words = _words(line)
        if not words:
            flags.append(False)
        elif tuple(words[:_PREFIX_WORDS]) in prefixes:
            flags.append(True)
        else:
            shared = sum(word in vocabulary for word in words) / len(words)
            flags.append(len(words) >= _MIN_WORDS and shared >= _SHARED_WORDS)
    return flags


def _words(line: str) -> list[str]:
    return _WORD.findall(line.lower())


def heading_like(line: str) -> bool:
    """No terminal punctuation and at most ``_HEADING_WORDS`` words: a title, label or link, not a sentence."""
    text = line.strip()
    return text[-1:] not in _TERMINAL and len(text.split()) <= _HEADING_WORDS
