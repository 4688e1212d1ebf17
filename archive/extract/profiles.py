"""Declarative site profiles (``archive/profiles/*.toml``): extra rules without code changes.

A profile names its ``hosts`` and may give ``[body] keep/drop`` CSS selectors,
``drop_paragraphs`` regular expressions, and ``[metadata]`` selectors with a
``date_format`` (``strptime``). See ``kabultimes.toml`` and ``docs/extraction.md``.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from cssselect import SelectorError
from lxml.cssselect import CSSSelector
from lxml.html import HtmlElement

from archive.errors import ConfigError

BUILTIN_DIR = Path(__file__).resolve().parent.parent / "profiles"


@dataclass(frozen=True)
class Profile:
    """The rules of one site."""

    name: str
    hosts: tuple[str, ...]
    site_name: str | None = None
    keep: tuple[CSSSelector, ...] = ()
    drop: tuple[CSSSelector, ...] = ()
    drop_paragraphs: re.Pattern[str] | None = None
    metadata: dict[str, CSSSelector] = field(default_factory=dict)
    date_format: str | None = None

    def matches(self, host: str) -> bool:
        """True for one of ``hosts`` or a subdomain of one."""
        host = host.lower().rstrip(".")
        return any(host == h or host.endswith(f".{h}") for h in self.hosts)

    def keep_element(self, tree: HtmlElement) -> HtmlElement | None:
        """The content element named by the first matching ``keep`` selector."""
        for selector in self.keep:
            found = selector(tree)
            if found:
                return found[0]
        return None

    def drop_elements(self, tree: HtmlElement) -> list[HtmlElement]:
        """Every element a ``drop`` selector matches."""
        return [element for selector in self.drop for element in selector(tree)]

    def field_text(self, tree: HtmlElement, name: str) -> list[str]:
        """Texts of the elements of metadata selector ``name``."""
        selector = self.metadata.get(name)
        if selector is None:
            return []
        return [t for t in (" ".join(e.text_content().split()) for e in selector(tree)) if t]


def find_profile(host: str, extra_dirs: tuple[Path, ...] = ()) -> Profile | None:
    """The profile for ``host`` (extra directories are searched first), or ``None``."""
    for profile in load_profiles(tuple(extra_dirs) + (BUILTIN_DIR,)):
        if profile.matches(host):
            return profile
    return None


@lru_cache(maxsize=8)
def load_profiles(directories: tuple[Path, ...]) -> tuple[Profile, ...]:
    """Every ``*.toml`` profile in ``directories``, in order."""
    return tuple(
        load_profile(path) for directory in directories if directory.is_dir() for path in sorted(directory.glob("*.toml"))
    )


def load_profile(path: Path) -> Profile:
    """Parse one profile file; ``ConfigError`` names the file and the bad key."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        body = data.get("body", {})
        meta = data.get("metadata", {})
        patterns = body.get("drop_paragraphs", [])
        return Profile(
            name=str(data.get("name") or path.stem),
            hosts=tuple(h.lower() for h in data["hosts"]),
            site_name=data.get("site_name"),
            keep=tuple(CSSSelector(s) for s in body.get("keep", [])),
            drop=tuple(CSSSelector(s) for s in body.get("drop", [])),
            drop_paragraphs=re.compile("|".join(f"(?:{p})" for p in patterns), re.I) if patterns else None,
            metadata={k: CSSSelector(v) for k, v in meta.items() if k != "date_format"},
            date_format=meta.get("date_format"),
        )
    except (OSError, tomllib.TOMLDecodeError, KeyError, TypeError, SelectorError, re.error) as exc:
        raise ConfigError(f"site profile {path}: {type(exc).__name__}: {exc}") from exc
