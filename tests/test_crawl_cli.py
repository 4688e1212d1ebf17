"""``newsarchive crawl`` as a user meets it: private seeds, locks, --max-pages, failed seeds, quiet output."""

from __future__ import annotations

import re
import subprocess
import time
from pathlib import Path

import pytest

from tests.crawl_support import REPO_ROOT, crawl_command, run_crawl
from tests.mockserver import MockServer

STRICT = ["-s", "ARCHIVE_ALLOW_PRIVATE_SEEDS=False"]  # undo the test helper's trust in 127.0.0.1


@pytest.mark.parametrize(
    ("seed", "message"),
    [
        ("http://169.254.169.254/latest/meta-data/", "Error: seed http://169.254.169.254/latest/meta-data/ is on a "
         "private or loopback address (use --allow-private to crawl it)"),
        ("http://10.0.0.1/", "Error: seed http://10.0.0.1/ is on a private or loopback address"),
        ("http://[::1]:1/", "Error: seed http://[::1]:1/ is on a private or loopback address"),
        ("http://localhost:1/", "Error: seed http://localhost:1/ is on a private or loopback address"),
    ],
)
def test_private_seeds_are_refused_before_any_connection(tmp_path: Path, seed: str, message: str) -> None:
    result = run_crawl(tmp_path / "data", seed, *STRICT)
    assert result.returncode == 1
    assert result.stderr.strip() == message or result.stderr.strip().startswith(message), result.stderr
    assert not (tmp_path / "data").exists()  # refused before anything was created


def test_allow_private_lets_a_loopback_seed_through(mockserver: MockServer, tmp_path: Path) -> None:
    result = run_crawl(tmp_path, mockserver.url("/cookies.html"), "--depth", "0", "--allow-private", *STRICT)
    assert result.returncode == 0, result.log[-2000:]
    assert result.responses(mockserver.url("/cookies.html"))


def test_second_crawl_of_the_same_host_gets_one_line_and_exit_1(mockserver: MockServer, tmp_path: Path) -> None:
    slow = mockserver.url("/slow-large.html?seconds=6")
    first = subprocess.Popen(crawl_command(tmp_path, slow, "--depth", "0"), cwd=REPO_ROOT,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        lock = tmp_path / "locks" / f"host-{mockserver.url('/').split('/')[2].replace(':', '_')}.lock"
        deadline = time.monotonic() + 30
        while not (lock.exists() and lock.read_text().strip() == str(first.pid)):
            assert time.monotonic() < deadline, "the first crawl never took its lock"
            time.sleep(0.1)
        second = run_crawl(tmp_path, mockserver.url("/cookies.html"), "--depth", "0")
    finally:
        assert first.wait(60) == 0
    host = mockserver.url("/").split("/")[2]
    assert second.returncode == 1
    assert second.stderr.strip() == f"Error: {host} is being crawled by another process; try again later"


def test_max_pages_stops_scheduling(mockserver: MockServer, tmp_path: Path) -> None:
    result = run_crawl(tmp_path, mockserver.url("/big/"), "--max-pages", "5", "-s", "CONCURRENT_REQUESTS=4")
    assert result.returncode == 0, result.log[-2000:]
    # HTML pages from anywhere on the site (the robots.txt sitemaps compete with /big/'s links)
    found = re.search(r"Crawl finished \(max_pages\) in [0-9.]+ s: ([0-9]+) pages", result.stdout)
    assert found, result.stdout
    pages = int(found.group(1))
    assert 5 <= pages <= 5 + 4, pages  # at most the four requests in flight land (41 before)
    beyond = pages - 5
    if beyond:
        assert f"{beyond} pages beyond --max-pages were in flight and were kept." in result.stdout


@pytest.mark.parametrize(("path", "reason"), [("/missing", "HTTP 404"), ("/error500", "HTTP 500")])
def test_a_seed_that_fails_fails_the_crawl(mockserver: MockServer, tmp_path: Path, path: str, reason: str) -> None:
    result = run_crawl(tmp_path, mockserver.url(path), "--depth", "0", "-s", "RETRY_ENABLED=False")
    assert result.returncode == 1
    assert result.stderr.strip() == f"Error: seed {mockserver.url(path)}: {reason}"
    assert result.responses(mockserver.url(path)), "the error page is archived all the same"


def test_an_unreachable_seed_beside_a_good_one_fails_the_crawl(mockserver: MockServer, tmp_path: Path) -> None:
    result = run_crawl(tmp_path, mockserver.url("/cookies.html"), "http://127.0.0.1:1/", "--depth", "0",
                       "-s", "RETRY_ENABLED=False")
    assert result.returncode == 1
    assert result.stderr.strip().startswith("Error: seed http://127.0.0.1:1/: Connection was refused")
    assert result.responses(mockserver.url("/cookies.html"))


def test_quiet_by_default_full_log_in_data_dir(tmp_path: Path) -> None:
    result = run_crawl(tmp_path, "http://127.0.0.1:1/")
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert result.stderr.startswith("Error: nothing was archived: http://127.0.0.1:1/: ")
    [log] = (tmp_path / "logs").glob("crawl-*.log")
    assert "Scrapy" in log.read_text() and "Dumping Scrapy stats" in log.read_text()
    assert f"Log: {log}" in result.stdout
    verbose = run_crawl(tmp_path / "v", "http://127.0.0.1:1/", "-v")
    assert "Dumping Scrapy stats" in verbose.stderr
    assert not list((tmp_path / "v" / "logs").glob("*.log"))
