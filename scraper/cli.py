"""Console entry point: ``archive``'s command group plus the commands that need Scrapy.

``archive`` never imports Scrapy, so ``crawl`` and ``demo`` are registered here, on the
same group, and ``pyproject.toml`` points the ``newsarchive`` script at this module.
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import click

from archive.cli import main
from archive.cli.common import archive_errors, data_dir_option, db_option
from archive.errors import ArchiveError, ConfigError
from scraper.cluster.commands import frontier_options
from scraper.cluster.commands import status as cluster_status
from scraper.cluster.commands import worker as cluster_worker
from scraper.cluster.settings import frontier_from
from scraper.extensions.progress import human_bytes
from scraper.run import (
    CrawlOptions,
    CrawlSummary,
    looks_like_site_name,
    parse_setting_overrides,
    run_crawl,
)


def _parse_size(text: str) -> int:
    units = {"k": 10**3, "m": 10**6, "g": 10**9, "t": 10**12}
    cleaned = text.strip().lower().removesuffix("b")
    try:
        if cleaned and cleaned[-1] in units:
            return int(float(cleaned[:-1]) * units[cleaned[-1]])
        return int(cleaned)
    except ValueError as exc:
        raise ConfigError(f"bad size {text!r}: use bytes or a unit like 500M or 1G") from exc


def print_summary(summary: CrawlSummary, data_dir: Path) -> None:
    click.echo(
        f"Crawl finished ({summary.finish_reason}) in {summary.seconds:.1f} s: "
        f"{summary.pages} pages, {summary.responses} responses, "
        f"{human_bytes(summary.payload_bytes)} archived, {summary.errors} errors."
    )
    if summary.beyond_max_pages:
        click.echo(f"  {summary.beyond_max_pages} pages beyond --max-pages were in flight and were kept.")
    for name in summary.warc_files:
        click.echo(f"  WARC: {data_dir / 'warcs' / name}")
    if summary.log_file is not None:
        click.echo(f"  Log: {summary.log_file}")
    for line in summary.extraction_warnings:
        click.echo(line)


def _exit_status(summary: CrawlSummary) -> None:
    if summary.write_error:
        raise click.ClickException(f"crawl stopped: {summary.write_error}")
    if summary.responses == 0:
        reason = summary.failures[0] if summary.failures else "no response received"
        raise click.ClickException(f"nothing was archived: {reason}")
    if summary.seed_failures:
        more = len(summary.seed_failures) - 1
        raise click.ClickException(summary.seed_failures[0] + (f" (and {more} more seeds failed)" if more else ""))


@main.command()
@click.argument("urls", nargs=-1, required=True)
@data_dir_option
@db_option
@click.option("--max-pages", type=click.IntRange(min=1), help="Stop after this many HTML pages.")
@click.option("--depth", type=click.IntRange(min=0), help="Follow links this many hops from the seeds.")
@click.option("--allow-domain", "allow_domains", multiple=True, help="Also follow links to this domain (repeatable).")
@click.option("--warc-prefix", default="newsarchive", show_default=True, help="First part of WARC file names.")
@click.option("--max-warc-size", default="1G", show_default=True, help="Rotate WARC files at this size (e.g. 500M).")
@click.option("--allow-private", is_flag=True,
              help="Allow seeds, links and redirects on private/loopback addresses.")
@click.option("-s", "--set", "settings", multiple=True, metavar="NAME=VALUE", help="Any Scrapy or ARCHIVE_* setting.")
@click.option("--resume", is_flag=True, help="Continue an interrupted crawl: skip what it already fetched.")
@click.option("-v", "--verbose", is_flag=True, help="Show Scrapy's log live (default: in DATA_DIR/logs/).")
@click.option("--summary-file", type=click.Path(path_type=Path), hidden=True)
@click.option("--frontier", envvar="NEWSARCHIVE_FRONTIER", metavar="redis://HOST:6379/N",
              help="Share the crawl with other workers through this Redis (see docs/scale.md).")
@archive_errors
def crawl(
    urls: tuple[str, ...],
    data_dir: Path,
    db_url: str | None,
    max_pages: int | None,
    depth: int | None,
    allow_domains: tuple[str, ...],
    warc_prefix: str,
    max_warc_size: str,
    allow_private: bool,
    settings: tuple[str, ...],
    resume: bool,
    verbose: bool,
    summary_file: Path | None,
    frontier: str | None,
) -> None:
    """Archive news sites from URLS, or the watched site NAME, into WARC files.

    With URLs, everything reachable within scope is fetched. With the NAME of a site
    added by `newsarchive site add`, the crawl is incremental: feeds, sitemaps and
    sections are polled, and only new, changed or due articles are fetched.
    """
    site = urls[0] if len(urls) == 1 and looks_like_site_name(urls[0]) else None
    options = CrawlOptions(
        seeds=[] if site else list(urls),
        site=site,
        resume=resume,
        data_dir=data_dir,
        max_pages=max_pages,
        depth=depth,
        allow_domains=list(allow_domains),
        warc_prefix=warc_prefix,
        max_warc_size=_parse_size(max_warc_size),
        allow_private=allow_private,
        rich_progress=sys.stderr.isatty() and not verbose,  # a live log would break the line
        db_url=db_url,
        verbose=verbose,
        overrides=parse_setting_overrides(list(settings)),
        frontier=frontier_from(frontier),
    )
    try:
        summary = run_crawl(options)
    except ArchiveError as exc:
        _write_summary(summary_file, None, str(exc))
        raise
    print_summary(summary, data_dir)
    try:
        _exit_status(summary)
    except click.ClickException as exc:
        _write_summary(summary_file, summary, exc.message)
        raise
    _write_summary(summary_file, summary, None)


def _write_summary(path: Path | None, summary: CrawlSummary | None, message: str | None) -> None:
    """For the scheduler: the run's counts as JSON."""
    if path is None:
        return
    data: dict[str, object] = {"message": message}
    if summary is not None:
        data.update(pages=summary.pages, responses=summary.responses, errors=summary.errors,
                    finish_reason=summary.finish_reason)
    path.write_text(json.dumps(data))


