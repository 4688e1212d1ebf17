"""The live site under ``/live/``: state that changes between crawls, and its control API.

Why: an incremental crawler is only testable against a site that publishes,
edits and trivially re-renders pages between two crawls, and that answers
conditional GETs. The state lives in the server process; tests change it with
POSTs to ``/_control/live/*`` (never linked, 127.0.0.1 only), see ``control``.

Paths (all also answer HEAD)::

    /live/                         front page: newest 10, links to section, calendar and traps
    /live/section/news/[page/N/]   10 per page, <link rel="next"> and "Older posts"
    /live/YYYY/MM/DD/slug/         articles (12 after a reset; 2 in Dari)
    /live/feed/  /live/feed/atom/  RSS 2.0 and Atom, newest 10
    /live/sitemap.xml              index of sitemap-news.xml (Google News) and sitemap-posts.xml (all)
    /live/calendar/?month=YYYY-MM  trap: links to the months either side, forever
    /live/loop/a -> /live/loop/b -> /live/loop/a           302 redirect loop
    /live/refresh/a <-> /live/refresh/b                    meta-refresh loop
    /live/grow?x=1 -> ?x=1&x=1 -> ...                      ever-growing query string
    /live/ratelimited   429 + Retry-After: 2 on the first request after a reset, then 200
    /live/unavailable   503 + Retry-After: 1 on the first request after a reset, then 200

Validators: pages built from articles (front, section, calendar, articles,
feeds, sitemaps) send a strong ``ETag`` (sha1 of the body) and
``Last-Modified``, and answer 304 to a matching ``If-None-Match`` or, when that
header is absent, to an ``If-Modified-Since`` not older than Last-Modified.
Last-Modified is an article's dateModified; for list pages, the newest
publication; for feeds and sitemaps, the newest dateModified. So ``touch``
(only the ``views: N`` line changes) gives a new ETag but the same
Last-Modified, like a real page with a counter. Every publish or edit moves the
site clock on by at least a second, so Last-Modified always changes with them.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC
from email.utils import formatdate, parsedate_to_datetime
from html import escape
from urllib.parse import parse_qs, urlsplit

from tests.mockserver import live_pages as pages
from tests.mockserver.live_content import LiveArticle, edited, initial_articles, iso, new_article

HTML = "text/html; charset=utf-8"
RSS = "application/rss+xml; charset=utf-8"
ATOM = "application/atom+xml; charset=utf-8"
XML = "application/xml; charset=utf-8"
JSON = "application/json"
MAX_PUBLISH = 1000
_ARTICLE_RE = re.compile(r"/live/\d{4}/\d{2}/\d{2}/([a-z0-9-]+)/")
_SECTION_PAGE_RE = re.compile(r"/live/section/news/page/(\d{1,6})/")
_MONTH_RE = re.compile(r"(\d{4})-(\d{2})")
_RETRY_FIRST = {"/live/ratelimited": (429, "2"), "/live/unavailable": (503, "1")}


@dataclass(frozen=True)
class LiveResponse:
    """What to send: the server frames it (Content-Length, HEAD, logging)."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes = b""


@dataclass(frozen=True)
class _Page:
    """A 200 page that takes part in conditional GET."""

    content_type: str
    body: bytes
    last_modified: int


