"""The tantivy search index: a derived copy of the latest version of every article.

SQL full-text search visits every match, so a common word costs seconds at a million
articles (docs/database.md); tantivy ranks with block-max WAND and sorts by fast fields.
The chain of truth is WARCs -> database -> this index: it is rebuilt from the database
(``rebuild``) and kept in step after each ingest commit (``catch_up``).

Never drift: ``newsarchive-watermark.json`` beside the segments holds the watermark, the highest
``article_versions.id`` indexed, written only after tantivy's commit. ``catch_up``
re-indexes every article whose latest version is above it (one document per article,
replaced by article id: superseded versions are deleted, as SQL search only sees
``articles.latest_version_id``). Re-indexing is idempotent, so a crash between the two
commits only repeats work. ``open_for_search`` returns None (SQL search) when the index
is missing, switched off, or behind the database and nothing has caught it up for
``FRESH_WINDOW`` seconds. An index behind but caught up that recently is being kept in
step by a live process (a crawl catches up every ``UPDATE_INTERVAL``): it answers, near
real time like Elasticsearch's refresh interval, and search misses at most the rows of the
last few seconds. SQL search over a million articles costs seconds (minutes on PostgreSQL
without stored vectors, see ``sqlvectors``), so a crawl in progress must not send every
search there.

Where it lives: ``ARCHIVE_SEARCH_INDEX_DIR`` if set, else for SQLite ``search-index/`` beside
the database file, for PostgreSQL ``DATA_DIR/search-index-<hash of the URL>/`` (an engine
made outside ``open_database``: under ``~/.cache/newsarchive/``).
``ARCHIVE_SEARCH_INDEX=off`` disables it; ``auto`` (default) uses it when tantivy imports.
"""

from __future__ import annotations

import atexit
import datetime as dt
import fcntl
import hashlib
import json
import logging
import os
import shutil
import threading
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event, func, select, text
from sqlalchemy.orm import Session

from archive.db.ingest_rules import author_key
from archive.db.text import fold_for_search

log = logging.getLogger(__name__)

SCHEMA_VERSION = 2  # 2: facet fields (site_id fast, *_facet, year, month)
BATCH = 5000  # versions read and added per tantivy commit
WRITER_HEAP = 128_000_000
LOCK_WAIT = 30.0  # s the background updater waits for another process writing the index
FRESH_WINDOW = 60.0  # s: an index behind but caught up this recently still answers (module docstring)
UPDATE_INTERVAL = 10.0  # s between background catch-ups (``_Updater``); ``wait_for_updates`` skips it
CREATE_LIMIT = 5000  # ingest creates a missing index only when this few versions are in the database
ANALYZER = "newsarchive_folded"
_ID_BITS = 28  # sort keys: published seconds << 28 | article id (ids up to 268 million)
_NULL_KEY = -(2**62)
FACET_TEXT_FIELDS = ("language_facet", "section_facet", "author_facet")
_META = "newsarchive-watermark.json"
_lock = threading.Lock()
_warned: set[str] = set()
_open_indexes: dict[str, SearchIndex] = {}  # by path: opening an index costs ~7 ms, searching one ~1 ms
term_cache: dict[tuple[str, str], tuple[tuple[int, int], list[str]]] = {}  # searchindex_query._terms
_data_dirs: weakref.WeakKeyDictionary[Engine, Path] = weakref.WeakKeyDictionary()


@dataclass
class SearchIndex:
    """An open tantivy index and its watermark."""

    path: Path
    index: Any
    watermark: int
    documents: int
    database: str


def enabled() -> bool:
    """``ARCHIVE_SEARCH_INDEX`` is not ``off`` and tantivy imports."""
    if os.environ.get("ARCHIVE_SEARCH_INDEX", "auto").strip().lower() in ("off", "0", "false", "no"):
        return False
    try:
        import tantivy  # noqa: F401
    except ImportError:
        return False
    return True


