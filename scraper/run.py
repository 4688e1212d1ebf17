"""Run one crawl in this process: validate input, build settings, start Scrapy.

The CLI calls ``run_crawl``; tests call it through the CLI in a subprocess because
Twisted's reactor cannot be restarted inside one process.
"""

from __future__ import annotations

import contextlib
import logging
import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings
from twisted.python.failure import Failure

from archive.config import load_config
from archive.errors import ArchiveError, ConfigError
from archive.netpolicy import seed_refusal
from archive.warc.writer import fsync_mode
from scraper import settings as default_settings
from scraper.downloadermiddlewares.warc_capture import warcs_dir
from scraper.extensions.progress import progress_counts
from scraper.locks import crawl_locks
from scraper.spiders.news import NewsSpider


@dataclass
class CrawlOptions:
    seeds: list[str]
    data_dir: Path
    max_pages: int | None = None
    depth: int | None = None
    allow_domains: list[str] = field(default_factory=list)
    warc_prefix: str = "newsarchive"
    max_warc_size: int = 1_000_000_000
    allow_private: bool = False
    rich_progress: bool = False
    db_url: str | None = None
    site: str | None = None  # a watched site's name: incremental crawl
    resume: bool = False
    verbose: bool = False  # Scrapy's log on stderr, live; otherwise it goes to DATA_DIR/logs/
    frontier: str | None = None  # redis://...: a worker of a shared crawl (scraper.cluster)
    overrides: dict[str, str] = field(default_factory=dict)
    log_file: Path | None = field(default=None, init=False)


@dataclass
class CrawlSummary:
    pages: int
    responses: int
    payload_bytes: int
    errors: int
    seconds: float
    warc_files: list[str]
    finish_reason: str
    failures: list[str]
    write_error: str | None
    stats: dict[str, Any]
    seed_failures: list[str] = field(default_factory=list)
    beyond_max_pages: int = 0  # pages that were in flight when --max-pages was reached
    log_file: Path | None = None
    extraction_warnings: list[str] = field(default_factory=list)  # "extraction for SITE looks broken: ..."


def validate_seed(url: str) -> str:
    """A seed must be an absolute http(s) URL with a host."""
    parts = urlsplit(url.strip())
    if not parts.scheme or not parts.netloc:
        raise ConfigError(f"not a URL: {url!r} (expected something like https://example.org/)")
    if parts.scheme.lower() not in ("http", "https"):
        raise ConfigError(f"unsupported scheme {parts.scheme!r} in {url!r}: only http and https are crawled")
    try:
        _ = parts.port  # raises on a bad port
    except ValueError as exc:
        raise ConfigError(f"bad port in {url!r}") from exc
    if not parts.hostname:
        raise ConfigError(f"no host name in {url!r}")
    return url.strip()


def prepare_data_dir(data_dir: Path) -> None:
    """Create the data dir and prove it is writable before any network work starts."""
    try:
        warcs_dir(data_dir).mkdir(parents=True, exist_ok=True)
        logs_dir(data_dir).mkdir(exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=warcs_dir(data_dir), prefix=".probe-"):
            pass
    except OSError as exc:
        raise ConfigError(f"data dir {data_dir} is not writable: {exc.strerror or exc}") from exc


def logs_dir(data_dir: Path) -> Path:
    return Path(data_dir) / "logs"


def new_log_file(data_dir: Path) -> Path:
    """One file per crawl, named by its start time (UTC) and process id."""
    return logs_dir(data_dir) / f"crawl-{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}-{os.getpid()}.log"


def parse_setting_overrides(pairs: list[str]) -> dict[str, str]:
    """``NAME=VALUE`` strings, as ``scrapy crawl -s`` takes them."""
    overrides = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise ConfigError(f"bad -s {pair!r}: expected NAME=VALUE")
        overrides[name.strip()] = value
    return overrides


def build_settings(options: CrawlOptions) -> Settings:
    config = load_config(options.data_dir)
    settings = Settings()
    settings.setmodule(default_settings, priority="project")
    cmdline: dict[str, Any] = {
        "ARCHIVE_DATA_DIR": str(options.data_dir),
        "ARCHIVE_WARC_PREFIX": options.warc_prefix,
        "ARCHIVE_WARC_MAX_SIZE": options.max_warc_size,
        "ARCHIVE_ALLOW_PRIVATE": options.allow_private,
        "ARCHIVE_IS_PART_OF": config.is_part_of,
        "ARCHIVE_PROGRESS_RICH": options.rich_progress,
        "USER_AGENT": config.user_agent,
    }
    if options.db_url:
        cmdline["ARCHIVE_DB_URL"] = options.db_url
    if not options.verbose:
        options.log_file = new_log_file(options.data_dir)
        cmdline["LOG_FILE"] = str(options.log_file)
    if options.max_pages:
        cmdline["ARCHIVE_MAX_PAGES"] = options.max_pages
    if options.depth is not None:
        cmdline["DEPTH_LIMIT"] = options.depth  # Scrapy reads 0 as "no limit" ...
        cmdline["ARCHIVE_DEPTH"] = options.depth  # ... so the spider handles 0 itself
    settings.setdict(cmdline, priority="cmdline")
    settings.setdict(options.overrides, priority="cmdline")
    fsync_mode(settings.get("ARCHIVE_WARC_FSYNC"))  # a bad value stops here, in one line
    if options.frontier:
        from scraper.cluster.settings import apply_cluster_settings

        apply_cluster_settings(settings, options.frontier, options.site, options.seeds)
    return settings


