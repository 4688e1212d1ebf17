"""Feeds, sitemaps and robots.txt of the demo site, rendered from demo_content.

Why apart from build_demo_site.py: these are the machine-readable discovery
files (a crawler's entry points), with absolute URLs written as ``{{SITE}}``
for archive.demosite to fill in at serve time.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from html import escape

from tests.mockserver.demo_content import ARTICLES, SECTIONS, SITE_NAME, DemoArticle

SITE = "{{SITE}}"


def newest_first() -> list[DemoArticle]:
    return sorted(ARTICLES, key=lambda a: a.iso_published, reverse=True)


def post_id(a: DemoArticle) -> int:
    """WordPress-like numeric post id (used in guids and element ids)."""
    return datetime.fromisoformat(a.date).toordinal()


def render_rss() -> str:
    items = "".join(
        f"""<item>
<title>{escape(a.headline)}</title>
<link>{SITE}{a.path}</link>
<dc:creator><![CDATA[{a.author}]]></dc:creator>
<pubDate>{datetime.fromisoformat(a.iso_published):%a, %d %b %Y %H:%M:%S %z}</pubDate>
<category><![CDATA[{SECTIONS[a.section][a.lang]}]]></category>
<guid isPermaLink="false">{SITE}/?p={post_id(a)}</guid>
<description><![CDATA[{a.excerpt}]]></description>
</item>
""" for a in newest_first())
    newest = datetime.fromisoformat(newest_first()[0].iso_published)
    return f"""<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"
\txmlns:content="http://purl.org/rss/1.0/modules/content/"
\txmlns:dc="http://purl.org/dc/elements/1.1/"
\txmlns:atom="http://www.w3.org/2005/Atom">
<channel>
<title>{SITE_NAME}</title>
<atom:link href="{SITE}/feed/" rel="self" type="application/rss+xml" />
<link>{SITE}/</link>
<description>News from Kabul and the provinces</description>
<lastBuildDate>{newest:%a, %d %b %Y %H:%M:%S %z}</lastBuildDate>
<language>en-US</language>
<generator>https://wordpress.org/?v=6.4.3</generator>
{items}</channel>
</rss>
"""


def render_atom() -> str:
    entries = "".join(
        f"""<entry>
<author><name>{escape(a.author)}</name></author>
<title type="html">{escape(a.headline)}</title>
<link rel="alternate" type="text/html" href="{SITE}{a.path}" />
<id>{SITE}/?p={post_id(a)}</id>
<updated>{a.iso_published}</updated>
<published>{a.iso_published}</published>
<category term="{escape(SECTIONS[a.section][a.lang])}" />
<summary type="html">{escape(a.excerpt)}</summary>
</entry>
""" for a in newest_first())
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en-US" xml:base="{SITE}/">
<title type="text">{SITE_NAME}</title>
<subtitle type="text">News from Kabul and the provinces</subtitle>
<updated>{newest_first()[0].iso_published}</updated>
<link rel="alternate" type="text/html" href="{SITE}/" />
<id>{SITE}/feed/atom/</id>
<link rel="self" type="application/atom+xml" href="{SITE}/feed/atom/" />
{entries}</feed>
"""


def render_sitemaps(pages: Iterable[str]) -> dict[str, str]:
    index = f"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>{SITE}/sitemap-news.xml</loc><lastmod>{newest_first()[0].iso_published}</lastmod></sitemap>
<sitemap><loc>{SITE}/sitemap-pages.xml</loc><lastmod>2024-03-01T08:00:00+04:30</lastmod></sitemap>
</sitemapindex>
"""
    news_urls = "".join(
        f"""<url><loc>{SITE}{a.path}</loc><news:news><news:publication><news:name>{SITE_NAME}</news:name><news:language>{a.lang}</news:language></news:publication><news:publication_date>{a.iso_published}</news:publication_date><news:title>{escape(a.headline)}</news:title></news:news><image:image><image:loc>{SITE}{a.image_path}</image:loc></image:image></url>
""" for a in newest_first())
    news = f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9" xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">
{news_urls}</urlset>
"""
    page_urls = "".join(f"<url><loc>{SITE}{p}</loc><changefreq>weekly</changefreq></url>\n" for p in pages)
    plain = f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
{page_urls}</urlset>
"""
    return {"sitemap.xml": index, "sitemap-news.xml": news, "sitemap-pages.xml": plain}


ROBOTS = f"""User-agent: *
Disallow: /private/
Disallow: /wp-admin/
Allow: /wp-admin/admin-ajax.php

Sitemap: {SITE}/sitemap.xml
"""
