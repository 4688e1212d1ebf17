"""``archive/wacz.py`` and ``newsarchive export-wacz``: index, pages with titles, hashes, filters."""

from __future__ import annotations

import gzip
import hashlib
import html
import importlib.util
import io
import json
import os
import shutil
import time
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.cli import main
from archive.db import open_database
from archive.db.pages import article_pages
from archive.wacz import validate_wacz, wacz_venv_dir
from tests.pywb_support import T0, StaticServer, crawl, html_exchange, write_warc

try:
    from playwright.sync_api import Error as PlaywrightError
except ImportError:  # the browser test skips
    PlaywrightError = Exception  # type: ignore[misc,assignment]

pytestmark = pytest.mark.skipif(
    not (wacz_venv_dir() / "bin" / "wacz").exists(),
    reason=f"no wacz venv at {wacz_venv_dir()}: create it with `python3 -m archive.wacz`",
)


@pytest.fixture(scope="module")
def crawled(mockserver, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from archive.ingest.reindex import reindex

    data_dir = tmp_path_factory.mktemp("wacz-data")
    crawl([mockserver.url("/"), mockserver.url("/br/article.html")], data_dir, "--max-pages", "15")
    db = open_database(data_dir)
    try:
        reindex(db, data_dir, workers=1)
    finally:
        db.dispose()
    return data_dir


def _export(data_dir: Path, output: Path, *options: str) -> str:
    result = CliRunner().invoke(main, ["export-wacz", "--data-dir", str(data_dir), "-o", str(output), *options])
    assert result.exit_code == 0, result.output
    return result.output


def _pages(wacz: zipfile.ZipFile) -> list[dict]:
    lines = wacz.read("pages/pages.jsonl").decode().splitlines()
    assert json.loads(lines[0])["format"] == "json-pages-1.0"
    return [json.loads(line) for line in lines[1:]]


def _records(wacz: zipfile.ZipFile) -> list[tuple[str, str, str]]:
    out = []
    for name in wacz.namelist():
        if name.startswith("archive/"):
            for record in iter_records_bytes(wacz.read(name), name):
                out.append(record)
    return out


def iter_records_bytes(data: bytes, name: str) -> list[tuple[str, str, str]]:
    from warcio.archiveiterator import ArchiveIterator

    return [(r.rec_type, r.rec_headers.get_header("WARC-Target-URI") or "", r.rec_headers.get_header("WARC-Date"))
            for r in ArchiveIterator(io.BytesIO(data))]


def test_export_validates_and_keeps_the_warcs_byte_for_byte(crawled: Path, tmp_path: Path) -> None:
    output = tmp_path / "all.wacz"
    printed = _export(crawled, output, "--validate")
    assert printed.endswith("Validation succeeded, the passed WACZ is valid\n")
    with zipfile.ZipFile(output) as wacz:
        names = set(wacz.namelist())
        assert {"datapackage.json", "datapackage-digest.json", "pages/pages.jsonl", "indexes/index.idx",
                "indexes/index.cdx.gz"} <= names
        for warc in (crawled / "warcs").glob("*.warc.gz"):
            assert wacz.read(f"archive/{warc.name}") == warc.read_bytes()
        package = json.loads(wacz.read("datapackage.json"))
        for resource in package["resources"]:
            assert resource["hash"] == "sha256:" + hashlib.sha256(wacz.read(resource["path"])).hexdigest()
        index = gzip.decompress(wacz.read("indexes/index.cdx.gz")).decode()
        assert "/br/article.html" in index


def test_pages_carry_the_database_titles(crawled: Path, tmp_path: Path) -> None:
    output = tmp_path / "titled.wacz"
    printed = _export(crawled, output)
    expected = {(p.url, p.title) for p in article_pages(crawled)}
    assert len(expected) >= 5
    with zipfile.ZipFile(output) as wacz:
        got = {(p["url"], p["title"]) for p in _pages(wacz)}
    assert got == expected
    assert f": {len(expected)} pages," in printed


def test_site_filter_copies_only_that_sites_records(crawled: Path, tmp_path: Path) -> None:
    other = write_warc(crawled / "warcs", [
        (html_exchange("http://www.other.example/a", "Other A", T0), False),
        (html_exchange("http://news.other.example/b", "Other B", T0 + timedelta(hours=1)), False),
    ], prefix="other")
    try:
        output = tmp_path / "other.wacz"
        printed = _export(crawled, output, "--site", "other.example", "--validate")
        assert "Validation succeeded" in printed
        with zipfile.ZipFile(output) as wacz:
            assert [n for n in wacz.namelist() if n.startswith("archive/")] == [f"archive/{other.name}"]
            copied = wacz.read(f"archive/{other.name}")
            pages = _pages(wacz)
        assert copied == other.read_bytes()  # every record of that file matched: identical bytes
        assert sorted(p["url"] for p in pages) == ["http://news.other.example/b", "http://www.other.example/a"]
        assert all(p["title"] == p["url"] for p in pages), "no database rows: URL as title"
    finally:
        other.unlink()


def test_date_filter_keeps_a_revisits_original(crawled: Path, tmp_path: Path) -> None:
    url = "http://dated.example/story"
    story = write_warc(crawled / "warcs", [
        (html_exchange(url, "Dated", T0), False),
        (html_exchange("http://dated.example/other", "Other", T0 + timedelta(days=1)), False),
        (html_exchange(url, "Dated", T0 + timedelta(days=2)), True),
    ], prefix="dated")
    try:
        output = tmp_path / "dated.wacz"
        _export(crawled, output, "--since", "2024-03-02T12:00:00", "--until", "2024-03-03", "--validate")
        with zipfile.ZipFile(output) as wacz:
            records = _records(wacz)
        kinds = sorted((kind, uri) for kind, uri, _ in records if kind != "warcinfo")
        assert kinds == [("request", url), ("response", url), ("revisit", url)]
        ok, message = validate_wacz(output)
        assert ok, message
    finally:
        story.unlink()


def test_nothing_matching_is_a_one_line_error(crawled: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["export-wacz", "--data-dir", str(crawled), "-o", str(tmp_path / "x.wacz"),
                                       "--site", "nowhere.example"])
    assert result.exit_code == 1
    assert result.output == "Error: no capture matches the given --site/--since/--until\n"
    assert not (tmp_path / "x.wacz").exists()
    assert list(tmp_path.iterdir()) == [], "temporary files are cleaned up"


def test_bad_options(crawled: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    wrong = runner.invoke(main, ["export-wacz", "--data-dir", str(crawled), "-o", str(tmp_path / "x.zip")])
    assert (wrong.exit_code, wrong.output) == (1, f"Error: {tmp_path / 'x.zip'}: the output file name must end in .wacz\n")
    bad_date = runner.invoke(main, ["export-wacz", "--data-dir", str(crawled), "-o", "x.wacz", "--since", "soon"])
    assert bad_date.exit_code == 2 and "'soon' is not a date" in bad_date.output
    empty = runner.invoke(main, ["export-wacz", "--data-dir", str(tmp_path / "none"), "-o", str(tmp_path / "y.wacz")])
    assert empty.exit_code == 1 and "no WARC files in" in empty.output


def _replaywebpage_dir() -> Path:
    default = Path.home() / ".cache" / "newsarchive" / "replaywebpage" / "package"
    return Path(os.environ.get("NEWSARCHIVE_RWP_DIR", default))


def _browser_missing() -> str | None:
    if importlib.util.find_spec("playwright") is None:
        return "Python playwright is not installed (pip install playwright)"
    if not Path(CHROMIUM).exists():
        return f"no {CHROMIUM} (apt-get install chromium)"
    if not (_replaywebpage_dir() / "ui.js").exists():
        return (f"no replayweb.page files in {_replaywebpage_dir()} "
                "(npm pack replaywebpage there and untar it, or set NEWSARCHIVE_RWP_DIR)")
    return None


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--no-first-run"]
_EMBED = """<!doctype html><html><head><meta charset="utf-8"><script src="./ui.js"></script></head>
<body><replay-web-page style="display:block;height:700px" source="archive.wacz" replayBase="./replay/"{extra}>
</replay-web-page></body></html>"""


@pytest.mark.skipif(_browser_missing() is not None, reason=_browser_missing() or "")
def test_replaywebpage_in_chromium_lists_pages_and_renders_an_article(crawled: Path, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    site = tmp_path / "site"
    (site / "replay").mkdir(parents=True)
    shutil.copy(_replaywebpage_dir() / "ui.js", site / "ui.js")
    shutil.copy(_replaywebpage_dir() / "sw.js", site / "replay" / "sw.js")
    _export(crawled, site / "archive.wacz")
    article = next(p for p in article_pages(crawled) if p.title and p.title.isascii())
    (site / "index.html").write_text(_EMBED.format(extra=""), encoding="utf-8")
    (site / "article.html").write_text(
        _EMBED.format(extra=f' url="{html.escape(article.url)}" ts="{article.timestamp}" embed="replayonly"'),
        encoding="utf-8")
    with StaticServer(site) as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page()
            listing = _open_embed(page, server.base_url + "/index.html")
            # The pages list (drawn lazily: only the first rows exist), with database titles.
            titles = [p.title for p in article_pages(crawled)]
            shown = _wait_for_texts(listing, titles, at_least=min(3, len(titles)))
            assert f"{len(titles)} pages" in shown
            page.goto(server.base_url + "/article.html")
            replayed = _wait_for_frame(page, lambda f: f.url.endswith(f"mp_/{article.url}") and f.title())
            assert replayed.title().startswith(article.title)  # the page's own <title>: "... – Site name"
            assert article.title in replayed.inner_text("h1")
        finally:
            browser.close()


# Every text node, shadow roots included (titles sit in a shadow root of their own,
# which Playwright's text selectors do not reach).
_DEEP_TEXT = """() => { const out = []; const walk = (node) => {
  if (node.shadowRoot) walk(node.shadowRoot);
  for (const child of node.childNodes) {
    if (child.nodeType === 3) out.push(child.textContent.trim()); else walk(child);
  } }; walk(document); return out.filter(Boolean).join("\\n"); }"""


def _wait_for_texts(frame, texts: list, at_least: int, timeout: float = 60) -> str:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while True:
        shown = frame.evaluate(_DEEP_TEXT)
        if sum(1 for t in texts if t and t in shown) >= at_least or time.monotonic() > deadline:
            assert sum(1 for t in texts if t and t in shown) >= at_least, shown[:2000]
            return shown
        frame.wait_for_timeout(250)


def _open_embed(page, url: str):  # noqa: ANN001, ANN202 - playwright types
    """Load the embedding page and return replayweb.page's frame once its service worker serves it.

    On a first visit ui.js registers ``replay/sw.js`` and points the frame at ``replay/?...``;
    on a loaded machine the frame can be fetched before the worker controls it, and the
    static server answers with its directory listing. A reload (what a visitor would do)
    finds the worker installed; asserting before that tested the machine's speed.
    """
    for _ in range(3):
        page.goto(url)
        frame = _wait_for_frame(page, lambda f: "/replay/?" in f.url)
        page.wait_for_function("""async () => {
            const registration = await navigator.serviceWorker.getRegistration("./replay/");
            return Boolean(registration && registration.active);
        }""", polling=250, timeout=60_000)
        try:
            frame.wait_for_load_state()
            if "Directory listing" not in frame.evaluate("() => document.title"):
                return frame
        except PlaywrightError:
            pass  # the frame navigated away while being looked at: look again after a reload
    raise AssertionError("replayweb.page's service worker never took control of its frame")


def _wait_for_frame(page, accept, timeout: float = 60):  # noqa: ANN001, ANN202 - playwright types
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for frame in page.frames:
            try:
                if accept(frame):
                    return frame
            except PlaywrightError:
                continue  # a frame navigating away
        page.wait_for_timeout(250)
    raise AssertionError(f"no matching frame in {[f.url for f in page.frames]}")
