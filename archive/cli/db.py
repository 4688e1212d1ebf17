"""Database commands: ``db upgrade``, ``search``, ``show``, ``export``, ``reindex``, ``stats``."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

import click

from archive.cli.common import WARCS_ENV, archive_errors, data_dir_option, db_option
from archive.db.search import SORTS

_DATE_FORMATS = ["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M"]


def register(main: click.Group) -> None:
    main.add_command(db_group)
    for command in (search_command, show_command, export_command, reindex_command, stats_command):
        main.add_command(command)


def _open(data_dir: Path, db_url: str | None):  # noqa: ANN202
    """An existing archive, read-only: these commands create nothing."""
    from archive.db.session import open_archive

    return open_archive(data_dir, db_url)


PAGE_TYPES = ("article", "index", "consent_wall", "paywall", "error", "other", "all")


def _page_type_option(func: Any) -> Any:
    return click.option(
        "--page-type", type=click.Choice(PAGE_TYPES), default="article", show_default=True,
        help="Kind of page: section fronts, tag and author pages are 'index' captures, not articles; "
        "'all' for every kind.",
    )(func)


def _filter_options(func: Any) -> Any:
    options = [
        click.option("--site", help="Host name (subdomains included) or site name."),
        click.option("--section", help="Section contains this text (case-insensitive)."),
        click.option("--author", help="An author's name contains this text (case-insensitive)."),
        click.option("--language", help="Language code; 'fa' also matches 'fa-AF'."),
        click.option("--since", type=click.DateTime(_DATE_FORMATS), help="Published on or after (UTC)."),
        click.option("--until", type=click.DateTime(_DATE_FORMATS), help="Published before (UTC)."),
        _page_type_option,
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _filters(limit: int = 20, sort: str = "relevance", **kw: Any):  # noqa: ANN202
    from archive.db.search import SearchFilters

    for key in ("since", "until"):
        if kw.get(key) is not None:
            kw[key] = kw[key].replace(tzinfo=dt.UTC)
    if kw.get("page_type") == "all":
        kw["page_type"] = None
    return SearchFilters(limit=limit, sort=sort, **kw)


@click.group("db")
def db_group() -> None:
    """Manage the article database."""


@db_group.command("upgrade")
@data_dir_option
@db_option
@archive_errors
def upgrade_command(data_dir: Path, db_url: str | None) -> None:
    """Apply pending migrations (they also run on first use)."""
    from archive.db.migrate import upgrade
    from archive.db.session import database_url, open_database

    db = open_database(data_dir, db_url, upgrade=False)
    try:
        before, after = upgrade(db.engine)
    finally:
        db.dispose()
    url = database_url(data_dir, db_url)
    shown = db.engine.url.render_as_string(hide_password=True) if db_url else url
    if before == after:
        click.echo(f"{shown}: already at revision {after}")
    else:
        click.echo(f"{shown}: upgraded from {before or 'empty'} to {after}")


@click.command("search")
@click.argument("query", default="")
@_filter_options
@click.option("--limit", type=click.IntRange(1, 1000), default=20, show_default=True)
@click.option("--sort", type=click.Choice(SORTS), default="relevance", show_default=True)
@click.option("--format", "fmt", type=click.Choice(["table", "json", "jsonl"]), default="table", show_default=True)
@data_dir_option
@db_option
@archive_errors
def search_command(query: str, limit: int, sort: str, fmt: str, data_dir: Path, db_url: str | None,
                   **filters: Any) -> None:
    """Search articles. QUERY: words, "phrases", -word, OR, title:/author:/section:/site:/language:."""
    from archive.db.search import search

    if not query.strip() and not any(v for k, v in filters.items() if k != "page_type"):
        raise click.UsageError("give a QUERY or at least one filter option")
    from archive.db.lookup import latest_captures

    db = _open(data_dir, db_url)
    try:
        with db.session() as session:
            hits = search(session, query, _filters(limit=limit, sort=sort, **filters))
            captures = latest_captures(session, [h.id for h in hits])
    finally:
        db.dispose()
    rows = [h.to_dict() for h in hits]
    for row in rows:
        if row["id"] in captures:
            row["replay"] = _replay(*captures[row["id"]])
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    elif fmt == "jsonl":
        for row in rows:
            click.echo(json.dumps(row, ensure_ascii=False))
    else:
        _print_table(rows)


def _print_table(rows: list[dict[str, Any]]) -> None:
    from rich.console import Console
    from rich.table import Table

    if not rows:
        click.echo("No articles found.")
        return
    table = Table("id", "published", "site", "title", "snippet")
    for row in rows:
        table.add_row(str(row["id"]), (row["published"] or "")[:10], row["site"] or "", row["title"] or "",
                      row["snippet"])
    Console().print(table)


@click.command("show")
@click.argument("article_id", type=int)
@click.option("--versions", is_flag=True, help="List every version, not only the latest.")
@click.option("--diff", is_flag=True, help="Unified diff between consecutive versions.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@_page_type_option
@data_dir_option
@db_option
@archive_errors
def show_command(article_id: int, versions: bool, diff: bool, fmt: str, page_type: str, data_dir: Path,
                 db_url: str | None) -> None:
    """Show one article (by the id that search prints)."""
    from archive.db.lookup import article_detail, version_diffs

    db = _open(data_dir, db_url)
    try:
        with db.session() as session:
            detail = article_detail(session, article_id)
    finally:
        db.dispose()
    if detail is None:
        raise click.ClickException(f"no article with id {article_id}; find ids with `newsarchive search`")
    kind = detail["versions"][-1]["page_type"] if detail["versions"] else None
    if page_type != "all" and kind != page_type:
        raise click.ClickException(f"{article_id} is a page of type {kind!r}, not {page_type!r}; "
                                   "add --page-type all to show it")
    for version in detail["versions"]:
        capture = version.get("capture")
        if capture:
            capture["replay"] = _replay(capture["url"], dt.datetime.fromisoformat(capture["fetched_at"]))
    latest = detail["versions"][-1].get("capture") if detail["versions"] else None
    detail["replay"] = latest.get("replay") if latest else None
    if fmt == "json":
        if diff:
            detail["diffs"] = version_diffs(detail)
        click.echo(json.dumps(detail, ensure_ascii=False, indent=2))
        return
    if versions or not diff:
        _print_article(detail, versions, body=not diff)
    if diff:
        diffs = version_diffs(detail)
        click.echo("\n\n".join(diffs) if diffs else f"article {article_id} has one version: nothing to diff")


def _replay_base() -> str:
    """Where ``newsarchive replay`` serves (``NEWSARCHIVE_REPLAY_URL``, default http://127.0.0.1:8080)."""
    import os

    from archive.replay import DEFAULT_PORT

    return os.environ.get("NEWSARCHIVE_REPLAY_URL") or f"http://127.0.0.1:{DEFAULT_PORT}"


def _replay(url: str, fetched_at: dt.datetime) -> str:
    """The pywb address of a capture."""
    from archive.replay import replay_address

    return replay_address(url, fetched_at, _replay_base())


def _print_article(detail: dict[str, Any], versions: bool, body: bool = True) -> None:
    click.echo(f"{detail['title'] or '(no title)'}")
    click.echo(f"{detail['url']}")
    if detail.get("replay"):
        click.echo(f"replay: {detail['replay']}")
    meta = [detail["site"], detail["published"], ", ".join(detail["authors"] or []), detail["language"],
            detail["section"]]
    click.echo(" | ".join(str(m) for m in meta if m))
    click.echo(f"versions: {detail['version_count']}  first seen {detail['first_seen']}  "
               f"last seen {detail['last_seen']}")
    if versions:
        for v in detail["versions"]:
            cap = v["capture"] or {}
            click.echo(f"  v{v['number']}: {v['first_seen']} .. {v['last_seen']}  "
                       f"{cap.get('warc_file', '')}@{cap.get('warc_offset', '')}  {v['title'] or ''}")
    if body:
        click.echo("")
        click.echo(detail["body"] or "")
    else:
        click.echo("")


@click.command("export")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv", "parquet"]), required=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True), required=True,
              help="File to write; '-' writes jsonl/csv to stdout.")
