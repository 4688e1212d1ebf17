"""``newsarchive status --frontier``: the cluster as Redis sees it (read-only, no Scrapy).

Workers (alive while their heartbeat key exists) with the counters they publish on each
beat, runs with their queue length per host and leases held, and hosts with their shared
politeness state (Crawl-delay, pause, requests on the wire).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any

from scraper.cluster.keys import ClusterKeys


@dataclass
class WorkerRow:
    worker: str
    alive: bool
    run: str
    stats: dict[str, str]


@dataclass
class RunRow:
    run: str
    queued: int
    leased: int
    per_host: dict[str, int]
    fingerprints: int


@dataclass
class HostRow:
    host: str
    delay: float
    paused_for: float
    inflight: int


@dataclass
class ClusterStatus:
    workers: list[WorkerRow] = field(default_factory=list)
    runs: list[RunRow] = field(default_factory=list)
    hosts: list[HostRow] = field(default_factory=list)


def _text(value: Any) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def read_status(server: Any, keys: ClusterKeys) -> ClusterStatus:
    status = ClusterStatus()
    for worker, info in sorted(server.hgetall(keys.workers).items()):
        name = _text(worker)
        stats = {_text(k): _text(v) for k, v in server.hgetall(keys.worker_stats(name)).items()}
        status.workers.append(WorkerRow(name, bool(server.exists(keys.heartbeat(name))),
                                        json.loads(info).get("run", "?"), stats))
    for run in sorted(_text(r) for r in server.smembers(keys.runs)):
        status.runs.append(_run_row(server, keys, run))
    now = float(server.time()[0])
    for host in sorted(_text(h) for h in server.smembers(keys.hosts)):
        state = {_text(k): _text(v) for k, v in server.hgetall(keys.host(host)).items()}
        inflight = server.zcount(keys.inflight(host), now, "+inf")
        status.hosts.append(HostRow(host, float(state.get("delay", 0)),
                                    max(0.0, float(state.get("pause", 0)) - now), int(inflight)))
    return status


def _run_row(server: Any, keys: ClusterKeys, run: str) -> RunRow:
    base = keys.run_key(run, "")
    per_host = {}
    for key in server.scan_iter(match=f"{base}q:*", count=1000):
        per_host[_text(key)[len(base) + 2:]] = int(server.zcard(key))
    leased = sum(int(v) for v in server.hvals(f"{base}leased"))
    return RunRow(run, int(server.get(f"{base}total") or 0), leased, per_host,
                  int(server.scard(f"{base}dupefilter")))


def render(status: ClusterStatus) -> list[str]:
    """Plain lines, one fact each, for a terminal or a log."""
    alive = [w for w in status.workers if w.alive]
    lines = [f"Workers: {len(alive)} alive, {len(status.workers) - len(alive)} gone"]
    for row in status.workers:
        s = row.stats
        lines.append(f"  {row.worker} {'alive' if row.alive else 'GONE '} run {row.run}: "
                     f"{s.get('pages', 0)} pages, {s.get('pages_per_s', '0.0')} pages/s, "
                     f"{s.get('errors', 0)} errors, {s.get('waits', 0)} politeness waits "
                     f"({s.get('wait_seconds', '0.0')} s), {s.get('backoffs', 0)} back-offs")
    lines.append(f"Runs: {len(status.runs)}")
    for run in status.runs:
        lines.append(f"  {run.run}: {run.queued} queued, {run.leased} leased, {run.fingerprints} URLs seen")
        for host, count in sorted(run.per_host.items(), key=lambda kv: -kv[1]):
            lines.append(f"    {host}: {count} queued")
    lines.append(f"Hosts: {len(status.hosts)}")
    for host in status.hosts:
        pause = f", paused {host.paused_for:.0f} s more" if host.paused_for > 0 else ""
        lines.append(f"  {host.host}: Crawl-delay {host.delay:g} s, {host.inflight} on the wire{pause}")
    return lines


def pages_rate(previous: tuple[float, int] | None, pages: int) -> tuple[str, tuple[float, int]]:
    """Pages fetched per second since the previous beat (the worker publishes it)."""
    now = time.time()
    if previous is None or now <= previous[0]:
        return "0.0", (now, pages)
    return f"{(pages - previous[1]) / (now - previous[0]):.1f}", (now, pages)
