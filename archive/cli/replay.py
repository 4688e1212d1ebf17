"""``replay``, ``index`` and ``export-wacz``: see the captures again, in pywb or as WACZ."""

from __future__ import annotations

import datetime as dt
import signal
from pathlib import Path

import click

from archive.cli.common import archive_errors, data_dir_option, db_option, warcs_option
from archive.errors import ConfigError
from archive.replay.collection import COLLECTION, IndexStats, ensure_collection, latest_capture, replay_address
from archive.replay.server import DEFAULT_HOST, DEFAULT_PORT, ReplayServer, server_base
from archive.replay.sync import sync_collection

_all_pages_option = click.option(
    "--all-pages", is_flag=True,
    help="List every page with text on the start page, not only articles (index pages too).",
)


def _report(stats: IndexStats, shown: set[str] | None = None) -> None:
    """One line per problem; with ``shown``, each problem only the first time (while serving)."""
    for message in [*stats.errors, *stats.warnings]:
        if shown is None or message not in shown:
            click.echo(f"warning: {message}", err=True)
        if shown is not None:
            shown.add(message)


def _parse_when(value: str | None, *, end: bool) -> dt.datetime | None:
    """``YYYY-MM-DD`` or an ISO date-time, UTC unless it says otherwise.

    A bare date given as ``--until`` includes that whole day.
    """
    if value is None:
        return None
    try:
        when = dt.datetime.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(f"{value!r} is not a date (use YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS)") from exc
    if end and len(value) == 10:
        when += dt.timedelta(days=1)
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _folders(warcs: tuple[Path, ...], data_dir: Path) -> str:
    return ", ".join(str(folder) for folder in warcs or (data_dir / "warcs",))


def _serve(data_dir: Path, db_url: str | None, host: str, port: int, refresh: int, stats: IndexStats,
           all_pages: bool, warcs: tuple[Path, ...]) -> None:
    coll = ensure_collection(data_dir, warcs)
    shown = {*stats.errors, *stats.warnings}
    signal.signal(signal.SIGTERM, _interrupt)  # so that a plain kill also stops wayback
    with ReplayServer(coll, host, port) as server:
        click.echo(f"Replaying {stats.entries} captures from {_folders(warcs, data_dir)} at {server.base_url}/{COLLECTION}/")
        click.echo(f"Start page: {server.base_url}/  (Ctrl-C to stop; log: {server.log_path})")
        try:
            while server.wait(refresh or None) is None:
                _report(sync_collection(data_dir, db_url=db_url, all_pages=all_pages, warcs=warcs), shown)
        except KeyboardInterrupt:
            click.echo("Stopped.")
            return
    raise click.ClickException(f"wayback stopped unexpectedly; see {server.log_path}")


def register(main: click.Group) -> None:
    @main.command()
    @data_dir_option
    @warcs_option
    @db_option
    @click.option("--host", default=DEFAULT_HOST, show_default=True, help="Address for pywb to listen on.")
    @click.option("--port", default=DEFAULT_PORT, show_default=True, type=click.IntRange(1, 65535),
                  help="Port for pywb; replay gets an origin of its own.")
    @click.option("--url", "lookup", metavar="URL", help="Print the replay address of URL's latest capture and exit.")
    @click.option("--refresh", default=30, show_default=True, type=click.IntRange(min=0),
                  help="While serving, index new WARC files every N seconds (0: never).")
    @_all_pages_option
    @archive_errors
    def replay(data_dir: Path, warcs: tuple[Path, ...], db_url: str | None, host: str, port: int,
               lookup: str | None, refresh: int, all_pages: bool) -> None:
        """Serve the data dir's WARCs through pywb (wayback), on its own port.

        With --warcs, the WARCs of those folders instead (every worker's, for a cluster crawl).

        The collection lives in DATA_DIR/replay and links the WARC files without copying
        them; its index is brought up to date first. The start page lists the captured
        articles, each once with its earlier captures beside it.
        """
        stats = sync_collection(data_dir, db_url=db_url, all_pages=all_pages, warcs=warcs)
        _report(stats)
        if lookup is None:
            _serve(data_dir, db_url, host, port, refresh, stats, all_pages, warcs)
            return
        found = latest_capture(ensure_collection(data_dir, warcs), lookup)
        if found is None:
            raise ConfigError(f"no capture of {lookup} in {_folders(warcs, data_dir)}")
        timestamp, url = found
        click.echo(replay_address(url, timestamp, server_base(host, port)))

    @main.command()
    @data_dir_option
    @warcs_option
    @db_option
    @click.option("--rebuild", is_flag=True, help="Re-index every WARC file, not only new or changed ones.")
    @_all_pages_option
    @archive_errors
    def index(data_dir: Path, warcs: tuple[Path, ...], db_url: str | None, rebuild: bool, all_pages: bool) -> None:
        """Bring the replay collection's CDXJ index up to date with the WARC files.

        Those of DATA_DIR/warcs, or of the --warcs folders (every worker's, for a cluster
        crawl); WARCs of folders no longer given are dropped from the index.
        """
        stats = sync_collection(data_dir, rebuild=rebuild, db_url=db_url, all_pages=all_pages, warcs=warcs)
        _report(stats)
        coll = ensure_collection(data_dir, warcs)
        click.echo(f"Indexed {stats.indexed} of {stats.warcs} WARC files ({stats.entries} index entries, "
                   f"{stats.removed} removed) in {coll.indexes}")
        if stats.errors:
            raise click.ClickException(f"{len(stats.errors)} WARC files could not be indexed")

    @main.command("export-wacz")
    @data_dir_option
    @warcs_option
    @db_option
    @click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
                  help="The .wacz file to write.")
    @click.option("--site", help="Only captures of this host (and its subdomains).")
    @click.option("--since", help="Only captures made at or after this date (UTC).")
    @click.option("--until", help="Only captures made before this date-time, or up to the end of this day.")
    @click.option("--title", help="Title stored in datapackage.json.")
    @click.option("--validate", is_flag=True, help="Run 'wacz validate' on the result.")
    @archive_errors
    def export_wacz_command(data_dir: Path, warcs: tuple[Path, ...], db_url: str | None, output: Path, site: str | None, since: str | None,
                            until: str | None, title: str | None, validate: bool) -> None:
        """Package captures as a WACZ file for replayweb.page (index, pages, hashes)."""
        from archive.wacz import WaczOptions, export_wacz, validate_wacz

        options = WaczOptions(output=output, site=site, since=_parse_when(since, end=False),
                              until=_parse_when(until, end=True), title=title, warcs=warcs)
        result = export_wacz(data_dir, options, db_url)
        for warning in result.warnings:
            click.echo(f"warning: {warning}", err=True)
        size = result.path.stat().st_size / 1e6
        click.echo(f"Wrote {result.path} ({size:.1f} MB): {result.pages} pages, {result.records} records "
                   f"from {result.warcs} WARC files")
        if validate:
            passed, message = validate_wacz(result.path)
            click.echo(message)
            if not passed:
                raise click.ClickException(f"{result.path} does not validate")
