"""One Redis client that waits out a Redis restart instead of failing the crawl.

Every command goes through ``execute_command`` (scripts too, as EVALSHA), so retrying
there covers the whole cluster package and scrapy-redis' scheduler and dupefilter.
While Redis is away the worker blocks (nothing can be scheduled anyway) and logs one
line when it loses Redis and one when it is back; requests already taken are leased,
so nothing is lost.
"""

from __future__ import annotations

import logging
import time
from typing import Any
from urllib.parse import urlsplit

import redis
from redis.exceptions import BusyLoadingError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeout

from archive.errors import ConfigError

logger = logging.getLogger(__name__)

_TRANSIENT = (RedisConnectionError, RedisTimeout, BusyLoadingError)


class PatientRedis(redis.Redis):
    """``redis.Redis`` that retries for ``patience`` seconds (0: forever) when Redis is down.

    The outage is noted on the class, so a process with several clients (scheduler,
    dupefilter, politeness gate) logs it once and its end once."""

    patience: float = 0.0
    retry_every: float = 1.0
    _lost_at: float | None = None  # shared by every client of the process

    def execute_command(self, *args: Any, **options: Any) -> Any:
        started: float | None = None
        while True:
            try:
                result = super().execute_command(*args, **options)
            except _TRANSIENT as exc:
                started = self._wait(started, exc)
                continue
            except redis.RedisError:
                # Redis answered, with an error (e.g. NOSCRIPT after a restart: redis-py reloads).
                self._back()
                raise
            self._back()
            return result

    def _wait(self, started: float | None, exc: Exception) -> float:
        now = time.monotonic()
        if PatientRedis._lost_at is None:
            PatientRedis._lost_at = now
            logger.warning("Redis at %s unavailable (%s): waiting to reconnect", _where(self), exc)
        started = now if started is None else started
        if self.patience and now - started > self.patience:
            raise exc
        time.sleep(self.retry_every)
        return started

    def _back(self) -> None:
        lost_at = PatientRedis._lost_at
        if lost_at is not None:
            PatientRedis._lost_at = None
            logger.warning("Redis at %s is back after %.1f s: crawl continues", _where(self),
                           time.monotonic() - lost_at)


def _where(client: redis.Redis) -> str:
    kwargs = client.connection_pool.connection_kwargs
    return f"{kwargs.get('host', '?')}:{kwargs.get('port', '?')}/{kwargs.get('db', 0)}"


def check_frontier_url(url: str) -> str:
    """``redis://HOST:PORT/DB`` (or rediss://, unix://); anything else is a usage error."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("redis", "rediss", "unix") or not (parts.netloc or parts.path):
        raise ConfigError(f"bad --frontier {url!r}: expected redis://HOST:6379/0")
    return url.strip()


def connect(url: str, patience: float = 0.0) -> PatientRedis:
    """A client for ``url``; raises ConfigError if Redis cannot be reached within ``patience``
    seconds at the first command (0 here means: try once, for commands run by hand)."""
    client = PatientRedis.from_url(check_frontier_url(url), socket_timeout=30, socket_connect_timeout=10,
                                   health_check_interval=30)
    client.patience = patience
    return client


def ping(client: redis.Redis, url: str) -> None:
    """Fail fast, with one line, when the frontier is unreachable at start."""
    try:
        redis.Redis.execute_command(client, "PING")
    except _TRANSIENT as exc:
        raise ConfigError(f"cannot reach the frontier at {_redact(url)}: {exc}") from exc


def _redact(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        return url.replace(f":{parts.password}@", ":***@")
    return url
