"""Deterministic response bodies for the mock news server's special paths.

Why separate from server.py: tests compare what a client (or the WARC) holds
against these exact bytes, so they must be importable without starting a
server, and identical on every run.
"""

from __future__ import annotations

import functools
import gzip
import os
import random
import struct
import threading
import zlib
from html import escape
from pathlib import Path

from archive.demosite import demo_response
from tests.mockserver import images
from tests.mockserver.demo_content import ARTICLES

# The English article reused by the gzip/br/chunked cases.
ARTICLE_PATH = "/2024/03/04/provincial-budget-debate/"
# Decoded body of /chunked/article.html starts with something that *looks*
# like chunk framing, so a client that de-chunks twice produces garbage.
CHUNKED_PREFIX = b"a\r\n0123456789\r\n"
BOMB_DEFAULT_SIZE = 5 * 1024**3
BIG_PAGE_COUNT = 40
BIG_PAGE_SIZE = 200_000
SLOW_DEFAULT_SIZE = 20 * 1024**2
HUGE_PAGE_COUNT = 60
HUGE_PAGE_SIZE = 8 * 1024**2
SLOW_CHUNK = 64 * 1024

_bomb_lock = threading.Lock()


@functools.cache
def article_html() -> bytes:
    """The demo article served compressed/chunked; no placeholders, so base URL is moot."""
    return demo_response(ARTICLE_PATH, "http://127.0.0.1").body


def gzip_bytes(data: bytes) -> bytes:
    """gzip with mtime 0 so the wire bytes (and their sha1) never change."""
    return gzip.compress(data, compresslevel=6, mtime=0)


def chunk_sizes(total: int) -> list[int]:
    """Uneven chunk sizes (31, 1024, 4096, ...) that add up to ``total``."""
    sizes, pattern, i = [], (31, 1024, 4096), 0
    while total > 0:
        size = min(pattern[i % len(pattern)], total)
        sizes.append(size)
        total -= size
        i += 1
    return sizes


def simple_page(title: str, body_html: str, lang: str = "en") -> bytes:
    """A small complete HTML document."""
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="UTF-8">\n'
        f"<title>{escape(title)}</title>\n</head>\n<body>\n<h1>{escape(title)}</h1>\n"
        f"{body_html}\n</body>\n</html>\n"
    ).encode()


def cp1256_article() -> bytes:
    """A Dari article encoded in windows-1256, ZWNJ (0x9D) included.

    windows-1256 has no Persian yeh (U+06CC), so, like real pages of that era,
    the text uses the Arabic yeh (U+064A) instead.
    """
    a = next(x for x in ARTICLES if x.lang == "fa")
    paras = "\n".join(f"<p>{escape(p)}</p>" for p in a.paragraphs)
    html = (
        '<!DOCTYPE html>\n<html lang="fa" dir="rtl">\n<head>\n'
        '<meta http-equiv="Content-Type" content="text/html; charset=windows-1256">\n'
        f"<title>{escape(a.headline)}</title>\n</head>\n<body>\n<article>\n"
        f"<h1>{escape(a.headline)}</h1>\n<p class=\"byline\">{escape(a.author)}</p>\n"
        f'<time datetime="{a.iso_published}">{a.date}</time>\n{paras}\n</article>\n</body>\n</html>\n'
    )
    return html.replace("\u06cc", "\u064a").encode("cp1256")


@functools.cache
def photo_png() -> bytes:
    """A 64x48 gradient PNG for /img/photo.png."""
    return images.make_png(64, 48, lambda x, y: (4 * x, 5 * y, 128))


_WORDS = (
    "kabul province market minister council budget trade border wheat saffron road school "
    "election report officials said week price exports farmers district water power bank "
    "traders capital villages project season imports carpet weavers students teachers city"
).split()


@functools.lru_cache(maxsize=8)
def big_page(n: int) -> bytes:
    """~200 KB of valid HTML that barely compresses: seeded random words plus hex."""
    rng = random.Random(n)
    head = f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="UTF-8">\n<title>Big page {n}</title>\n</head>\n<body>\n<h1>Big page {n}</h1>\n'
    parts = [head.encode()]
    size = len(parts[0])
    tail = b'<p><a href="/big/">Back to the index</a></p>\n</body>\n</html>\n'
    while size < BIG_PAGE_SIZE - len(tail) - 400:
        words = " ".join(rng.choice(_WORDS) for _ in range(20))
        para = f"<p>{words} <code>{rng.randbytes(80).hex()}</code></p>\n".encode()
        parts.append(para)
        size += len(para)
    parts.append(tail)
    return b"".join(parts)