def remember_data_dir(engine: Engine, data_dir: Path) -> None:
    """Note the DATA_DIR an engine was opened for (``session.open_database``): a PostgreSQL index lives there."""
    _data_dirs[engine] = Path(data_dir)


def index_dir(engine: Engine) -> Path:
    """Where the index of ``engine``'s database lives (see the module docstring)."""
    configured = os.environ.get("ARCHIVE_SEARCH_INDEX_DIR")
    if configured:
        return Path(configured)
    url = engine.url
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        return Path(url.database).resolve().parent / "search-index"
    base = _data_dirs.get(engine, Path.home() / ".cache" / "newsarchive")
    return base.resolve() / f"search-index-{database_key(engine)}"


def _schema() -> Any:
    import tantivy

    sb = tantivy.SchemaBuilder()
    sb.add_integer_field("article_id", stored=True, indexed=True, fast=True)
    sb.add_integer_field("version_id", stored=True)
    for name in ("title", "summary", "body"):
        sb.add_text_field(name, tokenizer_name=ANALYZER, index_option="position")
    sb.add_integer_field("site_id", indexed=True, fast=True)
    for name in ("language", "section", "author", "page_type"):  # filters: folded keys
        sb.add_text_field(name, tokenizer_name="raw")
    for name in FACET_TEXT_FIELDS:  # facets: the values as stored, counted from columns (fast fields)
        sb.add_text_field(name, fast=True, tokenizer_name="raw", index_option="basic")
    sb.add_date_field("published", indexed=True, fast=True)
    sb.add_integer_field("year", fast=True)
    sb.add_integer_field("month", fast=True)  # year * 100 + month
    sb.add_integer_field("newest", fast=True)
    sb.add_integer_field("oldest", fast=True)
    return sb.build()


def analyzer() -> Any:
    """How text is cut into terms, for documents and query words alike (close to FTS5's unicode61)."""
    import tantivy

    return (tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple()).filter(tantivy.Filter.lowercase())
            .filter(tantivy.Filter.ascii_fold()).build())


def _open(path: Path, create: bool, database: str) -> SearchIndex | None:
    import tantivy

    meta = _read_meta(path, database)
    if meta is None and not create:
        return None
    if meta is None:
        shutil.rmtree(path, ignore_errors=True)
        path.mkdir(parents=True)
        meta = {"watermark": 0, "documents": 0}
    index = _retry_vanished(lambda: tantivy.Index(_schema(), path=str(path), reuse=True))
    index.register_tokenizer(ANALYZER, analyzer())
    return SearchIndex(path, index, int(meta["watermark"]), int(meta["documents"]), database)


def _retry_vanished(action: Any, attempts: int = 5) -> Any:
    """Run ``action``, again when a segment file it was told about has just been deleted.

    A process reading the index (``search`` while a crawl runs) can read tantivy's list of
    segments a moment before the writing process's commit garbage-collects the old ones; the
    next read sees the new list. Writers never race this way: they hold ``_cross_process_lock``.
    """
    for attempt in range(attempts):
        try:
            return action()
        except ValueError as exc:
            if "FileDoesNotExist" not in str(exc) or attempt == attempts - 1:
                raise
            time.sleep(0.05 * (attempt + 1))
    raise AssertionError("unreachable")


