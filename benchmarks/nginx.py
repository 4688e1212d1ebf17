"""Start and stop Debian's nginx on 127.0.0.1 serving a folder gzipped, for benchmarks."""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

_CONF = """
worker_processes 1;
daemon off;
pid {work}/nginx.pid;
error_log {work}/error.log;
events {{ worker_connections 1024; }}
http {{
    access_log {access_log};
    client_body_temp_path {work}/body;
    proxy_temp_path {work}/proxy;
    fastcgi_temp_path {work}/fastcgi;
    uwsgi_temp_path {work}/uwsgi;
    scgi_temp_path {work}/scgi;
    types {{ text/html html; text/plain txt; }}
    default_type text/html;
    gzip on;
    gzip_types text/plain;
    gzip_min_length 0;
    gzip_comp_level 5;
    server {{
        listen 127.0.0.1:{port};
        root {root};
        index index.html;
    }}
}}
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Nginx:
    def __init__(self, root: Path, access_log: Path | None = None) -> None:
        """``access_log``: a file that gets one line per request served (to count pages served)."""
        binary = shutil.which("nginx") or "/usr/sbin/nginx"
        if not Path(binary).exists():
            raise SystemExit("nginx not found: apt-get install nginx-light")
        self.work = Path(tempfile.mkdtemp(prefix="bench-nginx-"))
        self.port = _free_port()
        conf = self.work / "nginx.conf"
        conf.write_text(_CONF.format(work=self.work, port=self.port, root=root, access_log=access_log or "off"))
        self.process = subprocess.Popen([binary, "-c", str(conf), "-p", str(self.work)])
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        self.url = f"http://127.0.0.1:{self.port}/"

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)
        shutil.rmtree(self.work, ignore_errors=True)
