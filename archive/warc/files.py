"""Finding WARC files on disk: one rule for reindex, catchup, check, replay and WACZ.

A WARC is a file named ``*.warc`` or ``*.warc.gz``; folders are searched recursively;
a file named explicitly is taken whatever its name (``wget`` writes ``.warc.gz`` but
other tools don't always). ``.open`` files are WARCs still being written (or left by a
killed crawl): callers that want them ask for ``OPEN_SUFFIXES``.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from archive.errors import ConfigError

WARC_SUFFIXES = (".warc.gz", ".warc")
OPEN_SUFFIX = ".open"
OPEN_SUFFIXES = tuple(suffix + OPEN_SUFFIX for suffix in WARC_SUFFIXES)


def is_warc_name(name: str, suffixes: tuple[str, ...] = WARC_SUFFIXES) -> bool:
    """Whether a file name ends like a WARC file (``.warc`` or ``.warc.gz`` by default)."""
    return name.endswith(suffixes)


def warc_files(roots: Iterable[Path], *, suffixes: tuple[str, ...] = WARC_SUFFIXES) -> list[Path]:
    """Every WARC under ``roots`` (folders expand recursively, files are kept), each once.

    Roots keep the order given (``check a b`` reports ``a`` first); a folder's WARCs are sorted.

    Raises ``ConfigError`` naming a root that does not exist, since a typo must not look
    like an empty archive.
    """
    found: dict[Path, None] = {}
    for root in map(Path, roots):
        if root.is_dir():
            inside = sorted(p for p in root.rglob("*") if p.is_file() and is_warc_name(p.name, suffixes))
            found.update(dict.fromkeys(inside))
        elif root.is_file():
            found[root] = None
        else:
            raise ConfigError(f"no such WARC file or folder: {root}")
    return list(found)