def big_index() -> bytes:
    links = "\n".join(f'<li><a href="/big/{n}.html">Big page {n}</a></li>' for n in range(1, BIG_PAGE_COUNT + 1))
    return simple_page("Big pages", f"<ul>\n{links}\n</ul>")


def huge_page(n: int) -> bytes:
    """An 8 MB article page (numbered lines in paragraphs): memory tests crawl sixty."""
    head = (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="UTF-8"><title>Huge page {n}</title></head>'
            f'<body><article><h1>Huge page {n}</h1>\n').encode()
    tail = b'</article><p><a href="/huge/">Back to the index</a></p></body></html>\n'
    return head + _huge_filler(HUGE_PAGE_SIZE - len(head) - len(tail)) + tail


@functools.lru_cache(maxsize=1)
def _huge_filler(size: int) -> bytes:
    para = b"<p>" + b" ".join(w.encode() for w in _WORDS) + b"</p>\n"
    filler = para * (size // len(para))
    return filler + b" " * (size - len(filler))


def huge_index() -> bytes:
    links = "\n".join(f'<li><a href="/huge/{n}.html">Huge page {n}</a></li>' for n in range(1, HUGE_PAGE_COUNT + 1))
    return simple_page("Huge pages", f"<ul>\n{links}\n</ul>")


@functools.lru_cache(maxsize=2)
def slow_body(size: int = SLOW_DEFAULT_SIZE) -> bytes:
    """An HTML document of exactly ``size`` bytes (at least ~100) of numbered lines."""
    head = b"<!DOCTYPE html>\n<html><head><title>Slow large page</title></head><body><pre>\n"
    tail = b"</pre></body></html>\n"
    filler = max(size - len(head) - len(tail), 0)
    lines = b"".join(b"line %09d of slow-large.html\n" % i for i in range(filler // 34 + 1))
    return (head + lines[:filler] + tail)[:size]


def private_links_page() -> bytes:
    targets = [
        "http://127.0.0.1:1/x",
        "http://[::1]:1/x",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.1/",
        "file:///etc/passwd",
        ARTICLE_PATH,
    ]
    items = "\n".join(f'<li><a href="{t}">{escape(t)}</a></li>' for t in targets)
    return simple_page("Links to private addresses", f"<ul>\n{items}\n</ul>")


def bomb_file(cache_dir: Path, size: int = BOMB_DEFAULT_SIZE) -> Path:
    """Return a cached file holding gzip(gzip(``size`` zero bytes)).

    Built without deflating gigabytes: after a full flush the deflate state is
    reset, so compressing 1 MiB of zeros always yields the same bytes; the
    inner stream is that segment repeated, framed with a hand-made gzip
    header and trailer. Only the CRC needs a pass over the zeros (~2 s for 5 GiB).
    """
    path = cache_dir / f"bomb-{size}.gz.gz"
    with _bomb_lock:
        if not path.exists():
            tmp = path.with_suffix(f".tmp{os.getpid()}")
            tmp.write_bytes(_double_gzip_zeros(size))
            tmp.replace(path)
    return path


def _double_gzip_zeros(size: int) -> bytes:
    mib = 1024 * 1024
    zeros = bytes(mib)
    inner = zlib.compressobj(9, zlib.DEFLATED, -15)
    segment = inner.compress(zeros) + inner.flush(zlib.Z_FULL_FLUSH)
    full, rest = divmod(size, mib)
    outer = zlib.compressobj(9, zlib.DEFLATED, 31)
    out = [outer.compress(b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff")]
    crc = 0
    for _ in range(full):
        out.append(outer.compress(segment))
        crc = zlib.crc32(zeros, crc)
    # The state after the last full flush is fresh again; add the remainder.
    out.append(outer.compress(inner.compress(zeros[:rest])))
    crc = zlib.crc32(zeros[:rest], crc)
    out.append(outer.compress(inner.flush() + struct.pack("<II", crc, size & 0xFFFFFFFF)))
    out.append(outer.flush())
    return b"".join(out)
