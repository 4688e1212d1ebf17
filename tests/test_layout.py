"""Guards on the project's shape: dependency direction and the public API."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

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


def _runtime_imports(path: Path) -> set[str]:
    """Modules ``path`` imports at run time (``if TYPE_CHECKING:`` blocks are types only)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = {
        id(node) for stmt in ast.walk(tree)
        if isinstance(stmt, ast.If) and ast.unparse(stmt.test).endswith("TYPE_CHECKING")
        for node in ast.walk(stmt)
    }
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def test_database_layer_never_imports_extraction() -> None:
    """``archive/db`` stores and queries rows; reading WARCs back and extracting is ``archive/ingest``'s job."""
    root = Path(archive.__file__).parent / "db"
    offenders = {
        f"{path.relative_to(root)}: {name}"
        for path in root.rglob("*.py")
        for name in _runtime_imports(path)
        if name.split(".")[:2] in (["archive", "extract"], ["archive", "ingest"])
        or name.split(".")[0] in ("trafilatura", "multiprocessing", "warcio")
        or name == "concurrent.futures.process"
    }
    # A writer thread (the frontier's) is the database layer's own business; process pools
    # for extraction are not.
    assert "ProcessPoolExecutor" not in "".join(p.read_text() for p in root.rglob("*.py"))
    assert offenders == set()


def test_importing_the_database_layer_loads_no_extractor() -> None:
    code = (
        "import sys, pkgutil, importlib, archive.db\n"
        "for m in pkgutil.walk_packages(archive.db.__path__, 'archive.db.'):\n"
        "    if not m.name.startswith('archive.db.migrations'):\n"
        "        importlib.import_module(m.name)\n"
        "print(','.join(sorted(n for n in sys.modules if n.startswith(('archive.extract', 'trafilatura')))))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""