@click.option("--query", "query", default="", help="Only articles matching this search query.")
@_filter_options
@data_dir_option
@db_option
@archive_errors
def export_command(fmt: str, output: str, query: str, data_dir: Path, db_url: str | None, **filters: Any) -> None:
    """Export one row per article (its latest version), streaming.

    The file appears only when complete (written under a temporary name, then renamed).
    """
    from archive.db.export import export_articles

    page_type = filters["page_type"]
    if output == "-" and fmt == "parquet":
        raise click.UsageError("Parquet cannot go to stdout; give a file with -o")
    db = _open(data_dir, db_url)
    try:
        target: Any = sys.stdout.buffer if output == "-" else Path(output)
        count = export_articles(db, fmt, target, query=query, filters=_filters(**filters), page_type=page_type,
                                replay_base=_replay_base())
    finally:
        db.dispose()
    kind = "pages" if page_type == "all" else "articles" if page_type == "article" else f"{page_type} pages"
    click.echo(f"exported {count} {kind} to {output}", err=True)


@click.command("reindex")
@click.argument("warcs", nargs=-1, type=click.Path(exists=True, path_type=Path), envvar=WARCS_ENV)
@click.option("--rebuild", is_flag=True, help="Delete all derived rows first, then rebuild from the WARCs.")
@click.option("--workers", type=click.IntRange(1, 64), help="Extraction processes (default: one per core).")
@data_dir_option
@db_option
@archive_errors
def reindex_command(warcs: tuple[Path, ...], rebuild: bool, workers: int | None, data_dir: Path,
                    db_url: str | None) -> None:
    """Rebuild the database from WARC files (default: every WARC in DATA_DIR/warcs).

    Give every worker's folder of a cluster crawl (or $NEWSARCHIVE_WARCS, joined by ':').
    Each capture names its WARC file: by its name inside DATA_DIR/warcs, or by its full
    path for a file in another folder.
    """
    from archive.db.session import open_database
    from archive.ingest.reindex import rebuild_search_index, reindex

    db = open_database(data_dir, db_url)
    try:
        stats = reindex(db, data_dir, warcs, workers=workers, rebuild=rebuild)
        if rebuild:
            rebuild_search_index(db)
    finally:
        db.dispose()
    outcomes = ", ".join(f"{k} {v}" for k, v in sorted(stats.outcomes.items())) or "nothing new"
    click.echo(f"{stats.files} files, {stats.records} records, {stats.skipped} already indexed; {outcomes}")
    if stats.pages:
        click.echo(f"reindexed {stats.rate()}")
    _print_limited("warning", stats.errors)
    _print_limited("error", stats.problems)
    if stats.problems:
        raise click.ClickException(
            f"{len(stats.bad_files)} of {stats.files} WARC files are damaged (see `newsarchive check`); "
            "their readable records were indexed"
        )


