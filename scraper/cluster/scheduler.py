"""scrapy-redis' Scheduler, made safe for many workers on one run.

On top of ``scrapy_redis.scheduler.Scheduler`` (shared queue and ``RFPDupeFilter``):

- the queue is ``LeasedHostQueue``: popped requests are leased, not lost;
- a request that replaces a leased one (redirect, retry) is queued, then the lease acked;
- the worker heartbeats and requeues the leases of workers that died;
- the run is finite: at idle the worker acks what it held and closes only once the shared
  queue is empty and no worker holds a lease (``crawl --frontier``).

Scrapy polls its scheduler only when a download ends or every 5 s; a host becoming
ready on the shared clock is neither, so the worker also wakes its engine every
``ARCHIVE_CLUSTER_POLL`` seconds while requests are queued.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from scrapy_redis.scheduler import Scheduler
from twisted.internet import task

from scraper.cluster.ack import lease_finished
from scraper.cluster.keys import ClusterKeys
from scraper.cluster.leasedqueue import META_LEASE, LeasedHostQueue
from scraper.cluster.worker import WorkerLife

logger = logging.getLogger(__name__)


class ClusterScheduler(Scheduler):
    queue: LeasedHostQueue

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ClusterScheduler:
        instance = super().from_crawler(crawler)
        instance.crawler = crawler
        settings = crawler.settings
        instance.life = WorkerLife(instance.server, ClusterKeys(settings.get("ARCHIVE_CLUSTER_PREFIX")),
                                   settings.get("ARCHIVE_CLUSTER_WORKER_ID"), settings.get("ARCHIVE_CLUSTER_RUN"),
                                   settings.getfloat("ARCHIVE_CLUSTER_LEASE_TIMEOUT"))
        instance.beat_every = settings.getfloat("ARCHIVE_CLUSTER_HEARTBEAT")
        instance.poll_every = settings.getfloat("ARCHIVE_CLUSTER_POLL")
        instance.loops = []
        instance.suspects = set()
        crawler.signals.connect(instance._idle, signal=signals.spider_idle)
        crawler.signals.connect(instance.ack, signal=lease_finished)
        return instance

    def open(self, spider: Any) -> None:
        self.life.register(_crawl_args(spider))
        super().open(spider)
        self.server.persist(self.df.key)  # a run that starts again is not over
        self.queue.join()
        self.queue.reclaim()
        self.life.start_beating(self.beat_every)
        for call, every in ((self._beat, self.beat_every), (self._poke, self.poll_every)):
            loop = task.LoopingCall(call)
            loop.start(every, now=False)
            self.loops.append(loop)
        logger.info("Joined run %s as worker %s (%d requests queued)", self.life.run, self.life.worker,
                    len(self.queue))

    def close(self, reason: str) -> None:
        for loop in self.loops:
            if loop.running:
                loop.stop()
        if reason == "finished":
            self.queue.ack_all()  # the engine is idle: everything it held is done
        returned = self.queue.reclaim(release_own=True)
        if returned:
            logger.info("Returned %d unfinished requests to the shared frontier", returned)
        self.life.beat(self.crawler.stats.get_stats())
        self.life.leave()

    def enqueue_request(self, request: Request) -> bool:
        inherited = request.meta.pop(META_LEASE, None)
        # seen-mark and push in one Redis script: no window where a kill loses the URL
        fingerprint = "" if request.dont_filter else self.df.request_fingerprint(request)
        queued = self.queue.push(request, self.df.key, fingerprint)
        if queued:
            self.crawler.stats.inc_value("scheduler/enqueued/redis")
        else:
            self.df.log(request, self.spider)
        if inherited is not None:
            self.queue.ack(inherited)  # the redirect/retry now stands in for it
        return queued

    def next_request(self) -> Request | None:
        request = self.queue.pop()
        if request is not None:
            self.crawler.stats.inc_value("scheduler/dequeued/redis")
        return request

    def ack(self, request: Request, **_: Any) -> None:
        lease = request.meta.pop(META_LEASE, None)
        if lease is not None:
            self.queue.ack(lease)

    # -- loops -------------------------------------------------------------------------

    def _beat(self) -> None:
        self.life.beat(self.crawler.stats.get_stats())
        self.queue.reclaim()
        self.life.prune()
        self._sweep()

    def _sweep(self) -> None:
        """Ack leases whose request the engine no longer holds (seen twice in a row, a beat
        apart): a request that a downloader middleware dropped in ``process_response``
        reaches only its errback, which no middleware wraps; without this its lease would
        count against its host's cap until the worker is next idle."""
        engine = self.crawler.engine
        downloading = getattr(getattr(engine, "downloader", None), "active", None)
        scraping = getattr(getattr(getattr(engine, "scraper", None), "slot", None), "active", None)
        if downloading is None or scraping is None:
            return
        gone = {lease for lease, request in self.queue.held.items()
                if request not in downloading and request not in scraping}
        for lease in gone & self.suspects:
            self.queue.ack(lease)
        self.suspects = gone

    def _poke(self) -> None:
        """Wake the engine while work is queued: a host may have become ready."""
        if self.queue.next_ready is None and not len(self.queue):
            return
        slot = getattr(self.crawler.engine, "_slot", None)  # Scrapy has no public "poll now"
        if slot is not None:
            slot.nextcall.schedule()

    def _idle(self, spider: Any) -> None:
        acked = self.queue.ack_all()
        if acked:
            logger.debug("Acked %d requests finished without a callback", acked)
        queued, leased = len(self.queue), self.queue.leased()
        if queued or leased:
            raise DontCloseSpider(f"shared frontier: {queued} queued, {leased} leased")
        self._finish_run()
        logger.info("Shared frontier of run %s is empty and no worker holds a lease: done", self.life.run)

    def _finish_run(self) -> None:
        """The run is over: no longer listed for ``worker``s, its scheduler lock released, and
        its dupefilter kept for a grace period (workers still starting find the seeds seen
        and stop) before the next crawl of the same seeds starts afresh."""
        server, keys = self.life.server, self.life.keys
        server.srem(keys.runs, self.life.run)
        server.delete(keys.run_lock(self.life.run))
        server.expire(self.df.key, int(self.crawler.settings.getfloat("ARCHIVE_CLUSTER_RUN_GRACE")) or 1)

    def has_pending_requests(self) -> bool:
        return len(self.queue) > 0


def _crawl_args(spider: Any) -> dict[str, Any]:
    """How another worker joins this run (``newsarchive worker`` starts the same crawl)."""
    site = getattr(spider, "site_name", None)
    return {"site": site} if site else {"urls": list(getattr(spider, "seeds", []))}
