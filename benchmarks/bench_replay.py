"""Replay and packaging benchmark: pywb latency through ``newsarchive replay``, WACZ export time.

Builds a synthetic archive of N article pages (~50 KB of HTML each, stored gzip-encoded
as a real site serves them) with our WARC writer, then:

1. ``newsarchive index`` on it (CDXJ for every WARC);
2. ``newsarchive replay`` in a subprocess on a free 127.0.0.1 port, and 1,000 sampled
   pages fetched one after another in framed-content (``mp_``, rewritten) and raw
   (``id_``) mode: latency p50/p95 (time to the last byte);
3. ``export-wacz`` of all N pages (and ``wacz validate`` of the result, timed apart).

    python benchmarks/bench_replay.py [--pages 10000] [--sample 1000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import gzip
import http.client
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from archive.replay.sync import sync_collection  # noqa: E402
from archive.wacz import WaczOptions, export_wacz, validate_wacz  # noqa: E402
from archive.warc.records import Exchange  # noqa: E402
from archive.warc.writer import WarcWriter, WriterOptions  # noqa: E402

WORDS = ("kabul herat budget province market saffron minister council road school water power bank trade "
         "export import farmer election reform court police weather winter spring harvest price").split()


def article_html(rng: random.Random, number: int, size: int) -> bytes:
    title = f"Article {number}: " + " ".join(rng.choice(WORDS) for _ in range(6))
    parts = [f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title>"
             "<link rel='stylesheet' href='/style.css'></head><body><header><a href='/'>Home</a></header>"
             f"<article><h1>{title}</h1>"]
    length = sum(len(p) for p in parts)
    while length < size:
        paragraph = "<p>" + " ".join(rng.choice(WORDS) for _ in range(60)) + "</p>"
        parts.append(paragraph)
        length += len(paragraph)
    parts.append("</article><script src='/app.js'></script></body></html>")
    return "".join(parts).encode()


def build_archive(data_dir: Path, pages: int, size: int) -> list[tuple[str, str]]:
    """Write ``pages`` gzip-encoded article responses; return ``(timestamp, url)`` of each."""
    rng = random.Random(1)
    start = datetime(2024, 3, 1, tzinfo=UTC)
    captured = []
    with WarcWriter(data_dir / "warcs", WriterOptions(prefix="bench", fsync=False, max_size=200_000_000)) as writer:
        for number in range(pages):
            url = f"http://news.example/{2024 + number // 5000}/story-{number}.html"
            body = gzip.compress(article_html(rng, number, size), 6)
            when = start + timedelta(seconds=number * 7)
            writer.write_exchange(Exchange(
                url=url, method="GET", request_headers=[(b"Accept-Encoding", b"gzip, deflate, br")], status=200,
                response_headers=[(b"Content-Type", b"text/html; charset=utf-8"), (b"Content-Encoding", b"gzip"),
                                  (b"Content-Length", str(len(body)).encode())],
                body=body, fetched_at=when,
            ))
            captured.append((when.strftime("%Y%m%d%H%M%S"), url))
    return captured


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def timed_get(conn: http.client.HTTPConnection, path: str) -> tuple[float, int]:
    began = time.perf_counter()
    conn.request("GET", path, headers={"Accept-Encoding": "gzip, deflate, br"})
    response = conn.getresponse()
    response.read()
    return time.perf_counter() - began, response.status


def measure_replay(data_dir: Path, sample: list[tuple[str, str]]) -> dict[str, object]:
    port = free_port()
    env = dict(os.environ, PYTHONPATH=str(REPO))
    proc = subprocess.Popen(
        [sys.executable, "-m", "scraper.cli", "replay", "--data-dir", str(data_dir), "--port", str(port),
         "--refresh", "0"], cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        conn = _connect(port, proc)
        for ts, url in sample[:20]:  # warm-up
            timed_get(conn, f"/news/{ts}mp_/{url}")
        results: dict[str, object] = {}
        for mode in ("mp_", "id_"):
            latencies = []
            for ts, url in sample:
                seconds, status = timed_get(conn, f"/news/{ts}{mode}/{url}")
                if status != 200:
                    raise SystemExit(f"{mode} {url}: status {status}")
                latencies.append(seconds * 1000)
            latencies.sort()
            results[mode] = {
                "p50_ms": round(statistics.median(latencies), 1),
                "p95_ms": round(latencies[int(len(latencies) * 0.95) - 1], 1),
                "mean_ms": round(statistics.fmean(latencies), 1),
            }
        return results
    finally:
        proc.send_signal(2)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def _connect(port: int, proc: subprocess.Popen) -> http.client.HTTPConnection:  # type: ignore[type-arg]
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"newsarchive replay exited with {proc.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            timed_get(conn, "/")
            return conn
        except OSError:
            time.sleep(0.3)
    raise SystemExit("newsarchive replay did not answer within 120 s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=10_000, help="pages in the archive (and in the WACZ)")
    parser.add_argument("--sample", type=int, default=1000, help="pages replayed for the latency figures")
    parser.add_argument("--page-kb", type=int, default=50, help="HTML size of each page before gzip")
    parser.add_argument("--keep", type=Path, help="build the archive here and keep it (default: a temp dir)")
    args = parser.parse_args()
    data_dir = args.keep or Path(tempfile.mkdtemp(prefix="bench-replay-"))
    try:
        figures: dict[str, object] = {"pages": args.pages, "sample": args.sample, "page_kb": args.page_kb}
        began = time.perf_counter()
        captured = build_archive(data_dir, args.pages, args.page_kb * 1000)
        figures["build_s"] = round(time.perf_counter() - began, 1)
        figures["warc_mb"] = round(sum(p.stat().st_size for p in (data_dir / "warcs").iterdir()) / 1e6, 1)
        began = time.perf_counter()
        stats = sync_collection(data_dir)
        figures["index_s"] = round(time.perf_counter() - began, 2)
        figures["index_entries"] = stats.entries
        figures["replay"] = measure_replay(data_dir, random.Random(2).sample(captured, min(args.sample, len(captured))))
        began = time.perf_counter()
        result = export_wacz(data_dir, WaczOptions(output=data_dir / "bench.wacz"))
        figures["wacz_export_s"] = round(time.perf_counter() - began, 1)
        figures["wacz_pages"] = result.pages
        figures["wacz_mb"] = round(result.path.stat().st_size / 1e6, 1)
        began = time.perf_counter()
        ok, message = validate_wacz(result.path)
        figures["wacz_validate_s"] = round(time.perf_counter() - began, 1)
        figures["wacz_valid"] = ok or message
        print(json.dumps(figures, indent=2))
    finally:
        if args.keep is None:
            shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
