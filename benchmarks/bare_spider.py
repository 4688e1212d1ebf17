"""Baseline: a bare Scrapy CrawlSpider that follows every link and keeps nothing.

Run as ``python benchmarks/bare_spider.py URL CONCURRENCY``; prints the crawl stats as
JSON on the last line.
"""

from __future__ import annotations

import json
import sys

from scrapy.crawler import CrawlerProcess
from scrapy.linkextractors import LinkExtractor
from scrapy.spiders import CrawlSpider, Rule


class BareSpider(CrawlSpider):
    name = "bare"
    rules = (Rule(LinkExtractor(), callback="parse_page", follow=True),)

    def parse_page(self, response):  # type: ignore[no-untyped-def]
        return None


def main() -> None:
    url, concurrency = sys.argv[1], int(sys.argv[2])
    process = CrawlerProcess(
        {
            "LOG_LEVEL": "WARNING",
            "ROBOTSTXT_OBEY": False,
            "AUTOTHROTTLE_ENABLED": False,
            "CONCURRENT_REQUESTS": concurrency,
            "CONCURRENT_REQUESTS_PER_DOMAIN": concurrency,
            "TELNETCONSOLE_ENABLED": False,
            "DEFAULT_REQUEST_HEADERS": {"Accept-Encoding": "gzip, deflate, br"},
        }
    )
    crawler = process.create_crawler(BareSpider)
    process.crawl(crawler, start_urls=[url])
    process.start()
    stats = crawler.stats.get_stats()
    print(json.dumps({"responses": stats.get("response_received_count", 0),
                      "seconds": stats.get("elapsed_time_seconds", 0.0)}))


if __name__ == "__main__":
    main()
