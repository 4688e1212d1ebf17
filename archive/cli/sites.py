"""``newsarchive site ...`` and ``newsarchive schedule ...``: the sites an archivist follows.

The commands that change something write ``DATA_DIR/sites.toml`` (the configuration)
and then bring the database's cache of it up to date; the others read through that cache.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from archive.cli.common import archive_errors, data_dir_option, db_option

if TYPE_CHECKING:
    from archive.db.session import Database
    from archive.siteconfig import SiteDeclaration


def _open(data_dir: Path, db_url: str | None) -> Database:
    """The database, its sites and schedules synced from ``sites.toml``."""
    from archive.db.session import open_database
    from archive.db.sites import sync_sites

    db = open_database(data_dir, db_url)
    sync_sites(db, data_dir)
    return db


def _declared(data_dir: Path, db_url: str | None, name: str) -> SiteDeclaration:
    from archive.siteconfig import read_sites, sites_path

    _open(data_dir, db_url).dispose()  # moves an older database's sites into the file first
    site = (read_sites(data_dir) or {}).get(name)
    if site is None:
        raise click.ClickException(f"no site named {name!r} in {sites_path(data_dir)} (see: newsarchive site list)")
    return site


def _when(value: dt.datetime | None) -> str:
    from archive.db.sites import aware

    return aware(value).astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC") if value else "never"


def _iso(value: dt.datetime | None) -> str | None:
    """ISO 8601 with its UTC offset (``2026-11-30T01:10:00+00:00``)."""
    from archive.db.sites import aware

    return aware(value).astimezone(dt.UTC).isoformat() if value else None


@click.group("site")
def site_group() -> None:
    """Sites followed over time (crawl one with: newsarchive crawl NAME)."""


@site_group.command("add")
@click.argument("name")
@click.argument("url")
@click.option("--feed", "feeds", multiple=True,
              help="RSS/Atom/JSON feed URL (repeatable; found automatically if absent).")
@click.option("--sitemap", "sitemaps", multiple=True,
              help="Sitemap or sitemap index URL (repeatable; robots.txt is read too).")
@click.option("--section", "sections", multiple=True, help="Section front page polled every run (repeatable).")
@click.option("--allow", "allow", multiple=True, metavar="RE",
              help="Only follow URLs matching this regex (repeatable).")
@click.option("--deny", "deny", multiple=True, metavar="RE", help="Never follow URLs matching this regex (repeatable).")
@data_dir_option
@db_option
@archive_errors
def site_add(name: str, url: str, feeds: tuple[str, ...], sitemaps: tuple[str, ...], sections: tuple[str, ...],
             allow: tuple[str, ...], deny: tuple[str, ...], data_dir: Path, db_url: str | None) -> None:
    """Follow a news site under NAME, starting at URL (written to DATA_DIR/sites.toml)."""
    from archive.siteconfig import SiteDeclaration, check_site, read_sites, save_site, sites_path

    site = check_site(SiteDeclaration(name, url, feeds, sitemaps, sections, allow, deny))
    _open(data_dir, db_url).dispose()  # moves an older database's sites into the file first
    if name in (read_sites(data_dir) or {}):
        raise click.ClickException(f"a site named {name!r} exists already (newsarchive site remove {name})")
    save_site(data_dir, site)
    _open(data_dir, db_url).dispose()
    click.echo(f"Added site {site.name}: {site.url} (in {sites_path(data_dir)})")
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
    from archive.scheduling import describe_schedule

    summaries = list_sites(_open(data_dir, db_url), include_adhoc)
    if not summaries:
        click.echo("No sites yet: newsarchive site add NAME URL")
        return
    for s in summaries:
        click.echo(f"{s.site.name}\t{s.site.url}\t{s.urls} URLs ({s.fetched} fetched, {s.queued} queued)\t"
                   f"last crawl {_when(s.last_crawl_started)}\t{describe_schedule(s.schedule) or 'no schedule'}")


@site_group.command("show")
@click.argument("name")
@data_dir_option
@db_option
@archive_errors
def site_show(name: str, data_dir: Path, db_url: str | None) -> None:
    """Everything known about one site, as JSON (times in UTC, with their offset).

    ``feeds`` and ``sitemaps`` are the declared ones, then those the crawls discovered;
    ``extraction`` is the newest crawl's extraction figures against the site's earlier
    crawls (a "looks broken" line goes to stderr too).
    """
    from archive.db.health import site_health
    from archive.db.ingest import site_host
    from archive.db.sites import get_site, list_sites
    from archive.scheduling import describe_schedule

    db = _open(data_dir, db_url)
    site = get_site(db, name)
    s = next(s for s in list_sites(db) if s.site.id == site.id)
    with db.session() as session:
        health = site_health(session, site_host(site.url))
    click.echo(json.dumps({
        "name": site.name, "url": site.url,
        "feeds": list(dict.fromkeys([*site.feeds, *s.discovered_feeds])),
        "sitemaps": list(dict.fromkeys([*site.sitemaps, *s.discovered_sitemaps])),
        "sections": site.sections, "allow": site.allow, "deny": site.deny, "urls": s.urls,
        "fetched": s.fetched, "queued": s.queued,
        "last_crawl_started": _iso(s.last_crawl_started), "last_crawl_finished": _iso(s.last_crawl_finished),
        "schedule": describe_schedule(s.schedule),
        "next_run": _iso(s.schedule.next_run) if s.schedule else None,
        "extraction": health[0].to_dict() if health else None,
    }, indent=2, ensure_ascii=False))
    for line in (h.summary() for h in health if h.broken):
        click.echo(line, err=True)


@site_group.command("remove")
@click.argument("name")
@data_dir_option
@db_option
@archive_errors
def site_remove(name: str, data_dir: Path, db_url: str | None) -> None:
    """Stop following a site (its WARCs and articles stay; removed from DATA_DIR/sites.toml)."""
    from archive.siteconfig import delete_site

    _declared(data_dir, db_url, name)
    delete_site(data_dir, name)
    _open(data_dir, db_url).dispose()
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
    """Crawl site NAME on a schedule (the first run is due at once; kept in DATA_DIR/sites.toml)."""
    from archive.scheduling import format_interval, list_schedules
    from archive.siteconfig import save_site

    if bool(every) == bool(cron):
        raise click.ClickException("give exactly one of --every or --cron")
    site = _declared(data_dir, db_url, name)
    if every:
        from archive.discovery.recrawl import parse_interval

        every = format_interval(int(parse_interval(every).total_seconds()))
    save_site(data_dir, site.with_schedule(every, cron))
    row = next(r for r in list_schedules(_open(data_dir, db_url)) if r.site == name)
    click.echo(f"Scheduled {name}: {row.rule}; next run {_when(row.next_run)}")


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
        click.echo(f"{row.site}\t{row.rule}\tnext {_when(row.next_run)}\tlast {row.last_outcome or 'never run'}")


@schedule_group.command("remove")
@click.argument("name")
@data_dir_option
@db_option
@archive_errors
def schedule_remove(name: str, data_dir: Path, db_url: str | None) -> None:
    """Remove the schedule of site NAME (from DATA_DIR/sites.toml)."""
    from archive.siteconfig import save_site

    site = _declared(data_dir, db_url, name)
    if not (site.every or site.cron):
        raise click.ClickException(f"site {name!r} has no schedule")
    save_site(data_dir, site.with_schedule(None, None))
    _open(data_dir, db_url).dispose()
    click.echo(f"Removed the schedule of {name}")


def register(main: click.Group) -> None:
    main.add_command(site_group)
    main.add_command(schedule_group)
