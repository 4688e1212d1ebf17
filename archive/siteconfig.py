"""``DATA_DIR/sites.toml``: the sites an archivist follows and when they are crawled.

Configuration, not derived data: the file is what an archivist reads, edits, reviews and
versions; the database only caches it (``archive.db.sites.sync_sites``) beside run state,
so deleting the database and running ``reindex`` gives everything back. One table per
site, the schedule as ``every`` or ``cron``::

    [sites.kabultimes]
    url = "https://www.kabultimes.af/"
    feeds = ["https://www.kabultimes.af/feed/"]   # optional lists: feeds, sitemaps,
    deny = ["/tag/"]                               # sections, allow, deny
    every = "6h"                                   # or: cron = "0 */6 * * *" (UTC)

It is read with ``tomllib`` and edited with ``tomlkit``, which keeps the archivist's own
comments, order and spacing when ``site add`` or ``schedule add`` rewrite it.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import tomlkit

from archive.discovery.cron import parse_cron
from archive.discovery.recrawl import parse_interval
from archive.errors import ConfigError

SITES_FILE = "sites.toml"
LIST_KEYS = ("feeds", "sitemaps", "sections", "allow", "deny")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
_HEADER = """\
# Sites followed by newsarchive, one [sites.NAME] table each. Edit by hand or with
# `newsarchive site add/remove` and `newsarchive schedule add/remove`; the database
# only caches this file. Keys: url; optional feeds, sitemaps, sections, allow, deny
# (lists); every = "6h" or cron = "0 */6 * * *" (UTC) to crawl on a schedule.
"""


@dataclass(frozen=True)
class SiteDeclaration:
    """One site as declared in ``sites.toml``."""

    name: str
    url: str
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    sections: tuple[str, ...] = ()
    allow: tuple[str, ...] = ()
    deny: tuple[str, ...] = ()
    every: str | None = None
    cron: str | None = None

    def with_schedule(self, every: str | None, cron: str | None) -> SiteDeclaration:
        return check_site(replace(self, every=every, cron=cron))


def sites_path(data_dir: Path) -> Path:
    return Path(data_dir) / SITES_FILE


def read_sites(data_dir: Path) -> dict[str, SiteDeclaration] | None:
    """The declared sites by name; ``None`` when there is no file yet."""
    path = sites_path(data_dir)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read {path}: {exc}") from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from exc
    sites = data.get("sites", {})
    if not isinstance(sites, dict) or set(data) - {"sites"}:
        raise ConfigError(f"{path}: expected only [sites.NAME] tables")
    return {name: _declaration(path, name, table) for name, table in sites.items()}


def _declaration(path: Path, name: str, table: Any) -> SiteDeclaration:
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: sites.{name} must be a table")
    unknown = set(table) - {"url", "every", "cron", *LIST_KEYS}
    if unknown:
        raise ConfigError(f"{path}: sites.{name} has unknown key {sorted(unknown)[0]!r}")
    values: dict[str, Any] = {"name": name, "url": table.get("url")}
    for key in LIST_KEYS:
        value = table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{path}: sites.{name}.{key} must be a list of strings")
        values[key] = tuple(value)
    for key in ("url", "every", "cron"):
        if key in table and not isinstance(table[key], str):
            raise ConfigError(f"{path}: sites.{name}.{key} must be a string")
    values["every"], values["cron"] = table.get("every"), table.get("cron")
    try:
        return check_site(SiteDeclaration(**values))
    except ConfigError as exc:
        raise ConfigError(f"{path}: sites.{name}: {exc}") from exc


def check_site(site: SiteDeclaration) -> SiteDeclaration:
    """Validate a declaration; a one-line ``ConfigError`` names what is wrong."""
    if not _NAME.match(site.name):
        raise ConfigError(f"bad site name {site.name!r}: use letters, digits, '.', '_', '-' (max 100)")
    _check_url(site.url, "site URL")
    for option, urls in (("--feed", site.feeds), ("--sitemap", site.sitemaps), ("--section", site.sections)):
        for url in urls:
            _check_url(url, option)
    for option, patterns in (("--allow", site.allow), ("--deny", site.deny)):
        for pattern in patterns:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ConfigError(f"bad {option} pattern {pattern!r}: {exc}") from exc
    if site.every and site.cron:
        raise ConfigError("give exactly one of --every or --cron")
    if site.every:
        parse_interval(site.every)
    if site.cron:
        parse_cron(site.cron)
    return site


def _check_url(url: object, what: str) -> None:
    parts = urlsplit(url) if isinstance(url, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"{what} {url!r} is not an http(s) URL")


def save_site(data_dir: Path, site: SiteDeclaration) -> None:
    """Add or update one site's table, keeping everything else (comments too) as it was."""
    site = check_site(site)
    doc = _load_document(data_dir)
    sites = doc.setdefault("sites", tomlkit.table(is_super_table=True))
    if site.name not in sites:
        sites[site.name] = tomlkit.table()
    table = sites[site.name]
    wanted: dict[str, Any] = {"url": site.url}
    wanted.update({key: list(getattr(site, key)) for key in LIST_KEYS if getattr(site, key)})
    wanted.update({key: getattr(site, key) for key in ("every", "cron") if getattr(site, key)})
    for key in [k for k in table if k not in wanted]:
        del table[key]
    for key, value in wanted.items():
        if table.get(key) != value:  # an unchanged line keeps its comment
            table[key] = value
    _write_document(data_dir, doc)


def delete_site(data_dir: Path, name: str) -> None:
    """Remove one site's table (comments elsewhere in the file stay)."""
    doc = _load_document(data_dir)
    sites = doc.get("sites", {})
    if name not in sites:
        raise ConfigError(f"no site named {name!r} in {sites_path(data_dir)} (see: newsarchive site list)")
    del sites[name]
    _write_document(data_dir, doc)


def write_sites(data_dir: Path, sites: list[SiteDeclaration]) -> None:
    """Write the file afresh (used once, to move the sites of an older database into it)."""
    doc = tomlkit.parse(_HEADER)
    doc["sites"] = tomlkit.table(is_super_table=True)
    _write_document(data_dir, doc)
    for site in sites:
        save_site(data_dir, site)


def _load_document(data_dir: Path) -> tomlkit.TOMLDocument:
    path = sites_path(data_dir)
    read_sites(data_dir)  # validates, with the same one-line errors
    try:
        return tomlkit.parse(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return tomlkit.parse(_HEADER)


def _write_document(data_dir: Path, doc: tomlkit.TOMLDocument) -> None:
    """Atomically: a crash mid-write leaves the old file, never half a new one."""
    path = sites_path(data_dir)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(tomlkit.dumps(doc).rstrip() + "\n", encoding="utf-8")  # no blank tail after a removal
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ConfigError(f"cannot write {path}: {exc}") from exc
