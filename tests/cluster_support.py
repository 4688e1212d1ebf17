"""A news site spread over many loopback hosts, and helpers to run cluster workers on it.

``python -m tests.cluster_support --hosts 8 --articles 12 --delays 0:1.0 --latency 0.1,0.3
--log FILE`` serves host *i* on 127.0.0.(2+i), each with a front page, two sections, articles
that link to each other and to the next host's front page, and a robots.txt with the
Crawl-delay asked for. Every request's arrival time is appended to FILE (JSON lines), so a
test can check the spacing per host as the *server* saw it. It prints the hosts' base URLs
as one JSON line once listening and stops when its stdin closes.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
REDIS_URL = os.environ.get("NEWSARCHIVE_TEST_REDIS", "redis://127.0.0.1:6379/0")
WORKER_FAST = ["-s", "AUTOTHROTTLE_ENABLED=False", "--allow-private", "-s", "ARCHIVE_CLUSTER_HEARTBEAT=0.5",
               "-s", "ARCHIVE_CLUSTER_LEASE_TIMEOUT=5"]

_TEXT = ("The provincial council met on {day} to discuss the budget for roads, schools and clinics "
         "in district {host}. Members argued for hours about the share for rural villages. ")


def article_html(host: int, index: int, total: int, next_front: str) -> bytes:
    paragraphs = "".join(f"<p>{_TEXT.format(day=index + k, host=host) * 3}Report {host}-{index}.</p>"
                         for k in range(4))
    following = f'<a href="/a/{(index + 1) % total}">Next story</a>'
    return (f"<html><head><title>Story {host}-{index}</title></head><body><nav><a href='/'>Home</a>"
            f"<a href='/section/1'>News</a></nav><article><h1>Story {host}-{index}</h1>{paragraphs}"
            f"</article>{following} <a href='{next_front}'>Neighbour</a></body></html>").encode()


def section_html(articles: list[int]) -> bytes:
    links = "".join(f'<li><a href="/a/{i}">Story {i}</a></li>' for i in articles)
    return f"<html><body><h1>Section</h1><ul>{links}</ul><a href='/'>Home</a></body></html>".encode()


class _Handler(BaseHTTPRequestHandler):
    site: dict[str, object]  # set per server

    def log_message(self, *args: object) -> None:  # quiet
        return None

    def do_GET(self) -> None:  # noqa: N802 - http.server naming
        site = self.server.site  # type: ignore[attr-defined]
        arrived = time.time()
        site["log"](site["host"], self.path, arrived)
        low, high = site["latency"]
        if high:
            time.sleep(random.uniform(low, high))
        status, body, ctype = self._page(site)
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _page(self, site: dict) -> tuple[int, bytes, str]:
        total, index = site["articles"], site["index"]
        if self.path == "/robots.txt":
            delay = site["delay"]
            text = "User-agent: *\n" + (f"Crawl-delay: {delay}\n" if delay else "Allow: /\n")
            return 200, text.encode(), "text/plain"
        if self.path == "/":
            return 200, section_html([0]) + b"<a href='/section/1'>1</a><a href='/section/2'>2</a>", "text/html"
        if self.path in ("/section/1", "/section/2"):
            half = range(0, total, 2) if self.path.endswith("1") else range(1, total, 2)
            return 200, section_html(list(half)), "text/html"
        if self.path.startswith("/a/") and self.path[3:].isdecimal() and int(self.path[3:]) < total:
            return 200, article_html(index, int(self.path[3:]), total, site["next_front"]), "text/html"
        return 404, b"not here", "text/plain"


def serve(hosts: int, articles: int, delays: dict[int, float], latency: tuple[float, float], log: Path,
          first_ip: int = 2) -> None:
    lock = threading.Lock()
    out = log.open("a", encoding="utf-8")

    def write(host: str, path: str, arrived: float) -> None:
        with lock:
            out.write(json.dumps({"host": host, "path": path, "t": arrived}) + "\n")
            out.flush()

    servers = [ThreadingHTTPServer((f"127.0.0.{first_ip + i}", 0), _Handler) for i in range(hosts)]
    urls = [f"http://127.0.0.{first_ip + i}:{s.server_address[1]}/" for i, s in enumerate(servers)]
    for i, server in enumerate(servers):
        server.daemon_threads = True
        server.site = {"host": urls[i].split("/")[2], "index": i, "articles": articles, "delay": delays.get(i, 0),
                       "latency": latency, "log": write, "next_front": urls[(i + 1) % hosts]}
        threading.Thread(target=server.serve_forever, daemon=True).start()
    print(json.dumps(urls), flush=True)
    sys.stdin.read()


class ClusterSite:
    """The multi-host site as a subprocess (context manager)."""

    def __init__(self, log_dir: Path, hosts: int, articles: int, delays: dict[int, float] | None = None,
                 latency: tuple[float, float] = (0.0, 0.0)) -> None:
        self.log = log_dir / "requests.jsonl"
        self.articles = articles
        self.delays = delays or {}
        self.args = [sys.executable, "-m", "tests.cluster_support", "--hosts", str(hosts), "--articles",
                     str(articles), "--delays", ",".join(f"{k}:{v}" for k, v in self.delays.items()),
                     "--latency", f"{latency[0]},{latency[1]}", "--log", str(self.log)]
        self.urls: list[str] = []

    def __enter__(self) -> ClusterSite:
        self.proc = subprocess.Popen(self.args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=REPO_ROOT,
                                     text=True)
        self.urls = json.loads(self.proc.stdout.readline())
        return self

    def __exit__(self, *exc: object) -> None:
        self.proc.stdin.close()
        self.proc.wait(timeout=10)

    def article_urls(self) -> set[str]:
        return {f"{url}a/{i}" for url in self.urls for i in range(self.articles)}

    def requests(self) -> list[dict]:
        return [json.loads(line) for line in self.log.read_text().splitlines()]

    def spacing_violations(self, tolerance: float = 0.0) -> list[str]:
        """Per host with a Crawl-delay: consecutive arrivals closer than the delay."""
        by_host: dict[str, list[float]] = defaultdict(list)
        for entry in self.requests():
            by_host[entry["host"]].append(entry["t"])
        problems = []
        for index, delay in self.delays.items():
            host = self.urls[index].split("/")[2]
            times = sorted(by_host[host])
            gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
            problems += [f"{host}: {gap:.3f} s < {delay} s" for gap in gaps if gap < delay - tolerance]
        return problems


# -- workers -----------------------------------------------------------------------------

def worker_command(data_dir: Path, frontier: str, prefix: str, urls: list[str], *extra: str) -> list[str]:
    # -v: the tests read the worker's log lines ("Joined run", Redis outages) from its stderr
    return [sys.executable, "-m", "scraper.cli", "crawl", *urls, "-v", "--data-dir", str(data_dir),
            "--frontier", frontier, "-s", f"ARCHIVE_CLUSTER_PREFIX={prefix}", *WORKER_FAST, *extra]


def start_worker(data_dir: Path, frontier: str, prefix: str, urls: list[str], *extra: str) -> subprocess.Popen:
    log = (data_dir.parent / f"{data_dir.name}.log").open("w")
    return subprocess.Popen(worker_command(data_dir, frontier, prefix, urls, *extra), cwd=REPO_ROOT,
                            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)


def captured_urls(data_dirs: list[Path]) -> Counter[str]:
    """Response records per target URI over every worker's WARC files (.open ones included)."""
    from warcio.archiveiterator import ArchiveIterator

    seen: Counter[str] = Counter()
    for data_dir in data_dirs:
        for path in sorted((data_dir / "warcs").glob("*.warc.gz*")):
            with path.open("rb") as stream:
                try:
                    for record in ArchiveIterator(stream):
                        if record.rec_type == "response":
                            seen[record.rec_headers.get_header("WARC-Target-URI")] += 1
                except Exception:  # noqa: BLE001 - a killed worker's .open file ends mid-record
                    pass
    return seen


