"""Append records to ``.warc.gz`` files: naming, rotation, fsync, crash safety.

warcio's ``WARCWriter`` leaves naming, rotation and durability to its caller; this is
that caller, writing the bytes built by ``archive.warc.records``.

Crash-safety rules:
* a file is written as ``NAME.warc.gz.open``, created exclusively (never overwriting),
  locked with ``flock`` so recovery can tell a live file from a leftover, and renamed to
  ``NAME.warc.gz`` on rotation and close;
* each record is its own gzip member, and a request/response pair is written with one
  ``write``; durability is either per pair (``fsync="record"``: fsync before the location
  is returned) or group commit (``fsync="batch"``, the default: a syncer thread fsyncs
  every ``sync_interval`` seconds, and ``wait_durable(location)`` blocks until a record is
  on disk). Batching matters because an fsync costs ~2 ms on a virtual disk, which a
  crawl would otherwise pay per page on its reactor thread; whoever records a location
  somewhere else (the article database) waits for durability first;
* when a write fails (full disk, I/O error) the file is cut back to its last whole
  record and ``WarcWriteError`` is raised: what was archived stays readable.
"""

from __future__ import annotations

import fcntl
import os
import socket
import threading
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from archive.errors import ConfigError, WarcWriteError
from archive.warc.files import OPEN_SUFFIX
from archive.warc.location import RecordLocation
from archive.warc.records import (
    Exchange,
    RevisitTarget,
    WarcRecordBytes,
    build_exchange_records,
    build_metadata,
    build_warcinfo,
)

DEFAULT_MAX_SIZE = 1_000_000_000


@dataclass(frozen=True)
class ExchangeLocation:
    """Where the response and its request record landed (same file, adjacent)."""

    response: RecordLocation
    request: RecordLocation


_FSYNC_NAMES: dict[str, str | bool] = {
    "batch": "batch", "record": "record",
    "1": "record", "true": "record", "yes": "record", "on": "record",
    "0": False, "false": False, "no": False, "off": False,
}


def fsync_mode(value: object) -> str | bool:
    """``ARCHIVE_WARC_FSYNC`` as ``"batch"``, ``"record"`` or False (off).

    An unknown value is an error, not "off": a typo must never turn durability off silently.
    """
    if isinstance(value, bool):
        return "record" if value else False
    text = str(value).strip().lower()
    if text not in _FSYNC_NAMES:
        raise ConfigError(f"ARCHIVE_WARC_FSYNC={value!r} is not one of batch, record, off")
    return _FSYNC_NAMES[text]


@dataclass(frozen=True)
class WriterOptions:
    """How files are named, sized and described."""

    prefix: str = "newsarchive"
    max_size: int = DEFAULT_MAX_SIZE
    info_fields: Sequence[tuple[str, str]] = ()
    compress_level: int = 6
    fsync: str | bool = "batch"  # "batch" (group commit), "record" (per pair), or off
    sync_interval: float = 0.2


def gzip_member(data: bytes, level: int = 6) -> bytes:
    """One complete gzip member, as the WARC spec's record-at-a-time compression wants."""
    compressor = zlib.compressobj(level, zlib.DEFLATED, 31)
    return compressor.compress(data) + compressor.flush()


