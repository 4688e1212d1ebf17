"""Guards on the project's shape: dependency direction and the public API."""

from __future__ import annotations

import subprocess
import sys

import archive


def test_archive_never_imports_scrapy() -> None:
    code = (
        "import sys, pkgutil, importlib, archive\n"
        "for m in pkgutil.walk_packages(archive.__path__, 'archive.'):\n"
        "    if m.name.startswith('archive.db.migrations'):\n"
        "        continue\n"
        "    importlib.import_module(m.name)\n"
        "bad = sorted(n for n in sys.modules if n.split('.')[0] in ('scrapy', 'twisted', 'scraper', 'pywb', 'gevent'))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""


def test_public_names_are_exported() -> None:
    for name in archive.__all__:
        assert hasattr(archive, name), name
    assert issubclass(archive.WarcWriteError, archive.ArchiveError)
