"""Scale-out: many crawl workers, one frontier and one politeness budget per host in Redis.

scrapy-redis supplies the shared scheduler and dupefilter; this package adds what it lacks:

- ``leasedqueue`` per-host queues with leases and acks (scrapy-redis pops destructively)
- ``hostbudget``  per-host delay, concurrency and back-off shared by every worker (Lua)
- ``gate``        the downloader middlewares that spend that budget at send time
- ``scheduler``   scrapy-redis' Scheduler wired to the leased queue
- ``worker``      heartbeats, lease reclaim, "is the shared crawl finished?"
- ``ack``         the spider/downloader middlewares that ack a finished request
- ``status``      ``newsarchive status --frontier`` (no Scrapy import)
- ``settings``    the Scrapy settings a ``--frontier`` crawl adds

See docs/scale.md for the deployment.
"""
