"""Documentation coverage: every command and every ARCHIVE_* setting is documented."""

from __future__ import annotations

import re
from pathlib import Path

from scraper import settings as scraper_settings

DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_cli_reference_is_current() -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("generate_cli", DOCS / "generate_cli.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert (DOCS / "cli.md").read_text(encoding="utf-8") == module.render(), (
        "docs/cli.md is stale: run python docs/generate_cli.py"
    )


def test_every_archive_setting_is_documented() -> None:
    documented = set(re.findall(r"`(ARCHIVE_[A-Z_]+)`", (DOCS / "settings.md").read_text(encoding="utf-8")))
    defined = {name for name in dir(scraper_settings) if name.startswith("ARCHIVE_")}
    assert defined - documented == set(), f"undocumented settings: {sorted(defined - documented)}"
