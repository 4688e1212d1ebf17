"""``check``, ``reindex``, ``index``, ``replay`` and ``export-wacz`` over two workers' WARC folders.

Two ``crawl --frontier`` workers share a Redis frontier and one PostgreSQL database, each
writing its own ``DATA_DIR/warcs``; every command is then given both folders (``--warcs``
twice, or as positional paths) and must see every article, whichever worker fetched it.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import select

from archive.db.models import Article, Capture
from archive.db.session import open_database
from archive.replay.collection import Collection, iter_index
from archive.wacz import wacz_venv_dir
from tests.cluster_support import ClusterSite, captured_urls, redis_frontier, start_worker
from tests.pywb_support import requires_pywb
from tests.test_db_support import pg_schema_url

HOSTS, ARTICLES = 4, 5


@dataclass
class TwoWorkers:
    site_articles: set[str]
    data_dirs: list[Path]
    db_url: str
    by_worker: list[set[str]]  # article URLs in each worker's WARCs

    @property
    def warcs(self) -> list[Path]:
        return [d / "warcs" for d in self.data_dirs]

    def warcs_options(self) -> list[str]:
        return [arg for folder in self.warcs for arg in ("--warcs", str(folder))]


@pytest.fixture(scope="module")
def two_workers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TwoWorkers]:
    tmp = tmp_path_factory.mktemp("two-workers")
    frontier = redis_frontier()
    url, prefix = next(frontier)
    db = pg_schema_url()
    db_url = next(db)
    try:
        with ClusterSite(tmp, HOSTS, ARTICLES, {0: 0.2}, latency=(0.05, 0.15)) as site:
            workers = [start_worker(tmp / f"w{i}", url, prefix, site.urls, "--db", db_url) for i in range(2)]
            codes = [proc.wait(timeout=300) for proc in workers]
            assert codes == [0, 0], "\n".join((tmp / f"w{i}.log").read_text()[-3000:] for i in range(2))
            articles = site.article_urls()
        data_dirs = [tmp / "w0", tmp / "w1"]
        by_worker = [set(captured_urls([d])) & articles for d in data_dirs]
        assert by_worker[0] | by_worker[1] == articles
        assert by_worker[0] - by_worker[1] and by_worker[1] - by_worker[0], "both workers fetched articles"
        yield TwoWorkers(articles, data_dirs, db_url, by_worker)
    finally:
        for generator in (db, frontier):
            generator.close()


def _cli(*args: str) -> Result:
    from scraper.cli import main

    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def _article_files(db_url: str, data_dir: Path) -> dict[str, str]:
    """Article URL -> the WARC file its latest capture names."""
    db = open_database(data_dir, db_url)
    try:
        with db.session() as session:
            rows = session.execute(select(Article.canonical_url, Capture.warc_file)
                                   .join(Capture, Capture.url == Article.canonical_url))
            return {url: warc for url, warc in rows}
    finally:
        db.dispose()


def test_every_article_row_names_a_file_of_the_worker_that_fetched_it(two_workers: TwoWorkers) -> None:
    files = _article_files(two_workers.db_url, two_workers.data_dirs[0])
    assert set(files) == two_workers.site_articles
    for url, name in files.items():
        holders = [folder for folder in two_workers.warcs if (folder / name).is_file()]
        assert len(holders) == 1, f"{url}: {name} is in {holders}"
        worker = two_workers.warcs.index(holders[0])
        assert url in two_workers.by_worker[worker]
    names = [{p.name for p in folder.glob("*.warc.gz")} for folder in two_workers.warcs]
    assert names[0] and names[1] and not names[0] & names[1]
    tags = [{name.split("-")[1] for name in group} for group in names]
    assert len(tags[0]) == len(tags[1]) == 1 and tags[0] != tags[1], "one random tag per worker in the names"


def test_check_takes_every_workers_folder(two_workers: TwoWorkers) -> None:
    result = _cli("check", *map(str, two_workers.warcs))
    assert result.exit_code == 0, result.output
    checked = [line.split()[1] for line in result.output.splitlines() if line.startswith("OK ")]
    for folder in two_workers.warcs:
        assert sorted(p for p in checked if p.startswith(str(folder))) == sorted(map(str, folder.glob("*.warc.gz")))


def test_reindex_over_both_folders_rebuilds_every_article_once(two_workers: TwoWorkers, tmp_path: Path) -> None:
    fresh = pg_schema_url()
    db_url = next(fresh)
    try:
        result = _cli("reindex", *map(str, two_workers.warcs), "--workers", "1",
                      "--data-dir", str(two_workers.data_dirs[0]), "--db", db_url)
        assert result.exit_code == 0, result.output
        files = _article_files(db_url, two_workers.data_dirs[0])
    finally:
        fresh.close()
    assert set(files) == two_workers.site_articles
    own = two_workers.warcs[0]  # reindex --data-dir is the first worker's
    for url, name in files.items():
        path = Path(name) if Path(name).is_absolute() else own / name
        assert path.is_file(), name
        # a file of the data dir by its name, as the crawl wrote it; another folder's by its full path
        worker = 1 if Path(name).is_absolute() else 0
        assert path.parent.resolve() == two_workers.warcs[worker].resolve() and url in two_workers.by_worker[worker]


@requires_pywb
def test_index_and_replay_cover_both_folders(two_workers: TwoWorkers, tmp_path: Path) -> None:
    home = tmp_path / "replay-home"
    result = _cli("index", "--data-dir", str(home), *two_workers.warcs_options(), "--db", two_workers.db_url)
    assert result.exit_code == 0, result.output
    total = sum(len(list(folder.glob("*.warc.gz"))) for folder in two_workers.warcs)
    assert result.output.startswith(f"Indexed {total} of {total} WARC files")
    indexed = {data["url"] for _, _, data in iter_index(Collection(home.resolve()))}
    assert two_workers.site_articles <= indexed
    only_second = sorted(two_workers.by_worker[1] - two_workers.by_worker[0])[0]
    result = _cli("replay", "--data-dir", str(home), *two_workers.warcs_options(), "--db", two_workers.db_url,
                  "--url", only_second)
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith(f"/{only_second}") and "/news/" in result.output
    result = _cli("index", "--data-dir", str(home), "--warcs", str(two_workers.warcs[0]), "--db", two_workers.db_url)
    assert result.exit_code == 0 and "removed)" in result.output  # the collection follows the folders given
    indexed = {data["url"] for _, _, data in iter_index(Collection(home.resolve()))}
    assert only_second not in indexed and two_workers.by_worker[0] <= indexed


@pytest.mark.skipif(not (wacz_venv_dir() / "bin" / "wacz").exists(), reason="no wacz venv: python3 -m archive.wacz")
def test_export_wacz_packs_both_folders(two_workers: TwoWorkers, tmp_path: Path) -> None:
    output = tmp_path / "cluster.wacz"
    result = _cli("export-wacz", "--data-dir", str(two_workers.data_dirs[0]), *two_workers.warcs_options(),
                  "--db", two_workers.db_url, "-o", str(output))
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(output) as wacz:
        packed = {Path(name).name for name in wacz.namelist() if name.startswith("archive/")}
        pages = [json.loads(line) for line in wacz.read("pages/pages.jsonl").decode().splitlines()[1:]]
    assert packed == {p.name for folder in two_workers.warcs for p in folder.glob("*.warc.gz")}
    assert {page["url"] for page in pages} >= two_workers.site_articles


def _same_named_warcs(tmp_path: Path) -> list[Path]:
    """Two folders, each with a WARC called ``crawl.warc.gz`` (other tools' names can collide)."""
    from archive.warc.writer import WarcWriter, WriterOptions
    from tests.warc_helpers import html_exchange

    folders = []
    for n in range(2):
        folder = tmp_path / f"folder{n}"
        with WarcWriter(folder, WriterOptions(prefix="x")) as writer:
            writer.write_exchange(html_exchange(f"http://news.example/{n}"))
        [written] = folder.glob("*.warc.gz")
        written.rename(folder / "crawl.warc.gz")
        folders.append(folder)
    return folders


def test_export_wacz_refuses_two_folders_files_of_the_same_name(tmp_path: Path) -> None:
    folders = _same_named_warcs(tmp_path)
    result = _cli("export-wacz", "--data-dir", str(tmp_path / "data"), "--warcs", str(folders[0]),
                  "--warcs", str(folders[1]), "-o", str(tmp_path / "out.wacz"))
    assert result.exit_code == 1
    assert result.output == (f"Error: {folders[1] / 'crawl.warc.gz'} and {folders[0] / 'crawl.warc.gz'} have the "
                             "same name; a WACZ holds WARC files by name (rename one, or export the folders "
                             "separately)\n")


@requires_pywb
def test_index_reports_two_folders_files_of_the_same_name(tmp_path: Path) -> None:
    folders = _same_named_warcs(tmp_path)
    result = CliRunner().invoke(__import__("scraper.cli", fromlist=["main"]).main,
                                ["index", "--data-dir", str(tmp_path / "data"), "--warcs", str(folders[0]),
                                 "--warcs", str(folders[1])])
    assert result.exit_code == 1
    first, second = (folder.resolve() / "crawl.warc.gz" for folder in folders)
    assert f"warning: {second}: not indexed: {first} has the same name in another folder" in result.output
    assert "Indexed 1 of 1 WARC files" in result.output
