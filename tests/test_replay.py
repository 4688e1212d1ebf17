"""``archive/replay.py`` and the ``replay``/``index`` commands, through a running pywb.

A crawl of the mock site (plus the article database reindexed from it) is served by the
real ``newsarchive replay`` command in a subprocess, on a free port of 127.0.0.1.
"""

from __future__ import annotations

import html
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.cli import main
from archive.db import open_database
from archive.db.pages import CapturedPage, article_pages
from archive.replay.collection import Collection, ensure_collection, iter_index
from archive.replay.server import ReplayServer
from archive.replay.startpage import Listing, render_start_page
from archive.replay.sync import sync_collection
from archive.warc.reader import iter_records
from tests.pywb_support import (
    REPO_ROOT,
    T0,
    crawl,
    fetch,
    fetch_following,
    free_port,
    html_exchange,
    requires_pywb,
    stop_process,
    wait_until_answers,
    write_warc,
)

ACCEPT_ALL = {"Accept-Encoding": "gzip, deflate, br"}
SEED_PATHS = ["/", "/redirect/start", "/gzip/article.html", "/br/article.html"]


@dataclass
class Served:
    data_dir: Path
    base: str
    pages: list[CapturedPage]


@pytest.fixture(scope="module")
def crawled(mockserver, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from archive.ingest.reindex import reindex

    data_dir = tmp_path_factory.mktemp("replay-data")
    crawl([mockserver.url(p) for p in SEED_PATHS], data_dir, "--max-pages", "20")
    db = open_database(data_dir)
    try:
        reindex(db, data_dir, workers=1)
    finally:
        db.dispose()
    return data_dir


@pytest.fixture(scope="module")
def served(crawled: Path) -> Iterator[Served]:
    """``newsarchive replay`` itself, as a user runs it."""
    port = free_port()
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT))
    proc = subprocess.Popen(
        [sys.executable, "-m", "scraper.cli", "replay", "--data-dir", str(crawled), "--port", str(port),
         "--refresh", "1"],
        cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_answers(base + "/", proc, 90)
        yield Served(crawled, base, article_pages(crawled))
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=20)
        finally:
            stop_process(proc)
            assert proc.stdout is not None
            proc.stdout.close()


def _replay(served: Served, page: CapturedPage, mode: str = "") -> str:
    return f"{served.base}/news/{page.timestamp}{mode}/{page.url}"


pytestmark = requires_pywb


def test_the_database_gave_titled_articles(served: Served) -> None:
    assert len(served.pages) >= 5
    assert all(page.title for page in served.pages)


def test_collection_links_the_warcs_without_copying(served: Served) -> None:
    coll = Collection(served.data_dir.resolve())
    warcs = sorted((served.data_dir / "warcs").glob("*.warc.gz"))
    links = sorted(coll.archive.iterdir())
    assert [link.name for link in links] == [w.name for w in warcs]
    for link, warc in zip(links, warcs, strict=False):
        assert link.is_symlink() and not os.path.isabs(os.readlink(link))
        assert link.resolve() == warc.resolve()
        assert (coll.indexes / f"{warc.name}.cdxj").stat().st_size > 0
    assert (coll.root / "config.yaml").exists()


def test_start_page_lists_site_title_and_date(served: Served) -> None:
    for path in ("/", "/news/"):
        got = fetch(served.base + path)
        assert got.status == 200
        text = got.body.decode()
        for page in (p for p in served.pages if p.page_type == "article"):
            assert html.escape(page.title or "") in text
            assert f'href="/news/{page.timestamp}/{html.escape(page.url)}"' in text
            assert f"<h2>{html.escape(page.site)}</h2>" in text
        stamp = served.pages[0].timestamp
        assert f"{stamp[:4]}-{stamp[4:6]}-{stamp[6:8]}" in text


def test_every_article_replays_and_id_mode_is_the_stored_payload(served: Served) -> None:
    payloads = {
        (r.target_uri, r.headers["WARC-Date"][:19]): r.payload
        for warc in (served.data_dir / "warcs").glob("*.warc.gz") for r in iter_records(warc)
        if r.rec_type == "response"
    }
    for page in served.pages:
        assert fetch(_replay(served, page)).status == 200
        got = fetch(_replay(served, page, "id_"), headers=ACCEPT_ALL)
        assert got.status == 200
        ts = page.timestamp
        key = (page.url, f"{ts[:4]}-{ts[4:6]}-{ts[6:8]}T{ts[8:10]}:{ts[10:12]}:{ts[12:14]}")
        assert got.body == payloads[key]


def test_framed_mode_holds_the_article_title(served: Served) -> None:
    page = next(p for p in served.pages if p.title and p.title.isascii())
    frame = fetch(_replay(served, page))
    assert frame.status == 200
    assert f"/news/{page.timestamp}mp_/{page.url}".encode() in frame.body or b"wb_frame.js" in frame.body
    inner = fetch(_replay(served, page, "mp_"))
    assert inner.status == 200
    assert f"<title>{page.title}".encode() in inner.body or html.escape(page.title).encode() in inner.body


