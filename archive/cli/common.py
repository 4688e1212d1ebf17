"""Options and error handling shared by every command."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from archive.errors import ArchiveError

F = TypeVar("F", bound=Callable[..., Any])

DEFAULT_DATA_DIR = "newsarchive-data"


def data_dir_option(func: F) -> F:
    """``--data-dir`` (env ``NEWSARCHIVE_DATA_DIR``, default ``./newsarchive-data``)."""
    return click.option(
        "--data-dir",
        type=click.Path(path_type=Path),
        default=lambda: os.environ.get("NEWSARCHIVE_DATA_DIR", DEFAULT_DATA_DIR),
        show_default=DEFAULT_DATA_DIR,
        help="Folder holding warcs/, the SQLite database and crawl state.",
    )(func)


WARCS_ENV = "NEWSARCHIVE_WARCS"


def warcs_option(func: F) -> F:
    """``--warcs DIR``, repeatable (env ``NEWSARCHIVE_WARCS``, folders joined by ``:``): the
    WARC folders of every worker of a cluster crawl; default ``DATA_DIR/warcs``."""
    return click.option(
        "--warcs",
        "warcs",
        multiple=True,
        envvar=WARCS_ENV,
        type=click.Path(exists=True, file_okay=False, path_type=Path),
        help=f"A folder of WARC files; repeat for every worker's folder (or ${WARCS_ENV}, "
        "folders joined by ':'). Default: DATA_DIR/warcs.",
    )(func)


def db_option(func: F) -> F:
    """``--db URL`` (env ``NEWSARCHIVE_DB``); default SQLite inside the data dir."""
    return click.option(
        "--db",
        "db_url",
        default=lambda: os.environ.get("NEWSARCHIVE_DB"),
        help="SQLAlchemy URL, e.g. postgresql+psycopg://postgres@127.0.0.1/test. "
        "Default: SQLite in the data dir.",
    )(func)


def archive_errors(func: F) -> F:
    """Turn any ``ArchiveError`` into one stderr line and exit status 1."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ArchiveError as exc:
            raise click.ClickException(str(exc)) from exc

    return wrapper  # type: ignore[return-value]
