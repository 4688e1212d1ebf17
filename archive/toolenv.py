"""Separate virtual environments for tools that must not share our process (pywb, wacz).

Each tool pins libraries that clash with ours, so it gets its own venv, created on first
use at ``$ENV_VAR`` or ``~/.cache/newsarchive/<name>-venv`` and called as a subprocess.
"""

from __future__ import annotations

import os
import subprocess
import venv
from pathlib import Path

from archive.errors import ConfigError


def tool_venv_dir(env_var: str, name: str) -> Path:
    configured = os.environ.get(env_var)
    return Path(configured) if configured else Path.home() / ".cache" / "newsarchive" / f"{name}-venv"


def ensure_tool_venv(directory: Path, requirement: str, marker: str, env_var: str) -> Path:
    """Create ``directory`` and pip-install ``requirement`` unless ``bin/<marker>`` exists."""
    if (directory / "bin" / marker).exists():
        return directory
    try:
        venv.EnvBuilder(with_pip=True, clear=False).create(directory)
        subprocess.run(
            [str(directory / "bin" / "python"), "-m", "pip", "install", "--quiet", requirement], check=True
        )
    except (OSError, subprocess.CalledProcessError) as exc:
        raise ConfigError(
            f"could not install {requirement} into {directory}: {exc} "
            f"(set {env_var} to a venv that has it)"
        ) from exc
    return directory
