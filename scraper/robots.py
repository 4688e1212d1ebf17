"""robots.txt, parsed once.

Scrapy's ``RobotsTxtMiddleware`` fetches and parses each host's robots.txt (Protego, the
``ROBOTSTXT_PARSER`` default) and sends ``robots_parsed`` with the parser. Politeness
(``Crawl-delay``) and the spider (``Sitemap:`` lines) listen to that signal and read the
same parse instead of decoding and parsing the body again each.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from protego import Protego
from scrapy.robotstxt import ProtegoRobotParser, RobotParser


def protego_of(robotparser: RobotParser) -> Protego | None:
    """The Protego parse behind Scrapy's parser; ``None`` for another ``ROBOTSTXT_PARSER``."""
    return robotparser.rp if isinstance(robotparser, ProtegoRobotParser) else None


def robots_url(url: str) -> str:
    """The robots.txt that governs ``url`` (what ``robots_parsed``'s request was checked against)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/robots.txt"
