"""``newsarchive demo``: the bundled site on loopback is archived, and --serve keeps it up."""

from __future__ import annotations

import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

from tests.crawl_support import REPO_ROOT


def test_demo_serve_archives_then_keeps_the_site_up_until_ctrl_c(tmp_path: Path) -> None:
    process = subprocess.Popen([sys.executable, "-m", "scraper.cli", "demo", "--serve", "--data-dir", str(tmp_path)],
                               cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        lines = []
        for line in process.stdout:
            lines.append(line)
            if "stays up at" in line:
                break
        output = "".join(lines)
        assert "Crawl finished (finished)" in output and " 0 errors." in output, output
        url = output.split("stays up at ", 1)[1].split()[0]
        assert url.startswith("http://127.0.0.1:")
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(url, timeout=10) as page:
            assert b"<title>Kabul Demo Times" in page.read()
        assert f"newsarchive site add demo {url} --data-dir {tmp_path}" in "".join(
            [*lines, *(process.stdout.readline() for _ in range(3))])
        process.send_signal(signal.SIGINT)
        assert process.wait(30) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.stderr is not None and process.stderr.read() == ""  # quiet: the log is in DATA_DIR/logs
    assert list((tmp_path / "logs").glob("crawl-*.log"))
