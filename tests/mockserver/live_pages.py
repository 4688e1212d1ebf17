"""HTML, feeds and sitemaps of the live site, rendered from a list of :class:`LiveArticle`.

Why pure functions: the same state must always give the same bytes, so that an
unchanged page has an unchanged ETag and a test can tell exactly which change
(publish, edit, touch) altered which resource. Lists are newest first.
"""

from __future__ import annotations

import json
from datetime import datetime
from email.utils import format_datetime
from html import escape

from tests.mockserver.live_content import KABUL, SITE_NAME, LiveArticle, iso, published_local

PAGE_SIZE = 10  # section pages, front page
FEED_SIZE = 10  # RSS and Atom items
NEWS_SITEMAP_SIZE = 1000  # Google's limit per news sitemap
SECTION = "/live/section/news/"


def _rfc822(ts: int) -> str:
    return format_datetime(datetime.fromtimestamp(ts, KABUL))


def _doc(title: str, body: str, *, head: str = "", lang: str = "en", canonical: str = "") -> bytes:
    direction = ' dir="rtl"' if lang == "fa" else ""
    canon = f'<link rel="canonical" href="{escape(canonical)}">\n' if canonical else ""
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}"{direction}>\n<head>\n<meta charset="UTF-8">\n'
        f"<title>{escape(title)}</title>\n{canon}"
        f'<link rel="alternate" type="application/rss+xml" title="{SITE_NAME}" href="/live/feed/">\n'
        f'<link rel="alternate" type="application/atom+xml" title="{SITE_NAME} (Atom)" href="/live/feed/atom/">\n'
        f"{head}</head>\n<body>\n"
        f'<header class="site-header"><a class="site-title" href="/live/">{SITE_NAME}</a>\n'
        f'<nav><a href="/live/">Home</a> <a href="{SECTION}">News</a></nav></header>\n'
        f"<main>\n{body}</main>\n"
        f"<footer><p>&copy; {SITE_NAME}, a fictional newspaper for tests.</p></footer>\n</body>\n</html>\n"
    ).encode()


def _list_items(articles: list[LiveArticle]) -> str:
    return "".join(
        f'<li class="post"><a href="{a.path}">{escape(a.headline)}</a> '
        f'<time datetime="{iso(a.published)}">{published_local(a):%d %B %Y}</time></li>\n'
        for a in articles
    )


def _month_label(month: str) -> str:
    return f"{datetime.strptime(month, '%Y-%m'):%B %Y}"


def front_page(newest: list[LiveArticle]) -> bytes:
    """The newest ``PAGE_SIZE`` articles, plus links into every trap of the site."""
    month = newest[0].month if newest else "2025-01"
    body = (
        f"<h1>{SITE_NAME}</h1>\n<h2>Latest news</h2>\n<ul class=\"posts\">\n{_list_items(newest[:PAGE_SIZE])}</ul>\n"
        f'<p><a href="{SECTION}">All news</a> &middot; <a href="/live/feed/">RSS</a></p>\n'
        f'<p class="archive"><a href="/live/calendar/?month={month}">Archive by month</a></p>\n'
        '<ul class="more">\n<li><a href="/live/loop/a">Moved story</a></li>\n'
        '<li><a href="/live/refresh/a">Live blog</a></li>\n'
        '<li><a href="/live/grow?x=1">Filter stories</a></li>\n</ul>\n'
    )
    return _doc(SITE_NAME, body, canonical="/live/")


def section_path(page: int) -> str:
    return SECTION if page == 1 else f"{SECTION}page/{page}/"


