"""archive/ingest/reindex.py + source.py: rebuild from WARCs (ours and wget-style), idempotent,
identical to what the live crawl path stores; versions, diff and last_seen from real HTML."""

from __future__ import annotations

import datetime as dt
import gzip
import io
from pathlib import Path

import pytest
from sqlalchemy import select
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from archive.db import searchindex
from archive.db.ingest import CaptureInfo, Ingestor
from archive.db.lookup import article_detail, version_diffs
from archive.db.models import Article, ArticleVersion, Capture
from archive.db.session import Database, open_database
from archive.ingest.record import extract_record
from archive.ingest.reindex import reindex
from archive.warc.location import RecordLocation

URL = "https://news.example.com/2025/03/story"
P = [
    "The city council voted on Tuesday to expand the bus network across the northern districts, officials said.",
    "The plan adds twelve new routes and extends night service, which residents had requested for several years.",
    "Opponents argued that the cost would strain the budget, but the measure passed by a wide margin in the end.",
]
EDITED = [*P[:2], "Opponents argued that the cost would strain the budget; the measure passed by 9 votes to 4."]


def page(title: str, paras: list[str], views: int = 10) -> bytes:
    body = "".join(f"<p>{p}</p>" for p in paras)
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<meta property="og:site_name" content="Example News"><link rel="canonical" href="{URL}">
<meta name="author" content="Jane Doe"><meta property="article:published_time" content="2025-03-01T08:00:00Z">
</head><body><main><article><h1>{title}</h1>{body}</article></main>
<footer>Copyright</footer></body></html>""".encode()


# (hours after T0, html): first crawl, unchanged recrawl, edited recrawl
CAPTURES = [(0, page("Council expands bus network", P)), (24, page("Council expands bus network", P)),
            (48, page("Council expands bus network", EDITED))]
T0 = dt.datetime(2025, 3, 1, 12, tzinfo=dt.UTC)


def _write(path: Path, captures: list[tuple[int, bytes]], *, chunked_gzip: bool = False) -> list[RecordLocation]:
    """A WARC with one request + response per capture, plus an image response."""
    path.parent.mkdir(parents=True, exist_ok=True)
    locations = []
    with open(path, "wb") as f:
        writer = WARCWriter(f, gzip=True)
        for hours, html in captures:
            date = (T0 + dt.timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M:%SZ")
            headers = [("Content-Type", "text/html; charset=utf-8")]
            body = html
            if chunked_gzip:  # like wget: the body as sent on the wire
                zipped = gzip.compress(html)
                body = b"%x\r\n%s\r\n0\r\n\r\n" % (len(zipped), zipped)
                headers += [("Content-Encoding", "gzip"), ("Transfer-Encoding", "chunked")]
            http = StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1")
            rec = writer.create_warc_record(URL, "response", payload=io.BytesIO(body), http_headers=http,
                                            warc_headers_dict={"WARC-Date": date})
            offset = f.tell()
            writer.write_record(rec)
            locations.append(RecordLocation(path.name, offset, f.tell() - offset,
                                            rec.rec_headers.get_header("WARC-Record-ID"),
                                            rec.rec_headers.get_header("WARC-Payload-Digest")))
        img = StatusAndHeaders("200 OK", [("Content-Type", "image/png")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(URL + ".png", "response", payload=io.BytesIO(b"\x89PNG"),
                                                      http_headers=img))
    return locations


def _live(db: Database, data_dir: Path, locations: list[RecordLocation]) -> None:
    """What the crawl pipeline does for each item: extract from the WARC record, then ingest."""
    for loc, (hours, _) in zip(locations, CAPTURES, strict=False):
        extracted = extract_record(str(data_dir / "warcs" / loc.file), loc.offset, loc.length, URL)
        with db.session() as s:
            Ingestor(s).ingest(CaptureInfo(URL, T0 + dt.timedelta(hours=hours), loc, 200, "text/html"),
                               extracted.article)


def _snapshot(db: Database) -> list[tuple]:
    with db.session() as s:
        rows = s.execute(
            select(Article.canonical_url, ArticleVersion.number, ArticleVersion.text_hash, ArticleVersion.title,
                   ArticleVersion.body, ArticleVersion.first_seen, ArticleVersion.last_seen)
            .join(ArticleVersion, ArticleVersion.article_id == Article.id).order_by(Article.canonical_url,
                                                                                   ArticleVersion.number)
        ).all()
    return [tuple(r) for r in rows]


@pytest.fixture
def second_db(db_url: str | None, tmp_path: Path):  # noqa: ANN201, F811
    from tests.test_db_support import pg_schema_url

    if db_url is None:
        database = open_database(tmp_path / "other", None)
        yield database
        database.dispose()
    else:
        for url in pg_schema_url():
            database = open_database(tmp_path, url)
            yield database
            database.dispose()


def test_live_path_versions_diff_and_last_seen(db_url: str | None, tmp_path: Path) -> None:  # noqa: F811
    data_dir = tmp_path / "data"
    locations = _write(data_dir / "warcs" / "crawl.warc.gz", CAPTURES)
    db = open_database(data_dir, db_url)
    try:
        _live(db, data_dir, locations)
        with db.session() as s:
            (article,) = s.scalars(select(Article)).all()
            detail = article_detail(s, article.id)
        assert detail is not None and detail["version_count"] == 2
        v1, v2 = detail["versions"]
        assert v1["first_seen"].startswith("2025-03-01T12") and v1["last_seen"].startswith("2025-03-02T12")
        assert v2["first_seen"].startswith("2025-03-03T12") and detail["authors"] == ["Jane Doe"]
        (diff,) = version_diffs(detail)
        assert "-Opponents argued that the cost would strain the budget, but" in diff
        assert "+Opponents argued that the cost would strain the budget; the measure passed by 9" in diff
        assert v2["capture"]["warc_file"] == "crawl.warc.gz"
    finally:
        db.dispose()


def test_reindex_matches_live_and_is_idempotent(db_url: str | None, tmp_path: Path, second_db: Database) -> None:  # noqa: F811
    data_dir = tmp_path / "data"
    locations = _write(data_dir / "warcs" / "crawl.warc.gz", CAPTURES)
    live = open_database(data_dir, db_url)
    try:
        _live(live, data_dir, locations)
        expected = _snapshot(live)
        again = reindex(live, data_dir, workers=1)  # the live database already holds every record
        assert again.skipped == 3 and again.outcomes == {} and _snapshot(live) == expected
    finally:
        live.dispose()
    stats = reindex(second_db, data_dir, workers=2)
    assert stats.outcomes == {"new-article": 1, "unchanged": 1, "new-version": 1}
    assert _snapshot(second_db) == expected
    twice = reindex(second_db, data_dir, workers=2)
    assert twice.outcomes == {} and twice.skipped == 3 and _snapshot(second_db) == expected


def test_reindex_reads_wget_style_warc(tmp_path: Path, second_db: Database) -> None:
    wget = tmp_path / "elsewhere" / "site.warc.gz"
    _write(wget, CAPTURES[:1], chunked_gzip=True)
    stats = reindex(second_db, tmp_path / "data", [wget], workers=1)
    assert stats.outcomes == {"new-article": 1} and not stats.errors
    with second_db.session() as s:
        version = s.scalars(select(ArticleVersion)).one()
        capture = s.scalars(select(Capture)).one()
    assert version.body.startswith("The city council voted") and version.title == "Council expands bus network"
    assert capture.warc_file == str(wget.resolve())


def test_reindex_rebuild_gives_same_rows(tmp_path: Path, second_db: Database) -> None:
    data_dir = tmp_path / "data"
    _write(data_dir / "warcs" / "a.warc.gz", CAPTURES)
    reindex(second_db, data_dir, workers=1)
    before = _snapshot(second_db)
    stats = reindex(second_db, data_dir, workers=1, rebuild=True)
    assert stats.skipped == 0 and _snapshot(second_db) == before


def test_short_meta_refresh_is_a_redirect_not_an_article() -> None:
    from archive.ingest.record import is_meta_redirect

    assert is_meta_redirect(b'<head><meta http-equiv="refresh" content="0; url=/b"></head>')
    assert is_meta_redirect(b"<META HTTP-EQUIV=Refresh CONTENT='5;URL=/b'>")
    assert not is_meta_redirect(b'<meta http-equiv="refresh" content="300; url=/same">')  # live-blog reload
    assert not is_meta_redirect(b'<meta http-equiv="refresh" content="60">')


def _damaged_set(warcs: Path) -> None:
    """One good file, and a truncated, a garbage and a bad-digest copy of it."""
    _write(warcs / "good.warc.gz", CAPTURES[:1])
    _write(warcs / "cut.warc.gz", [(1, page("Cut", P))])
    cut = (warcs / "cut.warc.gz").read_bytes()
    (warcs / "cut.warc.gz").write_bytes(cut[: len(cut) * 2 // 3])
    (warcs / "garbage.warc.gz").write_bytes(gzip.compress(b"this is not a WARC file"))
    _write(warcs / "digest.warc.gz", [(2, page("Tampered", P))])
    first = gzip.decompress((warcs / "digest.warc.gz").read_bytes())  # every member, one stream
    tampered = first.replace(b"twelve new routes", b"twelve old routes")
    (warcs / "digest.warc.gz").write_bytes(gzip.compress(tampered))


def test_reindex_reports_damaged_warcs_and_exits_1(db_url: str | None, tmp_path: Path) -> None:  # noqa: F811
    from click.testing import CliRunner

    from archive.cli import main

    data_dir = tmp_path / "data"
    _damaged_set(data_dir / "warcs")
    args = ["reindex", "--workers", "1", "--data-dir", str(data_dir)] + (["--db", db_url] if db_url else [])
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    warcs = data_dir / "warcs"
    assert f"error: {warcs / 'garbage.warc.gz'}: not a WARC file (no WARC/ version line)" in lines
    assert any(line.startswith(f"error: {warcs / 'cut.warc.gz'}: ") and "(file truncated?)" in line
               for line in lines)
    assert any(line.startswith(f"error: {warcs / 'digest.warc.gz'}: record at offset 0 ({URL}): ")
               and line.endswith("WARC-Block-Digest and WARC-Payload-Digest do not match; not indexed")
               for line in lines)
    assert lines[-1] == ("Error: 3 of 4 WARC files are damaged (see `newsarchive check`); "
                         "their readable records were indexed")
    db = open_database(data_dir, db_url)
    try:
        with db.session() as s:
            titles = s.scalars(select(ArticleVersion.title)).all()
            files = set(s.scalars(select(Capture.warc_file)))
    finally:
        db.dispose()
    assert titles == ["Council expands bus network"]  # the good record, not the tampered one
    assert files == {"good.warc.gz"}


def test_reindex_of_a_bomb_stays_small(tmp_path: Path) -> None:
    """A 0.5 MB WARC whose HTML response inflates to 512 MiB: scanned and refused in bounded memory."""
    import os

    from tests.warc_bombs import bomb_warc, peak_rss_mib

    data_dir = tmp_path / "data"
    (data_dir / "warcs").mkdir(parents=True)
    bomb_warc(data_dir / "warcs" / "bomb.warc.gz", 512 << 20)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    code, peak = peak_rss_mib("newsarchive", "reindex", "--workers", "1", "--data-dir", str(data_dir), env=env)
    assert code == 0
    assert peak < 300, f"peak RSS {peak:.0f} MiB"


def test_reindex_reports_its_rate_and_workers(tmp_path: Path) -> None:
    """Issue 10, target 3: the command says how fast it went and how many workers extracted (no timings asserted)."""
    import re

    from click.testing import CliRunner

    from archive.cli import main

    data_dir = tmp_path / "data"
    _write(data_dir / "warcs" / "crawl.warc.gz", CAPTURES)
    result = CliRunner().invoke(main, ["reindex", "--workers", "2", "--data-dir", str(data_dir)])
    assert result.exit_code == 0, result.output
    last = result.output.splitlines()[-1]
    assert re.fullmatch(r"reindexed 3 pages in \d+\.\d s \(\d+ pages/s, \d+\.\d of \d+ cores busy, "
                        r"2 extraction workers\)", last), last
    again = CliRunner().invoke(main, ["reindex", "--data-dir", str(data_dir)])
    assert again.exit_code == 0 and "reindexed" not in again.output  # nothing new: no rate to report


def test_a_search_index_failure_does_not_fail_reindex(tmp_path: Path, second_db: Database,
                                                     monkeypatch: pytest.MonkeyPatch,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    """The rows are the product; the index is derived from them and SQL search answers without it."""
    def unreadable(*_a: object, **_k: object) -> int:
        raise ValueError("Failed to open file for read: 'FileDoesNotExist(\"x.term\")'")

    monkeypatch.setattr(searchindex, "catch_up", unreadable)
    data_dir = tmp_path / "data"
    _write(data_dir / "warcs" / "a.warc.gz", CAPTURES[:1])
    stats = reindex(second_db, data_dir, workers=1)
    assert stats.outcomes == {"new-article": 1}
    assert "search index not updated (Failed to open file" in caplog.text
