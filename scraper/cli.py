"""Console entry point: ``archive``'s command group plus the commands that need Scrapy.

``archive`` never imports Scrapy, so ``crawl`` and ``demo`` are registered here, on the
same group, and ``pyproject.toml`` points the ``newsarchive`` script at this module.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from archive.cli import main
from archive.cli.common import archive_errors, data_dir_option, db_option
from archive.errors import ConfigError
from scraper.extensions.progress import human_bytes
from scraper.run import CrawlOptions, CrawlSummary, parse_setting_overrides, run_crawl


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
    for name in summary.warc_files:
        click.echo(f"  WARC: {data_dir / 'warcs' / name}")


def _exit_status(summary: CrawlSummary) -> None:
    if summary.write_error:
        raise click.ClickException(f"crawl stopped: {summary.write_error}")
    if summary.responses == 0:
        reason = summary.failures[0] if summary.failures else "no response received"
        raise click.ClickException(f"nothing was archived: {reason}")


@main.command()
@click.argument("urls", nargs=-1, required=True)
@data_dir_option
@db_option
@click.option("--max-pages", type=click.IntRange(min=1), help="Stop after this many HTML pages.")
@click.option("--depth", type=click.IntRange(min=0), help="Follow links this many hops from the seeds.")
@click.option("--allow-domain", "allow_domains", multiple=True, help="Also follow links to this domain (repeatable).")
@click.option("--warc-prefix", default="newsarchive", show_default=True, help="First part of WARC file names.")
@click.option("--max-warc-size", default="1G", show_default=True, help="Rotate WARC files at this size (e.g. 500M).")
@click.option("--allow-private", is_flag=True, help="Allow links and redirects to private/loopback addresses.")
@click.option("-s", "--set", "settings", multiple=True, metavar="NAME=VALUE", help="Any Scrapy or ARCHIVE_* setting.")
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
) -> None:
    """Archive news sites starting from URLS into WARC files under the data dir."""
    options = CrawlOptions(
        seeds=list(urls),
        data_dir=data_dir,
        max_pages=max_pages,
        depth=depth,
        allow_domains=list(allow_domains),
        warc_prefix=warc_prefix,
        max_warc_size=_parse_size(max_warc_size),
        allow_private=allow_private,
        rich_progress=sys.stderr.isatty(),
        db_url=db_url,
        overrides=parse_setting_overrides(list(settings)),
    )
    summary = run_crawl(options)
    print_summary(summary, data_dir)
    _exit_status(summary)


@main.command()
@data_dir_option
@db_option
@click.option("--port", default=0, type=click.IntRange(0, 65535), help="Port for the demo site (0: any free port).")
@archive_errors
def demo(data_dir: Path, db_url: str | None, port: int) -> None:
    """Serve a bundled sample news site on 127.0.0.1 and archive it (works offline)."""
    from archive.demosite import serve_demo_site

    with serve_demo_site(port=port) as server:
        click.echo(f"Serving the demo news site at {server.url}")
        options = CrawlOptions(
            seeds=[server.url],
            data_dir=data_dir,
            rich_progress=sys.stderr.isatty(),
            db_url=db_url,
            # The demo site answers in milliseconds; no need to wait between requests.
            overrides={"AUTOTHROTTLE_ENABLED": "False", "DOWNLOAD_DELAY": "0"},
        )
        summary = run_crawl(options)
    print_summary(summary, data_dir)
    _exit_status(summary)
    click.echo("\nTry next:")
    click.echo(f"  newsarchive check {data_dir / 'warcs'}")
    click.echo(f"  newsarchive search kabul --data-dir {data_dir}")
    click.echo(f"  newsarchive stats --data-dir {data_dir}")


if __name__ == "__main__":
    main()
