"""One crawl per site at a time: advisory locks under ``DATA_DIR/locks``.

``crawl NAME`` locks the watched site's name; every crawl also locks the host (and port)
of each seed, so ``crawl URL`` twice, or ``crawl URL`` beside ``crawl NAME`` of the same
site, cannot fetch every page twice. ``flock`` locks die with their process, so a
``kill -9`` never leaves a stale lock behind.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

from archive.errors import ConfigError


def _lock_name(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name)


@contextlib.contextmanager
def _lock(path: Path, busy_message: str) -> Iterator[None]:
    with open(path, "a+") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise ConfigError(busy_message) from exc
        lock.seek(0)
        lock.truncate()
        lock.write(str(os.getpid()))
        lock.flush()
        yield


@contextlib.contextmanager
def crawl_locks(data_dir: Path, seeds: Iterable[str], site: str | None = None) -> Iterator[None]:
    """Hold the site's lock (if named) and one lock per seed host until the block ends."""
    locks = Path(data_dir) / "locks"
    locks.mkdir(parents=True, exist_ok=True)
    with contextlib.ExitStack() as stack:
        if site is not None:
            stack.enter_context(_lock(locks / f"{_lock_name(site)}.lock",
                                      f"site {site!r} is being crawled by another process; try again later"))
        for host in sorted({urlsplit(seed).netloc.lower() for seed in seeds}):
            stack.enter_context(_lock(locks / f"host-{_lock_name(host)}.lock",
                                      f"{host} is being crawled by another process; try again later"))
        yield
