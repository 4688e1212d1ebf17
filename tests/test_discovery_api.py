"""archive/discovery: public names, error tree, and no Scrapy import."""

from __future__ import annotations

import subprocess
import sys

import archive.discovery as discovery
from archive.errors import ArchiveError, ConfigError


def test_all_names_exist_and_are_sorted_uniquely() -> None:
    assert len(set(discovery.__all__)) == len(discovery.__all__)
    for name in discovery.__all__:
        assert hasattr(discovery, name), name


def test_every_error_is_an_archive_error() -> None:
    errors = [getattr(discovery, n) for n in discovery.__all__ if n.endswith("Error")]
    assert errors
    for error in errors:
        assert issubclass(error, ArchiveError), error
    assert issubclass(discovery.CronError, ConfigError)
    assert issubclass(discovery.IntervalError, ConfigError)


def test_discovery_never_imports_scrapy() -> None:
    code = (
        "import sys, archive.discovery, archive.discovery.cron, archive.discovery.traps;"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('scrapy', 'twisted'));"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
