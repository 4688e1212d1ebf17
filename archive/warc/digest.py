"""Check a declared ``WARC-Block-Digest`` / ``WARC-Payload-Digest`` against streamed bytes.

Tools write ``ALGORITHM:VALUE`` with the value in base32 (warcio, Heritrix, us), hex
(old wget) or base64; any of the three is accepted. Unknown algorithms are not checked.
"""

from __future__ import annotations

import base64
import hashlib

_ALGORITHMS = {"sha1": "sha1", "sha-1": "sha1", "sha256": "sha256", "sha-256": "sha256",
               "sha512": "sha512", "sha-512": "sha512", "md5": "md5"}


class BlockDigester:
    """Feed bytes with ``update``; ``matches()`` is None when there is nothing to check."""

    def __init__(self, declared: str | None) -> None:
        algorithm, _, value = (declared or "").partition(":")
        name = _ALGORITHMS.get(algorithm.strip().lower())
        self._value = value.strip()
        self._hash = hashlib.new(name) if name and self._value else None

    def update(self, data: bytes) -> None:
        if self._hash is not None:
            self._hash.update(data)

    def matches(self) -> bool | None:
        if self._hash is None:
            return None
        digest = self._hash.digest()
        value = self._value.rstrip("=")
        return (
            value.upper() == base64.b32encode(digest).decode("ascii").rstrip("=")
            or value.lower() == digest.hex()
            or value == base64.b64encode(digest).decode("ascii").rstrip("=")
        )