class LiveSite:
    """Thread-safe state of the live site; ``clock`` returns Unix seconds."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._lock = threading.Lock()
        self._clock = clock
        self._next_seq = len(initial_articles()) + 1  # never reset: new slugs stay unique per process
        self._last_tick = 0
        self.reset()

    # -- state changes -------------------------------------------------------
    def reset(self) -> None:
        """Back to the initial 12 articles, no Crawl-delay, validators on, retry pages armed."""
        with self._lock:
            self._articles: dict[str, LiveArticle] = {a.slug: a for a in initial_articles()}
            self._retried: set[str] = set()
            self.crawl_delay: float | None = None
            self.etag_enabled = True

    def publish(self, count: int) -> list[LiveArticle]:
        with self._lock:
            now = self._tick()
            new = [new_article(self._next_seq + i, now) for i in range(count)]
            self._next_seq += count
            self._articles.update((a.slug, a) for a in new)
            return new

    def edit(self, slug: str) -> LiveArticle | None:
        with self._lock:
            if slug not in self._articles:
                return None
            self._articles[slug] = edited(self._articles[slug], self._tick())
            return self._articles[slug]

    def touch(self, slug: str) -> LiveArticle | None:
        with self._lock:
            a = self._articles.get(slug)
            if a is None:
                return None
            self._articles[slug] = a = replace(a, views=a.views + 1)
            return a

    def newest(self) -> list[LiveArticle]:
        with self._lock:
            return self._newest()

    def _tick(self) -> int:
        """Now, but at least a second after the newest date on the site and the previous tick."""
        latest = max((a.modified for a in self._articles.values()), default=0)
        self._last_tick = max(int(self._clock()), latest + 1, self._last_tick + 1)
        return self._last_tick

    def _newest(self) -> list[LiveArticle]:
        return sorted(self._articles.values(), key=lambda a: (a.published, a.seq), reverse=True)

    # -- robots.txt ----------------------------------------------------------
    def robots_txt(self, demo_robots: bytes, base: str) -> bytes:
        """The demo site's robots.txt plus the live sitemap and, if set, a Crawl-delay."""
        lines = demo_robots.decode("utf-8").rstrip("\n").split("\n")
        if self.crawl_delay is not None:
            delay = f"{self.crawl_delay:g}"
            at = next((i + 1 for i, line in enumerate(lines) if line.lower().startswith("user-agent:")), 0)
            lines.insert(at, f"Crawl-delay: {delay}")
        lines.append(f"Sitemap: {base}/live/sitemap.xml")
        return ("\n".join(lines) + "\n").encode("utf-8")

    # -- GET /live/... -------------------------------------------------------
    def respond(self, method: str, target: str, request_headers: Mapping[str, str], base: str) -> LiveResponse:
        """Answer a GET or HEAD for ``target`` (path and query) under ``/live``."""
        split = urlsplit(target)
        with self._lock:
            result = self._route(split.path, split.query, base)
            if result is None and not split.path.endswith("/") and self._route(split.path + "/", "", base):
                return LiveResponse(301, (("Location", split.path + "/"), ("Content-Type", HTML)),
                                    pages.simple("Moved", f'<p><a href="{split.path}/">Moved here</a>.</p>'))
            etag_enabled = self.etag_enabled
        if result is None:
            return LiveResponse(404, (("Content-Type", HTML),), pages.simple("Page not found", "<p>Nothing here.</p>"))
        if isinstance(result, LiveResponse):
            return result
        return _conditional(result, request_headers, etag_enabled)

    def _route(self, path: str, query: str, base: str) -> _Page | LiveResponse | None:
        newest = self._newest()
        listed = max((a.published for a in newest), default=0)
        changed = max((a.modified for a in newest), default=0)
        if path == "/live/":
            return _Page(HTML, pages.front_page(newest), listed)
        if path == pages.SECTION or (m := _SECTION_PAGE_RE.fullmatch(path)):
            page = int(m[1]) if path != pages.SECTION else 1
            if page == 1 and path != pages.SECTION:
                return LiveResponse(301, (("Location", pages.SECTION), ("Content-Type", HTML)), b"")
            body = pages.section_page(newest, page)
            return _Page(HTML, body, listed) if body is not None else None
        if path == "/live/calendar/":
            return self._calendar(newest, query, listed)
        if (m := _ARTICLE_RE.fullmatch(path)) and (a := self._articles.get(m[1])) and a.path == path:
            return _Page(HTML, pages.article_page(a, self._related(a)), a.modified)
        feeds: dict[str, tuple[str, Callable[[], bytes]]] = {
            "/live/feed/": (RSS, lambda: pages.rss(newest, base, changed)),
            "/live/feed/atom/": (ATOM, lambda: pages.atom(newest, base, changed)),
            "/live/sitemap.xml": (XML, lambda: pages.sitemap_index(base, changed, changed)),
            "/live/sitemap-news.xml": (XML, lambda: pages.news_sitemap(newest, base)),
            "/live/sitemap-posts.xml": (XML, lambda: pages.posts_sitemap(newest, base)),
        }
        if path in feeds:
            content_type, render = feeds[path]
            return _Page(content_type, render(), changed)
        return self._trap(path, query)

    def _related(self, a: LiveArticle) -> list[LiveArticle]:
        """Two articles published before ``a`` (after it, for the first two): stable under publish."""
        ordered = sorted(self._articles.values(), key=lambda x: x.seq)
        i = ordered.index(a)
        picks = (i - 1, i - 2) if i >= 2 else (i + 1, i + 2)
        return [ordered[j] for j in picks if 0 <= j < len(ordered)]

    def _calendar(self, newest: list[LiveArticle], query: str, listed: int) -> _Page | None:
        month = parse_qs(query).get("month", [newest[0].month if newest else "2025-01"])[-1]
        m = _MONTH_RE.fullmatch(month)
        if not m or not (1 <= int(m[1]) <= 9999 and 1 <= int(m[2]) <= 12):
            return None
        y, mo = int(m[1]), int(m[2])
        prev_m = f"{y - (mo == 1):04d}-{12 if mo == 1 else mo - 1:02d}"
        next_m = f"{y + (mo == 12):04d}-{1 if mo == 12 else mo + 1:02d}"
        return _Page(HTML, pages.calendar_page(newest, month, prev_m, next_m), listed)

    def _trap(self, path: str, query: str) -> LiveResponse | None:
        if path in ("/live/loop/a", "/live/loop/b"):
            to = "/live/loop/b" if path.endswith("a") else "/live/loop/a"
            return LiveResponse(302, (("Location", to), ("Content-Type", HTML)),
                                pages.simple("Moved", f'<p><a href="{to}">Moved here</a>.</p>'))
        if path in ("/live/refresh/a", "/live/refresh/b"):
            to = "/live/refresh/b" if path.endswith("a") else "/live/refresh/a"
            head = f'<meta http-equiv="refresh" content="0; url={to}">\n'
            return LiveResponse(200, (("Content-Type", HTML),),
                                pages.simple("Live blog", f'<p>Loading the <a href="{to}">live blog</a>…</p>', head))
        if path == "/live/grow":
            more = f"/live/grow?{query}&x=1" if query else "/live/grow?x=1"
            return LiveResponse(200, (("Content-Type", HTML),),
                                pages.simple("Filter stories", f'<p><a href="{escape(more)}">Add a filter</a></p>'))
        if path in _RETRY_FIRST:
            if path not in self._retried:
                self._retried.add(path)
                status, after = _RETRY_FIRST[path]
                return LiveResponse(status, (("Retry-After", after), ("Content-Type", HTML)),
                                    pages.simple("Try again later", f"<p>Retry after {after} seconds.</p>"))
            return LiveResponse(200, (("Content-Type", HTML),),
                                pages.simple("Welcome back", "<p>Thanks for waiting.</p>"))
        return None

    # -- /_control/live/... --------------------------------------------------
    def control(self, method: str, target: str, base: str) -> LiveResponse:
        """Answer ``/_control/live/NAME``; JSON, with ``error`` on 4xx.

        ``GET articles``; ``POST reset``, ``publish?count=N`` (1..1000), ``edit?slug=S``,
        ``touch?slug=S``, ``crawl-delay?seconds=N`` (0 removes it), ``etag?enabled=0|1``.
        """
        split = urlsplit(target)
        name = split.path.removeprefix("/_control/live/")
        query = {k: v[-1] for k, v in parse_qs(split.query).items()}
        if name == "articles":
            if method != "GET":
                return _json(405, {"error": "GET only"})
            return _json(200, {"articles": [_describe(a, base) for a in self.newest()]})
        if name not in _CONTROLS:
            return _json(404, {"error": f"no control {name!r}; known: articles, {', '.join(_CONTROLS)}"})
        if method != "POST":
            return _json(405, {"error": "POST only"})
        try:
            return _CONTROLS[name](self, query, base)
        except ValueError as exc:
            return _json(400, {"error": str(exc)})

    def _c_reset(self, query: dict[str, str], base: str) -> LiveResponse:
        self.reset()
        return _json(200, {"articles": len(self._articles)})

    def _c_publish(self, query: dict[str, str], base: str) -> LiveResponse:
        count = int(query.get("count", "1"))
        if not 1 <= count <= MAX_PUBLISH:
            raise ValueError(f"count must be 1..{MAX_PUBLISH}, got {count}")
        new = self.publish(count)[::-1]  # newest first, like every list here
        return _json(200, {"articles": [_describe(a, base) for a in new]})

    def _c_edit(self, query: dict[str, str], base: str) -> LiveResponse:
        return self._one(self.edit(query.get("slug", "")), query, base)

    def _c_touch(self, query: dict[str, str], base: str) -> LiveResponse:
        return self._one(self.touch(query.get("slug", "")), query, base)

    def _one(self, a: LiveArticle | None, query: dict[str, str], base: str) -> LiveResponse:
        if a is None:
            return _json(404, {"error": f"no live article with slug {query.get('slug', '')!r}"})
        return _json(200, {"article": _describe(a, base)})

    def _c_crawl_delay(self, query: dict[str, str], base: str) -> LiveResponse:
        seconds = float(query.get("seconds", "0"))
        if seconds < 0:
            raise ValueError("seconds must be >= 0")
        with self._lock:
            self.crawl_delay = seconds or None
        return _json(200, {"crawl_delay": self.crawl_delay})

    def _c_etag(self, query: dict[str, str], base: str) -> LiveResponse:
        enabled = query.get("enabled", "1")
        if enabled not in ("0", "1"):
            raise ValueError("enabled must be 0 or 1")
        with self._lock:
            self.etag_enabled = enabled == "1"
        return _json(200, {"etag": self.etag_enabled})


