"""``newsarchive check``: one verdict per WARC file, non-zero exit on any problem."""

from __future__ import annotations

from pathlib import Path

import click

from archive.cli.common import WARCS_ENV, data_dir_option
from archive.errors import ConfigError
from archive.warc.check import FileReport, check_file
from archive.warc.files import OPEN_SUFFIXES, WARC_SUFFIXES, is_warc_name, warc_files


def _warc_files(paths: tuple[Path, ...]) -> tuple[list[Path], list[Path]]:
    """(WARC files to check, ``.open`` files still being written or left by a killed crawl)."""
    try:
        found = warc_files(paths, suffixes=WARC_SUFFIXES + OPEN_SUFFIXES)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from exc
    return ([p for p in found if not is_warc_name(p.name, OPEN_SUFFIXES)],
            [p for p in found if is_warc_name(p.name, OPEN_SUFFIXES)])


def _print_report(report: FileReport) -> None:
    notes = f", {len(report.notes)} note{'s' if len(report.notes) > 1 else ''}" if report.notes else ""
    if report.ok:
        click.echo(f"OK   {report.path} ({report.records} records{notes})")
    else:
        click.echo(f"FAIL {report.path}: {report.problems[0]}")
        for problem in report.problems[1:]:
            click.echo(f"       {problem}")
    for note in report.notes:
        click.echo(f"       note: {note}")


def register(main: click.Group) -> None:
    @main.command()
    @click.argument("paths", nargs=-1, type=click.Path(path_type=Path), envvar=WARCS_ENV)
    @click.option("--strict", is_flag=True,
                  help="Treat our own conventions (warcinfo first, one record per gzip member) as problems.")
    @data_dir_option
    def check(paths: tuple[Path, ...], strict: bool, data_dir: Path) -> None:
        """Verify WARC files, .warc.gz or .warc (default: the data dir's warcs/ folder).

        Give several folders (or $NEWSARCHIVE_WARCS, joined by ':') to check the WARCs of
        every worker of a cluster crawl.

        Problems (exit 1): a gzip member that does not decompress, a record that does not
        parse or lacks a mandatory header, a digest that does not match, an HTTP
        Content-Length that differs from the stored payload. Notes: our conventions,
        which valid WARCs from other tools need not follow. Files still named .open are
        listed: a crawl is writing them, or the next crawl recovers them.
        """
        files, open_files = _warc_files(paths or (data_dir / "warcs",))
        for path in open_files:
            click.echo(f"OPEN {path}: still being written, or left by a killed crawl (the next crawl recovers it)")
        if not files:
            raise click.ClickException("no .warc or .warc.gz files found")
        bad = 0
        for path in files:
            report = check_file(path, strict=strict)
            bad += not report.ok
            _print_report(report)
        if bad:
            raise click.ClickException(f"{bad} of {len(files)} WARC files have problems")
