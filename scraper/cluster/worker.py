"""A worker's life in the cluster: heartbeat, published counters, reclaim, "is the run over?".

The heartbeat is a key with a TTL of ``ARCHIVE_CLUSTER_LEASE_TIMEOUT`` refreshed every
``ARCHIVE_CLUSTER_HEARTBEAT`` seconds: while it exists the worker's leases are its own;
once it expires (kill -9, power cut, network split) any other worker requeues them.
A lease therefore never times out while its worker is alive, however slow the host.
The beat runs in its own thread: a reactor busy for seconds (a large page, a slow
database, an overloaded machine) must not look like a dead worker, or its pages would
be fetched twice.
"""

from __future__ import annotations

import json
import os
import socket
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from scraper.cluster.keys import ClusterKeys
from scraper.cluster.status import pages_rate
from scraper.extensions.progress import progress_counts


def new_worker_id() -> str:
    """Unique across machines and restarts: host, pid and a random suffix."""
    host = socket.gethostname().split(".")[0] or "localhost"
    return f"{host}-{os.getpid()}-{uuid.uuid4().hex[:6]}"


@dataclass
class WorkerLife:
    server: Any
    keys: ClusterKeys
    worker: str
    run: str
    lease_timeout: float
    _last: tuple[float, int] | None = None
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def register(self, crawl_args: dict[str, Any]) -> None:
        """Heartbeat first, then membership: a worker is never listed without being alive."""
        self.beat({})
        self.server.hsetnx(self.keys.run_args, self.run, json.dumps(crawl_args))
        info = {"host": socket.gethostname(), "pid": os.getpid(), "run": self.run, "started": time.time()}
        self.server.hset(self.keys.workers, self.worker, json.dumps(info))
        self.server.sadd(self.keys.runs, self.run)

    def start_beating(self, every: float) -> None:
        def beat_until_stopped() -> None:
            while not self._stop.wait(every):
                self._alive()

        self._thread = threading.Thread(target=beat_until_stopped, name="newsarchive-heartbeat", daemon=True)
        self._thread.start()

    def _alive(self) -> None:
        self.server.set(self.keys.heartbeat(self.worker), "1", px=int(self.lease_timeout * 1000))

    def beat(self, stats: dict[str, Any]) -> None:
        """The heartbeat, and (from the reactor, where the stats live) the counters."""
        self._alive()
        if stats:
            published = _published(stats)
            published["pages_per_s"], self._last = pages_rate(self._last, int(published["responses"]))
            self.server.hset(self.keys.worker_stats(self.worker), mapping=published)
            self.server.expire(self.keys.worker_stats(self.worker), int(self.lease_timeout * 4) + 1)

    def prune(self) -> None:
        """Forget workers gone for a while (heartbeat and counters both expired): ``status``
        shows a dead worker as GONE for a few lease timeouts, then no more."""
        for worker in self.server.hkeys(self.keys.workers):
            name = worker.decode() if isinstance(worker, bytes) else worker
            if not self.server.exists(self.keys.heartbeat(name), self.keys.worker_stats(name)):
                self.server.hdel(self.keys.workers, name)

    def leave(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self.server.delete(self.keys.heartbeat(self.worker))
        self.server.hdel(self.keys.workers, self.worker)


def _published(stats: dict[str, Any]) -> dict[str, str]:
    """What ``status`` shows per worker; a timestamp lets it compute pages/s."""
    counts = progress_counts(stats)
    return {
        "time": f"{time.time():.3f}",
        "pages": str(int(counts["pages"])),
        "responses": str(int(counts["responses"])),
        "errors": str(int(counts["errors"])),
        "waits": str(int(stats.get("archive/cluster/waits", 0))),
        "wait_seconds": f"{float(stats.get('archive/cluster/wait_seconds', 0.0)):.1f}",
        "backoffs": str(int(stats.get("archive/cluster/backoffs", 0))),
    }
