"""``newsarchive site ...`` and ``newsarchive schedule ...``: the sites an archivist follows."""

from __future__ import annotations

import json
from pathlib import Path

import click

from archive.cli.common import archive_errors, data_dir_option, db_option


def _open(data_dir: Path, db_url: str | None):  # noqa: ANN202
    from archive.db.session import open_database

    return open_database(data_dir, db_url)


def _when(value: object) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else "never"  # type: ignore[attr-defined]


@click.group("site")
def site_group() -> None:
    """Sites followed over time (crawl one with: newsarchive crawl NAME)."""


@site_group.command("add")
@click.argument("name")
@click.argument("url")
@click.option("--feed", "feeds", multiple=True, help="RSS/Atom/JSON feed URL (repeatable; found automatically if absent).")
@click.option("--sitemap", "sitemaps", multiple=True, help="Sitemap or sitemap index URL (repeatable; robots.txt is read too).")
@click.option("--section", "sections", multiple=True, help="Section front page polled every run (repeatable).")
@click.option("--allow", "allow", multiple=True, metavar="RE", help="Only follow URLs matching this regex (repeatable).")
@click.option("--deny", "deny", multiple=True, metavar="RE", help="Never follow URLs matching this regex (repeatable).")
@data_dir_option
@db_option
@archive_errors
def site_add(name: str, url: str, feeds: tuple[str, ...], sitemaps: tuple[str, ...], sections: tuple[str, ...],
             allow: tuple[str, ...], deny: tuple[str, ...], data_dir: Path, db_url: str | None) -> None:
    """Follow a news site under NAME, starting at URL."""
    from archive.db.sites import add_site

    site = add_site(_open(data_dir, db_url), name, url, feeds=list(feeds), sitemaps=list(sitemaps),
                    sections=list(sections), allow=list(allow), deny=list(deny))
    click.echo(f"Added site {site.name}: {site.url}")
    click.echo(f"Crawl it with: newsarchive crawl {site.name}   Schedule it with: "
               f"newsarchive schedule add {site.name} --every 6h")


@site_group.command("list")
@click.option("--all", "include_adhoc", is_flag=True, help="Include the implicit sites of ad-hoc crawls.")
@data_dir_option
@db_option
@archive_errors
def site_list(include_adhoc: bool, data_dir: Path, db_url: str | None) -> None:
    """The followed sites with their frontier size, last crawl and schedule."""
    from archive.db.sites import list_sites

    summaries = list_sites(_open(data_dir, db_url), include_adhoc)
    if not summaries:
        click.echo("No sites yet: newsarchive site add NAME URL")
        return
    for s in summaries:
        click.echo(f"{s.site.name}\t{s.site.url}\t{s.urls} URLs ({s.fetched} fetched, {s.queued} queued)\t"
                   f"last crawl {_when(s.last_crawl_started)}\t{s.schedule or 'no schedule'}")


@site_group.command("show")
@click.argument("name")
@data_dir_option
@db_option
@archive_errors
def site_show(name: str, data_dir: Path, db_url: str | None) -> None:
    """Everything known about one site, as JSON."""
    from archive.db.sites import get_site, list_sites

    db = _open(data_dir, db_url)
    site = get_site(db, name)
    summary = next(s for s in list_sites(db) if s.site.id == site.id)
    click.echo(json.dumps({
        "name": site.name, "url": site.url, "feeds": site.feeds, "sitemaps": site.sitemaps,
        "sections": site.sections, "allow": site.allow, "deny": site.deny, "urls": summary.urls,
        "fetched": summary.fetched, "queued": summary.queued,
        "last_crawl_started": summary.last_crawl_started.isoformat() if summary.last_crawl_started else None,
        "last_crawl_finished": summary.last_crawl_finished.isoformat() if summary.last_crawl_finished else None,
        "schedule": summary.schedule,
    }, indent=2, ensure_ascii=False))


@site_group.command("remove")
@click.argument("name")
@data_dir_option
@db_option
@archive_errors
def site_remove(name: str, data_dir: Path, db_url: str | None) -> None:
    """Stop following a site (its WARCs and articles stay)."""
    from archive.db.sites import remove_site

    remove_site(_open(data_dir, db_url), name)
    click.echo(f"Removed site {name} (its WARC files and articles are kept)")


@click.group("schedule")
def schedule_group() -> None:
    """Recurring crawls, started by: newsarchive scheduler."""


@schedule_group.command("add")
@click.argument("name")
@click.option("--every", help="Interval such as 30m, 6h, 1d.")
@click.option("--cron", help='Cron expression such as "0 */6 * * *" (UTC).')
@data_dir_option
@db_option
@archive_errors
def schedule_add(name: str, every: str | None, cron: str | None, data_dir: Path, db_url: str | None) -> None:
    """Crawl site NAME on a schedule (the first run is due at once)."""
    from archive.db.sites import add_schedule, describe_schedule

    schedule = add_schedule(_open(data_dir, db_url), name, every, cron)
    click.echo(f"Scheduled {name}: {describe_schedule(schedule)}; next run {_when(schedule.next_run)} UTC")


@schedule_group.command("list")
@data_dir_option
@db_option
@archive_errors
def schedule_list(data_dir: Path, db_url: str | None) -> None:
    """Schedules with their next run and last outcome."""
    from archive.scheduling import list_schedules

    rows = list_schedules(_open(data_dir, db_url))
    if not rows:
        click.echo("No schedules yet: newsarchive schedule add NAME --every 6h")
        return
    for row in rows:
        click.echo(f"{row.site}\t{row.rule}\tnext {_when(row.next_run)} UTC\tlast {row.last_outcome or 'never run'}")


@schedule_group.command("remove")
@click.argument("name")
@data_dir_option
@db_option
@archive_errors
def schedule_remove(name: str, data_dir: Path, db_url: str | None) -> None:
    """Remove the schedule of site NAME."""
    from archive.db.sites import remove_schedule

    remove_schedule(_open(data_dir, db_url), name)
    click.echo(f"Removed the schedule of {name}")


def register(main: click.Group) -> None:
    main.add_command(site_group)
    main.add_command(schedule_group)
