"""Shared fixtures, and the rule that CI never goes green by skipping.

Under ``CI=true`` a missing service or tool is a failure: the session stops at once when
PostgreSQL, the pywb venv or the wacz venv is missing (``.ci/run`` sets them up before
pytest, so no test creates them mid-run), and any test that still skips is reported as
failed.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.mockserver import MockServer

# Shared fixtures (db_url, db, archive_dir) for every test module, instead of imports that shadow them.
pytest_plugins = ["tests.test_db_support", "tests.test_web_support"]


def under_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def pytest_sessionstart(session: pytest.Session) -> None:
    if not under_ci():
        return
    from archive.pywb_env import pywb_venv_dir
    from archive.wacz import wacz_venv_dir
    from tests.test_db_support import pg_unreachable

    missing = [reason for reason in (
        pg_unreachable(),
        None if (pywb_venv_dir() / "bin" / "wayback").exists() else f"no pywb venv at {pywb_venv_dir()}",
        None if (wacz_venv_dir() / "bin" / "wacz").exists() else f"no wacz venv at {wacz_venv_dir()}",
    ) if reason]
    if missing:
        pytest.exit(f"CI=true but {'; '.join(missing)} (run .ci/run, which sets them up)", returncode=1)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    if under_ci() and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[-1] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"skipped under CI=true, where nothing may skip: {reason}"


@pytest.fixture(autouse=True)
def _search_index_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test's tantivy index in its tmp_path, updated at each commit (not in the background)."""
    from archive.db import searchindex

    monkeypatch.setenv("ARCHIVE_SEARCH_INDEX_DIR", str(tmp_path / "search-index"))
    monkeypatch.setattr(searchindex._updater, "poke", searchindex.catch_up)


@pytest.fixture(scope="session")
def mockserver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MockServer]:
    """One mock news server (subprocess on 127.0.0.1) for the whole test session."""
    with MockServer(log_dir=tmp_path_factory.mktemp("mockserver")) as server:
        yield server
