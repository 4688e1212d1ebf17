"""Redis key names of one frontier, in one place so status and workers agree.

Everything lives under one prefix (``ARCHIVE_CLUSTER_PREFIX``, default ``newsarchive``).
Per-host politeness and worker heartbeats are global (every crawl shares a host's budget);
queues, leases and the dupefilter belong to one *run* (one site, or one set of seeds).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass


def run_name(site: str | None, seeds: list[str]) -> str:
    """Workers started with the same site name or the same seeds join the same run."""
    if site:
        return f"site:{site}"
    digest = hashlib.sha1("\n".join(sorted(seeds)).encode("utf-8")).hexdigest()[:12]
    return f"crawl:{digest}"


@dataclass(frozen=True)
class ClusterKeys:
    prefix: str = "newsarchive"

    # -- global ------------------------------------------------------------------
    @property
    def workers(self) -> str:
        """HASH worker id -> JSON description (host, pid, run, started)."""
        return f"{self.prefix}:workers"

    def heartbeat(self, worker: str) -> str:
        """STRING with a TTL: the worker is alive while it exists."""
        return f"{self.prefix}:hb:{worker}"

    def worker_stats(self, worker: str) -> str:
        """HASH of the worker's counters (pages, errors, waits), refreshed with each beat."""
        return f"{self.prefix}:wstats:{worker}"

    @property
    def runs(self) -> str:
        """SET of runs that may still have work."""
        return f"{self.prefix}:runs"

    @property
    def run_args(self) -> str:
        """HASH run -> JSON crawl arguments ({"urls": [...]} or {"site": NAME}), for ``worker``."""
        return f"{self.prefix}:runargs"

    def host(self, host: str) -> str:
        """HASH next, delay, pause, robots: the host's shared politeness state."""
        return f"{self.prefix}:host:{host}"

    def inflight(self, host: str) -> str:
        """ZSET token -> expiry: requests on the wire to this host, all workers together."""
        return f"{self.prefix}:inflight:{host}"

    @property
    def hosts(self) -> str:
        """SET of hosts with politeness state (for status)."""
        return f"{self.prefix}:hosts"

    def run_lock(self, run: str) -> str:
        """STRING: the scheduler's "this site has an active run" lock."""
        return f"{self.prefix}:lock:{run}"

    # -- one run -------------------------------------------------------------------
    def run_key(self, run: str, part: str) -> str:
        return f"{self.prefix}:{run}:{part}"
