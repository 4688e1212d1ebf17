"""pywb lives in its own virtual environment, never in the crawler's.

pywb 2.10 pins ``redis==2.10.6`` (pip would then downgrade scrapy-redis to a release that
breaks on current Scrapy) and monkey-patches the process with gevent on import. So we
run its ``wb-manager`` and ``wayback`` commands from a separate venv, created on first
use at ``$NEWSARCHIVE_PYWB_VENV`` or ``~/.cache/newsarchive/pywb-venv``.

``python -m archive.pywb_env`` creates it ahead of time (CI does this).
"""

from __future__ import annotations

import sys
from pathlib import Path

from archive.errors import ConfigError
from archive.toolenv import ensure_tool_venv, tool_venv_dir

PYWB_REQUIREMENT = "pywb>=2.10"


def pywb_venv_dir() -> Path:
    return tool_venv_dir("NEWSARCHIVE_PYWB_VENV", "pywb")


def pywb_command(name: str) -> Path:
    """Path of a pywb console script (``wayback``, ``wb-manager``), installing pywb if needed."""
    path = pywb_venv_dir() / "bin" / name
    if not path.exists():
        ensure_pywb()
    return path


def ensure_pywb() -> Path:
    """Create the venv and install pywb unless it is already there."""
    return ensure_tool_venv(pywb_venv_dir(), PYWB_REQUIREMENT, "wayback", "NEWSARCHIVE_PYWB_VENV")


if __name__ == "__main__":
    try:
        print(f"pywb environment: {ensure_pywb()}")
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(1)
