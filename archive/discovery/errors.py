"""Errors raised by ``archive.discovery``, all inside the one ``ArchiveError`` tree.

    ArchiveError
    ├── DiscoveryError             anything discovery refuses to work with
    │   ├── FeedFormatError        a body that is not RSS, Atom or JSON Feed at all
    │   ├── SitemapFormatError     a body that is not a sitemap at all
    │   ├── BodyTooLargeError      a feed or sitemap body past the size cap
    │   ├── UrlError               a URL that cannot be canonicalised (no host, bad port)
    │   └── ScheduleError          (also a ConfigError) a bad interval or cron expression
    │       ├── IntervalError      "6x", "0h", ""
    │       └── CronError          "61 * * * *", wrong field count, never-matching
    └── DecompressionLimitError    (from archive.errors) a gzip sitemap past the cap

Broken-but-recoverable XML is not an error: parsers return what they could recover.
"""

from __future__ import annotations

from archive.errors import ArchiveError, ConfigError


class DiscoveryError(ArchiveError):
    """Base class of discovery errors."""


class FeedFormatError(DiscoveryError):
    """The body is not a feed we can read (empty, HTML, not XML or JSON)."""


class SitemapFormatError(DiscoveryError):
    """The body is not a sitemap, sitemap index or feed we can read."""


class BodyTooLargeError(DiscoveryError):
    """A feed or sitemap body is larger than the configured cap."""


class UrlError(DiscoveryError):
    """A URL without scheme or host, with a bad port, or not http(s)."""


class ScheduleError(DiscoveryError, ConfigError):
    """An interval or cron expression given by the user cannot be used."""


class IntervalError(ScheduleError):
    """An interval such as ``6h`` that does not parse."""


class CronError(ScheduleError):
    """A 5-field cron expression that does not parse or never matches."""
