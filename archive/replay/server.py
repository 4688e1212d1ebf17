"""``wayback`` serving the collection, as a child process on a port of its own.

pywb runs from its own virtual environment (``archive.pywb_env``); we start its
``wayback`` through a small shim that turns Nagle off on every connection, wait until
our start page answers (not some other server that had the port), and stop it.
"""

from __future__ import annotations

import subprocess
import time
import urllib.error
import urllib.request

from archive.errors import ConfigError
from archive.pywb_env import pywb_command
from archive.replay.collection import Collection
from archive.replay.startpage import START_PAGE_MARK

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8080

_NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def server_base(host: str, port: int) -> str:
    """``http://host:port``, with brackets around an IPv6 address."""
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


# ``wayback`` with TCP_NODELAY on every connection. gevent's server writes the headers
# and the body separately; with Nagle on, every response on a kept-alive connection then
# waits for the client's delayed ACK: ~45 ms instead of ~6 ms per request (bench_replay).
_WAYBACK_SHIM = """\
import socket, sys
import gevent.pywsgi as pywsgi
_handle = pywsgi.WSGIHandler.handle
def handle(self):
    try:
        self.socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    except (OSError, AttributeError):
        pass
    return _handle(self)
pywsgi.WSGIHandler.handle = handle
from pywb.apps.cli import wayback
sys.argv[0] = "wayback"
sys.exit(wayback())
"""


class ReplayServer:
    """``wayback`` serving the collection, as a child process on its own port (origin)."""

    def __init__(self, coll: Collection, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> None:
        self.coll = coll
        self.host = host
        self.port = port
        self.base_url = server_base(host, port)
        self.log_path = coll.root / "wayback.log"
        self._proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> ReplayServer:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def start(self, timeout: float = 60.0) -> None:
        """Start ``wayback`` in the collection's root and wait until it answers."""
        with open(self.log_path, "wb") as log:  # one run's log: it grows with every request
            self._proc = subprocess.Popen(
                [str(pywb_command("wayback").with_name("python")), "-c", _WAYBACK_SHIM,
                 "-b", self.host, "-p", str(self.port)],
                cwd=self.coll.root, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,  # Ctrl-C reaches us only; we stop wayback ourselves
            )
        try:
            self._wait_ready(timeout)
        except BaseException:
            self.stop()
            raise

    def _wait_ready(self, timeout: float) -> None:
        assert self._proc is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                raise ConfigError(
                    f"wayback exited with status {self._proc.returncode} (port {self.port} in use?); "
                    f"see {self.log_path}: {self._log_tail()}"
                )
            if self._answers():
                return
            time.sleep(0.2)
        raise ConfigError(f"wayback did not answer on {self.base_url} within {timeout:.0f} s; see {self.log_path}")

    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def wait(self, timeout: float | None = None) -> int | None:
        """Wait for the process to end (``None`` if still running after ``timeout``)."""
        if self._proc is None:
            return None
        try:
            return self._proc.wait(timeout)
        except subprocess.TimeoutExpired:
            return None

    def stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None or proc.poll() is not None:
            return
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

    def _answers(self) -> bool:
        try:
            with _NO_PROXY.open(self.base_url + "/", timeout=2) as response:
                # Our start page, not some other server that already had the port.
                return response.status == 200 and START_PAGE_MARK in response.read()
        except (urllib.error.URLError, OSError):
            return False

    def _log_tail(self) -> str:
        try:
            lines = self.log_path.read_text(errors="replace").strip().splitlines()
        except OSError:
            return "no log"
        return lines[-1] if lines else "empty log"
