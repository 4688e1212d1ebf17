"""Replay through pywb: a managed collection over the data dir's WARCs, and ``wayback``.

pywb runs from its own virtual environment (see ``archive.pywb_env``) and only ever as
a child process: this module never imports it. The collection lives in the data dir::

    DATA_DIR/replay/                 pywb's working directory (``wayback`` runs here)
      config.yaml                    written by us on every sync
      templates/index.html           start page at /          (what was captured)
      collections/news/
        archive/NAME.warc.gz         relative symlink -> ../../../../warcs/NAME.warc.gz
        indexes/NAME.warc.gz.cdxj    one sorted CDXJ index per WARC file
        templates/search.html        the same start page at /news/

WARCs are never copied. ``sync_collection`` links and indexes the files that appeared
or changed since the last run (and forgets deleted ones), so the index follows new
crawls; pywb merges every ``.cdxj`` file of the ``indexes`` folder at query time.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import os
import subprocess
import time
import urllib.error
import urllib.request
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from cdxj_indexer.main import CDXJIndexer
from warcio.exceptions import ArchiveLoadFailed

from archive.errors import ConfigError, DatabaseError
from archive.pywb_env import pywb_command

COLLECTION = "news"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8080
START_PAGE_LIMIT = 5000
WARC_SUFFIXES = (".warc.gz", ".warc")

_NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))

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


@dataclass
class IndexStats:
    warcs: int = 0
    indexed: int = 0
    removed: int = 0
    entries: int = 0
    errors: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class CapturedPage:
    """One line of the start page (and of a WACZ's ``pages.jsonl``)."""

    url: str
    timestamp: str  # 14 digits, UTC, as in the CDXJ index
    site: str
    title: str | None = None
    published: str | None = None


def replay_address(url: str, timestamp: str | dt.datetime, base: str = "") -> str:
    """``{base}/news/{timestamp}/{url}``: where pywb replays ``url`` as captured then."""
    if isinstance(timestamp, dt.datetime):
        timestamp = _timestamp(timestamp)
    return f"{base.rstrip('/')}/{COLLECTION}/{timestamp}/{url}"


def server_base(host: str, port: int) -> str:
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def ensure_collection(data_dir: Path) -> Collection:
    """Create the collection with ``wb-manager init`` on first use; (re)write config.yaml."""
    coll = Collection(Path(data_dir).resolve())
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


def sync_collection(data_dir: Path, *, rebuild: bool = False, db_url: str | None = None) -> IndexStats:
    """Link and index new or changed WARCs, drop deleted ones, rewrite the start page."""
    coll = ensure_collection(data_dir)
    stats = index_collection(coll, rebuild=rebuild)
    write_start_page(coll, captured_pages(coll, db_url))
    return stats


def index_collection(coll: Collection, *, rebuild: bool = False) -> IndexStats:
    """Bring ``archive/`` symlinks and per-WARC CDXJ files in line with ``DATA_DIR/warcs``."""
    stats = IndexStats()
    wanted = {_link_name(path, coll.warcs): path for path in warc_files(coll.warcs)}
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


def warc_files(warcs: Path) -> list[Path]:
    if not warcs.is_dir():
        return []
    return sorted(p for p in warcs.rglob("*") if p.is_file() and p.name.endswith(WARC_SUFFIXES))


def _link_name(path: Path, warcs: Path) -> str:
    """Flat name for a WARC (sub-folders joined with ``__``), used as the CDXJ ``filename``."""
    return "__".join(path.relative_to(warcs).parts)


def _drop_stale(coll: Collection, wanted: dict[str, Path], stats: IndexStats) -> None:
    for link in coll.archive.iterdir() if coll.archive.is_dir() else ():
        if link.is_symlink() and link.name not in wanted:
            link.unlink()
    for cdxj in coll.indexes.glob("*.cdxj"):
        name = cdxj.name.removesuffix(".cdxj")
        if name.endswith(WARC_SUFFIXES) and name not in wanted and not (coll.archive / name).exists():
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


def captured_pages(coll: Collection, db_url: str | None = None) -> list[CapturedPage]:
    """Article captures with titles from the database; the index's HTML pages without it."""
    pages = article_pages(coll.data_dir, db_url)
    if pages:
        return pages
    from urllib.parse import urlsplit

    seen: dict[tuple[str, str], CapturedPage] = {}
    for _key, ts, data in iter_index(coll):
        if data.get("status") == "200" and data.get("mime") in ("text/html", "application/xhtml+xml"):
            url = data["url"]
            host = (urlsplit(url).hostname or "").removeprefix("www.")
            seen[(ts, url)] = CapturedPage(url=url, timestamp=ts, site=host)
    return sorted(seen.values(), key=lambda p: (p.timestamp, p.url), reverse=True)


def article_pages(data_dir: Path, db_url: str | None = None) -> list[CapturedPage]:
    """Captures that gave an article, newest first; read-only (never creates or migrates a database)."""
    from sqlalchemy import select
    from sqlalchemy.exc import SQLAlchemyError

    from archive.db.models import ArticleVersion, Capture, Site
    from archive.db.session import DB_FILENAME, open_database

    if db_url is None and not (data_dir / DB_FILENAME).exists():
        return []
    av = ArticleVersion
    stmt = (
        select(Capture.url, Capture.fetched_at, Site.host, Site.name, av.title, av.published)
        .join(av, av.id == Capture.article_version_id)
        .outerjoin(Site, Site.id == Capture.site_id)
        .where(Capture.status == 200)
        .order_by(Capture.fetched_at.desc(), Capture.id.desc())
    )
    try:
        db = open_database(data_dir, db_url, upgrade=False)
        try:
            with db.engine.connect() as conn:
                rows = conn.execute(stmt).all()
        finally:
            db.dispose()
    except (SQLAlchemyError, DatabaseError):
        return []  # an empty or older database: fall back to the index
    return [
        CapturedPage(url=r.url, timestamp=_timestamp(r.fetched_at), site=r.name or r.host or "",
                     title=r.title, published=r.published)
        for r in rows
    ]


def _timestamp(when: dt.datetime) -> str:
    if when.tzinfo is not None:
        when = when.astimezone(dt.timezone.utc)
    return when.strftime("%Y%m%d%H%M%S")


def write_start_page(coll: Collection, pages: list[CapturedPage]) -> None:
    """The page pywb shows at ``/`` and ``/news/``: captures grouped by site, newest first."""
    page = render_start_page(pages)
    for path in (coll.root / "templates" / "index.html", coll.path / "templates" / "search.html"):
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_text(page, encoding="utf-8")
        os.replace(tmp, path)


def render_start_page(pages: list[CapturedPage], limit: int = START_PAGE_LIMIT) -> str:
    by_site: dict[str, list[CapturedPage]] = {}
    for page in pages[:limit]:
        by_site.setdefault(page.site or "(unknown site)", []).append(page)
    parts = [_PAGE_HEAD, f"<p>{len(pages)} captured pages.</p>"]
    if len(pages) > limit:
        parts.append(f"<p>Showing the newest {limit}.</p>")
    for site in sorted(by_site):
        parts.append(f"<h2>{_esc(site)}</h2>\n<ul>")
        for page in by_site[site]:
            href = replay_address(page.url, page.timestamp)
            when = _display_date(page.timestamp)
            extra = f" · published {_esc(page.published)}" if page.published else ""
            parts.append(
                f'<li><a href="{_esc(href)}">{_esc(page.title or page.url)}</a> '
                f"<small>captured <time>{when}</time>{extra}</small></li>"
            )
        parts.append("</ul>")
    parts.append("</body>\n</html>\n")
    return "\n".join(parts)


def _esc(text: str) -> str:
    """HTML-escape, and hide braces so pywb's Jinja never sees ``{{``, ``{%`` or ``{#``."""
    return html.escape(text, quote=True).replace("{", "&#123;").replace("}", "&#125;")


def _display_date(ts: str) -> str:
    return f"{ts[0:4]}-{ts[4:6]}-{ts[6:8]} {ts[8:10]}:{ts[10:12]} UTC"


_START_PAGE_MARK = b'<meta name="generator" content="newsarchive">'
_PAGE_HEAD = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
{_START_PAGE_MARK.decode()}
<title>newsarchive: captured pages</title>
<style>body{{font-family:sans-serif;max-width:60em;margin:2em auto;padding:0 1em}}
li{{margin:.3em 0}} small{{color:#555}}</style>
</head>
<body>
<h1>newsarchive: captured pages</h1>
<form action="/{COLLECTION}/*/" onsubmit="location.href='/{COLLECTION}/*/'+this.url.value;return false">
<input name="url" type="url" placeholder="https://..." size="50" required>
<button>All captures of this URL</button></form>"""


# ``wayback`` with TCP_NODELAY on every connection. gevent's server writes the headers
# and the body separately; with Nagle on, every response on a kept-alive connection then
# waits for the client's delayed ACK: ~45 ms instead of ~6 ms per request (bench_replay).
_WAYBACK_SHIM = """\
import socket, sys
import gevent.pywsgi as pywsgi
_handle = pywsgi.WSGIHandler.handle
def handle(self):
    try:
        self.socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    except (OSError, AttributeError):
        pass
    return _handle(self)
pywsgi.WSGIHandler.handle = handle
from pywb.apps.cli import wayback
sys.argv[0] = "wayback"
sys.exit(wayback())
"""


class ReplayServer:
    """``wayback`` serving the collection, as a child process on its own port (origin)."""

    def __init__(self, coll: Collection, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> None:
        self.coll = coll
        self.host = host
        self.port = port
        self.base_url = server_base(host, port)
        self.log_path = coll.root / "wayback.log"
        self._proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> ReplayServer:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def start(self, timeout: float = 60.0) -> None:
        """Start ``wayback`` in the collection's root and wait until it answers."""
        with open(self.log_path, "wb") as log:  # one run's log: it grows with every request
            self._proc = subprocess.Popen(
                [str(pywb_command("wayback").with_name("python")), "-c", _WAYBACK_SHIM,
                 "-b", self.host, "-p", str(self.port)],
                cwd=self.coll.root, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,  # Ctrl-C reaches us only; we stop wayback ourselves
            )
        try:
            self._wait_ready(timeout)
        except BaseException:
            self.stop()
            raise

    def _wait_ready(self, timeout: float) -> None:
        assert self._proc is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                raise ConfigError(
                    f"wayback exited with status {self._proc.returncode} (port {self.port} in use?); "
                    f"see {self.log_path}: {self._log_tail()}"
                )
            if self._answers():
                return
            time.sleep(0.2)
        raise ConfigError(f"wayback did not answer on {self.base_url} within {timeout:.0f} s; see {self.log_path}")

    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def wait(self, timeout: float | None = None) -> int | None:
        """Wait for the process to end (``None`` if still running after ``timeout``)."""
        if self._proc is None:
            return None
        try:
            return self._proc.wait(timeout)
        except subprocess.TimeoutExpired:
            return None

    def stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None or proc.poll() is not None:
            return
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

    def _answers(self) -> bool:
        try:
            with _NO_PROXY.open(self.base_url + "/", timeout=2) as response:
                # Our start page, not some other server that already had the port.
                return response.status == 200 and _START_PAGE_MARK in response.read()
        except (urllib.error.URLError, OSError):
            return False

    def _log_tail(self) -> str:
        try:
            lines = self.log_path.read_text(errors="replace").strip().splitlines()
        except OSError:
            return "no log"
        return lines[-1] if lines else "empty log"
