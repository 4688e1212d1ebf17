"""The web interface in a real browser (Playwright driving Debian's Chromium), with screenshots.

Search, click a facet, read an English and a Dari article (``dir="rtl"``, U+200C in the
DOM byte for byte), compare two versions, follow the capture link to the replay server,
export the result set and read it back, and a hostile title that stays text. Screenshots
of the main pages go to ``$NEWSARCHIVE_ARTIFACTS/web`` (default: the system temp dir).
"""

from __future__ import annotations

import csv
import importlib.util
import io
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from archive.replay import replay_address
from archive.research import open_archive
from archive.web import create_app
from tests.pywb_support import REPO_ROOT, free_port, pywb_available, stop_process, wait_until_answers
from tests.test_wacz import CHROMIUM, CHROMIUM_FLAGS
from tests.test_web_support import BORDER_URL, DARI_BODY, DARI_TITLE, HOSTILE_TITLE, LiveServer, build_archive

ARTIFACTS = Path(os.environ.get("NEWSARCHIVE_ARTIFACTS", Path(tempfile.gettempdir()) / "newsarchive-artifacts")) / "web"


def _browser_missing() -> str | None:
    if importlib.util.find_spec("playwright") is None:
        return "Python playwright is not installed (pip install playwright)"
    if not Path(CHROMIUM).exists():
        return f"no {CHROMIUM} (apt-get install chromium)"
    return None


if _browser_missing() and os.environ.get("CI") != "true":  # under CI a missing browser fails below
    pytest.skip(_browser_missing() or "", allow_module_level=True)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, object]]:
    """(interface URL, replay URL, archive fixture) on SQLite, with ``newsarchive replay`` (pywb) beside it."""
    assert pywb_available(), "no pywb venv: create it with `python3 -m archive.pywb_env`"
    built = build_archive(tmp_path_factory.mktemp("web") / "data", None)
    port = free_port()
    replay = subprocess.Popen(
        [sys.executable, "-m", "scraper.cli", "replay", "--data-dir", str(built.data_dir), "--port", str(port)],
        cwd=REPO_ROOT, env=dict(os.environ, PYTHONPATH=str(REPO_ROOT)),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    replay_base = f"http://127.0.0.1:{port}"
    archive = open_archive(built.data_dir)
    try:
        wait_until_answers(replay_base + "/", replay, 90)
        with LiveServer(create_app(archive, replay_base)) as live:
            yield live.base_url, replay_base, built
    finally:
        stop_process(replay)
        archive.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    assert _browser_missing() is None, _browser_missing()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser) -> Iterator[object]:  # noqa: ANN001
    context = browser.new_context(viewport={"width": 1200, "height": 800}, accept_downloads=True)
    page = context.new_page()
    page.dialogs = []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    page.console_errors = []
    page.on("console", lambda msg: msg.type == "error" and page.console_errors.append(msg.text))
    try:
        yield page
        # Our own pages never trip the Content-Security-Policy (no inline style or script).
        assert [e for e in page.console_errors if "Content Security Policy" in e] == []
    finally:
        context.close()


def test_search_then_narrow_with_a_facet(site, page) -> None:  # noqa: ANN001
    base, _, _ = site
    page.goto(base + "/")
    page.fill("input[name=q]", "border")
    page.click("header button[type=submit]")
    page.wait_for_url("**/?q=border")
    assert page.inner_text(".summary .count").startswith("2 articles")
    assert page.locator(".hit mark").first.inner_text().lower() == "border"
    page.screenshot(path=str(ARTIFACTS / "search.png"), full_page=True)
    page.click(".facet[data-facet=site] a:has-text('Example News')")
    page.wait_for_url("**/?q=border&site=example.com")
    assert page.locator(".hit h3").all_inner_texts() == ["Border talks resume after a pause"]
    assert page.inner_text(".facet[data-facet=site] .chosen").startswith("example.com")
    page.click(".facet[data-facet=site] .remove")
    page.wait_for_url("**/?q=border")
    assert page.locator(".hit").count() == 2


