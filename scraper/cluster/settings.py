"""What ``--frontier`` changes in a crawl's Scrapy settings, and the checks before it starts.

The frontier URL comes from ``--frontier`` or ``NEWSARCHIVE_FRONTIER``. Politeness moves
from per-process (AutoThrottle, ``PolitenessMiddleware``, the download slot's delay) to
the shared per-host budget; the configured delay becomes the shared one.
"""

from __future__ import annotations

import os
import uuid
from typing import Any

from scrapy.settings import Settings

from scraper.cluster.connection import check_frontier_url, connect, ping
from scraper.cluster.keys import ClusterKeys, run_name
from scraper.cluster.worker import new_worker_id

FRONTIER_ENV = "NEWSARCHIVE_FRONTIER"

DEFAULTS: dict[str, Any] = {
    "ARCHIVE_CLUSTER_ENABLED": False,
    "ARCHIVE_CLUSTER_FRONTIER": None,
    "ARCHIVE_CLUSTER_PREFIX": "newsarchive",
    "ARCHIVE_CLUSTER_RUN": None,  # set from the site name or the seeds
    "ARCHIVE_CLUSTER_WORKER_ID": None,  # set per process
    "ARCHIVE_CLUSTER_HOST_DELAY": None,  # None: DOWNLOAD_DELAY, else AUTOTHROTTLE_START_DELAY
    "ARCHIVE_CLUSTER_HOST_CONCURRENCY": None,  # None: CONCURRENT_REQUESTS_PER_DOMAIN
    "ARCHIVE_CLUSTER_HOST_LEASES": None,  # None: 2 x host concurrency, at least 4
    "ARCHIVE_CLUSTER_DELAY_MARGIN": 0.0,
    "ARCHIVE_CLUSTER_BACKOFF": 30.0,
    "ARCHIVE_CLUSTER_LEASE_TIMEOUT": 15.0,
    "ARCHIVE_CLUSTER_HEARTBEAT": 3.0,
    "ARCHIVE_CLUSTER_POLL": 0.2,
    "ARCHIVE_CLUSTER_RUN_GRACE": 60.0,
}


def frontier_from(option: str | None) -> str | None:
    """``--frontier`` wins over ``NEWSARCHIVE_FRONTIER``; either is validated."""
    url = option or os.environ.get(FRONTIER_ENV) or None
    return check_frontier_url(url) if url else None


def _derived_host_delay(settings: Settings) -> float:
    if settings.get("ARCHIVE_CLUSTER_HOST_DELAY") is not None:
        return settings.getfloat("ARCHIVE_CLUSTER_HOST_DELAY")
    if settings.getfloat("DOWNLOAD_DELAY") > 0:
        return settings.getfloat("DOWNLOAD_DELAY")
    if settings.getbool("AUTOTHROTTLE_ENABLED"):
        return settings.getfloat("AUTOTHROTTLE_START_DELAY")
    return 0.0


def apply_cluster_settings(settings: Settings, frontier: str, site: str | None, seeds: list[str]) -> None:
    """Turn ``settings`` (already holding the user's overrides) into a cluster worker's."""
    for name, value in DEFAULTS.items():
        if settings.get(name) is None:
            settings.set(name, value, priority="default")
    prefix = settings.get("ARCHIVE_CLUSTER_PREFIX")
    run = settings.get("ARCHIVE_CLUSTER_RUN") or run_name(site, seeds)
    concurrency = settings.getint("ARCHIVE_CLUSTER_HOST_CONCURRENCY") or settings.getint(
        "CONCURRENT_REQUESTS_PER_DOMAIN")
    cluster: dict[str, Any] = {
        "ARCHIVE_CLUSTER_ENABLED": True,
        "ARCHIVE_CLUSTER_FRONTIER": frontier,
        "ARCHIVE_CLUSTER_RUN": run,
        "ARCHIVE_CLUSTER_WORKER_ID": settings.get("ARCHIVE_CLUSTER_WORKER_ID") or new_worker_id(),
        "ARCHIVE_CLUSTER_HOST_DELAY": _derived_host_delay(settings),
        "ARCHIVE_CLUSTER_HOST_CONCURRENCY": concurrency,
        "ARCHIVE_CLUSTER_HOST_LEASES": settings.getint("ARCHIVE_CLUSTER_HOST_LEASES") or max(4, 2 * concurrency),
        # The writer's names carry host and pid; two machines may share both (containers
        # with the same short host name run the crawl as pid 1): a random tag per worker
        # process keeps every worker's WARC names apart, so a capture's file name is unique.
        "ARCHIVE_WARC_PREFIX": f"{settings.get('ARCHIVE_WARC_PREFIX') or 'newsarchive'}-{uuid.uuid4().hex[:6]}",
        # scrapy-redis: shared queue and dupefilter, kept when a worker exits.
        "SCHEDULER": "scraper.cluster.scheduler.ClusterScheduler",
        "SCHEDULER_QUEUE_CLASS": "scraper.cluster.leasedqueue.LeasedHostQueue",
        "SCHEDULER_QUEUE_KEY": f"{prefix}:{run}",
        "SCHEDULER_DUPEFILTER_KEY": f"{prefix}:{run}:dupefilter",
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "SCHEDULER_PERSIST": True,
        "REDIS_URL": frontier,
        "REDIS_PARAMS": {"redis_cls": "scraper.cluster.connection.PatientRedis"},
        # Politeness is the shared budget's: nothing local may hold a request after the gate.
        "DOWNLOAD_DELAY": 0,
        "AUTOTHROTTLE_ENABLED": False,
        "ARCHIVE_POLITENESS_ENABLED": False,
    }
    settings.setdict(cluster, priority="cmdline")
    downloader = settings.getdict("DOWNLOADER_MIDDLEWARES")
    downloader.update({
        "scraper.cluster.ack.LeaseAckDownloaderMiddleware": 10,
        "scraper.cluster.gate.HostBackoffMiddleware": 940,
        "scraper.cluster.gate.HostGateMiddleware": 960,
    })
    spider = settings.getdict("SPIDER_MIDDLEWARES")
    spider["scraper.cluster.ack.LeaseAckSpiderMiddleware"] = 1
    settings.set("DOWNLOADER_MIDDLEWARES", downloader, priority="cmdline")
    settings.set("SPIDER_MIDDLEWARES", spider, priority="cmdline")


def prepare_cluster(options: Any) -> None:
    """Before Scrapy starts (``run_crawl``): Redis reachable, ad-hoc site row created once."""
    ping(connect(options.frontier), options.frontier)
    if options.site or str(options.overrides.get("ARCHIVE_DB_ENABLED", "True")).lower() in ("0", "false", "no"):
        return
    _create_adhoc_site_once(options.frontier, options.data_dir, options.db_url, options.seeds)


def _create_adhoc_site_once(frontier: str, data_dir: Any, db_url: str | None, seeds: list[str]) -> None:
    """Workers starting together would otherwise race to insert the same unique site name."""
    from archive.db.session import open_database
    from archive.db.sites import adhoc_site

    server = connect(frontier)
    with server.lock(f"{ClusterKeys().prefix}:lock:adhoc-site", timeout=60, blocking_timeout=60):
        db = open_database(data_dir, db_url)
        try:
            adhoc_site(db, seeds)
        finally:
            db.dispose()
