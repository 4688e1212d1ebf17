"""Close the ``.open`` files a killed crawl left behind, without losing a byte.

A file is cut back to the end of its last gzip member that decompresses completely and
holds one whole WARC record; whatever follows (a record cut mid-write) is kept aside in
``NAME.warc.gz.tail`` for a human to inspect, never silently dropped. ``warcio
recompress`` would instead re-wrap a truncated record inside a valid member, hiding the
damage, so it is not used here.

A file still locked by a live writer (``flock``) is left alone.
"""

from __future__ import annotations

import fcntl
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from archive.errors import WarcFormatError
from archive.warc.files import OPEN_SUFFIX
from archive.warc.members import MemberStream
from archive.warc.parse import ByteSource, iter_block, read_head

logger = logging.getLogger(__name__)

TAIL_SUFFIX = ".tail"


@dataclass(frozen=True)
class Recovery:
    """What recovery did to one leftover file."""

    open_path: Path
    final_path: Path | None
    kept_bytes: int
    tail_path: Path | None
    tail_bytes: int
    records: int


def recover_directory(directory: Path) -> list[Recovery]:
    """Recover every unlocked ``*.warc.gz.open`` file in ``directory``.

    Deliberately not ``archive.warc.files.warc_files``: only our own writer's leftovers are
    touched (it writes gzip-per-record ``.warc.gz`` files, flat in its directory), since
    recovery cuts at gzip member boundaries and renames the file.
    """
    results = []
    for open_path in sorted(Path(directory).glob(f"*.warc.gz{OPEN_SUFFIX}")):
        result = recover_file(open_path)
        if result is not None:
            results.append(result)
    return results


def recover_file(open_path: Path) -> Recovery | None:
    """Cut one leftover file back to its last whole record and close it; None if live."""
    fd = os.open(open_path, os.O_RDWR)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            logger.info("%s is being written by a running crawl; left alone", open_path)
            return None
        good_end, records = _last_whole_record_end(open_path)
        size = os.fstat(fd).st_size
        tail_path = None
        if size > good_end:
            tail_path = _keep_tail(open_path, good_end, size)
            os.ftruncate(fd, good_end)
            os.fsync(fd)
    finally:
        os.close(fd)
    final_path: Path | None = open_path.with_name(open_path.name[: -len(OPEN_SUFFIX)])
    if records == 0:
        open_path.unlink()
        final_path = None
    else:
        os.rename(open_path, final_path)  # type: ignore[arg-type]
    logger.warning(
        "recovered %s: kept %d records (%d bytes)%s",
        open_path.name,
        records,
        good_end,
        f", incomplete tail of {size - good_end} bytes kept in {tail_path}" if tail_path else "",
    )
    return Recovery(open_path, final_path, good_end, tail_path, size - good_end, records)


def _last_whole_record_end(path: Path) -> tuple[int, int]:
    """End offset of the last member that holds one whole record, and how many precede it.

    Members are streamed in slices, so a member that inflates to gigabytes costs no memory.
    """
    good_end = 0
    records = 0
    with open(path, "rb") as stream:
        members = MemberStream(stream)
        while members.next_member():
            try:
                source = ByteSource(members.read)
                for _ in iter_block(source, read_head(source).content_length):
                    pass
                while source.read(1 << 16):  # to the member's end, so its length is known
                    pass
            except WarcFormatError:
                break
            if members.error:
                break
            good_end = members.offset + members.length
            records += 1
    return good_end, records


def _keep_tail(open_path: Path, start: int, end: int) -> Path:
    tail_path = open_path.with_name(open_path.name[: -len(OPEN_SUFFIX)] + TAIL_SUFFIX)
    counter = 1
    while tail_path.exists():
        counter += 1
        tail_path = open_path.with_name(
            open_path.name[: -len(OPEN_SUFFIX)] + f"{TAIL_SUFFIX}.{counter}"
        )
    with open(open_path, "rb") as source, open(tail_path, "xb") as target:
        source.seek(start)
        remaining = end - start
        while remaining:
            chunk = source.read(min(remaining, 1 << 20))
            if not chunk:
                break
            target.write(chunk)
            remaining -= len(chunk)
        target.flush()
        os.fsync(target.fileno())
    return tail_path
