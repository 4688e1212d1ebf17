"""Politeness: robots.txt Crawl-delay is applied, 429/503 Retry-After is honoured."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from tests.crawl_support import run_crawl
from tests.mockserver import MockServer


@pytest.fixture
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MockServer]:
    with MockServer(log_dir=tmp_path_factory.mktemp("polite-server")) as server:
        server.live_reset()
        yield server


def _when(record) -> datetime:  # type: ignore[no-untyped-def]
    return datetime.fromisoformat(record.headers["WARC-Date"])


def test_retry_after_pauses_then_retries(live: MockServer, tmp_path: Path) -> None:
    url = live.url("/live/ratelimited")
    result = run_crawl(tmp_path, url, "--depth", "0")
    assert result.returncode == 0, result.stderr[-2000:]
    records = sorted((r for r in result.records() if r.rec_type == "response" and r.target_uri == url), key=_when)
    assert [r.http_status for r in records] == [429, 200]  # the 429 itself is archived too
    assert (_when(records[1]) - _when(records[0])).total_seconds() >= 1.9  # Retry-After: 2
    assert "Retry-After" in result.log


def test_crawl_delay_spaces_requests(live: MockServer, tmp_path: Path) -> None:
    live.live_crawl_delay(1.0)
    seeds = live.live_articles()[:4]
    result = run_crawl(tmp_path, *seeds, "--depth", "0", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=4")
    assert result.returncode == 0, result.stderr[-2000:]
    times = sorted(_when(r) for r in result.records() if r.rec_type == "response" and r.target_uri in seeds)
    assert len(times) == 4
    gaps = [(b - a).total_seconds() for a, b in zip(times, times[1:], strict=False)]
    assert min(gaps) >= 0.9, gaps


def test_unreadable_robots_txt_is_logged_not_swallowed(monkeypatch: pytest.MonkeyPatch,
                                                       caplog: pytest.LogCaptureFixture) -> None:
    from scrapy.robotstxt import ProtegoRobotParser
    from scrapy.utils.test import get_crawler

    from scraper.downloadermiddlewares.politeness import PolitenessMiddleware

    def broken(self: ProtegoRobotParser, user_agent: str) -> None:
        raise RuntimeError("parser exploded")

    monkeypatch.setattr(ProtegoRobotParser, "crawl_delay", broken)
    crawler = get_crawler(settings_dict={"ARCHIVE_POLITENESS_ENABLED": True})
    middleware = PolitenessMiddleware(crawler, 300.0, 3, "*")
    with caplog.at_level("WARNING"):
        middleware._read_crawl_delay("example.org", ProtegoRobotParser(b"Crawl-delay: 2\n", None))
    assert "robots.txt of example.org not read for Crawl-delay: RuntimeError: parser exploded" in caplog.text
