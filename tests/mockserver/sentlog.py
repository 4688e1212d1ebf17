"""The mock server's record of every response it sent.

Why: tests of the WARC capture must compare the archived bytes with what was
really on the wire (still gzip-compressed, chunk framing removed), not with
what some client library decoded. One JSON line per response in
``LOG_DIR/sent.jsonl``; the body bytes in ``LOG_DIR/bodies/<sha1>``. Each line
also holds the request's headers (``request_headers``, [name, value] pairs in
the order received), so a test can see e.g. that If-None-Match was sent.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from pathlib import Path


class SentLog:
    """Append-only, thread-safe writer of ``sent.jsonl`` and ``bodies/``."""

    def __init__(self, log_dir: Path) -> None:
        self.log_dir = log_dir
        self.bodies = log_dir / "bodies"
        self.bodies.mkdir(parents=True, exist_ok=True)
        self._file = (log_dir / "sent.jsonl").open("a", encoding="utf-8")
        self._lock = threading.Lock()

    def record(self, method: str, path: str, status: int,
               headers: list[tuple[str, str]], body: bytes,
               request_headers: list[tuple[str, str]] | None = None) -> None:
        """Log one response; called before its last byte leaves, so clients never outrun it."""
        sha1 = hashlib.sha1(body).hexdigest()
        entry = {
            "time": time.time(),
            "method": method,
            "path": path,
            "status": status,
            "headers": [list(h) for h in headers],
            "body_length": len(body),
            "body_sha1": sha1,
            "request_headers": [list(h) for h in request_headers or []],
        }
        line = json.dumps(entry, ensure_ascii=False) + "\n"
        with self._lock:
            target = self.bodies / sha1
            if not target.exists():
                target.write_bytes(body)
            self._file.write(line)
            self._file.flush()

    def close(self) -> None:
        with self._lock:
            self._file.close()
