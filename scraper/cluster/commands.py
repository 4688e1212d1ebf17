"""The ``worker`` and ``status`` commands (registered on the CLI by scraper/cli.py).

``worker`` is the long-lived form of a cluster crawl: it waits for runs to appear in the
frontier (started by ``crawl --frontier`` elsewhere or by ``scheduler --frontier``) and
joins each with a finite ``crawl --frontier`` in a child process (Twisted's reactor
cannot restart in one process), until stopped.
"""

from __future__ import annotations

import json
import logging
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import click

from archive.cli.common import archive_errors, data_dir_option, db_option
from scraper.cluster.connection import connect, ping
from scraper.cluster.keys import ClusterKeys
from scraper.cluster.settings import FRONTIER_ENV, frontier_from
from scraper.cluster.status import read_status, render

logger = logging.getLogger(__name__)

frontier_option = click.option("--frontier", envvar=FRONTIER_ENV, metavar="redis://HOST:6379/N",
                               help=f"The shared frontier (or ${FRONTIER_ENV}).")
prefix_option = click.option("--prefix", default="newsarchive", show_default=True,
                             help="Key prefix in Redis (ARCHIVE_CLUSTER_PREFIX of the crawls).")


def frontier_options(func: Any) -> Any:
    """``--frontier`` and ``--prefix``, for commands that may use the shared frontier."""
    return frontier_option(prefix_option(func))


def _server(frontier: str | None) -> tuple[Any, str]:
    url = frontier_from(frontier)
    if url is None:
        raise click.UsageError(f"--frontier (or {FRONTIER_ENV}) is required")
    server = connect(url)
    ping(server, url)
    return server, url


@click.command()
@frontier_option
@prefix_option
@archive_errors
def status(frontier: str | None, prefix: str) -> None:
    """Show the cluster: workers alive, queue per site, pages/s, errors, politeness waits."""
    server, _ = _server(frontier)
    for line in render(read_status(server, ClusterKeys(prefix))):
        click.echo(line)


@click.command()
@frontier_option
@prefix_option
@data_dir_option
@db_option
@click.option("--poll", default=5.0, show_default=True, type=click.FloatRange(min=0.1),
              help="Seconds between looks for new runs.")
@click.option("--once", is_flag=True, help="Join the runs active now, then exit.")
@click.option("--allow-private", is_flag=True, help="Passed to every crawl: allow private/loopback addresses.")
@click.option("-s", "--set", "settings", multiple=True, metavar="NAME=VALUE", help="Passed to every crawl.")
@archive_errors
def worker(frontier: str | None, prefix: str, data_dir: Path, db_url: str | None, poll: float, once: bool,
           allow_private: bool, settings: tuple[str, ...]) -> None:
    """Wait for crawls in the shared frontier and work on them until stopped (Ctrl-C)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s [worker] %(message)s")
    server, url = _server(frontier)
    keys = ClusterKeys(prefix)
    extra = [arg for pair in settings for arg in ("-s", pair)]
    if db_url:
        extra += ["--db", db_url]
    if allow_private:
        extra.append("--allow-private")
    stopping: list[int] = []
    signal.signal(signal.SIGTERM, lambda signum, frame: stopping.append(signum))
    while not stopping:
        for run in sorted(r.decode() for r in server.smembers(keys.runs)):
            raw = server.hget(keys.run_args, run)
            if raw and not stopping:
                _join(run, json.loads(raw), url, prefix, data_dir, extra)
        if once:
            return
        time.sleep(poll)


def _join(run: str, args: dict[str, Any], url: str, prefix: str, data_dir: Path, extra: list[str]) -> None:
    targets = [args["site"]] if args.get("site") else list(args.get("urls", []))
    command = [sys.executable, "-m", "scraper.cli", "crawl", *targets, "--data-dir", str(data_dir),
               "--frontier", url, "-s", f"ARCHIVE_CLUSTER_PREFIX={prefix}", *extra]
    logger.info("joining run %s", run)
    child = subprocess.Popen(command, stdin=subprocess.DEVNULL)
    try:
        code = child.wait()
    except KeyboardInterrupt:
        child.send_signal(signal.SIGINT)
        child.wait()
        raise
    logger.info("run %s: crawl exited with %d", run, code)
