"""pywb lives in its own virtual environment, never in the crawler's.

pywb 2.10 pins ``redis==2.10.6`` (pip would then downgrade scrapy-redis to a release that
breaks on current Scrapy) and monkey-patches the process with gevent on import. So we
run its ``wb-manager`` and ``wayback`` commands from a separate venv, created on first
use at ``$NEWSARCHIVE_PYWB_VENV`` or ``~/.cache/newsarchive/pywb-venv``.

``python -m archive.pywb_env`` creates it ahead of time (CI does this).
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

from archive.errors import ConfigError

PYWB_REQUIREMENT = "pywb>=2.10"


def pywb_venv_dir() -> Path:
    configured = os.environ.get("NEWSARCHIVE_PYWB_VENV")
    if configured:
        return Path(configured)
    return Path.home() / ".cache" / "newsarchive" / "pywb-venv"


def pywb_command(name: str) -> Path:
    """Path of a pywb console script (``wayback``, ``wb-manager``), installing pywb if needed."""
    path = pywb_venv_dir() / "bin" / name
    if not path.exists():
        ensure_pywb()
    return path


def ensure_pywb() -> Path:
    """Create the venv and install pywb unless it is already there."""
    directory = pywb_venv_dir()
    if (directory / "bin" / "wayback").exists():
        return directory
    try:
        venv.EnvBuilder(with_pip=True, clear=False).create(directory)
        subprocess.run(
            [str(directory / "bin" / "python"), "-m", "pip", "install", "--quiet", PYWB_REQUIREMENT],
            check=True,
        )
    except (OSError, subprocess.CalledProcessError) as exc:
        raise ConfigError(
            f"could not install pywb into {directory}: {exc} "
            "(set NEWSARCHIVE_PYWB_VENV to a venv that has pywb)"
        ) from exc
    return directory


if __name__ == "__main__":
    try:
        print(f"pywb environment: {ensure_pywb()}")
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(1)