def section_page(newest: list[LiveArticle], page: int) -> bytes | None:
    """Page ``page`` (from 1) of the news section, or None past the last page."""
    pages = max(1, -(-len(newest) // PAGE_SIZE))
    if not 1 <= page <= pages:
        return None
    shown = newest[(page - 1) * PAGE_SIZE:page * PAGE_SIZE]
    head, nav = "", ""
    if page > 1:
        head += f'<link rel="prev" href="{section_path(page - 1)}">\n'
        nav += f'<a class="prev" href="{section_path(page - 1)}">Newer posts</a>\n'
    if page < pages:
        head += f'<link rel="next" href="{section_path(page + 1)}">\n'
        nav += f'<a class="next" href="{section_path(page + 1)}">Older posts</a>\n'
    body = f'<h1>News</h1>\n<ul class="posts">\n{_list_items(shown)}</ul>\n<nav class="pagination">\n{nav}</nav>\n'
    title = "News" if page == 1 else f"News \u2013 Page {page}"
    return _doc(f"{title} \u2013 {SITE_NAME}", body, head=head, canonical=section_path(page))


def calendar_page(newest: list[LiveArticle], month: str, prev_month: str, next_month: str) -> bytes:
    """Articles of ``month``; links to the months either side, forever (a crawler trap)."""
    shown = [a for a in newest if a.month == month]
    items = _list_items(shown) or "<li>No posts this month.</li>\n"
    body = (
        f"<h1>Archive: {_month_label(month)}</h1>\n<ul class=\"posts\">\n{items}</ul>\n"
        f'<nav class="calendar"><a rel="prev" href="/live/calendar/?month={prev_month}">&laquo; '
        f'{_month_label(prev_month)}</a>\n<a rel="next" href="/live/calendar/?month={next_month}">'
        f"{_month_label(next_month)} &raquo;</a></nav>\n"
    )
    return _doc(f"Archive: {_month_label(month)} \u2013 {SITE_NAME}", body)


def article_page(a: LiveArticle, related: list[LiveArticle]) -> bytes:
    """The article; ``views: N`` sits alone on its line, so ``touch`` changes exactly one line."""
    ld = {
        "@context": "https://schema.org", "@type": "NewsArticle", "headline": a.headline,
        "datePublished": iso(a.published), "dateModified": iso(a.modified), "inLanguage": a.lang,
        "author": {"@type": "Person", "name": a.author},
        "publisher": {"@type": "Organization", "name": SITE_NAME}, "mainEntityOfPage": a.path,
    }
    head = (
        f'<meta name="description" content="{escape(a.excerpt)}">\n'
        '<meta property="og:type" content="article">\n'
        f'<meta property="og:title" content="{escape(a.headline)}">\n'
        f'<meta property="article:published_time" content="{iso(a.published)}">\n'
        f'<meta property="article:modified_time" content="{iso(a.modified)}">\n'
        f'<meta name="author" content="{escape(a.author)}">\n'
        f'<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>\n'
    )
    paragraphs = "".join(f"<p>{escape(p)}</p>\n" for p in a.paragraphs)
    links = "".join(f'<li><a href="{r.path}">{escape(r.headline)}</a></li>\n' for r in related)
    body = (
        f'<article class="post">\n<h1 class="entry-title">{escape(a.headline)}</h1>\n'
        f'<p class="byline">By <span class="author">{escape(a.author)}</span>, '
        f'<time class="published" datetime="{iso(a.published)}">{published_local(a):%d %B %Y %H:%M}</time></p>\n'
        f'<div class="entry-content">\n{paragraphs}</div>\n</article>\n'
        f'<p class="views">views: {a.views}</p>\n'
        f'<aside class="related"><h2>Related</h2>\n<ul>\n{links}</ul></aside>\n'
        f'<p class="archive">More from <a href="/live/calendar/?month={a.month}">{_month_label(a.month)}</a></p>\n'
    )
    return _doc(f"{a.headline} \u2013 {SITE_NAME}", body, head=head, lang=a.lang, canonical=a.path)


def rss(newest: list[LiveArticle], base: str, built: int) -> bytes:
    items = "".join(
        f"<item>\n<title>{escape(a.headline)}</title>\n<link>{base}{a.path}</link>\n"
        f'<guid isPermaLink="true">{base}{a.path}</guid>\n<pubDate>{_rfc822(a.published)}</pubDate>\n'
        f"<dc:creator>{escape(a.author)}</dc:creator>\n<category>News</category>\n"
        f"<description>{escape(a.excerpt)}</description>\n</item>\n"
        for a in newest[:FEED_SIZE]
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">\n<channel>\n'
        f"<title>{SITE_NAME}</title>\n<link>{base}/live/</link>\n"
        f'<atom:link href="{base}/live/feed/" rel="self" type="application/rss+xml"/>\n'
        f"<description>Fictional news that changes between crawls</description>\n<language>en</language>\n"
        f"<lastBuildDate>{_rfc822(built)}</lastBuildDate>\n{items}</channel>\n</rss>\n"
    ).encode()


def atom(newest: list[LiveArticle], base: str, updated: int) -> bytes:
    entries = "".join(
        f"<entry>\n<title>{escape(a.headline)}</title>\n"
        f'<link rel="alternate" type="text/html" href="{base}{a.path}"/>\n<id>{base}{a.path}</id>\n'
        f"<published>{iso(a.published)}</published>\n<updated>{iso(a.modified)}</updated>\n"
        f"<author><name>{escape(a.author)}</name></author>\n"
        f'<summary xml:lang="{a.lang}">{escape(a.excerpt)}</summary>\n</entry>\n'
        for a in newest[:FEED_SIZE]
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">\n'
        f"<title>{SITE_NAME}</title>\n<id>{base}/live/</id>\n<updated>{iso(updated)}</updated>\n"
        f'<link rel="self" type="application/atom+xml" href="{base}/live/feed/atom/"/>\n'
        f'<link rel="alternate" type="text/html" href="{base}/live/"/>\n{entries}</feed>\n'
    ).encode()


def sitemap_index(base: str, news_lastmod: int, posts_lastmod: int) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"<sitemap><loc>{base}/live/sitemap-news.xml</loc><lastmod>{iso(news_lastmod)}</lastmod></sitemap>\n"
        f"<sitemap><loc>{base}/live/sitemap-posts.xml</loc><lastmod>{iso(posts_lastmod)}</lastmod></sitemap>\n"
        "</sitemapindex>\n"
    ).encode()


def news_sitemap(newest: list[LiveArticle], base: str) -> bytes:
    urls = "".join(
        f"<url>\n<loc>{base}{a.path}</loc>\n<lastmod>{iso(a.modified)}</lastmod>\n<news:news>\n"
        f"<news:publication><news:name>{SITE_NAME}</news:name><news:language>{a.lang}</news:language>"
        f"</news:publication>\n<news:publication_date>{iso(a.published)}</news:publication_date>\n"
        f"<news:title>{escape(a.headline)}</news:title>\n</news:news>\n</url>\n"
        for a in newest[:NEWS_SITEMAP_SIZE]
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        f'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">\n{urls}</urlset>\n'
    ).encode()


def posts_sitemap(newest: list[LiveArticle], base: str) -> bytes:
    urls = "".join(
        f"<url><loc>{base}{a.path}</loc><lastmod>{iso(a.modified)}</lastmod></url>\n" for a in newest
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{urls}</urlset>\n'
    ).encode()


def simple(title: str, body_html: str, head: str = "") -> bytes:
    """A page of the live site that is not an article or a list (traps, errors)."""
    return _doc(f"{title} \u2013 {SITE_NAME}", f"<h1>{escape(title)}</h1>\n{body_html}\n", head=head)
