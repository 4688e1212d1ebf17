"""Regenerate docs/cli.md from the commands' own ``--help``: python docs/generate_cli.py"""

from __future__ import annotations

from pathlib import Path

import click
from click.testing import CliRunner

from scraper.cli import main


def _walk(group: click.Group, prefix: list[str]) -> list[list[str]]:
    paths = []
    for name in sorted(group.commands):
        command = group.commands[name]
        paths.append(prefix + [name])
        if isinstance(command, click.Group):
            paths.extend(_walk(command, prefix + [name]))
    return paths


def render() -> str:
    runner = CliRunner()
    parts = [
        "# Command reference\n",
        "Generated from `--help` by `python docs/generate_cli.py`; do not edit by hand.\n",
    ]
    for path in [[]] + _walk(main, []):
        result = runner.invoke(main, [*path, "--help"], prog_name="newsarchive", terminal_width=100)
        title = " ".join(["newsarchive", *path])
        parts.append(f"## `{title}`\n\n```\n{result.output.rstrip()}\n```\n")
    return "\n".join(parts)


if __name__ == "__main__":
    target = Path(__file__).with_name("cli.md")
    target.write_text(render(), encoding="utf-8")
    print(f"wrote {target}")
