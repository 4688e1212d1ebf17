"""``newsarchive serve``: the web interface (search, read, versions, exports, sites)."""

from __future__ import annotations

import os
from pathlib import Path

import click

from archive.cli.common import archive_errors, data_dir_option, db_option


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Interface to listen on; anything but loopback exposes the archive to the network.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option("--replay-url", default=lambda: os.environ.get("NEWSARCHIVE_REPLAY_URL", "http://127.0.0.1:8080"),
              show_default="http://127.0.0.1:8080 (env NEWSARCHIVE_REPLAY_URL)",
              help="Where `newsarchive replay` serves captures; capture links and images point there.")
@data_dir_option
@db_option
@archive_errors
def serve_command(host: str, port: int, replay_url: str, data_dir: Path, db_url: str | None) -> None:
    """Browse the archive in a web browser: search, read, compare versions, export (read-only)."""
    from archive.research import open_archive
    from archive.web.server import is_loopback, serve

    archive = open_archive(data_dir, db_url)  # a missing archive stops here, with one line
    if not is_loopback(host):
        click.echo(f"warning: listening on {host}: anyone who can reach this address can read the archive "
                   "(there is no login); use --host 127.0.0.1 to keep it local", err=True)
    click.echo(f"newsarchive web interface: http://{'[' + host + ']' if ':' in host else host}:{port}/ "
               "(Ctrl-C stops it)", err=True)
    serve(archive, host, port, replay_url)


def register(main: click.Group) -> None:
    main.add_command(serve_command)
