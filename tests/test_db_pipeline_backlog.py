"""scraper/pipelines/articles.py concurrency: the crawl hands pages over without waiting.

Each test runs the pipeline under a real Twisted reactor in a subprocess, with
extraction stand-ins from ``tests/pipeline_support.py``; no test measures time.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import select

from archive.db.models import Capture
from archive.db.session import open_database
from tests.test_db_pipeline import _items

ROOT = Path(__file__).resolve().parent.parent

_SCRIPT = """
import datetime as dt, json, sys
from pathlib import Path
sys.path.insert(0, {root!r})
from twisted.internet import asyncioreactor
asyncioreactor.install()  # the crawl's reactor (TWISTED_REACTOR in scraper/settings.py)
from twisted.internet import reactor
from twisted.internet.defer import DeferredList, inlineCallbacks
from scrapy.utils.defer import deferred_from_coro
from scrapy import Spider
from scrapy.utils.test import get_crawler
from archive.db.models import Capture
from archive.warc.location import RecordLocation
from scraper.pipelines.articles import ArticlePipeline
from scraper.durability import CAPTURE_MIDDLEWARE, DurabilityGate
import tests.pipeline_support as support

items = {items!r}
crawler = get_crawler(Spider, settings_dict={{"ARCHIVE_DATA_DIR": {data!r}, "ARCHIVE_DB_WORKERS": 2,
                                             "ARCHIVE_DB_BACKLOG": {backlog}, "ARCHIVE_WARC_ENABLED": True,
                                             "DOWNLOADER_MIDDLEWARES": {{CAPTURE_MIDDLEWARE: 950}}}})
crawler.spider = Spider(name="news", start_urls=["https://news.example.com/"])
pipeline = ArticlePipeline.from_crawler(crawler)
pipeline.extract = getattr(support, {extract!r})
report = {{"waited": [], "rows_when_waited": [], "batches": []}}
if {linger!r} is not None:
    pipeline.linger = {linger!r}
store = pipeline._store

def counted_store(pages):
    report["batches"].append(len(pages))
    return store(pages)

pipeline._store = counted_store

def wait_durable(location):
    # a row must not exist before its record is durable: count rows for this record now
    with pipeline.db.session() as s:
        rows = s.query(Capture).filter_by(warc_offset=location.offset).count()
    report["waited"].append(location.offset)
    report["rows_when_waited"].append(rows)

DurabilityGate.of(crawler).provide(wait_durable)

import time
from archive.db import searchindex
searchindex.UPDATE_INTERVAL = 3600.0
searchindex._updater._last_run = time.monotonic()  # as if a catch-up had just run: none is due in the crawl

def index_state():
    engine = pipeline.db.engine
    meta = searchindex._read_meta(searchindex.index_dir(engine), searchindex.database_key(engine))
    with engine.connect() as conn:
        top = searchindex.latest_version_id(conn)
    return {{"watermark": meta["watermark"] if meta else None, "top": top}}

@inlineCallbacks
def run():
    pipeline.open_spider()
    for item in items:
        item["location"] = RecordLocation(**item["location"])
        item["fetched_at"] = dt.datetime.fromisoformat(item["fetched_at"])
    yield DeferredList([deferred_from_coro(pipeline.process_item(i)) for i in items], fireOnOneErrback=True)
    report["pending_after_items"] = pipeline.pending
    if {linger!r} is not None:  # every page extracted, none written: they linger for the batch
        from twisted.internet.threads import deferToThread
        yield deferToThread(lambda: [p.future.result() for p in list(pipeline._pages) if p.future])
        report["batches_before_close"] = list(report["batches"])
    (Path({gate!r}) / "open").touch()
    yield deferred_from_coro(pipeline.close_spider())
    report["pending_after_close"] = pipeline.pending
    report["peak"] = pipeline.peak_pending
    report["stats"] = {{k: v for k, v in crawler.stats.get_stats().items() if "newsarchive" in k}}
    report["index"] = index_state()
    print("REPORT", json.dumps(report))

def stop(result):
    reactor.stop()
    return result
