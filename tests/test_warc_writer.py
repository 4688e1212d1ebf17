"""archive/warc/writer.py and recover.py: naming, rotation, fsync, crash recovery, full disk."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from archive.errors import WarcWriteError
from archive.warc.check import check_file
from archive.warc.reader import iter_records, read_record
from archive.warc.records import build_exchange_records
from archive.warc.recover import recover_directory
from archive.warc.writer import WarcWriter, WriterOptions, gzip_member
from tests.warc_helpers import gzip_exchange, html_exchange, warc_files


def test_every_file_starts_with_warcinfo_and_reads_back(tmp_path: Path) -> None:
    info = [("software", "newsarchive-test"), ("isPartOf", "test-collection")]
    with WarcWriter(tmp_path, WriterOptions(info_fields=info)) as writer:
        location = writer.write_exchange(gzip_exchange("http://news.example/a", b"<p>Kabul</p>"))
    [path] = warc_files(tmp_path)
    records = list(iter_records(path))
    assert [r.rec_type for r in records] == ["warcinfo", "response", "request"]
    assert b"isPartOf: test-collection" in records[0].payload
    record = read_record(path, location.response.offset, location.response.length)
    assert record.record_id == location.response.record_id
    assert record.decoded_payload() == b"<p>Kabul</p>"
    assert location.response.file == path.name
    assert check_file(path).ok


def test_rotation_never_splits_a_pair_and_leaves_no_open_file(tmp_path: Path) -> None:
    body = os.urandom(150_000)  # incompressible, so sizes are predictable
    with WarcWriter(tmp_path, WriterOptions(max_size=1_000_000)) as writer:
        for n in range(40):  # ~6 MB
            writer.write_exchange(html_exchange(f"http://news.example/{n}", body))
    files = warc_files(tmp_path)
    assert len(files) >= 5
    assert not list(tmp_path.glob("*.open"))
    for path in files:
        types = [r.rec_type for r in iter_records(path)]
        assert types[0] == "warcinfo"
        assert types[1:] == ["response", "request"] * ((len(types) - 1) // 2)
        assert path.stat().st_size <= 1_000_000 + 200_000
        assert check_file(path).ok


def test_two_writers_in_the_same_second_write_distinct_files(tmp_path: Path) -> None:
    a, b = WarcWriter(tmp_path), WarcWriter(tmp_path)
    a.write_exchange(html_exchange())
    b.write_exchange(html_exchange())
    assert a.current_path != b.current_path
    a.close()
    b.close()
    assert len(warc_files(tmp_path)) == 2


def test_recovery_cuts_back_to_last_whole_record_and_keeps_tail(tmp_path: Path) -> None:
    writer = WarcWriter(tmp_path)
    writer.write_exchange(html_exchange("http://news.example/1"))
    writer.write_exchange(html_exchange("http://news.example/2"))
    open_path = writer.current_path
    assert open_path is not None
    whole_size = open_path.stat().st_size
    # Simulate a kill in the middle of the next record: half a gzip member at the end.
    response, _ = build_exchange_records(html_exchange("http://news.example/3", b"x" * 5000))
    member = gzip_member(response.data)
    with open(open_path, "ab") as stream:
        stream.write(member[: len(member) // 2])
    # The process "dies": its fsync thread stops with it, the lock is released, the file stays .open.
    with writer._lock:
        writer._stopping = True
        writer._lock.notify_all()
    if writer._syncer is not None:
        writer._syncer.join(timeout=10)
    os.close(writer._fd)
    writer._fd = None

    recoveries = recover_directory(tmp_path)
    assert len(recoveries) == 1, sorted(p.name for p in tmp_path.iterdir())
    [recovery] = recoveries
    assert recovery.records == 5  # warcinfo + two pairs
    assert recovery.kept_bytes == whole_size
    assert recovery.tail_path is not None and recovery.tail_path.read_bytes() == member[: len(member) // 2]
    [path] = warc_files(tmp_path)
    assert check_file(path).ok
    assert not list(tmp_path.glob("*.open"))
    subprocess.run(["gzip", "-t", str(path)], check=True)


def test_recovery_leaves_a_live_file_alone(tmp_path: Path) -> None:
    with WarcWriter(tmp_path) as writer:
        writer.write_exchange(html_exchange())
        assert recover_directory(tmp_path) == []
        assert writer.current_path is not None and writer.current_path.exists()


def test_unwritable_folder_is_a_typed_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(WarcWriteError, match="cannot create WARC folder"):
        WarcWriter(blocker / "warcs")


@pytest.fixture
def tiny_fs(tmp_path: Path):
    mount_point = tmp_path / "tiny"
    mount_point.mkdir()
    result = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mount_point)],
        capture_output=True,
    )
    if result.returncode != 0:
        pytest.skip(f"cannot mount a tiny tmpfs here (needs root): {result.stderr.decode().strip()}")
    yield mount_point
    subprocess.run(["umount", str(mount_point)], check=False)


def test_full_disk_cuts_back_and_keeps_file_readable(tiny_fs: Path) -> None:
    writer = WarcWriter(tiny_fs)
    written = 0
    with pytest.raises(WarcWriteError, match="cut back to its last whole record"):
        for n in range(100):
            writer.write_exchange(html_exchange(f"http://news.example/{n}", os.urandom(20_000)))
            written += 1
    assert written > 3
    writer.close()
    [path] = warc_files(tiny_fs)
    report = check_file(path)
    assert report.ok, report.problems
    assert report.records == 1 + 2 * written


@pytest.mark.parametrize("mode", ["batch", "record"])
def test_wait_durable_returns_once_the_record_is_synced(tmp_path: Path, mode: str) -> None:
    writer = WarcWriter(tmp_path, WriterOptions(fsync=mode, sync_interval=0.05))
    location = writer.write_exchange(html_exchange()).request
    writer.wait_durable(location, timeout=5)
    assert writer._durable[location.file] >= location.offset + location.length
    writer.stop()
    assert writer._syncer is None or not writer._syncer.is_alive()
    [path] = warc_files(tmp_path)
    assert check_file(path).ok


@pytest.mark.parametrize(("value", "mode"), [("batch", "batch"), ("RECORD", "record"), ("off", False),
                                              ("true", "record"), (False, False)])
def test_fsync_mode_names(value: object, mode: object) -> None:
    from archive.warc.writer import fsync_mode

    assert fsync_mode(value) == mode


def test_unknown_fsync_mode_is_a_config_error() -> None:
    from archive.errors import ConfigError
    from archive.warc.writer import fsync_mode

    with pytest.raises(ConfigError, match=r"ARCHIVE_WARC_FSYNC='sometimes' is not one of batch, record, off"):
        fsync_mode("sometimes")


def test_a_durability_wait_that_times_out_is_an_error_not_silence(tmp_path: Path) -> None:
    import threading

    writer = WarcWriter(tmp_path, WriterOptions(fsync="batch"))
    writer._syncer = threading.Thread(target=lambda: None)  # a syncer that never syncs
    writer._syncer.start()
    location = writer.write_exchange(html_exchange()).response
    with pytest.raises(WarcWriteError, match="not fsynced within 0.1 s"):
        writer.wait_durable(location, timeout=0.1)
    writer.stop()
    [path] = warc_files(tmp_path)
    assert check_file(path).records == 3


def test_check_reads_records_whose_gzip_input_arrives_in_slivers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A record head split across two reads of the compressed file once read as b'WARC'
    (4 bytes asked 5): ``check`` reported a sound file as damaged."""
    with WarcWriter(tmp_path) as writer:
        for n in range(5):
            writer.write_exchange(gzip_exchange(f"http://news.example/{n}", b"<p>Kabul</p>" * 50))
    [path] = warc_files(tmp_path)
    monkeypatch.setattr("archive.warc.members._READ_SIZE", 7)
    report = check_file(path)
    assert report.ok, report.problems
    assert report.records == 11
