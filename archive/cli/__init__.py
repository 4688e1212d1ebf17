"""The ``newsarchive`` command line: parse, call ``archive``, print, exit code.

Each command group lives in its own module and registers itself on ``main``.
``ArchiveError`` becomes one stderr line and exit 1 (see ``archive.cli.common``).
"""

from __future__ import annotations

import importlib

import click

from archive import __version__

_COMMAND_MODULES = (
    "archive.cli.check",
    "archive.cli.extract",
    "archive.cli.db",
    "archive.cli.sites",
    "archive.cli.replay",
    "archive.cli.web",
)
# ``crawl`` and ``demo`` need Scrapy, so they are registered by ``scraper.cli`` (the console
# script's entry point); ``archive`` itself never imports Scrapy.


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="newsarchive")
def main() -> None:
    """Preserve news sites as WARC and query the articles they hold."""


def _register_commands() -> None:
    """Import every command module; a missing or broken one fails loudly rather than
    silently dropping its commands from ``--help``."""
    for name in _COMMAND_MODULES:
        importlib.import_module(name).register(main)


_register_commands()