class WarcWriter:
    """Writes exchanges into rotating WARC files inside ``directory``."""

    def __init__(self, directory: Path, options: WriterOptions | None = None) -> None:
        self.directory = Path(directory)
        self.options = options or WriterOptions()
        self._fd: int | None = None
        self._name: str | None = None
        self._size = 0
        self._records_in_file = 0
        self._serial = 0
        self.closed_files: list[Path] = []
        # Group commit: the syncer thread fsyncs; _durable maps file name -> synced size.
        self._lock = threading.Condition()
        self._durable: dict[str, int] = {}
        self._sync_error: OSError | None = None
        self._syncer: threading.Thread | None = None
        self._stopping = False
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise WarcWriteError(f"cannot create WARC folder {self.directory}: {exc.strerror}") from exc
        if not os.access(self.directory, os.W_OK):
            raise WarcWriteError(f"WARC folder {self.directory} is not writable")

    # -- public API -------------------------------------------------------------

    @property
    def current_path(self) -> Path | None:
        return self.directory / (self._name + OPEN_SUFFIX) if self._name else None

    def write_exchange(
        self, exchange: Exchange, revisit_of: RevisitTarget | None = None
    ) -> ExchangeLocation:
        """Write the response (or revisit) and its request record together."""
        response, request = build_exchange_records(exchange, revisit_of)
        members = [gzip_member(r.data, self.options.compress_level) for r in (response, request)]
        self._rotate_if_needed(sum(len(m) for m in members))
        located = self._append([response, request], members)
        return ExchangeLocation(response=located[0], request=located[1])

    def write_metadata(
        self, target_uri: str, concurrent_to: str, fields: Sequence[tuple[str, str]]
    ) -> RecordLocation:
        record = build_metadata(target_uri, concurrent_to, fields, datetime.now(UTC))
        member = gzip_member(record.data, self.options.compress_level)
        self._rotate_if_needed(len(member))
        return self._append([record], [member])[0]

    def wait_durable(self, location: RecordLocation, timeout: float = 60.0) -> None:
        """Block until the record at ``location`` is fsynced (immediate unless batching).

        Raises ``WarcWriteError`` when the fsync failed or did not happen within ``timeout``:
        a caller about to store a row that points at the record must not take silence for
        durability."""
        end = location.offset + location.length
        with self._lock:
            durable = self._lock.wait_for(
                lambda: self._durable.get(location.file, -1) >= end or self._sync_error is not None,
                timeout=timeout,
            )
            if self._sync_error is not None:
                raise WarcWriteError(f"fsync of {location.file} failed: {self._sync_error.strerror}")
            if not durable:
                raise WarcWriteError(
                    f"{location.file}@{location.offset} was not fsynced within {timeout:g} s; "
                    "not treating it as durable"
                )

    def stop(self) -> None:
        """Close the file and stop the syncer thread."""
        self.close()
        with self._lock:
            self._stopping = True
            self._lock.notify_all()
        if self._syncer is not None:
            self._syncer.join(timeout=10)

    def _batching(self) -> bool:
        return self.options.fsync == "batch"

    def _sync_loop(self) -> None:
        while True:
            with self._lock:
                self._lock.wait(timeout=self.options.sync_interval)
                if self._stopping:
                    return
                fd, name, size = self._fd, self._name, self._size
                if fd is None or name is None or self._durable.get(name, -1) >= size:
                    continue
                try:
                    os.fsync(fd)  # under the lock: close() and rotation wait for it
                except OSError as exc:
                    self._sync_error = exc
                else:
                    self._durable[name] = size
                self._lock.notify_all()

    def close(self) -> None:
        """Close the current file and give it its final name (no ``.open`` left behind)."""
        with self._lock:
            self._close_locked()

    def _close_locked(self) -> None:
        if self._fd is None or self._name is None:
            return
        fd, name, records = self._fd, self._name, self._records_in_file
        self._fd, self._name = None, None
        open_path = self.directory / (name + OPEN_SUFFIX)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        if records == 0:  # only warcinfo: nothing was archived, leave no noise
            open_path.unlink(missing_ok=True)
            return
        final = self.directory / name
        os.rename(open_path, final)
        _fsync_directory(self.directory)
        self.closed_files.append(final)
        self._durable[name] = 1 << 62  # all of it is on disk now
        self._lock.notify_all()

    def __enter__(self) -> WarcWriter:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # -- internals ----------------------------------------------------------------

    def _rotate_if_needed(self, incoming: int) -> None:
        if self._fd is not None and self._records_in_file and (
            self._size + incoming > self.options.max_size
        ):
            self.close()
        if self._batching() and self._syncer is None:
            self._syncer = threading.Thread(target=self._sync_loop, name="newsarchive-fsync", daemon=True)
            self._syncer.start()
        if self._fd is None:
            self._open_new_file()

    def _open_new_file(self) -> None:
        host = socket.gethostname().split(".")[0] or "localhost"
        pid = os.getpid()
        while True:
            self._serial += 1
            stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S%f")[:17]
            name = f"{self.options.prefix}-{stamp}-{self._serial:05d}-{host}-{pid}.warc.gz"
            if (self.directory / name).exists():
                continue
            try:
                fd = os.open(
                    self.directory / (name + OPEN_SUFFIX),
                    os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND,
                    0o644,
                )
            except FileExistsError:
                continue
            except OSError as exc:
                raise WarcWriteError(
                    f"cannot create a WARC file in {self.directory}: {exc.strerror}"
                ) from exc
            break
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        with self._lock:
            self._fd, self._name, self._size, self._records_in_file = fd, name, 0, 0
        info = build_warcinfo(name, self.options.info_fields, datetime.now(UTC))
        try:
            self._append([info], [gzip_member(info.data, self.options.compress_level)])
        except WarcWriteError:
            self._fd, self._name = None, None
            os.close(fd)
            (self.directory / (name + OPEN_SUFFIX)).unlink(missing_ok=True)
            raise
        self._records_in_file = 0  # warcinfo does not count as content

    def _append(
        self, records: list[WarcRecordBytes], members: list[bytes]
    ) -> list[RecordLocation]:
        assert self._fd is not None and self._name is not None
        if self._sync_error is not None:
            raise WarcWriteError(
                f"cannot write to {self.directory / (self._name + OPEN_SUFFIX)}: "
                f"an earlier fsync failed ({self._sync_error.strerror})"
            )
        start = self._size
        data = b"".join(members)
        try:
            _write_all(self._fd, data)
            if self.options.fsync and not self._batching():
                os.fsync(self._fd)
        except OSError as exc:
            _cut_back(self._fd, start)
            raise WarcWriteError(
                f"cannot write to {self.directory / (self._name + OPEN_SUFFIX)}: {exc.strerror}; "
                "the file was cut back to its last whole record"
            ) from exc
        locations = []
        offset = start
        for record, member in zip(records, members, strict=False):
            locations.append(
                RecordLocation(
                    file=self._name,
                    offset=offset,
                    length=len(member),
                    record_id=record.record_id,
                    payload_digest=record.payload_digest,
                )
            )
            offset += len(member)
        with self._lock:
            self._size = offset
            if not self._batching():
                self._durable[self._name] = offset
            self._lock.notify_all()
        self._records_in_file += len(records)
        return locations


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _cut_back(fd: int, size: int) -> None:
    try:
        os.ftruncate(fd, size)
        os.fsync(fd)
    except OSError:
        pass  # recovery on next start cuts the file back to its last whole member


def _fsync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
