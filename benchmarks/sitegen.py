"""Generate a static news site of N article pages (~50 KB each) for benchmarks."""

from __future__ import annotations

import random
from pathlib import Path

_WORDS = (
    "kabul province government minister economy budget council school hospital road "
    "water harvest market security election reform trade border university women "
    "children health report meeting official spokesman week month year project aid"
).split()


def _paragraph(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(_WORDS) for _ in range(words)).capitalize() + "."


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
        parts = [f"<html><head><title>Article {n}</title></head><body><article><h1>Article {n}</h1>"]
        size = 0
        while size < page_bytes:
            paragraph = f"<p>{_paragraph(rng, 60)}</p>\n"
            parts.append(paragraph)
            size += len(paragraph)
        parts.append('<a href="/index.html">Home</a></article></body></html>')
        (root / path.lstrip("/")).write_text("".join(parts))
    return paths