_CONTROLS: dict[str, Callable[[LiveSite, dict[str, str], str], LiveResponse]] = {
    "reset": LiveSite._c_reset,
    "publish": LiveSite._c_publish,
    "edit": LiveSite._c_edit,
    "touch": LiveSite._c_touch,
    "crawl-delay": LiveSite._c_crawl_delay,
    "etag": LiveSite._c_etag,
}


def _describe(a: LiveArticle, base: str) -> dict[str, object]:
    return {"slug": a.slug, "path": a.path, "url": base + a.path, "lang": a.lang, "headline": a.headline,
            "published": iso(a.published), "modified": iso(a.modified), "views": a.views, "revision": a.revision}


def _json(status: int, data: object) -> LiveResponse:
    body = json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")
    return LiveResponse(status, (("Content-Type", JSON), ("Cache-Control", "no-store")), body)


def _conditional(page: _Page, request_headers: Mapping[str, str], enabled: bool) -> LiveResponse:
    if not enabled:
        return LiveResponse(200, (("Content-Type", page.content_type),), page.body)
    etag = f'"{hashlib.sha1(page.body).hexdigest()}"'
    validators = (("ETag", etag), ("Last-Modified", formatdate(page.last_modified, usegmt=True)))
    if _not_modified(request_headers, etag, page.last_modified):
        return LiveResponse(304, validators)
    return LiveResponse(200, (("Content-Type", page.content_type), *validators), page.body)


def _not_modified(request_headers: Mapping[str, str], etag: str, last_modified: int) -> bool:
    """RFC 9110 13.2.2: If-None-Match (weak comparison) wins; else If-Modified-Since."""
    if_none_match = request_headers.get("If-None-Match")
    if if_none_match is not None:
        tags = [t.strip().removeprefix("W/") for t in if_none_match.split(",")]
        return "*" in tags or etag in tags
    since = request_headers.get("If-Modified-Since")
    if not since:
        return False
    try:
        when = parsedate_to_datetime(since)
    except (TypeError, ValueError):
        return False  # an invalid date is ignored
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)  # "-0000": UTC, not local time
    return last_modified <= when.timestamp()
