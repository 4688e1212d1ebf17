"""The web interface over HTTP (uvicorn, real sockets) on SQLite and PostgreSQL: pages, API, downloads, safety."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from warcio.archiveiterator import ArchiveIterator

from archive.db.export import FIELDS
from archive.replay import replay_address
from archive.research import open_archive
from archive.web import create_app
from tests.test_web_support import (
    BORDER_URL,
    DARI_BODY,
    DARI_TITLE,
    HOSTILE_TITLE,
    ArchiveDir,
    LiveServer,
)

REPLAY = "http://127.0.0.2:8099"


@pytest.fixture
def server(archive_dir: ArchiveDir) -> Iterator[LiveServer]:  # noqa: F811
    archive = open_archive(archive_dir.data_dir, archive_dir.db_url)
    try:
        with LiveServer(create_app(archive, REPLAY)) as live:
            yield live
    finally:
        archive.close()


def _html(server: LiveServer, path: str, status: int = 200) -> str:
    code, headers, body = server.get(path)
    assert code == status, body[:500]
    assert headers["content-type"].startswith("text/html")
    return body.decode("utf-8")


def _json(server: LiveServer, path: str, status: int = 200) -> object:
    code, headers, body = server.get(path)
    assert (code, headers["content-type"]) == (status, "application/json"), body[:500]
    return json.loads(body)


def test_search_counts_facets_highlights_and_narrowing(server: LiveServer) -> None:
    page = _html(server, "/?q=border")
    assert "<strong>2</strong>" in page and "<mark>border</mark>" in page
    assert f'class="capture" href="{REPLAY}/news/' in page
    assert 'href="?q=border&amp;site=example.com"' in page  # a facet link keeps the query
    data = _json(server, "/api/search?q=border")
    assert data["total"] == 2 and not data["total_capped"]
    assert {(v["value"], v["count"]) for v in data["facets"]["site"]} == {("example.com", 1), ("news.example.org", 1)}
    assert {v["value"] for v in data["facets"]["author"]} == {"Jane Doe", "Ali Rahimi"}
    narrowed = _json(server, "/api/search?q=border&site=example.com")
    assert [h["url"] for h in narrowed["hits"]] == [BORDER_URL]
    assert narrowed["hits"][0]["replay"].startswith(f"{REPLAY}/news/") and narrowed["hits"][0]["replay"].endswith(BORDER_URL)
    everything = _json(server, "/api/search")
    assert everything["total"] == 4
    assert [(v["value"], v["count"]) for v in everything["facets"]["date"]] == [("2025", 3), ("2024", 1)]
    assert {v["value"] for v in everything["facets"]["language"]} == {"en", "fa-AF"}
    months = _json(server, "/api/search?year=2025")
    assert [(v["value"], v["count"]) for v in months["facets"]["date"]] == [("2025-03", 2), ("2025-01", 1)]
    march = _json(server, "/api/search?year=2025&month=3&sort=oldest")
    assert [h["published"][:10] for h in march["hits"]] == ["2025-03-10", "2025-03-12"]
    assert _json(server, "/api/search?language=fa")["hits"][0]["title"] == DARI_TITLE


def test_pagination_and_sort_live_in_the_url(server: LiveServer) -> None:
    first = _html(server, "/?sort=newest&per_page=1")
    assert "page 1 of 4" in first and 'rel="next" href="?sort=newest&amp;page=2&amp;per_page=1"' in first
    second = _json(server, "/api/search?sort=newest&per_page=1&page=2")
    assert second["pages"] == 4 and second["hits"][0]["title"] == "Cricket final in Kabul"
    assert _json(server, "/api/search?sort=oldest&per_page=1")["hits"][0]["title"] == HOSTILE_TITLE


@pytest.mark.parametrize(("path", "message"), [
    ("/?q=-border", "only excludes"),
    ("/?q=%22%22", "nothing to search for"),
    ("/?page=two", "page must be a whole number"),
    ("/?sort=random", "unknown sort"),
    ("/?month=3", "month needs a year"),
    ("/?q=" + "x%20" * 40, "too many terms"),
])
def test_bad_queries_are_a_400_with_the_message(server: LiveServer, path: str, message: str) -> None:
    code, headers, body = server.get(path)
    assert code == 400 and message in body.decode()
    assert "default-src 'none'" in headers["content-security-policy"]
    api = _json(server, path.replace("/?", "/api/search?"), status=400)
    assert message in api["error"]  # type: ignore[index]
    assert server.get(path.replace("/?", "/export.csv?"))[0] == 400


def test_english_article_page(server: LiveServer, archive_dir: ArchiveDir) -> None:  # noqa: F811
    page = _html(server, "/article/1")
    assert 'dir="ltr"' in page and "<h1>Border talks resume after a pause</h1>" in page
    assert "<p>Peace talks at the border resumed on Tuesday.</p>" in page
    assert "Delegates at the border" in page and "Photo: Jane Doe" in page
    (url, fetched), = [k for k in archive_dir.records if k[0] == BORDER_URL][-1:]
    assert f'href="{replay_address(url, fetched, REPLAY)}"' in page
    assert f'src="{REPLAY}/news/{fetched:%Y%m%d%H%M%S}im_/https://example.com/img/border.jpg"' in page
    assert 'href="/article/1/warc/2"' in page and 'href="/api/articles/1"' in page
    detail = _json(server, "/api/articles/1")
    assert detail["version_count"] == 2 and detail["replay"] == replay_address(url, fetched, REPLAY)  # type: ignore[index]


def test_dari_article_is_rtl_with_zwnj_intact(server: LiveServer) -> None:
    article_id = _json(server, "/api/search?language=fa")["hits"][0]["id"]  # type: ignore[index]
    page = _html(server, f"/article/{article_id}")
    assert 'lang="fa-AF" dir="rtl"' in page
    assert f"<h1>{DARI_TITLE}</h1>" in page
    for paragraph in DARI_BODY.split("\n\n"):
        assert f"<p>{paragraph}</p>" in page
    assert page.count("\u200c") == DARI_TITLE.count("\u200c") * 2 + DARI_BODY.count("\u200c")  # <title> + <h1>
    assert _json(server, f"/api/articles/{article_id}")["body"] == DARI_BODY  # type: ignore[index]
    hit = _html(server, "/?q=" + quote("مکتبها"))  # folded query (no U+200C) still finds and highlights it
    assert "<mark>مکتب\u200cها</mark>" in hit


def test_hostile_title_is_text_everywhere(server: LiveServer) -> None:
    escaped = "&lt;script&gt;alert(&#34;pwned&#34;)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;"
    for path in ("/?q=markup", "/article/4", "/article/4/versions", "/?sort=oldest"):
        page = _html(server, path)
        assert escaped in page, path
        assert "<script" not in page and "<img src=x" not in page and "<b>markup</b>" not in page


def test_versions_timeline_and_word_diff(server: LiveServer) -> None:
    page = _html(server, "/article/1/versions")
    assert "v1" in page and "v2" in page and 'option value="1" selected' in page
    assert "<del>Monday</del><ins>Tuesday</ins>." in page and "a deal<ins> soon</ins>." in page
    diff = _json(server, "/api/articles/1/diff?a=1&b=2")
    assert {"op": "insert", "text": "Tuesday"} in diff["body"]  # type: ignore[index]
    assert "".join(p["text"] for p in diff["body"] if p["op"] != "insert").startswith("Peace talks at the border resumed on Monday.")  # type: ignore[index]
    assert _json(server, "/api/articles/1/versions")[0]["capture"]["url"] == BORDER_URL  # type: ignore[index]
    assert "does not exist" in _html(server, "/article/1/versions?a=1&b=9", status=400)
    assert "one version" in _json(server, "/api/articles/2/diff", status=400)["error"]  # type: ignore[index]


def test_warc_record_download_is_the_stored_record(server: LiveServer, archive_dir: ArchiveDir) -> None:  # noqa: F811
    code, headers, body = server.get("/article/1/warc/1")
    assert code == 200 and headers["content-type"] == "application/warc"
    assert headers["content-disposition"] == 'attachment; filename="article-1-v1.warc.gz"'
    assert body == next(v for (url, _), v in archive_dir.records.items() if url == BORDER_URL)
    record = next(iter(ArchiveIterator(io.BytesIO(body))))
    assert record.rec_headers.get_header("WARC-Target-URI") == BORDER_URL
    assert b"Monday" in record.content_stream().read()
    assert server.get("/article/1/warc/7")[0] == 404


def test_exports_stream_the_result_set_with_the_cli_columns(server: LiveServer, tmp_path: Path) -> None:
    code, headers, body = server.get("/export.csv?q=border&site=example.com")
    assert code == 200 and headers["content-type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8"))))
    assert tuple(rows[0]) == FIELDS and [r["url"] for r in rows] == [BORDER_URL]
    lines = server.get("/export.jsonl?language=fa")[2].decode("utf-8").splitlines()
    assert [json.loads(line)["body"] for line in lines] == [DARI_BODY]
    import pyarrow.parquet as pq

    (tmp_path / "r.parquet").write_bytes(server.get("/export.parquet")[2])
    table = pq.read_table(tmp_path / "r.parquet")
    assert table.column_names == list(FIELDS) and table.num_rows == 4
    assert server.get("/export.xlsx")[0] == 404


def test_sites_dashboard(server: LiveServer) -> None:
    page = _html(server, "/sites")
    for name in ("Example News", "Example Sport", "Kabul Daily"):
        assert name in page
    assert page.count("<svg") == 3 and "finished: 12 pages, 1 errors" in page
    assert page.count("article pages)</dt>") == 3 and "median body" in page  # archive.db.health's figures
    sites = {s["host"]: s for s in _json(server, "/api/sites")}  # type: ignore[union-attr]
    assert sites["example.com"]["articles"] == 2 and sites["example.com"]["next_run"]
    assert sum(n for _, n in sites["example.com"]["per_day"]) == 2


def test_every_response_carries_the_security_headers(server: LiveServer) -> None:
    for path, status in (("/", 200), ("/static/style.css", 200), ("/nowhere", 404), ("/article/99", 404),
                         ("/api/articles/99", 404), ("/?q=-x", 400), ("/export.csv", 200)):
        code, headers, _ = server.get(path)
        assert code == status, path
        csp = headers["content-security-policy"]
        assert "default-src 'none'" in csp and "script-src 'none'" in csp and "frame-ancestors 'none'" in csp
        assert f"img-src 'self' data: {REPLAY}" in csp
        assert headers["x-content-type-options"] == "nosniff"
