"""Hostile WARC files for the memory tests, and peak-RSS measurement of a command.

``bomb_warc`` writes a ``.warc.gz`` whose one response record holds ``size`` bytes of
HTML-typed zeros: about 1 MB on disk per GB inflated. ``peak_rss_mib`` runs a command
under a small parent that adopts every descendant (a child subreaper), so worker
processes count too.
"""

from __future__ import annotations

import base64
import hashlib
import subprocess
import sys
import uuid
import zlib
from pathlib import Path

_ADOPT_AND_RUN = """
import ctypes, os, resource, subprocess, sys
ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER: orphans come to us
code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE).returncode
while True:
    try:
        os.wait()
    except ChildProcessError:
        break
sys.stdout.write(f"{code} {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}")
"""


def _member(head: bytes, zeros: int = 0, tail: bytes = b"\r\n\r\n") -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    parts = [compressor.compress(head)]
    block = bytes(1 << 20)
    remaining = zeros
    while remaining:
        piece = block[: min(remaining, len(block))]
        parts.append(compressor.compress(piece))
        remaining -= len(piece)
    parts += [compressor.compress(tail), compressor.flush()]
    return b"".join(parts)


def _sha1_zeros(prefix: bytes, zeros: int) -> str:
    digest = hashlib.sha1(prefix)
    block = bytes(1 << 20)
    remaining = zeros
    while remaining:
        digest.update(block[: min(remaining, len(block))])
        remaining -= min(remaining, len(block))
    return "sha1:" + base64.b32encode(digest.digest()).decode()


def warcinfo_member() -> bytes:
    block = b"software: test\r\n"
    head = (b"WARC/1.1\r\nWARC-Type: warcinfo\r\nWARC-Date: 2025-03-01T12:00:00Z\r\n"
            b"WARC-Record-ID: <urn:uuid:%s>\r\nContent-Type: application/warc-fields\r\n"
            b"Content-Length: %d\r\n\r\n" % (str(uuid.uuid4()).encode(), len(block)))
    return _member(head + block)


def bomb_warc(path: Path, size: int, url: str = "http://bomb.example/") -> Path:
    """A WARC whose response record inflates to ``size`` bytes of zeros typed text/html."""
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n" % size
    head = (b"WARC/1.1\r\nWARC-Type: response\r\nWARC-Date: 2025-03-01T12:00:00Z\r\n"
            b"WARC-Record-ID: <urn:uuid:%s>\r\nWARC-Target-URI: %s\r\n"
            b"WARC-Payload-Digest: %s\r\nWARC-Block-Digest: %s\r\n"
            b"Content-Type: application/http; msgtype=response\r\nContent-Length: %d\r\n\r\n"
            % (str(uuid.uuid4()).encode(), url.encode(), _sha1_zeros(b"", size).encode(),
               _sha1_zeros(http, size).encode(), len(http) + size))
    path.write_bytes(warcinfo_member() + _member(head + http, zeros=size))
    return path


def peak_rss_mib(*command: str, env: dict[str, str] | None = None) -> tuple[int, float]:
    """(exit status, peak RSS in MiB of the largest process) of ``command`` and its descendants."""
    result = subprocess.run([sys.executable, "-c", _ADOPT_AND_RUN, *command], capture_output=True,
                            text=True, env=env, check=True)
    code, kib = result.stdout.split()
    return int(code), int(kib) / 1024
