"""Scrapy settings for newsarchive crawls: polite, safe and faithful by default.

``ARCHIVE_*`` settings are ours (documented in docs/settings.md); the rest are Scrapy's,
and any of them can be overridden with ``newsarchive crawl -s NAME=VALUE``.
"""

from __future__ import annotations

from archive.config import ArchiveConfig

BOT_NAME = "newsarchive"
SPIDER_MODULES = ["scraper.spiders"]
NEWSPIDER_MODULE = "scraper.spiders"

USER_AGENT = ArchiveConfig().user_agent  # replaced from the data dir's config by the CLI

# Politeness.
ROBOTSTXT_OBEY = True
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
RETRY_TIMES = 2
REDIRECT_MAX_TIMES = 10  # redirect and meta-refresh loops end here (and at the dupefilter)

# Safety: only http(s); no telnet console; bounded downloads.
DOWNLOAD_HANDLERS = {"file": None, "data": None, "s3": None, "ftp": None}
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False  # Scrapy >= 2.19 opens an HTTP control port otherwise
DOWNLOAD_TIMEOUT = 60
# Hard cap, also applied by HttpCompressionMiddleware to the *decompressed* size, so a
# decompression bomb is never inflated past it. ARCHIVE_MAX_RESPONSE_SIZE (below) is
# lower so that an over-long body is cut and archived with WARC-Truncated first.
DOWNLOAD_MAXSIZE = 64 * 1024 * 1024
DOWNLOAD_WARNSIZE = 16 * 1024 * 1024
# A body cut by the server is still archived (flagged WARC-Truncated: disconnect).
DOWNLOAD_FAIL_ON_DATALOSS = False

# No zstd: warcio and pywb cannot decode it, so a zstd body could not be replayed.
DEFAULT_REQUEST_HEADERS = {
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language": "en,fa;q=0.9,ps;q=0.8,*;q=0.5",
    "Accept-Encoding": "gzip, deflate, br",
}

DOWNLOADER_MIDDLEWARES = {
    # Before robots.txt (100), so not even robots.txt is fetched from a refused address.
    "scraper.downloadermiddlewares.address_policy.AddressPolicyMiddleware": 60,
    # Scrapy's decompression, wrapped so a capped (bomb) body is flagged in the WARC.
    "scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware": None,
    "scraper.downloadermiddlewares.compression.CappedHttpCompressionMiddleware": 590,
    # Capture sits at 950, between the downloader and every other middleware: it sees
    # the final request headers (after cookies 700, user agent 500, default headers 400)
    # and the raw response before HttpCompressionMiddleware (590) decompresses it and
    # before RedirectMiddleware (600) swallows a 3xx.
    "scraper.downloadermiddlewares.warc_capture.WarcCaptureMiddleware": 950,
    # Crawl-delay and Retry-After; below capture so a 429/503 is archived first.
    "scraper.downloadermiddlewares.politeness.PolitenessMiddleware": 940,
    # --max-pages: the last check before a request is queued for download.
    "scraper.downloadermiddlewares.page_limit.PageLimitMiddleware": 990,
}

ITEM_PIPELINES = {
    # Extract each captured HTML page (read back from its WARC) and store it.
    "scraper.pipelines.articles.ArticlePipeline": 400,
}

EXTENSIONS = {
    "scraper.extensions.progress.CrawlProgress": 500,
}

ARCHIVE_DATA_DIR = "newsarchive-data"
ARCHIVE_WARC_ENABLED = True
ARCHIVE_WARC_PREFIX = "newsarchive"
ARCHIVE_WARC_MAX_SIZE = 1_000_000_000
ARCHIVE_WARC_FSYNC = "batch"  # group commit every 0.2 s; "record": fsync each pair
ARCHIVE_IS_PART_OF = "newsarchive"
ARCHIVE_MAX_RESPONSE_SIZE = 50 * 1024 * 1024
ARCHIVE_MAX_DOWNLOAD_TIME = 120.0
ARCHIVE_MAX_PARSE_SIZE = 2 * 1024 * 1024  # links are looked for in a page's first 2 MB (0: all)
ARCHIVE_ALLOW_PRIVATE = False
ARCHIVE_ALLOW_PRIVATE_SEEDS = False  # seeds only (the demo, tests on 127.0.0.1); links stay refused
ARCHIVE_ADDRESS_POLICY_ENABLED = True
ARCHIVE_DB_ENABLED = True
ARCHIVE_DB_URL = None  # None: SQLite in ARCHIVE_DATA_DIR (or NEWSARCHIVE_DB)
ARCHIVE_DB_WORKERS = 0  # 0: one extraction process per core
ARCHIVE_DB_BACKLOG = 128  # pages handed to extraction and not stored yet; the crawl waits past this
ARCHIVE_FRONTIER_ENABLED = True  # seen-URL state and resumable frontier in the database
ARCHIVE_FRONTIER_FLUSH_INTERVAL = 2.0
ARCHIVE_MAX_PAGES = 0  # set by --max-pages; 0: no limit
ARCHIVE_DEPTH = -1  # set by --depth; 0 means the seeds only
ARCHIVE_POLITENESS_ENABLED = True
ARCHIVE_RETRY_AFTER_MAX = 300.0  # longest Retry-After or Crawl-delay honoured, seconds
ARCHIVE_RETRY_AFTER_TIMES = 3
ARCHIVE_PROGRESS_ENABLED = True
ARCHIVE_PROGRESS_INTERVAL = 5.0
ARCHIVE_PROGRESS_RICH = False

# The reactor Scrapy recommends; set explicitly so behaviour does not drift.
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"