@main.command()
@data_dir_option
@db_option
@click.option("--port", default=0, type=click.IntRange(0, 65535), help="Port for the demo site (0: any free port).")
@click.option("--serve", is_flag=True,
              help="Keep the demo site running after the crawl (until Ctrl-C) to try site add, crawl, schedule.")
@click.option("-v", "--verbose", is_flag=True, help="Show Scrapy's log live (default: in DATA_DIR/logs/).")
@archive_errors
def demo(data_dir: Path, db_url: str | None, port: int, serve: bool, verbose: bool) -> None:
    """Serve a bundled sample news site on 127.0.0.1 and archive it (works offline)."""
    from archive.demosite import serve_demo_site

    with serve_demo_site(port=port) as server:
        click.echo(f"Serving the demo news site at {server.url}")
        options = CrawlOptions(
            seeds=[server.url],
            data_dir=data_dir,
            rich_progress=sys.stderr.isatty() and not verbose,
            db_url=db_url,
            verbose=verbose,
            # The demo site answers in milliseconds; no need to wait between requests. It is on
            # loopback, so its own address is allowed as a seed (its links stay checked).
            overrides={"AUTOTHROTTLE_ENABLED": "False", "DOWNLOAD_DELAY": "0", "ARCHIVE_ALLOW_PRIVATE_SEEDS": "True"},
        )
        summary = run_crawl(options)
        print_summary(summary, data_dir)
        _exit_status(summary)
        click.echo("\nTry next:")
        click.echo(f"  newsarchive check {data_dir / 'warcs'}")
        click.echo(f"  newsarchive search kabul --data-dir {data_dir}")
        click.echo(f"  newsarchive stats --data-dir {data_dir}")
        if serve:
            _keep_serving(server.url, data_dir)


def _keep_serving(url: str, data_dir: Path) -> None:
    """Block until Ctrl-C or SIGTERM while the demo site's thread serves."""
    import signal
    import threading

    click.echo(f"\nThe demo site stays up at {url} until Ctrl-C. In another terminal:")
    click.echo(f"  newsarchive site add demo {url} --data-dir {data_dir}")
    click.echo(f"  newsarchive crawl demo --data-dir {data_dir}")
    click.echo(f"  newsarchive schedule add demo --every 1h --data-dir {data_dir}")
    sys.stdout.flush()
    stop = threading.Event()
    # Scrapy's shutdown handlers talk to a reactor that has stopped: put plain ones back.
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    while not stop.wait(1.0):
        pass


@main.command()
@data_dir_option
@db_option
@click.option("--interval", default=30.0, show_default=True, type=click.FloatRange(min=0.1),
              help="Seconds between checks for due schedules.")
@click.option("--once", is_flag=True, help="Start what is due now, wait for it, and exit.")
@click.option("-s", "--set", "settings", multiple=True, metavar="NAME=VALUE", help="Passed to every crawl.")
@frontier_options
@archive_errors
def scheduler(data_dir: Path, db_url: str | None, interval: float, once: bool, settings: tuple[str, ...],
              frontier: str | None, prefix: str) -> None:
    """Run scheduled crawls until stopped (Ctrl-C): one crawl per site at a time."""
    from scraper.scheduler import Scheduler

    logging.basicConfig(level=logging.INFO, format="%(asctime)s [scheduler] %(message)s")
    crawl_args = [arg for pair in settings for arg in ("-s", pair)]
    if frontier_from(frontier):  # due crawls go to the shared frontier's workers (docs/scale.md)
        from scraper.cluster.launch import FrontierScheduler

        FrontierScheduler(data_dir, db_url, interval, crawl_args).attach(frontier_from(frontier), prefix).run(once=once)
        return
    Scheduler(data_dir, db_url, interval, crawl_args).run(once=once)


main.add_command(cluster_worker)
main.add_command(cluster_status)


if __name__ == "__main__":
    main()
