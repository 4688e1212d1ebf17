"""scrapy-redis queue with per-host readiness, leases and acks.

scrapy-redis' own queues pop destructively: a worker killed between pop and response
loses the request. Here ``pop`` moves the request into the worker's lease hash in the
same Lua step, ``ack`` drops it once the request is finished (see ``ack.py``), and
``reclaim`` puts back the leases of workers whose heartbeat expired.

Requests wait in one queue per host, and a host is only handed out when its shared delay
allows (``scripts.POP``): a worker never takes a request it would then have to hold while
the host's Crawl-delay runs, so workers stay busy on other hosts instead.

A request may be fetched (or retried) on another machine than the one that queued it, so
nothing tied to one machine's clock may travel in its meta: the start of its first try
(``ARCHIVE_MAX_DOWNLOAD_TIME`` bounds all tries together) goes into Redis as the seconds
already used and comes out re-based on the clock of the worker that takes it.
"""

from __future__ import annotations

import logging
import time
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request
from scrapy_redis.queue import Base

from scraper.cluster import scripts
from scraper.cluster.keys import ClusterKeys
from scraper.downloadermiddlewares.warc_capture import META_FIRST_TRY

logger = logging.getLogger(__name__)

META_LEASE = "archive_lease"
META_TRIED_FOR = "archive_tried_for"  # seconds the request's tries used, while it is in Redis


def host_of(url: str) -> str:
    """The politeness unit: host[:port], as Scrapy's download slots use it."""
    return urlsplit(url).netloc.lower() or "unknown"


def _clock_free(meta: dict[str, Any]) -> None:
    """Before a request leaves this machine: the start of its first try as seconds used."""
    first = meta.pop(META_FIRST_TRY, None)
    if first is not None:
        meta[META_TRIED_FOR] = max(0.0, time.monotonic() - float(first))


def _on_local_clock(meta: dict[str, Any]) -> None:
    """When a worker takes a request: those seconds back into a start on this machine's clock."""
    used = meta.pop(META_TRIED_FOR, None)
    if used is not None:
        meta[META_FIRST_TRY] = time.monotonic() - float(used)


class LeasedHostQueue(Base):
    """``SCHEDULER_QUEUE_CLASS`` for cluster crawls; ``key`` is ``PREFIX:RUN``."""

    def __init__(self, server: Any, spider: Any, key: str, serializer: Any = None) -> None:
        super().__init__(server, spider, key, serializer)
        settings = spider.settings
        self.keys = ClusterKeys(settings.get("ARCHIVE_CLUSTER_PREFIX"))
        self.worker = settings.get("ARCHIVE_CLUSTER_WORKER_ID")
        self.leases_per_host = settings.getint("ARCHIVE_CLUSTER_HOST_LEASES")
        self.default_interval = settings.getfloat("ARCHIVE_CLUSTER_HOST_DELAY")
        self.held: dict[str, Request] = {}  # lease id -> the request, for this process
        self.next_ready: float | None = None  # seconds until some host is ready, from the last empty pop
        self._push = server.register_script(scripts.PUSH)
        self._pop = server.register_script(scripts.POP)
        self._ack = server.register_script(scripts.ACK)
        self._reclaim = server.register_script(scripts.RECLAIM)

    def _k(self, part: str) -> str:
        return f"{self.key}:{part}"

    @property
    def leases_key(self) -> str:
        return self._k(f"leases:{self.worker}")

    def __len__(self) -> int:
        return int(self.server.get(self._k("total")) or 0)

    def leased(self) -> int:
        """Requests taken and not yet finished, by every worker of the run."""
        return sum(int(v) for v in self.server.hvals(self._k("leased")))

    def push(self, request: Request, seen_key: str | None = None, fingerprint: str = "") -> bool:
        """Queue ``request`` unless ``fingerprint`` is already in ``seen_key`` (one atomic step)."""
        request.meta.pop(META_LEASE, None)
        _clock_free(request.meta)
        queued = self._push(keys=[self._k("ready"), self._k("total"), self._k("seq"), seen_key or self._k("seen")],
                            args=[self._k("q:"), host_of(request.url), request.priority,
                                  self._encode_request(request), fingerprint])
        return bool(int(queued))

    def pop(self, timeout: int = 0) -> Request | None:
        lease, data = self._pop(
            keys=[self._k("ready"), self._k("total"), self.leases_key, self._k("leased"), self._k("lease_id")],
            args=[self._k("q:"), self.keys.host(""), self.leases_per_host, self.default_interval, 64,
                  self.keys.inflight("")],
        )
        if not int(lease):
            self.next_ready = float(data) if data else None
            return None
        self.next_ready = 0.0
        request = self._decode_request(data)
        _on_local_clock(request.meta)
        lease_id = str(int(lease))
        request.meta[META_LEASE] = lease_id
        self.held[lease_id] = request
        return request

    def ack(self, lease_id: str) -> None:
        """The request is finished (its follow-ups are queued): forget the lease."""
        if self.held.pop(lease_id, None) is not None:
            self._ack(keys=[self.leases_key, self._k("leased")], args=[lease_id])

    def ack_all(self) -> int:
        """When this process is idle nothing it holds is still in progress."""
        held = list(self.held)
        for lease_id in held:
            self.ack(lease_id)
        return len(held)

    def reclaim(self, release_own: bool = False) -> int:
        """Requeue the leases of dead workers (and ours, when ``release_own``, at exit)."""
        count = self._reclaim(
            keys=[self._k("workers"), self._k("ready"), self._k("total"), self._k("leased")],
            args=[self._k("leases:"), self.keys.heartbeat(""), self._k("q:"), self.worker if release_own else ""],
        )
        if count and not release_own:
            logger.warning("Requeued %d requests leased by workers that stopped sending heartbeats", count)
        return int(count)

    def join(self) -> None:
        """Register as a worker of this run (after the heartbeat exists: see worker.py)."""
        self.server.sadd(self._k("workers"), self.worker)

    def clear(self) -> None:
        """Forget the whole run: queues, leases, counters (not the dupefilter)."""
        for key in self.server.scan_iter(match=f"{self.key}:*", count=1000):
            if not key.endswith(b":dupefilter"):
                self.server.delete(key)
