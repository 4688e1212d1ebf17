"""The pywb collection over the data dir's WARCs: symlinks and one CDXJ index per WARC.

pywb runs from its own virtual environment (see ``archive.pywb_env``) and only ever as
a child process: this package never imports it. The collection lives in the data dir::

    DATA_DIR/replay/                 pywb's working directory (``wayback`` runs here)
      config.yaml                    written by us on every sync
      templates/index.html           start page at /          (archive.replay.startpage)
      collections/news/
        archive/NAME.warc.gz         relative symlink -> ../../../../warcs/NAME.warc.gz
        indexes/NAME.warc.gz.cdxj    one sorted CDXJ index per WARC file
        templates/search.html        the same start page at /news/

The WARCs are those of ``DATA_DIR/warcs``, or of the folders given (``--warcs``, e.g. every
worker's folder of a cluster crawl): a file is linked under its path inside its folder,
so the writer's names (host and process in each) keep the workers' files apart.
WARCs are never copied. ``index_collection`` links and indexes the files that appeared
or changed since the last run (and forgets deleted ones), so the index follows new
crawls; pywb merges every ``.cdxj`` file of the ``indexes`` folder at query time.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from cdxj_indexer.main import CDXJIndexer
from warcio.exceptions import ArchiveLoadFailed

from archive.db.pages import cdx_timestamp
from archive.errors import ConfigError
from archive.pywb_env import pywb_command
from archive.warc.files import is_warc_name, warc_files

COLLECTION = "news"

# framed_replay: the archived page runs inside an iframe under pywb's banner;
# enable_memento: Memento headers (Link, Memento-Datetime) on every replayed page.
_CONFIG_YAML = """\
# Written by newsarchive on every index run; edits are overwritten.
debug: false
framed_replay: true
enable_memento: true
redirect_to_exact: true
"""


@dataclass(frozen=True)
class Collection:
    """Paths of the pywb collection inside a data dir."""

    data_dir: Path
    sources: tuple[Path, ...] = ()  # WARC folders; none: DATA_DIR/warcs

    @property
    def root(self) -> Path:
        return self.data_dir / "replay"

    @property
    def path(self) -> Path:
        return self.root / "collections" / COLLECTION

    @property
    def archive(self) -> Path:
        return self.path / "archive"

    @property
    def indexes(self) -> Path:
        return self.path / "indexes"

    @property
    def warcs(self) -> Path:
        return self.data_dir / "warcs"

    @property
    def folders(self) -> tuple[Path, ...]:
        """Where the collection's WARCs live: the folders given, else ``DATA_DIR/warcs``."""
        return self.sources or (self.warcs,)


@dataclass
class IndexStats:
    """What a sync did; ``errors`` are WARCs not indexed, ``warnings`` anything else to say."""

    warcs: int = 0
    indexed: int = 0
    removed: int = 0
    entries: int = 0
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def replay_address(url: str, timestamp: str | dt.datetime, base: str = "") -> str:
    """``{base}/news/{timestamp}/{url}``: where pywb replays ``url`` as captured then."""
    if isinstance(timestamp, dt.datetime):
        timestamp = cdx_timestamp(timestamp)
    return f"{base.rstrip('/')}/{COLLECTION}/{timestamp}/{url}"