def test_a_redirect_chain_replays_to_its_end(served: Served, mockserver) -> None:
    start = f"{served.base}/news/2030mp_/{mockserver.url('/redirect/start')}"
    last, visited = fetch_following(start)
    assert last.status == 200
    # pywb also redirects to each capture's exact timestamp (redirect_to_exact: true).
    targets = [url.split("mp_/", 1)[1] for url in visited]
    assert [mockserver.url(p) for p in ("/redirect/start", "/redirect/middle", "/redirect/end.html")] == \
        list(dict.fromkeys(targets))
    assert last.body.startswith(b"<") and b"wombat" in last.body.lower()


def test_replay_url_prints_the_latest_capture(crawled: Path, mockserver) -> None:
    url = mockserver.url("/gzip/article.html")
    coll = ensure_collection(crawled)
    stamps = [ts for _key, ts, data in iter_index(coll) if data["url"] == url]
    result = CliRunner().invoke(main, ["replay", "--data-dir", str(crawled), "--url", url, "--port", "9000"])
    assert result.exit_code == 0, result.output
    assert result.output == f"http://127.0.0.1:9000/news/{max(stamps)}/{url}\n"


def test_replay_url_without_capture_is_a_one_line_error(crawled: Path) -> None:
    result = CliRunner().invoke(main, ["replay", "--data-dir", str(crawled), "--url", "http://nowhere.example/"])
    assert result.exit_code == 1
    assert result.output == f"Error: no capture of http://nowhere.example/ in {crawled / 'warcs'}\n"


def test_index_command_reports_and_is_incremental(tmp_path: Path) -> None:
    warcs = tmp_path / "warcs"
    write_warc(warcs, [(html_exchange("http://a.example/1", "One", T0), False)], prefix="a")
    runner = CliRunner()
    first = runner.invoke(main, ["index", "--data-dir", str(tmp_path)])
    assert first.exit_code == 0, first.output
    assert first.output.startswith("Indexed 1 of 1 WARC files (1 index entries, 0 removed)")
    again = runner.invoke(main, ["index", "--data-dir", str(tmp_path)])
    assert again.output.startswith("Indexed 0 of 1 WARC files (1 index entries, 0 removed)")
    second = write_warc(warcs, [(html_exchange("http://b.example/2", "Two", T0), False)], prefix="b")
    stats = sync_collection(tmp_path)
    assert (stats.warcs, stats.indexed, stats.entries) == (2, 1, 2)
    second.unlink()
    stats = sync_collection(tmp_path)
    assert (stats.warcs, stats.indexed, stats.removed, stats.entries) == (1, 0, 1, 1)
    assert [p.name for p in Collection(tmp_path.resolve()).archive.iterdir()] == [p.name for p in warcs.iterdir()]
    rebuilt = runner.invoke(main, ["index", "--data-dir", str(tmp_path), "--rebuild"])
    assert rebuilt.output.startswith("Indexed 1 of 1 WARC files")


def test_a_corrupt_warc_is_reported_and_the_rest_indexed(tmp_path: Path) -> None:
    warcs = tmp_path / "warcs"
    write_warc(warcs, [(html_exchange("http://a.example/1", "One", T0), False)], prefix="a")
    (warcs / "broken.warc.gz").write_bytes(b"\x1f\x8b\x08\x00garbage" * 10)
    result = CliRunner().invoke(main, ["index", "--data-dir", str(tmp_path)])
    assert result.exit_code == 1
    assert "warning: " in result.output and "broken.warc.gz: not indexed" in result.output
    assert result.output.endswith("Error: 1 WARC files could not be indexed\n")


def test_a_revisit_replays_the_original_body(tmp_path: Path) -> None:
    url = "http://news.example/story"
    original = html_exchange(url, "Original story", T0)
    later = html_exchange(url, "Original story", T0 + timedelta(days=2))
    write_warc(tmp_path / "warcs", [(original, False), (later, True)])
    revisits = [r for r in iter_records(next((tmp_path / "warcs").iterdir())) if r.rec_type == "revisit"]
    assert len(revisits) == 1 and revisits[0].payload == b""
    sync_collection(tmp_path)
    with ReplayServer(ensure_collection(tmp_path), port=free_port()) as server:
        got = fetch(f"{server.base_url}/news/20240303080000id_/{url}", headers=ACCEPT_ALL)
    assert got.status == 200
    assert got.body == original.body
    assert got.header("Memento-Datetime") == "Sun, 03 Mar 2024 08:00:00 GMT"  # the revisit, not the original


def test_new_warcs_replay_while_serving(served: Served) -> None:
    url = "http://late.example/breaking"
    write_warc(served.data_dir / "warcs", [(html_exchange(url, "Late news", T0), False)], prefix="late")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        got = fetch(f"{served.base}/news/20240301080000id_/{url}")
        if got.status == 200:
            assert b"<title>Late news</title>" in got.body
            return
        time.sleep(0.5)
    raise AssertionError("a WARC added while replay runs was not indexed within 30 s")


