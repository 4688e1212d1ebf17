"""The page pywb shows at ``/`` and ``/news/``: what was captured, one line per article.

Each article is listed once, by its newest capture, with its earlier captures as a short
list of dates beside it. Only pages the extractor classed as articles are listed by
default (section fronts and other index pages are captures, not articles), so the count
agrees with the article database; ``all_pages`` lists every page with text. Without a
database the HTML pages of the index are listed by URL, without titles, and a database
that is there but cannot be read becomes one warning instead of a silent fallback.
"""

from __future__ import annotations

import html
import os
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from archive.contenttype import is_html
from archive.db.pages import ARTICLE, CapturedPage, article_pages
from archive.errors import DatabaseError
from archive.replay.collection import COLLECTION, Collection, iter_index, replay_address

START_PAGE_LIMIT = 5000
START_PAGE_MARK = b'<meta name="generator" content="newsarchive">'


@dataclass
class Listing:
    """The captures to list, what to call their groups, and what went wrong reading them."""

    pages: list[CapturedPage]
    noun: str = "articles"
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Entry:
    """One line of the start page: an article's newest capture and its earlier ones."""

    latest: CapturedPage
    earlier: tuple[CapturedPage, ...] = ()


def captured_pages(coll: Collection, db_url: str | None = None, *, all_pages: bool = False) -> Listing:
    """Article captures with titles from the database; the index's HTML pages without it."""
    warnings = []
    try:
        pages = article_pages(coll.data_dir, db_url)
    except DatabaseError as exc:
        pages = []
        warnings.append(f"start page without titles: {exc}")
    if pages:
        if all_pages:
            return Listing(pages, "pages", warnings)
        return Listing([p for p in pages if p.page_type == ARTICLE], "articles", warnings)
    return Listing(_index_pages(coll), "pages", warnings)


def _index_pages(coll: Collection) -> list[CapturedPage]:
    seen: dict[tuple[str, str], CapturedPage] = {}
    for _key, ts, data in iter_index(coll):
        if data.get("status") == "200" and is_html(data.get("mime")):
            url = data["url"]
            host = (urlsplit(url).hostname or "").removeprefix("www.")
            seen[(ts, url)] = CapturedPage(url=url, timestamp=ts, site=host)
    return sorted(seen.values(), key=lambda p: (p.timestamp, p.url), reverse=True)


def group_captures(pages: list[CapturedPage]) -> list[Entry]:
    """One entry per article (per URL without a database), newest capture first."""
    groups: dict[object, list[CapturedPage]] = {}
    for page in sorted(pages, key=lambda p: (p.timestamp, p.url), reverse=True):
        key = ("article", page.article_id) if page.article_id is not None else ("url", page.url)
        groups.setdefault(key, []).append(page)
    return [Entry(captures[0], tuple(captures[1:])) for captures in groups.values()]


def write_start_page(coll: Collection, listing: Listing) -> None:
    """Write the start page to both places pywb looks for it, atomically."""
    page = render_start_page(listing)
    for path in (coll.root / "templates" / "index.html", coll.path / "templates" / "search.html"):
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_text(page, encoding="utf-8")
        os.replace(tmp, path)


def render_start_page(listing: Listing, limit: int = START_PAGE_LIMIT) -> str:
    """Entries grouped by site, each site's newest first."""
    entries = group_captures(listing.pages)
    by_site: dict[str, list[Entry]] = {}
    for entry in entries[:limit]:
        by_site.setdefault(entry.latest.site or "(unknown site)", []).append(entry)
    parts = [_PAGE_HEAD, f"<p>{len(entries)} {listing.noun} ({len(listing.pages)} captures).</p>"]
    if len(entries) > limit:
        parts.append(f"<p>Showing the newest {limit}.</p>")
    for site in sorted(by_site):
        parts.append(f"<h2>{_esc(site)}</h2>\n<ul>")
        parts.extend(_entry_html(entry) for entry in by_site[site])
        parts.append("</ul>")
    parts.append("</body>\n</html>\n")
    return "\n".join(parts)


def _entry_html(entry: Entry) -> str:
    page = entry.latest
    href = replay_address(page.url, page.timestamp)
    extra = f" · published {_esc(page.published)}" if page.published else ""
    earlier = ""
    if entry.earlier:
        links = ", ".join(
            f'<a href="{_esc(replay_address(p.url, p.timestamp))}"><time>{_display_date(p.timestamp)}</time></a>'
            for p in entry.earlier
        )
        earlier = f"<br><small>earlier captures: {links}</small>"
    return (
        f'<li><a href="{_esc(href)}">{_esc(page.title or page.url)}</a> '
        f"<small>captured <time>{_display_date(page.timestamp)}</time>{extra}</small>{earlier}</li>"
    )


def _esc(text: str) -> str:
    """HTML-escape, and hide braces so pywb's Jinja never sees ``{{``, ``{%`` or ``{#``."""
    return html.escape(text, quote=True).replace("{", "&#123;").replace("}", "&#125;")


def _display_date(ts: str) -> str:
    return f"{ts[0:4]}-{ts[4:6]}-{ts[6:8]} {ts[8:10]}:{ts[10:12]} UTC"


_PAGE_HEAD = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
{START_PAGE_MARK.decode()}
<title>newsarchive: captured pages</title>
<style>body{{font-family:sans-serif;max-width:60em;margin:2em auto;padding:0 1em}}
li{{margin:.3em 0}} small{{color:#555}}</style>
</head>
<body>
<h1>newsarchive: captured pages</h1>
<form action="/{COLLECTION}/*/" onsubmit="location.href='/{COLLECTION}/*/'+this.url.value;return false">
<input name="url" type="url" placeholder="https://..." size="50" required>
<button>All captures of this URL</button></form>"""
