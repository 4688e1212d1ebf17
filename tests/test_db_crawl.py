"""End to end: crawl the live mock site twice with the article pipeline on, with an edit and a
trivial re-render in between; then rebuild from the WARCs and get the same versions."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from archive.db.lookup import article_detail, version_diffs
from archive.db.models import Article, ArticleVersion, Crawl
from archive.db.session import Database, open_database
from archive.ingest.reindex import reindex
from tests.crawl_support import run_crawl
from tests.mockserver import MockServer

pytestmark = pytest.mark.timeout(300)
PIPELINE = ["-s", "ITEM_PIPELINES=" + json.dumps({"scraper.pipelines.articles.ArticlePipeline": 400}),
            "-s", "ARCHIVE_DB_WORKERS=2"]
EDITED, TOUCHED, SAME = "herat-library-reopens", "snowfall-closes-salang-pass", "cricket-team-wins-regional-cup"


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, MockServer]]:
    data_dir = tmp_path_factory.mktemp("db-crawl")
    with MockServer(log_dir=tmp_path_factory.mktemp("mockserver-db")) as server:
        server.live_reset()
        first = run_crawl(data_dir, server.url("/live/"), "--depth", "1", *PIPELINE)
        assert first.returncode == 0, first.stderr[-3000:]
        server.live_edit(EDITED)
        server.live_touch(TOUCHED)
        second = run_crawl(data_dir, server.url("/live/"), "--depth", "1", *PIPELINE)
        assert second.returncode == 0, second.stderr[-3000:]
        yield data_dir, server


def _by_slug(db: Database, slug: str) -> dict:
    with db.session() as s:
        article = s.scalars(select(Article).where(Article.canonical_url.endswith(f"/{slug}/"))).first() or \
            s.scalars(select(Article).where(Article.canonical_url.contains(slug))).one()
        detail = article_detail(s, article.id)
    assert detail is not None
    return detail


def _snapshot(db: Database) -> list[tuple]:
    with db.session() as s:
        rows = s.execute(select(Article.canonical_url, ArticleVersion.number, ArticleVersion.text_hash,
                                ArticleVersion.title, ArticleVersion.body)
                         .join(ArticleVersion, ArticleVersion.article_id == Article.id)
                         .order_by(Article.canonical_url, ArticleVersion.number)).all()
    return [tuple(r) for r in rows]


def test_edit_gives_two_versions_and_a_diff(crawled: tuple[Path, MockServer]) -> None:
    db = open_database(crawled[0])
    try:
        detail = _by_slug(db, EDITED)
        assert detail["version_count"] == 2
        (diff,) = version_diffs(detail)
        assert diff.startswith("--- version 1") and "\n+" in diff and "\n-" in diff
    finally:
        db.dispose()


@pytest.mark.parametrize("slug", [TOUCHED, SAME])
def test_unchanged_or_trivial_recrawl_moves_last_seen(crawled: tuple[Path, MockServer], slug: str) -> None:
    db = open_database(crawled[0])
    try:
        detail = _by_slug(db, slug)
        assert detail["version_count"] == 1
        (version,) = detail["versions"]
        assert version["last_seen"] > version["first_seen"]
    finally:
        db.dispose()


def test_two_crawl_rows(crawled: tuple[Path, MockServer]) -> None:
    db = open_database(crawled[0])
    try:
        with db.session() as s:
            crawls = s.scalars(select(Crawl).order_by(Crawl.id)).all()
        assert len(crawls) == 2 and all(c.finished_at is not None and c.status == "finished" for c in crawls)
        assert crawls[0].articles_new > 0 and crawls[1].articles_new == 0 and crawls[1].versions_new >= 1
    finally:
        db.dispose()


def test_reindex_gives_the_same_articles_and_versions(crawled: tuple[Path, MockServer], tmp_path: Path) -> None:
    live = open_database(crawled[0])
    rebuilt = open_database(tmp_path, f"sqlite:///{tmp_path / 'rebuilt.sqlite'}")
    try:
        reindex(rebuilt, crawled[0], workers=2)
        assert _snapshot(rebuilt) == _snapshot(live) and _snapshot(live)
        assert reindex(rebuilt, crawled[0], workers=2).outcomes == {}
    finally:
        live.dispose()
        rebuilt.dispose()
