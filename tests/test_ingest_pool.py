"""The extraction process pool: workers start from a fork server that already loaded the main script.

CPython 3.11's fork server never gets the main script's path, so each worker used to run the
script again (the ``newsarchive`` script imports Scrapy: ~1.5 s of CPU per worker).
``archive.deathsig.forkserver_preload`` hands the path over; this runs a pool from a script
that logs each process it runs in.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

_SCRIPT = """
import os, sys
from pathlib import Path

with Path(os.environ["POOL_TEST_LOG"]).open("a") as log:  # one line per process this script runs in
    log.write(f"{os.getpid()} {__name__}\\n")

if __name__ == "__main__":
    sys.path.insert(0, os.environ["POOL_TEST_ROOT"])
    from archive.ingest.record import process_pool

    pool = process_pool(3)
    pids = {future.result() for future in [pool.submit(os.getpid) for _ in range(9)]}
    pool.shutdown()
    print(" ".join(map(str, sorted(pids))))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the fork server is Linux's start method here")
def test_workers_do_not_run_the_main_script_again(tmp_path: Path) -> None:
    script = tmp_path / "crawl_main.py"
    script.write_text(textwrap.dedent(_SCRIPT))
    log = tmp_path / "runs.log"
    env = {**os.environ, "POOL_TEST_LOG": str(log), "POOL_TEST_ROOT": str(ROOT), "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120, env=env,
                          cwd=tmp_path, check=False)
    assert proc.returncode == 0, proc.stderr
    workers = set(proc.stdout.split())
    runs = [line.split() for line in log.read_text().splitlines()]
    assert [name for _, name in runs].count("__main__") == 1
    assert workers and not workers & {pid for pid, _ in runs}  # no worker ran the script
    assert len(runs) == 2  # the crawl itself, and the fork server once for every worker
