"""Walk the gzip members of a ``.warc.gz`` file without trusting it.

Used by recovery (find the last whole record of a killed run's file) and by ``check``.
``MemberStream`` decompresses one member at a time in slices of at most the size asked
for, so a hostile or corrupt file (a member that inflates to gigabytes) costs no more
memory than one slice. ``iter_members`` is the small-file convenience on top of it.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

_READ_SIZE = 64 * 1024
GZIP_MAGIC = b"\x1f\x8b"
DEFAULT_MAX_MEMBER_BYTES = 256 * 1024 * 1024


@dataclass(frozen=True)
class Member:
    """One gzip member: its place in the file and its decompressed bytes, or the error."""

    offset: int
    length: int
    data: bytes
    error: str | None = None


class MemberStream:
    """A multi-member gzip stream read member by member, each as a capped byte stream.

    ``next_member()`` moves to the next member (skipping what is left of the current
    one); ``read(size)`` returns up to ``size`` decompressed bytes of the current member
    and ``b""`` at its end. After a damaged member, ``error`` says what went wrong and
    no further member is started.
    """

    def __init__(self, stream: BinaryIO) -> None:
        self._file = stream
        self._pending = b""
        self._position = 0  # compressed offset of the next member
        self._decompressor: zlib._Decompress | None = None
        self._fed = 0
        self._member_done = True
        self.offset = 0
        self.length = 0
        self.error: str | None = None

    def next_member(self) -> bool:
        """Start the next member; False at the end of the file or after an error."""
        while self._decompressor is not None and self.read(_READ_SIZE):
            pass
        if self.error:
            return False
        if not self._pending:
            self._pending = self._file.read(_READ_SIZE)
            if not self._pending:
                return False
        self.offset, self.length, self._fed = self._position, 0, 0
        self._decompressor = zlib.decompressobj(31)
        self._member_done = False
        return True

    def read(self, size: int) -> bytes:
        """Up to ``size`` decompressed bytes of the current member (``b""`` at its end)."""
        decompressor = self._decompressor
        while decompressor is not None and not self._member_done and not self.error:
            data = decompressor.unconsumed_tail or self._take_input()
            if not data:
                self.error = "truncated gzip member (file ends mid-record)"
                break
            try:
                out = decompressor.decompress(data, size)
            except zlib.error as exc:
                self.error = f"corrupt gzip data: {exc}"
                break
            if decompressor.eof:
                self._finish_member(decompressor)
            if out:
                return out
        return b""

    def _take_input(self) -> bytes:
        data = self._pending or self._file.read(_READ_SIZE)
        self._pending = b""
        self._fed += len(data)
        return data

    def _finish_member(self, decompressor: zlib._Decompress) -> None:
        self._member_done = True
        self._pending = decompressor.unused_data
        self.length = self._fed - len(self._pending)
        self._position = self.offset + self.length
        self._decompressor = None


def is_gzip(path: Path) -> bool:
    """Whether the file starts with the gzip magic bytes (whatever its name says)."""
    with open(path, "rb") as stream:
        return stream.read(2) == GZIP_MAGIC


def iter_members(
    path: Path, max_member_bytes: int = DEFAULT_MAX_MEMBER_BYTES
) -> Iterator[Member]:
    """Yield every member with its bytes; the last one carries ``error`` if the file is damaged."""
    with open(path, "rb") as stream:
        members = MemberStream(stream)
        while members.next_member():
            pieces: list[bytes] = []
            produced = 0
            while piece := members.read(_READ_SIZE):
                produced += len(piece)
                if produced > max_member_bytes:
                    yield Member(members.offset, 0, b"", f"member inflates past {max_member_bytes} bytes")
                    return
                pieces.append(piece)
            if members.error:
                yield Member(members.offset, 0, b"", members.error)
                return
            yield Member(members.offset, members.length, b"".join(pieces))
