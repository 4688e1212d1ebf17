"""archive/discovery/autodiscovery.py: feed links, candidate paths, pagination."""

from __future__ import annotations

from pathlib import Path

from archive.discovery import (
    COMMON_FEED_PATHS,
    COMMON_SITEMAP_PATHS,
    FeedLink,
    candidate_feed_urls,
    candidate_sitemap_urls,
    find_feed_links,
    find_pagination_links,
)

DEMO = Path(__file__).parents[1] / "archive" / "demo_site"
SITE = "http://127.0.0.1:8123"


def test_demo_home_feed_links() -> None:
    links = find_feed_links((DEMO / "index.html").read_bytes(), f"{SITE}/")
    assert links == [
        FeedLink(f"{SITE}/feed/", "application/rss+xml", "Kabul Demo Times » Feed"),
        FeedLink(f"{SITE}/feed/atom/", "application/atom+xml", "Kabul Demo Times » Atom"),
    ]


def test_feed_links_types_rel_base_and_comments() -> None:
    body = b"""<html><head>
    <base href="https://cdn.example/site/">
    <link rel="alternate" type="application/rss+xml" href="feed/" title="Main">
    <link rel="Alternate  Home" type="application/atom+xml; charset=utf-8" href="/atom.xml">
    <link rel="alternate" type="application/feed+json" href="https://e.example/feed.json">
    <link rel="alternate" type="application/rss+xml" href="/comments/feed/" title="Comments Feed">
    <link rel="alternate" type="text/html" href="/fa/">
    <link rel="stylesheet" type="application/rss+xml" href="/not-a-feed">
    <link rel="alternate" type="application/rss+xml" href="javascript:void(0)">
    <link rel="alternate" type="application/rss+xml" href="feed/">
    </head><body></body></html>"""
    links = find_feed_links(body, "https://e.example/page")
    assert [(link.url, link.type) for link in links] == [
        ("https://cdn.example/site/feed/", "application/rss+xml"),
        ("https://cdn.example/atom.xml", "application/atom+xml"),
        ("https://e.example/feed.json", "application/feed+json"),
        ("https://cdn.example/comments/feed/", "application/rss+xml"),
    ]
    assert [link.is_comments for link in links] == [False, False, False, True]


def test_feed_links_on_junk() -> None:
    assert find_feed_links(b"", "https://e.example/") == []
    assert find_feed_links(b"\x00\x01\x02", "https://e.example/") == []
    assert find_feed_links(b"<p>no head</p>", "https://e.example/") == []


def test_candidate_urls_use_the_site_root() -> None:
    feeds = candidate_feed_urls("https://e.example/section/x/?page=2")
    assert feeds[0] == "https://e.example/feed/"
    assert {"https://e.example/rss.xml", "https://e.example/atom.xml",
            "https://e.example/feed.json"} <= set(feeds)  # fmt: skip
    assert len(feeds) == len(COMMON_FEED_PATHS)
    sitemaps = candidate_sitemap_urls("http://127.0.0.1:8123/x")
    assert sitemaps[:2] == [f"{SITE}/sitemap.xml", f"{SITE}/sitemap_index.xml"]
    assert f"{SITE}/news-sitemap.xml" in sitemaps
    assert len(sitemaps) == len(COMMON_SITEMAP_PATHS)


def test_demo_section_pagination() -> None:
    first = (DEMO / "section/economy/index.html").read_bytes()
    assert find_pagination_links(first, f"{SITE}/section/economy/") == [
        f"{SITE}/section/economy/page/2/"
    ]
    last = (DEMO / "section/economy/page/2/index.html").read_bytes()
    assert find_pagination_links(last, f"{SITE}/section/economy/page/2/") == []


def test_numbered_path_pages() -> None:
    body = b"""<div class="pagination">
    <a href="/section/economy/">1</a><a href="/section/economy/page/2/">2</a>
    <a href="/section/economy/page/3/">3</a><a href="/section/economy/page/10/">10</a>
    <a href="/section/politics/page/2/">other section</a>
    <a href="https://other.example/section/economy/page/4/">other host</a>
    <a href="/section/economy/page/99999/">absurd</a></div>"""
    assert find_pagination_links(body, "https://e.example/section/economy/page/2/", max_page=500) == [
        "https://e.example/section/economy/page/3/",
        "https://e.example/section/economy/page/10/",
    ]


def test_query_pages_and_next_links() -> None:
    body = b"""<html><head><link rel="next" href="/news?cat=x&page=2"></head><body>
    <a href="?page=2">wrong section: no cat</a>
    <a href="/news?page=3&cat=x">3</a>
    <a href="/news?cat=x&page=4#list">4</a>
    <a class="next page-numbers" href="/news?cat=x&page=2">Next</a>
    <a rel="prev" href="/news?cat=x">prev</a>
    <a href="/news?cat=x&p=123">a WordPress post, not a page</a>
    </body></html>"""
    assert find_pagination_links(body, "https://e.example/news?cat=x") == [
        "https://e.example/news?cat=x&page=2",
        "https://e.example/news?page=3&cat=x",
        "https://e.example/news?cat=x&page=4",
    ]


def test_pagination_on_junk() -> None:
    assert find_pagination_links(b"", "https://e.example/") == []
    assert find_pagination_links(b"<a href='mailto:x@y'>next</a>", "https://e.example/") == []


def test_pagination_with_a_superscript_page_number_does_not_crash() -> None:
    body = b'<html><body><a href="/news/?page=%C2%B2">2</a><a href="/news/?page=2">next</a></body></html>'
    assert find_pagination_links(body, f"{SITE}/news/?page=%C2%B2") == []
    assert find_pagination_links(body, f"{SITE}/news/") == [f"{SITE}/news/?page=2"]
