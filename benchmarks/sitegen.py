"""Generate a static news site of N article pages (~50 KB each) for benchmarks.

Each article page carries what a real news article page carries, so that extraction
takes the path it takes on real news: a ``<head>`` with OpenGraph and ``article:*``
tags (published/modified time, section) and a JSON-LD ``NewsArticle`` (headline,
dates, author, publisher), a site header with section links, a byline with a
``<time>`` element, and a "related stories" list of headline links to other
articles after the text. None of this makes a page easier than a real one: the body
is still found by trafilatura among the header, byline and related links, and the
links are followed (and de-duplicated) by every crawler measured.
"""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

_WORDS = (
    "kabul province government minister economy budget council school hospital road "
    "water harvest market security election reform trade border university women "
    "children health report meeting official spokesman week month year project aid"
).split()
_SECTIONS = ("Politics", "Economy", "Health", "Education", "Security", "Provinces")
_AUTHORS = ("Ahmad Karimi", "Laila Sultani", "Omar Haidari", "Zahra Rahimi", "Farid Noori")
_FIRST_DAY = datetime(2024, 1, 1, 6, 0, tzinfo=UTC)


def _paragraph(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(_WORDS) for _ in range(words)).capitalize() + "."


def _headline(n: int) -> str:
    """A headline-sized title (several words, like a real one), stable per article number."""
    rng = random.Random(n)
    return f"{' '.join(rng.choice(_WORDS) for _ in range(6)).capitalize()} ({n})"


def _head(n: int, path: str, lists: int) -> str:
    headline = _headline(n)
    published = _FIRST_DAY + timedelta(hours=3 * n)
    modified = published + timedelta(hours=2)
    section = _SECTIONS[n % len(_SECTIONS)]
    author = _AUTHORS[n % len(_AUTHORS)]
    jsonld = {
        "@context": "https://schema.org", "@type": "NewsArticle", "headline": headline,
        "datePublished": published.isoformat(), "dateModified": modified.isoformat(),
        "author": {"@type": "Person", "name": author}, "articleSection": section,
        "publisher": {"@type": "Organization", "name": "Bench News"}, "mainEntityOfPage": path,
    }
    return (
        f"<head><meta charset=\"utf-8\"><title>{headline} | Bench News</title>"
        f"<meta property=\"og:type\" content=\"article\"><meta property=\"og:title\" content=\"{headline}\">"
        "<meta property=\"og:site_name\" content=\"Bench News\">"
        f"<meta property=\"article:published_time\" content=\"{published.isoformat()}\">"
        f"<meta property=\"article:modified_time\" content=\"{modified.isoformat()}\">"
        f"<meta property=\"article:section\" content=\"{section}\"><meta name=\"author\" content=\"{author}\">"
        f"<script type=\"application/ld+json\">{json.dumps(jsonld)}</script></head>"
        "<body><header class=\"site-header\"><a class=\"site-title\" href=\"/index.html\">Bench News</a><nav><ul>"
        + "".join(f"<li><a href=\"/list/{k}.html\">{_SECTIONS[k % len(_SECTIONS)]}</a></li>"
                  for k in range(min(lists, len(_SECTIONS))))
        + f"</ul></nav></header><main><article><h1>{headline}</h1>"
        f"<div class=\"byline\">By <a rel=\"author\" href=\"/index.html\">{author}</a> · "
        f"<time datetime=\"{published.isoformat()}\" class=\"entry-date\">{published:%d %B %Y}</time></div>"
    )


def _related(n: int, articles: int) -> str:
    """Five other stories, as a news site lists them below the text."""
    others = [(n + step) % articles for step in (1, 2, 3, 5, 8) if (n + step) % articles != n]
    items = "".join(f"<li><a href=\"/a/{k}.html\">{_headline(k)}</a></li>" for k in others)
    return f"</article><aside class=\"related\"><h2>Related stories</h2><ul>{items}</ul></aside></main>"


def generate_site(root: Path, articles: int = 2000, per_list: int = 50, page_bytes: int = 50_000) -> list[str]:
    """Write index.html, list pages and article pages; return the article paths."""
    rng = random.Random(20261129)
    root.mkdir(parents=True, exist_ok=True)
    (root / "a").mkdir(exist_ok=True)
    (root / "list").mkdir(exist_ok=True)
    paths = [f"/a/{n}.html" for n in range(articles)]
    lists = [paths[i : i + per_list] for i in range(0, articles, per_list)]
    index = "".join(f'<li><a href="/list/{n}.html">Page {n}</a></li>' for n in range(len(lists)))
    (root / "index.html").write_text(f"<html><body><h1>Bench News</h1><ul>{index}</ul></body></html>")
    for n, group in enumerate(lists):
        links = "".join(f'<li><a href="{p}">Article {p}</a></li>' for p in group)
        (root / "list" / f"{n}.html").write_text(f"<html><body><ul>{links}</ul></body></html>")
    for n, path in enumerate(paths):
        parts = [f"<!DOCTYPE html><html lang=\"en\">{_head(n, path, len(lists))}"]
        size = 0
        while size < page_bytes:
            paragraph = f"<p>{_paragraph(rng, 60)}</p>\n"
            parts.append(paragraph)
            size += len(paragraph)
        parts.append(_related(n, articles))
        parts.append('<footer><a href="/index.html">Home</a></footer></body></html>')
        (root / path.lstrip("/")).write_text("".join(parts))
    return paths
