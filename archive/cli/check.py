"""``newsarchive check``: one verdict per WARC file, non-zero exit on any problem."""

from __future__ import annotations

from pathlib import Path

import click

from archive.cli.common import DEFAULT_DATA_DIR
from archive.warc.check import check_file


def _warc_files(paths: tuple[Path, ...]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(path.rglob("*.warc.gz")))
        elif path.exists():
            files.append(path)
        else:
            raise click.ClickException(f"no such file or folder: {path}")
    return files


def register(main: click.Group) -> None:
    @main.command()
    @click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
    def check(paths: tuple[Path, ...]) -> None:
        """Verify WARC files (default: the data dir's warcs/ folder).

        Every gzip member must decompress, every record parse, digests match, an HTTP
        Content-Length equal the stored payload, and warcinfo come first.
        """
        files = _warc_files(paths or (Path(DEFAULT_DATA_DIR) / "warcs",))
        if not files:
            raise click.ClickException("no .warc.gz files found")
        bad = 0
        for path in files:
            report = check_file(path)
            if report.ok:
                click.echo(f"OK   {path} ({report.records} records)")
            else:
                bad += 1
                click.echo(f"FAIL {path}: {report.problems[0]}")
                for problem in report.problems[1:]:
                    click.echo(f"       {problem}")
        if bad:
            raise click.ClickException(f"{bad} of {len(files)} WARC files have problems")
