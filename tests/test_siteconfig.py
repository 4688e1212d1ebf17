"""``DATA_DIR/sites.toml`` (archive/siteconfig.py) and the database as its cache (archive/db/sites.py).

The configuration test of issue 14: crawl a followed site, delete the SQLite database,
run ``reindex``: sites, schedules, articles and the frontier state are all back.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from archive.db.models import Schedule, WatchedSite
from archive.db.session import open_database
from archive.db.sites import list_sites, sync_sites
from archive.errors import ConfigError
from archive.scheduling import describe_schedule, due_crawls, format_interval
from archive.siteconfig import SiteDeclaration, read_sites, save_site, sites_path
from tests.incremental_support import cli, crawl_site, query
from tests.mockserver import MockServer

# -- the file ----------------------------------------------------------------------------


def test_no_file_means_no_sites_and_nothing_created(tmp_path: Path) -> None:
    assert read_sites(tmp_path) is None
    listed = cli(tmp_path, "schedule", "list")
    assert listed.returncode == 0 and "No schedules yet" in listed.stdout
    assert not sites_path(tmp_path).exists()


def test_site_and_schedule_commands_write_a_tidy_file_and_keep_comments(tmp_path: Path) -> None:
    assert cli(tmp_path, "site", "add", "kt", "https://www.kabultimes.af/", "--deny", "/tag/").returncode == 0
    path = sites_path(tmp_path)
    path.write_text(path.read_text().replace('url = "https://www.kabultimes.af/"',
                                             'url = "https://www.kabultimes.af/"  # the Dari edition too'))
    assert cli(tmp_path, "schedule", "add", "kt", "--every", "360m").returncode == 0
    assert cli(tmp_path, "site", "add", "x", "https://x.example/").returncode == 0
    assert cli(tmp_path, "schedule", "add", "x", "--cron", "0 9 * * 1#2").returncode == 0
    text = path.read_text()
    assert text.endswith(
        '[sites.kt]\nurl = "https://www.kabultimes.af/"  # the Dari edition too\ndeny = ["/tag/"]\nevery = "6h"\n\n'
        '[sites.x]\nurl = "https://x.example/"\ncron = "0 9 * * 1#2"\n'
    )
    assert read_sites(tmp_path) == {
        "kt": SiteDeclaration("kt", "https://www.kabultimes.af/", deny=("/tag/",), every="6h"),
        "x": SiteDeclaration("x", "https://x.example/", cron="0 9 * * 1#2"),
    }
    assert cli(tmp_path, "schedule", "remove", "kt").returncode == 0
    assert cli(tmp_path, "site", "remove", "x").returncode == 0
    assert path.read_text().endswith('[sites.kt]\nurl = "https://www.kabultimes.af/"  # the Dari edition too\n'
                                     'deny = ["/tag/"]\n')


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("[sites.a]\nurl = 'ftp://x/'\n", "sites.a: site URL 'ftp://x/' is not an http(s) URL"),
        ("[sites.a]\nurl = 'https://x/'\nfeed = ['https://x/f']\n", "sites.a has unknown key 'feed'"),
        ("[sites.a]\nurl = 'https://x/'\nevery = '6x'\n", "sites.a: bad interval '6x'"),
        ("[sites.a]\nurl = 'https://x/'\ncron = '61 * * * *'\n", "bad minute field '61'"),
        ("[sites.a]\nurl = 'https://x/'\nevery = '6h'\ncron = '@daily'\n", "exactly one of --every or --cron"),
        ("[sites.a]\nurl = 'https://x/'\ndeny = '/tag/'\n", "sites.a.deny must be a list of strings"),
        ("[sites.a]\nurl = 'https://x/'\ndeny = ['(']\n", "bad --deny pattern '('"),
        ("[sites.'a b']\nurl = 'https://x/'\n", "bad site name 'a b'"),
        ("[site.a]\nurl = 'https://x/'\n", "expected only [sites.NAME] tables"),
        ("[sites.a\n", "not valid TOML"),
    ],
)
def test_a_bad_file_is_a_one_line_error_naming_it(tmp_path: Path, toml: str, message: str) -> None:
    sites_path(tmp_path).write_text(toml)
    with pytest.raises(ConfigError, match=re.escape(message)) as info:
        read_sites(tmp_path)
    assert str(info.value).startswith(str(sites_path(tmp_path)))
    result = cli(tmp_path, "site", "list")
    assert result.returncode == 1 and result.stderr.count("\n") == 1 and message.split(":")[-1].strip() in result.stderr


def test_hand_edits_reach_the_scheduler_at_its_next_poll(tmp_path: Path) -> None:
    save_site(tmp_path, SiteDeclaration("a", "https://a.example/"))
    db = open_database(tmp_path)
    try:
        assert due_crawls(db, tmp_path) == []
        with open(sites_path(tmp_path), "a") as out:
            out.write('every = "2h"\n')  # appended to [sites.a], as an archivist would
        [due] = due_crawls(db, tmp_path)
        assert due.site == "a"
        [summary] = list_sites(db)
        assert describe_schedule(summary.schedule) == "every 2h"
        sites_path(tmp_path).write_text("")
        assert due_crawls(db, tmp_path) == [] and list_sites(db) == []
    finally:
        db.dispose()


def test_an_unchanged_schedule_keeps_its_next_run(tmp_path: Path) -> None:
    save_site(tmp_path, SiteDeclaration("a", "https://a.example/", every="6h"))
    db = open_database(tmp_path)
    try:
        sync_sites(db, tmp_path)
        later = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
        with db.session() as session:
            session.query(Schedule).update({Schedule.next_run: later})
        sync_sites(db, tmp_path)
        assert list_sites(db)[0].schedule.next_run.replace(tzinfo=dt.UTC) == later
        save_site(tmp_path, SiteDeclaration("a", "https://a.example/", every="3h"))
        sync_sites(db, tmp_path)
        assert list_sites(db)[0].schedule.next_run.replace(tzinfo=dt.UTC) < later  # a new rule: due at once
    finally:
        db.dispose()


def test_sites_of_an_older_database_move_into_the_file_once(tmp_path: Path) -> None:
    db = open_database(tmp_path)
    now = dt.datetime.now(dt.UTC)
    try:
        with db.session() as session:
            site = WatchedSite(name="old", url="https://old.example/", feeds=["https://old.example/rss"], sitemaps=[],
                               sections=[], allow=[], deny=["/ads/"], adhoc=False, created_at=now)
            adhoc = WatchedSite(name="adhoc:x.example", url="https://x.example/", feeds=[], sitemaps=[],
                                sections=[], allow=[], deny=[], adhoc=True, created_at=now)
            session.add_all([site, adhoc])
            session.flush()
            session.add(Schedule(watched_site_id=site.id, every_seconds=5400, cron=None, next_run=now,
                                 created_at=now))
    finally:
        db.dispose()
    listed = cli(tmp_path, "schedule", "list")
    assert listed.returncode == 0 and listed.stdout.startswith("old\tevery 1h30m\tnext ")
    assert read_sites(tmp_path) == {"old": SiteDeclaration(
        "old", "https://old.example/", feeds=("https://old.example/rss",), deny=("/ads/",), every="1h30m")}
    assert "adhoc" not in sites_path(tmp_path).read_text()


@pytest.mark.parametrize(("seconds", "text"), [(21600, "6h"), (5400, "1h30m"), (1, "1s"), (90061, "1d1h1m1s"),
                                               (1209600, "2w")])
def test_intervals_read_as_they_are_written(seconds: int, text: str) -> None:
    from archive.discovery.recrawl import parse_interval

    assert format_interval(seconds) == text
    assert parse_interval(text).total_seconds() == seconds


# -- delete the database, reindex: everything is back --------------------------------------


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MockServer]:
    with MockServer(log_dir=tmp_path_factory.mktemp("siteconfig-server")) as server:
        server.live_reset()
        yield server


_FRONTIER = ("SELECT url, kind, status, last_status, fetch_count, etag, last_modified, payload_digest, record_id, "
             "target_uri FROM url_states WHERE status != 'queued' ORDER BY url")


def _state(data_dir: Path) -> dict:
    show = json.loads(cli(data_dir, "site", "show", "live").stdout)
    return {
        "site": {k: show[k] for k in ("url", "feeds", "sitemaps", "allow", "schedule")},
        "started": show["last_crawl_started"],
        "schedules": cli(data_dir, "schedule", "list").stdout.split("\tnext ")[0],
        "articles": query(data_dir, "SELECT canonical_url, version_count FROM articles ORDER BY canonical_url"),
        "frontier": query(data_dir, _FRONTIER),
    }


def test_delete_the_database_and_reindex_gives_everything_back(live: MockServer, tmp_path: Path) -> None:
    assert cli(tmp_path, "site", "add", "live", live.url("/live/"), "--allow", "/live/").returncode == 0
    assert cli(tmp_path, "schedule", "add", "live", "--every", "6h").returncode == 0
    crawl_site(tmp_path, "live")
    live.live_edit("cricket-team-wins-regional-cup")
    crawl_site(tmp_path, "live")  # a second crawl: 304s, revisits, a new version
    before = _state(tmp_path)
    assert before["site"]["schedule"] == "every 6h" and before["schedules"] == "live\tevery 6h"
    assert before["started"].endswith("+00:00")  # site show: times with their UTC offset
    assert len(before["articles"]) >= 10 and any(count == 2 for _url, count in before["articles"])
    fetched = [row for row in before["frontier"] if row[2] == "fetched"]
    assert sum(1 for row in fetched if row[5] and row[6]) >= 10, "the live site sends ETag and Last-Modified"
    assert any(row[4] >= 2 for row in fetched)

    (tmp_path / "newsarchive.sqlite").unlink()
    result = cli(tmp_path, "reindex")
    assert result.returncode == 0, result.stderr
    after = _state(tmp_path)

    assert after["site"] == before["site"]
    assert after["started"] is None  # when crawls ran is not in the WARCs' frontier, only in the run log
    assert after["schedules"] == before["schedules"]
    assert after["articles"] == before["articles"]
    # Every fetched URL is back with its validators, status, fetch count and revisit pointers.
    # Kinds are compared below. A redirect or meta-refresh hop is the one difference: the
    # crawl records it with its target's response, the rebuild with the hop's own record.
    def strip(rows: list[tuple]) -> dict[str, tuple]:
        return {row[0]: row[2:] for row in rows if row[0] not in hops}

    hops = {row[0] for row in before["frontier"] if row[9] and row[9] != row[0]}
    assert len(hops) <= 2
    assert strip(after["frontier"]) == strip(before["frontier"])
    assert {row[0] for row in after["frontier"]} == {row[0] for row in before["frontier"]}
    kinds = {row[0]: row[1] for row in after["frontier"]}
    assert kinds[live.url("/live/")] == "seed"
    assert "feed" in kinds.values() and "sitemap" in kinds.values()

    # The next incremental crawl behaves as it would have: conditional GETs, no new versions.
    third = crawl_site(tmp_path, "live")
    assert query(tmp_path, "SELECT canonical_url, version_count FROM articles ORDER BY canonical_url") == \
        before["articles"], third.stdout
