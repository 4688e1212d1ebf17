"""One politeness budget per host, shared by every worker, kept in Redis.

Per host ``H`` (``PREFIX:host:H``, a hash): ``next`` (earliest time the next request may
leave), ``delay`` (robots.txt Crawl-delay), ``pause`` (until when a 429/503 asked us to
stay away) and ``robots`` (set once robots.txt was seen). ``PREFIX:inflight:H`` holds a
token per request on the wire, with an expiry so a dead worker's tokens fall away.

``acquire`` is one Lua step: it grants a send slot only when the concurrency limit,
the time since the previous request (any worker's) and any pause all allow it, and
otherwise says how long to wait. A host with a delay (Crawl-delay or the configured one)
gets one request at a time, and its delay counts from the *end* of the previous request
(``release``): then the server sees requests at least the delay apart whatever happens
between the grant and the wire (a busy worker, a slow connect), because the next grant
comes after the previous response, which came after the previous request arrived.
Until robots.txt is known the limit is also one, so a second worker cannot race the
first before its Crawl-delay is read. Times are Redis' clock: machines' clocks need not agree.
"""

from __future__ import annotations

from typing import Any

from scraper.cluster.keys import ClusterKeys

_NOW = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
"""

# KEYS: host hash, inflight, hosts   ARGV: host, token, delay, concurrency, token ttl, margin
# Returns '0' (granted), '-1' (concurrency full: retry soon) or seconds to wait.
_ACQUIRE = _NOW + """
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
local st = redis.call('HMGET', KEYS[1], 'next', 'delay', 'pause', 'robots')
local interval = math.max(tonumber(ARGV[3]), tonumber(st[2] or '0'))
local limit = tonumber(ARGV[4])
if not st[4] or interval > 0 then limit = 1 end
if redis.call('ZCARD', KEYS[2]) >= limit then return '-1' end
local at = math.max(tonumber(st[1] or '0'), tonumber(st[3] or '0'))
if at > now then return tostring(at - now) end
if interval > 0 then interval = interval + tonumber(ARGV[6]) end
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[5]), ARGV[2])
redis.call('HSET', KEYS[1], 'next', tostring(now + interval))
redis.call('SADD', KEYS[3], ARGV[1])
return '0'
"""

# KEYS: host hash, inflight   ARGV: token, configured delay, margin
_RELEASE = _NOW + """
redis.call('ZREM', KEYS[2], ARGV[1])
local st = redis.call('HMGET', KEYS[1], 'next', 'delay')
local interval = math.max(tonumber(ARGV[2]), tonumber(st[2] or '0'))
if interval > 0 and now + interval + tonumber(ARGV[3]) > tonumber(st[1] or '0') then
  redis.call('HSET', KEYS[1], 'next', tostring(now + interval + tonumber(ARGV[3])))
end
return 1
"""

# KEYS: host hash   ARGV: crawl delay (0: none)
# The delay also counts from now: the request after robots.txt keeps its distance.
_LEARN = _NOW + """
local delay = tonumber(ARGV[1])
redis.call('HSET', KEYS[1], 'robots', '1')
if delay > 0 then
  redis.call('HSET', KEYS[1], 'delay', ARGV[1])
  local nxt = tonumber(redis.call('HGET', KEYS[1], 'next') or '0')
  if now + delay > nxt then redis.call('HSET', KEYS[1], 'next', tostring(now + delay)) end
end
return 1
"""

# KEYS: host hash   ARGV: seconds
_PAUSE = _NOW + """
local until_ = now + tonumber(ARGV[1])
local old = tonumber(redis.call('HGET', KEYS[1], 'pause') or '0')
if until_ > old then redis.call('HSET', KEYS[1], 'pause', tostring(until_)) end
return 1
"""


class HostBudget:
    """The per-host budget as the gate middlewares spend it."""

    def __init__(self, server: Any, keys: ClusterKeys, delay: float, concurrency: int,
                 token_ttl: float, margin: float) -> None:
        self.server = server
        self.keys = keys
        self.delay = delay
        self.concurrency = max(1, concurrency)
        self.token_ttl = token_ttl
        self.margin = margin
        self._acquire = server.register_script(_ACQUIRE)
        self._release = server.register_script(_RELEASE)
        self._learn = server.register_script(_LEARN)
        self._pause = server.register_script(_PAUSE)

    def acquire(self, host: str, token: str) -> float:
        """0.0 when granted; otherwise seconds to wait (-1.0: a slot must free up first)."""
        answer = self._acquire(keys=[self.keys.host(host), self.keys.inflight(host), self.keys.hosts],
                               args=[host, token, self.delay, self.concurrency, self.token_ttl, self.margin])
        return float(answer)

    def release(self, host: str, token: str) -> None:
        self._release(keys=[self.keys.host(host), self.keys.inflight(host)], args=[token, self.delay, self.margin])

    def learn_crawl_delay(self, host: str, delay: float) -> None:
        self._learn(keys=[self.keys.host(host)], args=[delay])

    def pause(self, host: str, seconds: float) -> None:
        self._pause(keys=[self.keys.host(host)], args=[seconds])
