"""Read one captured page back from its WARC record and extract it (runs in worker processes).

The crawl pipeline and ``reindex`` both call ``extract_record``: the database is always
derived from the bytes in the WARC, never from what the crawler held in memory.
"""

from __future__ import annotations

import multiprocessing
import re
import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from archive.deathsig import die_with_parent, forkserver_preload
from archive.errors import ArchiveError
from archive.extract.article import Article
from archive.warc.reader import read_record

MAX_HTML_BYTES = 16 * 1024 * 1024
_WORKER_MODULES = ("archive.extract", "archive.warc.reader")  # imported once in the fork server, not per worker
# Like Scrapy's METAREFRESH_MAXDELAY: a page that refreshes sooner is a redirect, not an article.
META_REFRESH_MAX_DELAY = 100
_META_REFRESH = re.compile(
    rb"""<meta[^>]+http-equiv\s*=\s*["']?refresh["']?[^>]*content\s*=\s*["']?\s*(\d+(?:\.\d+)?)\s*[;,]\s*url""",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Extracted:
    """What a worker sends back: an article, or why there is none (picklable)."""

    article: Article | None = None
    error: str | None = None


def extract_record(path: str, offset: int, length: int, url: str) -> Extracted:
    """Read the response record at ``path``/``offset`` and extract its article.

    Expected failures (not HTML, decompression bomb, broken record) come back as
    ``Extracted(error=...)`` so that one bad page never stops a crawl or a reindex.
    """
    try:
        from archive.extract import extract_article

        record = read_record(_current_path(Path(path)), offset, length, max_payload_bytes=MAX_HTML_BYTES)
        if record.rec_type != "response":
            return Extracted(error=f"{path}@{offset}: a {record.rec_type} record has no page to extract")
        body = record.decoded_payload(MAX_HTML_BYTES)
        if is_meta_redirect(body):
            return Extracted()  # the crawler followed it like a redirect; so does reindex
        headers = {name.lower(): value for name, value in record.http_headers}
        return Extracted(article=extract_article(body, url, headers))
    except ArchiveError as exc:
        return Extracted(error=f"{url}: {exc}")


def is_meta_redirect(body: bytes) -> bool:
    """A ``<meta http-equiv=refresh content="N; url=...">`` with N under the max delay."""
    match = _META_REFRESH.search(body[:65536])
    return match is not None and float(match.group(1)) < META_REFRESH_MAX_DELAY


def _current_path(path: Path) -> Path:
    """During a crawl the WARC being written is still ``NAME.open``; it gets its final name on rotation."""
    if not path.exists():
        open_path = path.with_name(path.name + ".open")
        if open_path.exists():
            return open_path
    return path


def process_pool(workers: int) -> ProcessPoolExecutor:
    """Extraction workers, started by a fork server on Linux: forking the crawler itself
    (threads, the reactor, open database connections) is unsafe, spawning is slow."""
    method = "forkserver" if sys.platform.startswith("linux") else "spawn"
    context = multiprocessing.get_context(method)
    if method == "forkserver":  # after kill -9 the fork server and workers must not live on
        context.set_forkserver_preload(forkserver_preload(*_WORKER_MODULES))
    return ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=die_with_parent)