@contextmanager
def _cross_process_lock(path: Path, timeout: float | None) -> Iterator[bool]:
    """An flock on ``<index>.lock`` for opening and writing the index; yields whether it is held.

    tantivy's own lock only stops two writers. A second process *opening* the index while the
    first one's commit deletes superseded segment files would read a list naming files that are
    gone, so catch-ups and rebuilds of one index take turns across processes. ``timeout`` (s)
    bounds the wait of the background updater, whose process may be about to exit while a
    long rebuild runs elsewhere; None waits as long as it takes.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    deadline = None if timeout is None else time.monotonic() + timeout
    with open(f"{path}.lock", "a") as handle:
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | (0 if deadline is None else fcntl.LOCK_NB))
                break
            except BlockingIOError:
                if deadline is not None and time.monotonic() >= deadline:
                    yield False
                    return
                time.sleep(0.05)
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _read_meta(path: Path, database: str) -> dict[str, Any] | None:
    """The watermark file, or None when missing, of another schema or of another database."""
    try:
        meta = json.loads((path / _META).read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(meta, dict) or meta.get("schema") != SCHEMA_VERSION or meta.get("database") != database:
        return None
    return meta


def _older_layout(path: Path) -> bool:
    """Whether ``path`` holds an index written with another ``SCHEMA_VERSION``."""
    try:
        meta = json.loads((path / _META).read_text())
    except (OSError, ValueError):
        return False
    return isinstance(meta, dict) and meta.get("schema") != SCHEMA_VERSION


def _write_meta(idx: SearchIndex) -> None:
    tmp = idx.path / (_META + ".tmp")
    tmp.write_text(json.dumps({"schema": SCHEMA_VERSION, "database": idx.database, "watermark": idx.watermark,
                               "documents": idx.documents, "updated": time.time()}))
    tmp.replace(idx.path / _META)


def database_key(engine: Engine) -> str:
    """Which database an index belongs to: a hash of its URL without the password."""
    return hashlib.sha256(engine.url.render_as_string(hide_password=True).encode()).hexdigest()[:16]


def open_for_search(engine: Engine, latest_version: int) -> SearchIndex | None:
    """The index if it is enabled, present and holds every version up to ``latest_version``, or
    was caught up within ``FRESH_WINDOW`` seconds (see the module docstring)."""
    if not enabled():
        return None
    path = index_dir(engine)
    key = database_key(engine)
    meta = _read_meta(path, key)
    if meta is None:
        if _older_layout(path):
            _warn_once(path, f"search index {path} has an older layout: using SQL search until "
                             "`newsarchive reindex` rebuilds it")
        return None
    cached = _open_indexes.get(str(path))
    if cached is None or cached.database != key:
        try:
            cached = _open(path, False, key)
        except (OSError, ValueError) as exc:  # damaged or unreadable: SQL still answers
            _warn_once(path, f"search index {path} cannot be opened ({exc}): using SQL search; "
                             "`newsarchive reindex --rebuild` rebuilds it")
            return None
        if cached is None:
            return None
        _open_indexes[str(path)] = cached
    cached.watermark, cached.documents = int(meta["watermark"]), int(meta["documents"])
    idx = cached
    kept_in_step = time.time() - float(meta.get("updated", 0)) <= FRESH_WINDOW
    if idx.watermark < latest_version and not kept_in_step:
        _warn_once(path, f"search index {path} is behind the database (version {idx.watermark} < "
                         f"{latest_version}): using SQL search until the next ingest or `newsarchive reindex` "
                         "catches it up")
        return None
    _retry_vanished(idx.index.reload)
    return idx


def _warn_once(path: Path, message: str) -> None:
    if str(path) not in _warned:
        _warned.add(str(path))
        log.warning("%s", message)


def latest_version_id(conn: Any) -> int:
    from archive.db.models import ArticleVersion

    return int(conn.execute(select(func.max(ArticleVersion.id))).scalar() or 0)


def catch_up(engine: Engine, *, create: bool = False) -> int:
    """Index every article whose latest version is above the watermark; returns how many.

    Without ``create`` a missing index is only created while the database is small
    (``CREATE_LIMIT``): a big one is built by ``newsarchive reindex``, not inside a crawl.
    Another process holding the writer lock is not an error: it is catching up too.
    """
    if not enabled():
        return 0
    path = index_dir(engine)
    with _lock, _cross_process_lock(path, None if create else LOCK_WAIT) as held:
        if not held:
            log.info("search index %s is still being written by another process: the next catch-up does this", path)
            return 0
        with engine.connect() as conn:
            top = latest_version_id(conn)
            key = database_key(engine)
            if not create and _read_meta(path, key) is None and top > CREATE_LIMIT:
                return 0
            idx = _open(path, True, key)
            assert idx is not None
            if idx.watermark >= top:
                if _read_meta(path, key) is None:
                    _write_meta(idx)
                return 0
            try:
                writer = idx.index.writer(heap_size=WRITER_HEAP, num_threads=1)
            except ValueError as exc:  # LockBusy: another writer
                log.info("search index %s is being written by another process: %s", path, exc)
                return 0
            return _index_rows(idx, writer, conn, top)


def searchindex_hook(session: Session) -> None:
    """Catch the index up once ``session`` commits (ingest calls this after writing new versions)."""
    if not enabled() or session.info.get("searchindex_hook"):
        return
    session.info["searchindex_hook"] = True
    event.listen(session, "after_commit", _after_commit, once=True)


def _after_commit(session: Session) -> None:
    session.info.pop("searchindex_hook", None)
    _updater.poke(session.get_bind().engine)


class _Updater:
    """One background thread that runs ``catch_up`` after commits, coalescing them.

    A tantivy commit costs about 200 ms (fsync) plus a writer and new segments to merge;
    the crawl commits a batch of pages every fraction of a second, so the thread indexes
    whatever committed meanwhile in one go, and at most once every ``min_interval``
    seconds (``UPDATE_INTERVAL``): during a crawl the index trails by that much and search
    answers with SQL until it catches up. ``wait`` runs the pending work now (the end of a
    crawl, process exit, tests); after a crash the next catch-up does it.
    """

    def __init__(self, min_interval: float | None = None, clock: Any = time.monotonic) -> None:
        self._pending: dict[str, Engine] = {}
        self._wake = threading.Condition()
        self._busy = False
        self._hurry = 0  # wait() calls asking for the pending work now
        self._min_interval = min_interval
        self._clock = clock
        self._last_run = float("-inf")
        self._thread: threading.Thread | None = None
        self.runs = 0  # catch-up rounds done (each covers every database poked before it)

    def poke(self, engine: Engine) -> None:
        with self._wake:
            self._pending[database_key(engine)] = engine
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="search-index", daemon=True)
                self._thread.start()
                atexit.register(self.wait)
            self._wake.notify_all()

    def wait(self) -> None:
        """Block until every poked database is caught up, running pending work without delay."""
        with self._wake:
            self._hurry += 1
            self._wake.notify_all()
            try:
                self._wake.wait_for(lambda: not self._pending and not self._busy)
            finally:
                self._hurry -= 1

    def _due_in(self) -> float:
        """Seconds until the pending work may run (0: now)."""
        if self._hurry:
            return 0.0
        interval = UPDATE_INTERVAL if self._min_interval is None else self._min_interval
        return max(0.0, self._last_run + interval - self._clock())

    def _run(self) -> None:
        while True:
            with self._wake:
                self._wake.wait_for(lambda: bool(self._pending))
                while (delay := self._due_in()) > 0:
                    self._wake.wait(delay)
                engines = list(self._pending.values())
                self._pending.clear()
                self._busy = True
            for engine in engines:
                try:
                    catch_up(engine)
                except Exception as exc:  # noqa: BLE001 - the database committed; a later catch-up retries
                    log.warning("search index not updated (%s); SQL search answers until it catches up", exc)
            with self._wake:
                self._last_run = self._clock()
                self.runs += 1
                self._busy = False
                self._wake.notify_all()


_updater = _Updater()
wait_for_updates = _updater.wait


def rebuild(engine: Engine) -> int:
    """Build the index again from the database (``reindex``); returns the documents indexed."""
    if not enabled():
        return 0
    with _cross_process_lock(index_dir(engine), None):
        drop(engine)
    return catch_up(engine, create=True)


def drop(engine: Engine) -> None:
    """Delete the index (the database was cleared: every id in it is stale)."""
    path = index_dir(engine)
    _open_indexes.pop(str(path), None)
    for key in [k for k in term_cache if k[0] == str(path)]:
        del term_cache[key]
    shutil.rmtree(path, ignore_errors=True)


def _index_rows(idx: SearchIndex, writer: Any, conn: Any, top: int) -> int:
    """Add the latest versions above the watermark in batches, one commit each."""
    done = 0
    while idx.watermark < top:
        rows = conn.execute(_ROWS, {"after": idx.watermark, "upto": min(top, idx.watermark + BATCH * 4),
                                    "n": BATCH}).all()
        if not rows:
            idx.watermark = min(top, idx.watermark + BATCH * 4)
            continue
        names = _author_names(conn, idx.watermark, rows[-1].version_id)
        for row in rows:
            writer.delete_documents_by_term("article_id", row.article_id)
            writer.add_document(_document(row, names.get(row.version_id, ())))
        writer.commit()
        done += len(rows)
        idx.documents += len(rows)  # re-indexed articles count again: an upper bound
        idx.watermark = rows[-1].version_id if len(rows) == BATCH else min(top, idx.watermark + BATCH * 4)
        _write_meta(idx)
    writer.wait_merging_threads()
    return done


_ROWS = text(
    "SELECT a.id AS article_id, v.id AS version_id, a.site_id, v.title, v.summary, v.body, v.language, "
    "v.section, v.authors, v.page_type, v.published_at FROM article_versions v "
    "JOIN articles a ON a.latest_version_id = v.id "
    "WHERE v.id > :after AND v.id <= :upto ORDER BY v.id LIMIT :n"
)


_AUTHOR_NAMES = text(
    "SELECT l.version_id, au.name FROM article_version_authors l JOIN authors au ON au.id = l.author_id "
    "WHERE l.version_id > :after AND l.version_id <= :last ORDER BY l.version_id, l.position"
)


def _author_names(conn: Any, after: int, last: int) -> dict[int, list[str]]:
    """Author names per version id (as the ``authors`` table spells them: what SQL facets count)."""
    names: dict[int, list[str]] = {}
    for version_id, name in conn.execute(_AUTHOR_NAMES, {"after": after, "last": last}):
        names.setdefault(version_id, []).append(name)
    return names


def _document(row: Any, author_names: Any = ()) -> Any:
    import tantivy

    doc = tantivy.Document(article_id=row.article_id, version_id=row.version_id,
                           title=fold_for_search(row.title or ""), summary=fold_for_search(row.summary or ""),
                           body=fold_for_search(row.body or ""), page_type=row.page_type or "",
                           language=(row.language or "").lower(), section=section_key(row.section or ""))
    if row.site_id is not None:
        doc.add_integer("site_id", row.site_id)
    if row.language:
        doc.add_text("language_facet", row.language)
    if row.section:
        doc.add_text("section_facet", row.section)
    authors = json.loads(row.authors) if isinstance(row.authors, str) else (row.authors or [])
    for name in authors:
        doc.add_text("author", fold_for_search(author_key(name)))
    for name in dict.fromkeys(author_names):
        doc.add_text("author_facet", name)
    when = _utc(row.published_at)
    if when is not None:
        doc.add_date("published", when.replace(tzinfo=None))
        doc.add_integer("year", when.year)
        doc.add_integer("month", when.year * 100 + when.month)
        seconds = int(when.timestamp())
        doc.add_integer("newest", (seconds << _ID_BITS) | row.article_id)
        doc.add_integer("oldest", (-seconds << _ID_BITS) | row.article_id)
    else:
        doc.add_integer("newest", _NULL_KEY + row.article_id)
        doc.add_integer("oldest", _NULL_KEY + row.article_id)
    return doc


def section_key(value: str) -> str:
    """A section as the index holds it, and as the filter compares it: folded, lower case."""
    return fold_for_search(value).casefold()


def _utc(value: Any) -> dt.datetime | None:
    if value is None:
        return None
    when = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    return when.replace(tzinfo=dt.UTC) if when.tzinfo is None else when.astimezone(dt.UTC)