def test_read_an_english_article_and_follow_its_capture(site, page) -> None:  # noqa: ANN001
    base, replay_base, built = site
    page.goto(base + "/?q=border&site=example.com")
    page.click(".hit h3 a")
    page.wait_for_url("**/article/1")
    assert page.get_attribute("article.reader", "dir") == "ltr"
    assert page.inner_text("article h1") == "Border talks resume after a pause"
    assert "Photo: Jane Doe" in page.inner_text("figcaption")
    page.screenshot(path=str(ARTIFACTS / "article-en.png"), full_page=True)
    url, fetched = [key for key in built.records if key[0] == BORDER_URL][-1]
    expected = replay_address(url, fetched, replay_base)
    assert page.get_attribute("a.replay", "href") == expected
    page.click("a.replay")
    page.wait_for_url(expected)
    # pywb's frame holds this capture as archived (the later version: Tuesday), from the replay origin.
    archived = page.frame_locator("iframe").locator("p")
    archived.wait_for(timeout=60_000)
    assert archived.inner_text().startswith("Peace talks at the border resumed on Tuesday.")
    frame = next(f for f in page.frames if f.url.endswith(f"mp_/{url}"))
    assert frame.url.startswith(replay_base) and frame.title() == "Border talks resume after a pause"
    page.screenshot(path=str(ARTIFACTS / "replay-from-article.png"), full_page=True)


def test_dari_article_is_rtl_and_keeps_zwnj_in_the_dom(site, page) -> None:  # noqa: ANN001
    base, _, _ = site
    page.goto(base + "/?language=fa")
    page.click(".hit h3 a")
    page.wait_for_selector("article.reader")
    assert page.get_attribute("article.reader", "dir") == "rtl"
    assert page.get_attribute("article.reader", "lang") == "fa-AF"
    title = page.eval_on_selector("article h1", "e => e.textContent")
    paragraphs = page.eval_on_selector_all("article .body p", "ps => ps.map(p => p.textContent)")
    assert title.encode("utf-8") == DARI_TITLE.encode("utf-8")
    assert "\n\n".join(paragraphs).encode("utf-8") == DARI_BODY.encode("utf-8")
    assert page.eval_on_selector("article.reader", "e => getComputedStyle(e).direction") == "rtl"
    page.screenshot(path=str(ARTIFACTS / "article-fa.png"), full_page=True)


def test_compare_two_versions(site, page) -> None:  # noqa: ANN001
    base, _, _ = site
    page.goto(base + "/article/1")
    page.click("a.versions")
    page.wait_for_url("**/article/1/versions")
    assert page.locator(".timeline li").count() == 2
    page.select_option("select[name=a]", "2")
    page.select_option("select[name=b]", "1")
    page.click("form.compare button")
    page.wait_for_url("**/article/1/versions?a=2&b=1")
    assert "Tuesday" in page.locator(".diffbody del").all_inner_texts()
    page.goto(base + "/article/1/versions?a=1&b=2")
    assert page.locator(".diffbody ins").all_inner_texts()[0] == "Tuesday"
    assert page.locator(".diffbody del").all_inner_texts()[0] == "Monday"
    page.screenshot(path=str(ARTIFACTS / "versions.png"), full_page=True)


def test_export_the_result_set_and_read_it_back(site, page) -> None:  # noqa: ANN001
    base, _, _ = site
    page.goto(base + "/?q=border")
    with page.expect_download() as info:
        page.click("a:has-text('CSV')")
    download = info.value
    assert download.suggested_filename.endswith(".csv")
    rows = list(csv.DictReader(io.StringIO(Path(download.path()).read_text(encoding="utf-8"))))
    assert sorted(r["title"] for r in rows) == ["Border talks resume after a pause", "Cricket final in Kabul"]


def test_hostile_title_is_shown_as_text(site, page) -> None:  # noqa: ANN001
    base, _, _ = site
    page.goto(base + "/?sort=oldest")
    assert page.locator(".hit h3").first.inner_text() == HOSTILE_TITLE
    page.click(".hit h3 a >> nth=0")
    page.wait_for_selector("article h1")
    assert page.inner_text("article h1") == HOSTILE_TITLE
    assert page.evaluate("document.querySelectorAll('script, article img').length") == 0
    assert page.dialogs == []


def test_sites_dashboard_renders(site, page) -> None:  # noqa: ANN001
    base, _, _ = site
    page.goto(base + "/sites")
    assert page.locator("section.site").count() == 3
    assert page.locator("svg.chart rect").count() == 3 * 30
    page.screenshot(path=str(ARTIFACTS / "sites.png"), full_page=True)
    assert page.console_errors == []
    page.goto(base + "/?q=-only")
    assert "only excludes" in page.inner_text(".error .message")