def ensure_collection(data_dir: Path, warcs: Iterable[Path] = ()) -> Collection:
    """Create the collection with ``wb-manager init`` on first use; (re)write config.yaml.

    ``warcs``: the WARC folders to replay (default ``DATA_DIR/warcs``)."""
    coll = Collection(Path(data_dir).resolve(), tuple(dict.fromkeys(Path(w).resolve() for w in warcs)))
    try:
        coll.root.mkdir(parents=True, exist_ok=True)
        if not coll.indexes.is_dir():
            _run_wb_manager(coll.root, "init", COLLECTION)
        (coll.root / "config.yaml").write_text(_CONFIG_YAML, encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot set up the replay collection in {coll.root}: {exc}") from exc
    return coll


def _run_wb_manager(cwd: Path, *args: str) -> None:
    result = subprocess.run(
        [str(pywb_command("wb-manager")), *args], cwd=cwd, capture_output=True, text=True, check=False,
    )
    if result.returncode != 0:
        tail = (result.stderr or result.stdout).strip().splitlines()[-1:] or ["no output"]
        raise ConfigError(f"wb-manager {' '.join(args)} failed in {cwd}: {tail[0]}")


def index_collection(coll: Collection, *, rebuild: bool = False) -> IndexStats:
    """Bring ``archive/`` symlinks and per-WARC CDXJ files in line with the WARC folders."""
    stats = IndexStats()
    wanted = _wanted(coll, stats)
    stats.warcs = len(wanted)
    _drop_stale(coll, wanted, stats)
    for name, warc in sorted(wanted.items()):
        _link(coll.archive / name, warc)
        cdxj = coll.indexes / f"{name}.cdxj"
        if rebuild or not cdxj.exists() or cdxj.stat().st_mtime < warc.stat().st_mtime:
            error = _index_one(warc, name, cdxj)
            if error:
                stats.errors.append(error)
            else:
                stats.indexed += 1
    stats.entries = sum(_count_lines(path) for path in coll.indexes.glob("*.cdxj"))
    return stats


def _wanted(coll: Collection, stats: IndexStats) -> dict[str, Path]:
    """Link name -> WARC file, over every folder; a name taken by another folder's file is an error."""
    wanted: dict[str, Path] = {}
    seen: set[Path] = set()  # nested folders given both: each file once
    for folder in coll.folders:
        for path in warc_files([folder]) if folder.is_dir() else []:
            name = _link_name(path, folder)
            if wanted.get(name, path) != path:
                stats.errors.append(f"{path}: not indexed: {wanted[name]} has the same name in another folder")
            elif path not in seen:
                wanted[name] = path
                seen.add(path)
    return wanted


def _link_name(path: Path, warcs: Path) -> str:
    """Flat name for a WARC (sub-folders joined with ``__``), used as the CDXJ ``filename``."""
    return "__".join(path.relative_to(warcs).parts)


def _drop_stale(coll: Collection, wanted: dict[str, Path], stats: IndexStats) -> None:
    for link in coll.archive.iterdir() if coll.archive.is_dir() else ():
        if link.is_symlink() and link.name not in wanted:
            link.unlink()
    for cdxj in coll.indexes.glob("*.cdxj"):
        name = cdxj.name.removesuffix(".cdxj")
        if is_warc_name(name) and name not in wanted and not (coll.archive / name).exists():
            cdxj.unlink()
            stats.removed += 1


def _link(link: Path, target: Path) -> None:
    relative = os.path.relpath(target, link.parent)
    if link.is_symlink() and os.readlink(link) == relative:
        return
    if link.exists() and not link.is_symlink():
        return  # a real file put there by ``wb-manager add``: leave it alone
    tmp = link.with_name(f".{link.name}.tmp")
    tmp.unlink(missing_ok=True)
    os.symlink(relative, tmp)
    os.replace(tmp, link)


def _index_one(warc: Path, name: str, cdxj: Path) -> str | None:
    """Write ``cdxj`` atomically; return an error message instead of raising."""
    tmp = cdxj.with_name(f".{cdxj.name}.tmp")
    try:
        # No post_append: it inflates every body to buffer it (a decompression bomb
        # would fill the disk); our crawler does not archive POST pages worth replaying.
        CDXJIndexer(str(tmp), [str(warc)], sort=True, filename=name).process_all()
        os.replace(tmp, cdxj)
    except (ArchiveLoadFailed, OSError, EOFError, ValueError, zlib.error) as exc:
        tmp.unlink(missing_ok=True)
        return f"{warc}: not indexed ({exc})"
    return None


def _count_lines(path: Path) -> int:
    with open(path, "rb") as stream:
        return sum(1 for _ in stream)


def iter_index(coll: Collection) -> Iterator[tuple[str, str, dict[str, str]]]:
    """``(urlkey, timestamp, fields)`` for every CDXJ line of the collection."""
    for path in sorted(coll.indexes.glob("*.cdxj")):
        with open(path, encoding="utf-8") as stream:
            for line in stream:
                key, ts, data = line.rstrip("\n").split(" ", 2)
                yield key, ts, json.loads(data)


def latest_capture(coll: Collection, url: str) -> tuple[str, str] | None:
    """``(timestamp, url)`` of the newest capture of ``url`` in the index, if any."""
    key = CDXJIndexer.get_url_key(None, url)  # type: ignore[arg-type]  # uses no state
    found = [(ts, data.get("url", url)) for k, ts, data in iter_index(coll) if k == key]
    return max(found) if found else None
