"""Issue 5: news-native discovery and incremental recrawls of a site that changes.

One live mock site (its own server: the tests change it) is followed through three
crawls: the first finds every article from feeds and sitemaps; the second, of the
unchanged site, writes revisit records and fetches no article it need not; after two
articles are published and one edited, the third fetches the new ones and records the
edit as a new version.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from archive.warc.check import check_file
from tests.incremental_support import WarcLog, cli, crawl_site, query
from tests.mockserver import MockServer


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MockServer]:
    with MockServer(log_dir=tmp_path_factory.mktemp("live-server")) as server:
        server.live_reset()
        yield server


@pytest.fixture(scope="module")
def followed(live: MockServer, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Add the site, crawl it three times, and keep what each crawl wrote."""
    data_dir = tmp_path_factory.mktemp("incremental")
    added = cli(data_dir, "site", "add", "live", live.url("/live/"), "--allow", "/live/")
    assert added.returncode == 0, added.stderr
    log = WarcLog(data_dir)
    first = crawl_site(data_dir, "live")
    first_records = log.new()
    articles_before = live.live_articles()
    sent_before = len(live.requests_for("/live/"))
    second = crawl_site(data_dir, "live")
    second_records = log.new()
    second_requests = live.requests_for("/live/")[sent_before:]
    published = live.live_publish(2)
    edited_slug = "cricket-team-wins-regional-cup"
    edited = live.live_edit(edited_slug)
    sent_before = len(live.requests_for("/live/"))
    third = crawl_site(data_dir, "live")
    third_records = log.new()
    third_requests = live.requests_for("/live/")[sent_before:]
    return {
        "data_dir": data_dir, "articles": articles_before, "first": first_records, "second": second_records,
        "second_requests": second_requests, "third": third_records, "third_requests": third_requests,
        "published": published, "edited": edited, "outputs": (first, second, third),
    }


def _responses(records, rec_type="response"):
    return {r.target_uri: r for r in records if r.rec_type == rec_type}


def test_first_crawl_finds_every_article_from_feeds_and_sitemaps(followed: dict) -> None:
    responses = _responses(followed["first"])
    missing = [url for url in followed["articles"] if url not in responses]
    assert missing == []
    sites = json.loads(cli(followed["data_dir"], "site", "show", "live").stdout)
    assert any(f.endswith("/live/feed/") for f in sites["feeds"])  # discovered from <link rel=alternate>
    assert any(s.endswith("/live/sitemap.xml") for s in sites["sitemaps"])  # from robots.txt
    stored = {url for (url,) in query(followed["data_dir"], "SELECT canonical_url FROM articles")}
    assert set(followed["articles"]) <= stored


def test_traps_are_bounded(followed: dict) -> None:
    targets = [r.target_uri for r in followed["first"] if r.rec_type == "response"]
    assert sum("/live/calendar/" in t for t in targets) <= 1
    assert sum("/live/grow" in t for t in targets) <= 5
    assert sum("/live/loop/" in t for t in targets) <= 2
    assert sum("/live/refresh/" in t for t in targets) <= 2


def test_unchanged_recrawl_writes_revisits_and_fetches_no_article(followed: dict) -> None:
    articles = set(followed["articles"])
    second = followed["second"]
    # No new response record repeats a payload already archived.
    first_digests = {r.headers.get("WARC-Payload-Digest") for r in followed["first"] if r.rec_type == "response"}
    repeated = [r.target_uri for r in second if r.rec_type == "response"
                and r.headers.get("WARC-Payload-Digest") in first_digests]
    assert repeated == []
    revisits = [r for r in second if r.rec_type == "revisit"]
    assert revisits, "polled feeds and sitemaps should be revisits"
    for revisit in revisits:
        assert revisit.headers["WARC-Profile"].startswith("http://netpreserve.org/warc/1.1/revisit/")
        assert revisit.headers["WARC-Refers-To-Target-URI"] == revisit.target_uri
        assert revisit.headers["WARC-Truncated"] == "length"
    fetched_articles = [e.path for e in followed["second_requests"]
                        if any(a.endswith(e.path) for a in articles)]
    assert fetched_articles == []
    conditional = [e for e in followed["second_requests"] if e.request_header("If-None-Match")]
    assert conditional and all(e.status == 304 for e in conditional)


def test_third_crawl_fetches_new_articles_and_records_the_edit(followed: dict) -> None:
    third = _responses(followed["third"])
    for url in followed["published"]:
        assert url in third, url
    assert followed["edited"] in third
    unchanged = set(followed["articles"]) - {followed["edited"]}
    refetched = [e.path for e in followed["third_requests"] if any(a.endswith(e.path) for a in unchanged)]
    assert refetched == []
    versions = query(followed["data_dir"],
                     "SELECT a.version_count FROM articles a WHERE a.canonical_url LIKE ?",
                     "%cricket-team-wins-regional-cup%")
    assert versions == [(2,)]
    article_id = query(followed["data_dir"], "SELECT id FROM articles WHERE canonical_url LIKE ?",
                       "%cricket-team-wins-regional-cup%")[0][0]
    diff = cli(followed["data_dir"], "show", str(article_id), "--diff")
    assert diff.returncode == 0 and "\n+" in diff.stdout and "\n-" in diff.stdout


def test_every_warc_of_the_three_crawls_passes_check(followed: dict) -> None:
    for path in sorted((followed["data_dir"] / "warcs").glob("*.warc.gz")):
        report = check_file(path)
        assert report.ok, (path, report.problems)


def test_crawl_of_unknown_site_is_a_one_line_error(tmp_path: Path) -> None:
    result = cli(tmp_path, "crawl", "nosuchsite")
    assert result.returncode == 1
    assert result.stderr.strip().startswith("Error: not a URL, nor the name of a site: 'nosuchsite'")


def test_site_add_rejects_bad_input(tmp_path: Path) -> None:
    bad_url = cli(tmp_path, "site", "add", "x", "ftp://example.org/")
    assert bad_url.returncode == 1 and bad_url.stderr.strip() == "Error: site URL 'ftp://example.org/' is not an http(s) URL"
    bad_regex = cli(tmp_path, "site", "add", "x", "https://example.org/", "--deny", "(")
    assert bad_regex.returncode == 1 and bad_regex.stderr.startswith("Error: bad --deny pattern '('")
    ok = cli(tmp_path, "site", "add", "x", "https://example.org/")
    assert ok.returncode == 0
    again = cli(tmp_path, "site", "add", "x", "https://example.org/")
    assert again.returncode == 1 and "exists already" in again.stderr
    bad_every = cli(tmp_path, "schedule", "add", "x", "--every", "soon")
    assert bad_every.returncode == 1 and bad_every.stderr.startswith("Error: ")
    bad_cron = cli(tmp_path, "schedule", "add", "x", "--cron", "61 * * * *")
    assert bad_cron.returncode == 1 and "minute" in bad_cron.stderr