def _print_limited(kind: str, messages: list[str], limit: int = 20) -> None:
    for message in messages[:limit]:
        click.echo(f"{kind}: {message}", err=True)
    if len(messages) > limit:
        click.echo(f"{kind}: ... and {len(messages) - limit} more", err=True)


@click.command("stats")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@data_dir_option
@db_option
@archive_errors
def stats_command(fmt: str, data_dir: Path, db_url: str | None) -> None:
    """Counts of sites, captures, articles and versions; languages, top sites, extraction health.

    A site whose newest crawl extracted much worse than its earlier ones (empty bodies,
    missing titles or dates, short bodies) is flagged: see docs/crawling.md.
    """
    from archive.db.health import site_health
    from archive.db.lookup import database_stats

    db = _open(data_dir, db_url)
    try:
        with db.session() as session:
            stats = database_stats(session)
            health = site_health(session)
    finally:
        db.dispose()
    if fmt == "json":
        stats["extraction"] = {h.host: h.to_dict() for h in health}
        click.echo(json.dumps(stats, ensure_ascii=False, indent=2))
        return
    for key, value in stats.items():
        if isinstance(value, dict):
            click.echo(f"{key}: " + (", ".join(f"{k} {v}" for k, v in value.items()) or "-"))
        else:
            click.echo(f"{key}: {value}")
    broken = [h.summary() for h in health if h.broken]
    click.echo(f"extraction: newest crawl of {len(health)} sites checked, {len(broken)} look broken")
    for line in broken:
        click.echo(line)