def test_replay_on_a_busy_port_is_a_one_line_error(tmp_path: Path) -> None:
    write_warc(tmp_path / "warcs", [(html_exchange("http://a.example/1", "One", T0), False)])
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = CliRunner().invoke(main, ["replay", "--data-dir", str(tmp_path), "--port", str(port)])
    assert result.exit_code == 1
    assert result.output.startswith("Error: wayback exited with status")
    assert result.output.count("\n") == 1


def test_start_page_escapes_titles_for_html_and_jinja() -> None:
    page = CapturedPage(url="http://x.example/?a=1&b=2", timestamp="20240301080000", site="x<y",
                        title="{{ 7*7 }} {% if %} <script>alert(1)</script>")
    text = render_start_page(Listing([page]))
    assert "{{" not in text.split("<body>")[1] and "{%" not in text and "<script>" not in text
    assert "&#123;&#123; 7*7 &#125;&#125;" in text
    assert 'href="/news/20240301080000/http://x.example/?a=1&amp;b=2"' in text
    assert "<h2>x&lt;y</h2>" in text


def test_replay_address_from_a_capture_time() -> None:
    from archive.replay.collection import replay_address

    when = datetime(2024, 3, 5, 11, 40, 0, tzinfo=timezone(timedelta(hours=4, minutes=30)))
    assert replay_address("https://x.example/a?b=1", when, "http://127.0.0.1:8080/") == \
        "http://127.0.0.1:8080/news/20240305071000/https://x.example/a?b=1"
    assert replay_address("https://x.example/", "20240301080000") == "/news/20240301080000/https://x.example/"


# -- the start page: one line per article (issue 13 item 15), database errors said (item 20)


def _capture(article_id: int | None, ts: str, url: str = "http://x.example/a", title: str | None = "A",
             page_type: str = "article") -> CapturedPage:
    return CapturedPage(url=url, timestamp=ts, site="x.example", title=title, article_id=article_id,
                        page_type=page_type)


def test_start_page_lists_each_article_once_with_its_earlier_captures() -> None:
    pages = [
        _capture(1, "20240301080000"), _capture(2, "20240302080000", "http://x.example/b", "B"),
        _capture(1, "20240305080000"), _capture(1, "20240303080000"),
    ]
    text = render_start_page(Listing(pages))
    assert "<p>2 articles (4 captures).</p>" in text
    items = [line for line in text.splitlines() if line.startswith("<li>")]
    assert len(items) == 2
    newest, older = items
    assert newest.startswith('<li><a href="/news/20240305080000/http://x.example/a">A</a>')
    assert 'earlier captures: <a href="/news/20240303080000/http://x.example/a"><time>2024-03-03 08:00 UTC' in newest
    assert newest.index("20240303080000") < newest.index("20240301080000")  # latest first
    assert older.startswith('<li><a href="/news/20240302080000/http://x.example/b">B</a>')
    assert "earlier captures" not in older


def test_without_a_database_captures_group_by_url() -> None:
    pages = [_capture(None, "20240301080000", title=None), _capture(None, "20240302080000", title=None)]
    text = render_start_page(Listing(pages, "pages"))
    assert "<p>1 pages (2 captures).</p>" in text


def test_start_page_lists_articles_not_index_pages_and_agrees_with_the_database(crawled: Path) -> None:
    from sqlalchemy import func, select

    from archive.db.models import Article, ArticleVersion
    from archive.replay.startpage import captured_pages, group_captures

    coll = ensure_collection(crawled)
    everything = article_pages(crawled)
    listing = captured_pages(coll)
    db = open_database(crawled)
    try:
        with db.session() as session:
            articles = session.scalar(
                select(func.count()).select_from(Article)
                .join(ArticleVersion, ArticleVersion.id == Article.latest_version_id)
                .where(ArticleVersion.page_type == "article"))
    finally:
        db.dispose()
    entries = group_captures(listing.pages)
    assert listing.noun == "articles" and not listing.warnings
    assert len(entries) == articles > 0
    assert all(p.page_type == "article" for p in listing.pages)
    assert {p.page_type for p in everything} - {"article"}, "the mock crawl has non-article pages too"
    assert len({e.latest.article_id for e in entries}) == len(entries)
    every = captured_pages(coll, all_pages=True)
    assert every.noun == "pages" and len(every.pages) == len(everything)


def test_an_unreadable_database_is_one_warning_line(crawled: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.sqlite"
    broken.write_bytes(b"this is not a database" * 100)
    result = CliRunner().invoke(main, ["index", "--data-dir", str(crawled), "--db", f"sqlite:///{broken}"])
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.output.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1
    assert warnings[0].startswith("warning: start page without titles: cannot open database sqlite:///")
    assert "file is not a database" in warnings[0]