def redis_frontier() -> Iterator[tuple[str, str]]:
    """(frontier URL, key prefix of this test); keys removed afterwards. No Redis: skip,
    or fail under CI."""
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.RedisError as exc:
        message = f"Redis not reachable at {REDIS_URL}: {exc}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    prefix = f"t{uuid.uuid4().hex[:10]}"
    try:
        yield REDIS_URL, prefix
    finally:
        for key in client.scan_iter(match=f"{prefix}:*", count=1000):
            client.delete(key)
        client.close()


class PrivateRedis:
    """A redis-server of our own (AOF on), for tests that stop and restart Redis."""

    def __init__(self, directory: Path) -> None:
        import shutil
        import socket

        self.binary = shutil.which("redis-server")
        if self.binary is None:
            message = "redis-server not installed"
            if os.environ.get("CI", "").lower() == "true":
                pytest.fail(message)
            pytest.skip(message)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.directory = directory
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        import redis

        self.proc = subprocess.Popen([self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--dir",
                                      str(self.directory), "--appendonly", "yes", "--save", ""],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = redis.Redis(port=self.port)
        for _ in range(100):
            try:
                client.ping()
                return
            except redis.RedisError:
                time.sleep(0.05)
        raise RuntimeError("private redis-server did not start")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()  # SIGTERM: redis-server flushes the AOF and exits
            self.proc.wait(timeout=10)
            self.proc = None


class TcpProxy:
    """127.0.0.1:PORT forwarding to ``target``, that can be cut (listener and every live
    connection closed: the service looks down) and restored on the same port; a database
    reached through it goes away mid-crawl without stopping the server other tests use."""

    def __init__(self, target: tuple[str, int]) -> None:
        import socket

        self.target = target
        self._socket = socket
        self._lock = threading.Lock()
        self._conns: list = []
        self._listener = self._listen(0)
        self.port = self._listener.getsockname()[1]

    def _listen(self, port: int):  # type: ignore[no-untyped-def]
        listener = self._socket.socket()
        listener.setsockopt(self._socket.SOL_SOCKET, self._socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", port))
        listener.listen(64)
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()
        return listener

    def _accept(self, listener) -> None:  # type: ignore[no-untyped-def]
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # cut
            try:
                upstream = self._socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._conns += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source, sink) -> None:  # type: ignore[no-untyped-def]
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                try:
                    sock.close()
                except OSError:
                    pass

    def cut(self) -> None:
        try:
            self._listener.shutdown(self._socket.SHUT_RDWR)  # wakes the thread blocked in accept()
        except OSError:
            pass
        self._listener.close()
        with self._lock:
            conns, self._conns = self._conns, []
        for sock in conns:
            try:
                sock.shutdown(self._socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()

    def restore(self) -> None:
        self._listener = self._listen(self.port)

    def close(self) -> None:
        self.cut()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--hosts", type=int, default=8)
    parser.add_argument("--articles", type=int, default=12)
    parser.add_argument("--delays", default="")
    parser.add_argument("--latency", default="0,0")
    parser.add_argument("--log", type=Path, required=True)
    parser.add_argument("--first-ip", type=int, default=2)
    args = parser.parse_args()
    delays = {int(k): float(v) for k, v in (pair.split(":") for pair in args.delays.split(",") if pair)}
    low, high = (float(x) for x in args.latency.split(","))
    serve(args.hosts, args.articles, delays, (low, high), args.log, args.first_ip)


if __name__ == "__main__":
    main()


def article_rows(db_url: str, data_dir: Path) -> dict[str, int]:
    """How many article rows each canonical URL has in the database at ``db_url``."""
    from sqlalchemy import func, select

    from archive.db.models import Article
    from archive.db.session import open_database

    db = open_database(data_dir, db_url)
    try:
        with db.session() as session:
            rows = session.execute(select(Article.canonical_url, func.count()).group_by(Article.canonical_url))
            return {url: count for url, count in rows}
    finally:
        db.dispose()