def looks_like_site_name(argument: str) -> bool:
    return "://" not in argument


def run_crawl(options: CrawlOptions) -> CrawlSummary:
    if options.site:
        from archive.db.session import open_database
        from archive.db.sites import find_site, sync_sites

        prepare_data_dir(options.data_dir)
        db = open_database(options.data_dir, options.db_url)
        sync_sites(db, options.data_dir)  # DATA_DIR/sites.toml is the configuration
        known = find_site(db, options.site)
        db.dispose()
        if known is None:
            raise ConfigError(
                f"not a URL, nor the name of a site: {options.site!r} "
                "(expected https://example.org/ or a name from `newsarchive site list`)"
            )
        settings = build_settings(options)
        with _locks(options, [known.url], site=options.site):
            return _run(options, settings, {"site": options.site})
    seeds = [validate_seed(seed) for seed in options.seeds]
    if not seeds:
        raise ConfigError("no URL to crawl")
    settings = build_settings(options)
    if not settings.getbool("ARCHIVE_ALLOW_PRIVATE") and not settings.getbool("ARCHIVE_ALLOW_PRIVATE_SEEDS"):
        for seed in seeds:
            if reason := seed_refusal(seed):
                raise ConfigError(reason)
    prepare_data_dir(options.data_dir)
    with _locks(options, seeds):
        return _run(options, settings, {"url": seeds})


def _locks(options: CrawlOptions, seeds: list[str], site: str | None = None) -> contextlib.AbstractContextManager[object]:
    """One crawl per host and site on this data dir; cluster workers share a run on purpose."""
    if options.frontier:
        return contextlib.nullcontext()
    return crawl_locks(options.data_dir, seeds, site=site)


def _run(options: CrawlOptions, settings: Settings, spider_args: dict[str, Any]) -> CrawlSummary:
    if options.frontier:
        from scraper.cluster.settings import prepare_cluster

        prepare_cluster(options)  # Redis reachable (one clear line if not), shared rows created once
    # Scrapy sets the root logger to NOTSET, so charset_normalizer (Scrapy's encoding guess for
    # pages that declare none) builds a TRACE record per step: ~10% of the reactor's time.
    logging.getLogger("charset_normalizer").setLevel(logging.INFO)
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(NewsSpider)
    started = time.monotonic()
    failures: list[Failure] = []
    process.crawl(crawler, allow_domain=options.allow_domains, resume=options.resume,
                  **spider_args).addErrback(failures.append)
    process.start()
    if failures:  # the crawl could not start, e.g. "database is locked" while opening its row
        failures[0].raiseException()
    stats = crawler.stats.get_stats() if crawler.stats else {}
    if stats.get("newsarchive/db/unstored"):
        _catch_up_after_outage(settings, int(stats["newsarchive/db/unstored"]))
    counts = progress_counts(stats)
    spider = crawler.spider
    return CrawlSummary(
        pages=int(counts["pages"]),
        responses=int(counts["responses"]),
        payload_bytes=int(counts["bytes"]),
        errors=int(counts["errors"]),
        seconds=time.monotonic() - started,
        warc_files=list(stats.get("archive/warc_files", [])),
        finish_reason=str(stats.get("finish_reason", "")),
        failures=list(getattr(spider, "failures", [])),
        write_error=stats.get("archive/write_error"),
        stats=stats,
        seed_failures=list(getattr(spider, "seed_failures", [])),
        beyond_max_pages=max(0, int(counts["pages"]) - (options.max_pages or int(counts["pages"]))),
        log_file=options.log_file,
        extraction_warnings=_extraction_warnings(options, stats.get("newsarchive/db/crawl_id")),
    )


def _catch_up_after_outage(settings: Settings, unstored: int) -> None:
    """Pages archived while the database was unreachable get their rows now that the
    WARC files are closed (the same catch-up as a crawl's start); if it is still down,
    the next crawl's start or ``newsarchive reindex`` does it."""
    from archive.catchup import catch_up_data_dir

    try:
        catch_up_data_dir(Path(settings.get("ARCHIVE_DATA_DIR")),
                          settings.get("ARCHIVE_DB_URL") or os.environ.get("NEWSARCHIVE_DB") or None,
                          settings.getint("ARCHIVE_DB_WORKERS", 0) or None)
    except ArchiveError as exc:
        logging.getLogger(__name__).warning("%d archived pages have no database row yet (%s): the next crawl's start-up catch-up, "
                       "or `newsarchive reindex`, stores them from the WARC files", unstored, exc)


def _extraction_warnings(options: CrawlOptions, crawl_id: int | None) -> list[str]:
    """The "looks broken" lines for this crawl's sites (none when the database was off or is unreadable)."""
    if crawl_id is None:
        return []
    from archive.db.health import crawl_health, summaries
    from archive.db.session import open_database

    try:
        db = open_database(options.data_dir, options.db_url, upgrade=False)
        try:
            with db.session() as session:
                return summaries(crawl_health(session, crawl_id))
        finally:
            db.dispose()
    except ArchiveError:
        return []