run().addBoth(stop).addErrback(lambda f: (f.printTraceback(), sys.exit(1)))
reactor.run()
"""


def _run(tmp_path: Path, extract: str, backlog: int, copies: int = 1, *,
         gate_open: bool = False, linger: float | None = None) -> tuple[dict, list[dict]]:
    items = _items(tmp_path)
    plain = [{**i, "url": f"{i['url']}?copy={n}", "location": i["location"].__dict__,
              "fetched_at": i["fetched_at"].isoformat()} for n in range(copies) for i in items]
    gate = tmp_path / "gate"
    gate.mkdir()
    if gate_open:  # else the gate opens once every process_item has returned
        (gate / "open").touch()
    script = _SCRIPT.format(root=str(ROOT), items=plain, data=str(tmp_path), backlog=backlog, extract=extract,
                            gate=str(gate), linger=linger)
    env = {**os.environ, "NEWSARCHIVE_TEST_GATE": str(gate), "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-c", textwrap.dedent(script)], capture_output=True, text=True,
                          timeout=180, cwd=ROOT, env=env, check=False)
    assert proc.returncode == 0, proc.stderr
    line = next(x for x in proc.stdout.splitlines() if x.startswith("REPORT "))
    return json.loads(line.removeprefix("REPORT ")), plain


def _stored_urls(data_dir: Path) -> list[str]:
    db = open_database(data_dir)
    try:
        with db.session() as s:
            return sorted(c.url for c in s.scalars(select(Capture)))
    finally:
        db.dispose()


def test_the_crawl_finishes_before_extraction_and_close_waits_for_every_row(tmp_path: Path) -> None:
    """Every process_item returned while no page could be extracted; close_spider stored them all."""
    report, items = _run(tmp_path, "gated_extract", backlog=10)
    assert report["pending_after_items"] == len(items) == 3
    assert report["pending_after_close"] == 0
    assert _stored_urls(tmp_path) == sorted(i["url"] for i in items)


def test_backlog_bound_is_respected(tmp_path: Path) -> None:
    """Six pages offered at once with a backlog of 2: never more than 2 in flight, all stored."""
    report, _ = _run(tmp_path, "gated_extract", backlog=2, copies=2, gate_open=True)
    assert report["peak"] == 2 and report["stats"]["newsarchive/db/backlog_max"] == 2
    assert report["stats"]["newsarchive/db/backlog"] == 0
    # the second copy of each record is a duplicate of the first: stored once, counted once more
    assert len(_stored_urls(tmp_path)) == 3
    assert report["stats"]["newsarchive/db/duplicate"] == 3


def test_a_killed_extraction_worker_is_replaced_and_its_pages_stored(tmp_path: Path) -> None:
    report, items = _run(tmp_path, "dying_extract", backlog=10)
    assert (tmp_path / "gate" / "died").exists()
    assert report["stats"]["newsarchive/db/worker-restart"] >= 1
    assert "newsarchive/db/error" not in report["stats"]
    assert _stored_urls(tmp_path) == sorted(i["url"] for i in items)


def test_every_row_waits_for_its_record_to_be_durable(tmp_path: Path) -> None:
    """The writer asks the WARC writer for durability of each record before its row exists."""
    report, items = _run(tmp_path, "gated_extract", backlog=10)
    assert sorted(report["waited"]) == sorted(i["location"]["offset"] for i in items)
    assert report["rows_when_waited"] == [0] * len(items)


def test_the_crawl_ends_with_the_search_index_caught_up(tmp_path: Path) -> None:
    """Catch-ups during a crawl are spaced out (none is due here); close_spider runs the last one."""
    pytest.importorskip("tantivy")
    report, _ = _run(tmp_path, "gated_extract", backlog=10)
    assert report["index"]["top"] >= 1  # the stand-in extractions: two articles, one non-article page
    assert report["index"]["watermark"] == report["index"]["top"]


def test_pages_linger_for_one_transaction_until_the_crawl_closes(tmp_path: Path) -> None:
    """With a linger that never ends, extracted pages wait for others (fewer than a batch, a
    backlog of 10); close_spider writes them at once, in one transaction."""
    report, items = _run(tmp_path, "gated_extract", backlog=10, gate_open=True, linger=3600.0)
    assert report["batches_before_close"] == []
    assert report["batches"] == [len(items)]
    assert _stored_urls(tmp_path) == sorted(i["url"] for i in items)


def test_a_full_backlog_is_written_without_lingering(tmp_path: Path) -> None:
    """A backlog of 2 full of extracted pages holds the crawl back: the writer does not linger."""
    report, items = _run(tmp_path, "gated_extract", backlog=2, gate_open=True, linger=3600.0)
    assert len(report["batches_before_close"]) >= 1  # written while the crawl went on
    assert sum(report["batches"]) == len(items)
    assert _stored_urls(tmp_path) == sorted(i["url"] for i in items)
