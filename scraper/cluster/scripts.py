"""The Lua scripts of the leased queue: each step is atomic, so no two workers pop one request.

Layout of one run (``R`` = ``PREFIX:RUN``):

- ``R:q:HOST``      ZSET request -> score (-priority * 2^32 + sequence: priority, then FIFO)
- ``R:ready``       ZSET host -> time it may next be popped (hosts with queued requests)
- ``R:total``       number of queued requests (all hosts)
- ``R:leases:W``    HASH lease id -> "host NUL score NUL request": what worker W holds
- ``R:leased``      HASH host -> number of leases held, all workers together
- ``R:workers``     SET of workers that joined the run (their leases are reclaimable)

Times come from Redis' own clock (TIME), so machines' clocks need not agree.
"""

from __future__ import annotations

_NOW = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
"""

_SPLIT = """
local function split(v)
  local a = string.find(v, '\\0', 1, true)
  local b = string.find(v, '\\0', a + 1, true)
  return string.sub(v, 1, a - 1), string.sub(v, a + 1, b - 1), string.sub(v, b + 1)
end
"""

# KEYS: ready, total, seq, dupefilter   ARGV: queue prefix, host, priority, request, fingerprint
# The fingerprint ('' for dont_filter) is marked seen in the same script as the push, so a
# worker killed between the two can never leave a URL seen but not queued (lost for good).
# Returns 0 when the fingerprint was seen before (nothing queued), 1 when queued.
PUSH = """
if ARGV[5] ~= '' and redis.call('SADD', KEYS[4], ARGV[5]) == 0 then
  return 0
end
local seq = redis.call('INCR', KEYS[3]) % 4294967296
local score = -tonumber(ARGV[3]) * 4294967296 + seq
if redis.call('ZADD', ARGV[1] .. ARGV[2], score, ARGV[4]) == 1 then
  redis.call('INCR', KEYS[2])
end
redis.call('ZADD', KEYS[1], 'NX', 0, ARGV[2])
return 1
"""

# KEYS: ready, total, leases (this worker), leased, lease counter
# ARGV: queue prefix, host-state prefix, leases per host, default interval, hosts to scan,
#       in-flight prefix
# A host is skipped (and looked at again a little later) while its lease cap is reached,
# its shared "next send" time is ahead, or, for a host with a delay, a request is on the
# wire: a request handed out then would only wait in the worker's send gate.
# Returns {lease id, request} or {0, seconds until some host is ready ('' if none queued)}.
POP = _NOW + """
local hosts = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[5]))
for _, host in ipairs(hosts) do
  local held = tonumber(redis.call('HGET', KEYS[4], host) or '0')
  local qkey = ARGV[1] .. host
  local state = redis.call('HMGET', ARGV[2] .. host, 'delay', 'pause', 'next')
  local interval = math.max(tonumber(ARGV[4]), tonumber(state[1] or '0'))
  local ahead = math.max(tonumber(state[2] or '0'), tonumber(state[3] or '0'))
  local busy = interval > 0 and redis.call('ZCOUNT', ARGV[6] .. host, now, '+inf') > 0
  if held >= tonumber(ARGV[3]) or busy then
    redis.call('ZADD', KEYS[1], now + 0.05, host)
  elseif ahead > now then
    redis.call('ZADD', KEYS[1], ahead, host)
  else
    local popped = redis.call('ZPOPMIN', qkey)
    if #popped == 0 then
      redis.call('ZREM', KEYS[1], host)
    else
      redis.call('DECR', KEYS[2])
      local id = redis.call('INCR', KEYS[5])
      redis.call('HSET', KEYS[3], id, host .. '\\0' .. popped[2] .. '\\0' .. popped[1])
      redis.call('HINCRBY', KEYS[4], host, 1)
      if redis.call('ZCARD', qkey) == 0 then
        redis.call('ZREM', KEYS[1], host)
      else
        redis.call('ZADD', KEYS[1], now + interval, host)
      end
      return {id, popped[1]}
    end
  end
end
local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #first == 0 then return {0, ''} end
return {0, tostring(math.max(0, tonumber(first[2]) - now))}
"""

# KEYS: leases (this worker), leased   ARGV: lease id
ACK = _SPLIT + """
local v = redis.call('HGET', KEYS[1], ARGV[1])
if not v then return 0 end
redis.call('HDEL', KEYS[1], ARGV[1])
local host = split(v)
if redis.call('HINCRBY', KEYS[2], host, -1) <= 0 then redis.call('HDEL', KEYS[2], host) end
return 1
"""

# KEYS: workers, ready, total, leased
# ARGV: leases prefix, heartbeat prefix, queue prefix, worker to release even if alive ('' for none)
# Puts the leases of every worker without a heartbeat (and of ARGV[4]) back in the queue.
RECLAIM = _SPLIT + """
local n = 0
for _, w in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if w == ARGV[4] or redis.call('EXISTS', ARGV[2] .. w) == 0 then
    local lk = ARGV[1] .. w
    local all = redis.call('HGETALL', lk)
    for i = 2, #all, 2 do
      local host, score, request = split(all[i])
      if redis.call('ZADD', ARGV[3] .. host, score, request) == 1 then redis.call('INCR', KEYS[3]) end
      redis.call('ZADD', KEYS[2], 'NX', 0, host)
      if redis.call('HINCRBY', KEYS[4], host, -1) <= 0 then redis.call('HDEL', KEYS[4], host) end
      n = n + 1
    end
    redis.call('DEL', lk)
    redis.call('SREM', KEYS[1], w)
  end
end
return n
"""
