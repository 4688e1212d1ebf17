"""``newsarchive extract FILE... [--url URL] [--format json|jsonl|text]``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from archive.cli.common import archive_errors
from archive.errors import ArchiveError, ExtractionError
from archive.extract import Article, ExtractOptions, extract_article
from archive.warc.decode import GZIP_MAGIC, gunzip_capped

_MAX_INPUT = ExtractOptions().max_bytes


def register(main: click.Group) -> None:
    """Add the ``extract`` command to ``main``."""
    main.add_command(extract)


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(allow_dash=True, dir_okay=False, path_type=str))
@click.option("--url", help="URL the page was fetched from (default: a file:// URL of FILE).")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["json", "jsonl", "text"]),
    default=None,
    help="json (one file), jsonl (one object per file, with a 'source' key) or text. "
    "Default: json for one file, jsonl for several.",
)
@archive_errors
def extract(files: tuple[str, ...], url: str | None, output_format: str | None) -> None:
    """Extract article text and metadata from saved HTML FILEs (- for stdin, .gz read decompressed)."""
    output_format = output_format or ("json" if len(files) == 1 else "jsonl")
    if output_format == "json" and len(files) > 1:
        raise click.UsageError("--format json takes one FILE; use --format jsonl for several")
    if output_format == "jsonl":
        for name in files:
            click.echo(json.dumps(_record(name, url), ensure_ascii=False))
        return
    for name in files:
        article = extract_article(_read(name), url or _file_url(name))
        if output_format == "json":
            click.echo(json.dumps(article.to_dict(), ensure_ascii=False, indent=2))
        else:
            click.echo(_as_text(article))


def _record(name: str, url: str | None) -> dict[str, Any]:
    """One jsonl object: the article, or an ``error`` key; never an abort."""
    try:
        return {"source": name, **extract_article(_read(name), url or _file_url(name)).to_dict()}
    except ArchiveError as exc:
        return {"source": name, "error": str(exc)}


def _read(name: str) -> bytes:
    try:
        if name == "-":
            data = sys.stdin.buffer.read(_MAX_INPUT + 1)
        else:
            with open(name, "rb") as handle:
                data = handle.read(_MAX_INPUT + 1)
    except OSError as exc:
        raise ExtractionError(f"{name}: cannot read ({exc.strerror})") from exc
    if data[:2] == GZIP_MAGIC:
        data = _gunzip(name, data)
    return data


def _gunzip(name: str, data: bytes) -> bytes:
    if len(data) > _MAX_INPUT:
        raise ExtractionError(f"{name}: compressed file over {_MAX_INPUT // 1_048_576} MiB")
    return gunzip_capped(data, _MAX_INPUT, name)


def _file_url(name: str) -> str:
    return "stdin:" if name == "-" else Path(name).resolve().as_uri()


def _as_text(article: Article) -> str:
    head = [article.title or "", ", ".join(article.authors), article.published or ""]
    return "\n".join(line for line in head if line) + "\n\n" + article.body + "\n"
