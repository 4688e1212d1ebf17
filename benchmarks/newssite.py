"""A static news site with feeds and sitemaps for the incremental-recrawl benchmark.

Served by nginx, so ETag/Last-Modified/304 come from a real server; ``edit`` rewrites
some articles and bumps their ``lastmod`` in the sitemap, as a CMS would.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

_WORDS = ("kabul herat province minister council budget school road market water harvest trade "
          "border election health report week official project aid women children").split()
_PER_SITEMAP = 5000
_PER_SECTION_PAGE = 100


def _text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(_WORDS) for _ in range(words))


def _article(n: int, published: dt.datetime, rng: random.Random, edition: int) -> str:
    paragraphs = "".join(f"<p>{_text(rng, 80)}.</p>" for _ in range(6))
    note = f"<p>Updated (edition {edition}): {_text(rng, 20)}.</p>" if edition else ""
    return (f'<html lang="en"><head><title>Article {n} | Bench News</title>'
            f'<meta property="article:published_time" content="{published.isoformat()}"></head>'
            f'<body><article><h1>Article {n}</h1>{paragraphs}{note}</article>'
            f'<a href="/">Home</a> <a href="/section/1.html">News</a></body></html>')


class NewsSite:
    def __init__(self, root: Path, articles: int, base_url: str = "") -> None:
        self.root = root
        self.count = articles
        self.base_url = base_url.rstrip("/")
        start = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
        self.published = [start + dt.timedelta(minutes=30 * n) for n in range(articles)]
        self.modified = list(self.published)
        self.editions = [0] * articles

    def url(self, path: str) -> str:
        return f"{self.base_url}{path}"

    def write_all(self) -> None:
        (self.root / "a").mkdir(parents=True, exist_ok=True)
        (self.root / "section").mkdir(exist_ok=True)
        rng = random.Random(7)
        for n in range(self.count):
            (self.root / "a" / f"{n}.html").write_text(_article(n, self.published[n], rng, 0))
        newest = list(range(self.count - 1, -1, -1))
        pages = [newest[i:i + _PER_SECTION_PAGE] for i in range(0, self.count, _PER_SECTION_PAGE)]
        for number, ids in enumerate(pages, start=1):
            links = "".join(f'<li><a href="/a/{n}.html">Article {n}</a></li>' for n in ids)
            older = f'<a rel="next" href="/section/{number + 1}.html">Older</a>' if number < len(pages) else ""
            (self.root / "section" / f"{number}.html").write_text(
                f"<html><body><h1>News, page {number}</h1><ul>{links}</ul>{older}</body></html>")
        front = "".join(f'<li><a href="/a/{n}.html">Article {n}</a></li>' for n in newest[:20])
        (self.root / "index.html").write_text(
            '<html><head><link rel="alternate" type="application/rss+xml" href="/feed.xml"></head>'
            f'<body><h1>Bench News</h1><ul>{front}</ul><a href="/section/1.html">News</a></body></html>')
        (self.root / "robots.txt").write_text(f"User-agent: *\nAllow: /\nSitemap: {self.url('/sitemap.xml')}\n")
        self.write_feed_and_sitemaps()

    def write_feed_and_sitemaps(self) -> None:
        newest = sorted(range(self.count), key=lambda n: self.published[n], reverse=True)[:20]
        items = "".join(
            f"<item><title>Article {n}</title><link>{self.url(f'/a/{n}.html')}</link>"
            f"<pubDate>{self.published[n].strftime('%a, %d %b %Y %H:%M:%S +0000')}</pubDate></item>"
            for n in newest)
        (self.root / "feed.xml").write_text(
            f'<?xml version="1.0"?><rss version="2.0"><channel><title>Bench</title>{items}</channel></rss>')
        children = []
        for part, start in enumerate(range(0, self.count, _PER_SITEMAP), start=1):
            ids = range(start, min(start + _PER_SITEMAP, self.count))
            urls = "".join(f"<url><loc>{self.url(f'/a/{n}.html')}</loc>"
                           f"<lastmod>{self.modified[n].isoformat()}</lastmod></url>" for n in ids)
            (self.root / f"sitemap-{part}.xml").write_text(
                '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                f"{urls}</urlset>")
            newest_mod = max(self.modified[n] for n in ids)
            children.append(f"<sitemap><loc>{self.url(f'/sitemap-{part}.xml')}</loc>"
                            f"<lastmod>{newest_mod.isoformat()}</lastmod></sitemap>")
        (self.root / "sitemap.xml").write_text(
            '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"{''.join(children)}</sitemapindex>")

    def edit(self, fraction: float, seed: int = 11) -> list[int]:
        """Change ``fraction`` of the articles and announce it in the sitemaps."""
        rng = random.Random(seed)
        chosen = rng.sample(range(self.count), max(1, int(self.count * fraction)))
        now = dt.datetime.now(dt.UTC)
        for n in chosen:
            self.editions[n] += 1
            self.modified[n] = now
            (self.root / "a" / f"{n}.html").write_text(_article(n, self.published[n], rng, self.editions[n]))
        self.write_feed_and_sitemaps()
        return chosen
