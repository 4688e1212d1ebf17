"""Extraction stand-ins for the pipeline's concurrency tests; they run in worker processes.

Each wraps the real ``extract_record`` and is steered by files under a directory named
in ``NEWSARCHIVE_TEST_GATE``, so a test controls workers without timings:
``gated_extract`` holds every page until ``open`` exists; ``dying_extract`` kills its
worker once (the first call creates ``died``).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from archive.ingest.record import Extracted, extract_record


def _gate() -> Path:
    return Path(os.environ["NEWSARCHIVE_TEST_GATE"])


def gated_extract(path: str, offset: int, length: int, url: str) -> Extracted:
    """Wait for the test to open the gate, then extract as the pipeline does."""
    while not (_gate() / "open").exists():
        time.sleep(0.01)
    return extract_record(path, offset, length, url)


def dying_extract(path: str, offset: int, length: int, url: str) -> Extracted:
    """The first call kills its worker process (as the OOM killer would); later calls extract."""
    marker = _gate() / "died"
    if not marker.exists():
        marker.touch()
        os._exit(9)
    return extract_record(path, offset, length, url)
