"""Typed settings that belong to the archive rather than to one crawl, read once.

They come from ``DATA_DIR/newsarchive.toml`` (section ``[archive]``), overridden by
environment variables, so an archivist sets the contact URL once per archive:

    [archive]
    contact_url = "https://example.org/about-our-archive"
    is_part_of = "Afghan news 2026"
    operator = "Example Library"
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from archive import __version__
from archive.errors import ConfigError

CONFIG_FILE_NAME = "newsarchive.toml"
DEFAULT_CONTACT_URL = "https://github.com/newsarchive/newsarchive"


@dataclass(frozen=True)
class ArchiveConfig:
    contact_url: str = DEFAULT_CONTACT_URL
    is_part_of: str = "newsarchive"
    operator: str | None = None

    @property
    def user_agent(self) -> str:
        """Names the tool and how to reach whoever runs it, as polite crawlers do."""
        return f"newsarchive/{__version__} (+{self.contact_url})"


def load_config(data_dir: Path) -> ArchiveConfig:
    """Read ``newsarchive.toml`` from the data dir (if any), then the environment."""
    values: dict[str, str] = {}
    path = Path(data_dir) / CONFIG_FILE_NAME
    if path.exists():
        try:
            section = tomllib.loads(path.read_text(encoding="utf-8")).get("archive", {})
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: not valid TOML ({exc})") from exc
        values.update({k: str(v) for k, v in section.items() if k in _FIELDS})
    for name in _FIELDS:
        env = os.environ.get(f"NEWSARCHIVE_{name.upper()}")
        if env:
            values[name] = env
    return ArchiveConfig(**values)


_FIELDS = ("contact_url", "is_part_of", "operator")
