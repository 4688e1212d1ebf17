"""Where one WARC record lives: enough to read it back without scanning the file."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RecordLocation:
    """A record's address inside a ``.warc.gz`` file.

    ``file`` is the file's final name (``*.warc.gz``, never the ``.open`` name), relative
    to the data dir's ``warcs/`` folder when written by us; ``offset``/``length`` delimit
    the record's gzip member, so ``read_record`` can seek straight to it.
    """

    file: str
    offset: int
    length: int
    record_id: str
    payload_digest: str | None = None
