"""One exception tree for the whole library.

    ArchiveError
    ├── ConfigError            bad setting, bad data dir, bad URL given by the user
    ├── WarcError              anything about WARC files
    │   ├── WarcFormatError    a member or record that does not parse
    │   ├── WarcDigestError    a digest that does not match its block or payload
    │   └── WarcWriteError     the writer could not write (full disk, permissions)
    ├── DecompressionLimitError  a body inflates past the configured cap
    ├── ExtractionError        a page that cannot be turned into an article at all
    ├── DatabaseError          the article database refused an operation
    ├── ExportError            an export file cannot be written (missing folder, full disk)
    └── QueryError             a search query we cannot parse

The CLI catches ``ArchiveError`` once and turns it into one stderr line and exit 1,
so every message names the file, URL or setting concerned and, where known, the fix.
"""

from __future__ import annotations


class ArchiveError(Exception):
    """Base class of every error newsarchive raises on purpose."""


class ConfigError(ArchiveError):
    """A setting, path or URL given by the user cannot be used."""


class WarcError(ArchiveError):
    """A WARC file cannot be read or written as expected."""


class WarcFormatError(WarcError):
    """A gzip member or WARC record does not parse."""


class WarcDigestError(WarcError):
    """A WARC-Block-Digest or WARC-Payload-Digest does not match the stored bytes."""


class WarcWriteError(WarcError):
    """Writing a record failed; the file was cut back to its last whole record."""


class DecompressionLimitError(ArchiveError):
    """A compressed body inflates past the cap (a decompression bomb, or simply too big)."""


class ExtractionError(ArchiveError):
    """A page cannot be parsed into an article at all (not HTML, or hostile)."""


class DatabaseError(ArchiveError):
    """The article database refused an operation."""


class ExportError(ArchiveError):
    """An export file cannot be written; nothing partial is left behind."""


class QueryError(ArchiveError):
    """A search query that our parser cannot turn into a safe engine query."""
