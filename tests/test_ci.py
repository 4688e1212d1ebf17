"""tests/conftest.py: under CI=true nothing may skip, and missing services stop the session."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.crawl_support import REPO_ROOT

DEAD_PG = "postgresql+psycopg://postgres@127.0.0.1:1/test"


def _pytest(tmp_path: Path, body: str, **env: str) -> subprocess.CompletedProcess[str]:
    test_file = tmp_path / "test_sample.py"
    test_file.write_text(body)
    for name in ("pywb", "wacz"):  # stand-ins: only their presence is checked at start
        marker = tmp_path / f"{name}-venv" / "bin" / ("wayback" if name == "pywb" else "wacz")
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.touch()
    environment = {**os.environ, "PYTHONPATH": str(REPO_ROOT),
                   "NEWSARCHIVE_PYWB_VENV": str(tmp_path / "pywb-venv"),
                   "NEWSARCHIVE_WACZ_VENV": str(tmp_path / "wacz-venv"), **env}
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "tests.conftest",
                           "--rootdir", str(tmp_path), str(test_file)],
                          cwd=REPO_ROOT, env=environment, capture_output=True, text=True, timeout=120)


def test_under_ci_a_skip_is_a_failure(tmp_path: Path) -> None:
    body = "import pytest\n\ndef test_needs_a_tool():\n    pytest.skip('no tool here')\n"
    result = _pytest(tmp_path, body, CI="true")
    assert result.returncode == 1, result.stdout
    assert "skipped under CI=true, where nothing may skip" in result.stdout and "no tool here" in result.stdout
    assert _pytest(tmp_path, body, CI="").returncode == 0  # elsewhere it stays a skip


def test_under_ci_a_dead_postgresql_stops_the_session(tmp_path: Path) -> None:
    result = _pytest(tmp_path, "def test_nothing():\n    pass\n", CI="true", NEWSARCHIVE_TEST_PG=DEAD_PG)
    assert result.returncode == 1
    assert "CI=true but PostgreSQL not reachable at " + DEAD_PG in result.stdout + result.stderr


def test_under_ci_postgresql_tests_fail_rather_than_skip(monkeypatch: pytest.MonkeyPatch) -> None:
    from tests import test_db_support

    monkeypatch.setattr(test_db_support, "PG_URL", DEAD_PG)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="PostgreSQL not reachable"):
        next(test_db_support.pg_schema_url())
    monkeypatch.setenv("CI", "")
    with pytest.raises(pytest.skip.Exception, match="PostgreSQL not reachable"):
        next(test_db_support.pg_schema_url())
