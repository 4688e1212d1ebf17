"""archive/discovery/sitemaps.py: indexes, Google News, gzip, text, robots.txt."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from archive.discovery import (
    BodyTooLargeError,
    SitemapFormatError,
    parse_sitemap,
    sitemaps_from_robots,
)
from archive.errors import DecompressionLimitError

FIXTURES = Path(__file__).parent / "fixtures" / "discovery"
DEMO = Path(__file__).parents[1] / "archive" / "demo_site"
SITE = "http://127.0.0.1:8123"
KABUL = timezone(timedelta(hours=4, minutes=30))
BASE = "https://news.example.af/sitemap.xml"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def demo(path: str) -> bytes:
    return (DEMO / path).read_bytes().replace(b"{{SITE}}", SITE.encode())


def test_sitemap_index_children() -> None:
    sitemap = parse_sitemap(fixture("sitemap_index.xml"), BASE)
    assert sitemap.is_index
    assert sitemap.urls == []
    assert [(c.url, c.lastmod) for c in sitemap.children] == [
        ("https://news.example.af/sitemap-news.xml", datetime(2024, 3, 20, 15, 35, tzinfo=KABUL)),
        ("https://news.example.af/sitemap-2024-03.xml.gz", datetime(2024, 3, 1, tzinfo=UTC)),
        ("https://news.example.af/relative-sitemap.xml", None),
    ]  # javascript: dropped, the duplicate listed once


def test_google_news_sitemap_fields() -> None:
    sitemap = parse_sitemap(fixture("news_sitemap.xml"), BASE)
    assert not sitemap.is_index
    news, plain = sitemap.urls  # the ftp: URL is dropped
    assert news.url == "https://news.example.af/2024/03/16/textbooks/"
    assert news.lastmod == datetime(2024, 3, 16, 12, 0, tzinfo=KABUL)
    assert news.news_publication_date == datetime(2024, 3, 16, 11, 5, tzinfo=KABUL)
    assert news.news_title == "کتاب\u200cهای درسی"
    assert news.news_language == "fa"
    assert news.news_publication_name == "Kabul Test Times"
    assert news.freshness == news.news_publication_date
    assert plain.url == "https://news.example.af/2024/03/15/plain/"
    assert plain.news_title is None
    assert plain.freshness == plain.lastmod == datetime(2024, 3, 15, tzinfo=UTC)


def test_gzip_sitemap_by_magic_bytes() -> None:
    sitemap = parse_sitemap(fixture("sitemap.xml.gz"), "https://news.example.af/s.xml.gz")
    assert len(sitemap.urls) == 28
    assert sitemap.urls[0].url == "https://news.example.af/2024/02/01/story-1/"
    # the same body already inflated by the HTTP layer, under a .gz name, also works
    inflated = gzip.decompress(fixture("sitemap.xml.gz"))
    assert parse_sitemap(inflated, "https://news.example.af/s.xml.gz") == sitemap


def test_gzip_bomb_is_capped() -> None:
    bomb = gzip.compress(b"<urlset>" + b" " * 3_000_000 + b"</urlset>")
    assert len(bomb) < 10_000
    with pytest.raises(DecompressionLimitError, match="https://b.example/s.xml.gz"):
        parse_sitemap(bomb, "https://b.example/s.xml.gz", max_bytes=1_000_000)


def test_corrupt_gzip_is_typed() -> None:
    with pytest.raises(DecompressionLimitError, match="does not inflate|truncated"):
        parse_sitemap(b"\x1f\x8b\x08\x00garbage", "https://b.example/s.xml.gz")


def test_body_size_cap() -> None:
    with pytest.raises(BodyTooLargeError):
        parse_sitemap(fixture("news_sitemap.xml"), BASE, max_bytes=100)


def test_text_sitemap() -> None:
    body = b"https://t.example/a\n\n  https://t.example/b  \nnot a url\nhttps://t.example/a\n"
    assert [u.url for u in parse_sitemap(body, "https://t.example/sitemap.txt").urls] == [
        "https://t.example/a",
        "https://t.example/b",
    ]


def test_feed_as_sitemap() -> None:
    sitemap = parse_sitemap(demo("feed/index.rss"), f"{SITE}/feed/")
    assert len(sitemap.urls) == 17
    assert sitemap.urls[0].lastmod == datetime(2024, 3, 20, 15, 35, tzinfo=KABUL)


@pytest.mark.parametrize(
    "body", [b"", b"<html><body>no</body></html>", b"just words", b'{"a": 1}', b"\xef\xbb\xbf  "]
)
def test_not_a_sitemap(body: bytes) -> None:
    with pytest.raises(SitemapFormatError, match="https://x.example/sitemap.xml"):
        parse_sitemap(body, "https://x.example/sitemap.xml")


def test_broken_sitemap_is_recovered() -> None:
    body = (
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<url><loc>https://r.example/a?x=1&y=2</loc></url>"
        b"<url><loc>https://r.example/b</loc><lastmod>2024-13-45</lastmod></url>"
        b"<url><loc>https://r.example/c"
    )
    sitemap = parse_sitemap(body, "https://r.example/sitemap.xml")
    assert [u.url for u in sitemap.urls][:2] == ["https://r.example/a?x=1&y=2", "https://r.example/b"]
    assert sitemap.urls[1].lastmod is None  # an impossible date is dropped, not fatal


def test_xxe_in_sitemap() -> None:
    body = (
        b'<?xml version="1.0"?><!DOCTYPE u [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b"<urlset><url><loc>https://x.example/&x;</loc></url></urlset>"
    )
    (url,) = parse_sitemap(body, "https://x.example/sitemap.xml").urls
    assert "root" not in url.url


def test_demo_site_index_and_news_sitemap() -> None:
    index = parse_sitemap(demo("sitemap.xml"), f"{SITE}/sitemap.xml")
    assert [c.url for c in index.children] == [
        f"{SITE}/sitemap-news.xml",
        f"{SITE}/sitemap-pages.xml",
    ]
    assert index.children[0].lastmod == datetime(2024, 3, 20, 15, 35, tzinfo=KABUL)
    news = parse_sitemap(demo("sitemap-news.xml"), f"{SITE}/sitemap-news.xml")
    assert len(news.urls) == 17
    first = news.urls[0]
    assert first.url == f"{SITE}/2024/03/20/carpet-weavers-cooperative/"
    assert first.news_title == "Carpet weavers form cooperative to reach buyers directly"
    assert first.news_publication_name == "Kabul Demo Times"
    assert first.news_language == "en"
    assert first.news_publication_date == datetime(2024, 3, 20, 15, 35, tzinfo=KABUL)
    pages = parse_sitemap(demo("sitemap-pages.xml"), f"{SITE}/sitemap-pages.xml")
    assert pages.urls and all(u.url.startswith(SITE) for u in pages.urls)


def test_sitemaps_from_robots() -> None:
    robots = (
        "User-agent: *\nDisallow: /private/\n"
        "Sitemap: https://r.example/sitemap.xml\n"
        "sitemap:https://r.example/news.xml # the news one\n"
        "  SITEMAP :  /relative.xml\n"
        "Sitemap: https://r.example/sitemap.xml\n"
        "Sitemap:\nSitemap: ftp://r.example/x.xml\n"
        "# Sitemap: https://r.example/commented.xml\n"
    )
    assert sitemaps_from_robots(robots, "https://r.example/robots.txt") == [
        "https://r.example/sitemap.xml",
        "https://r.example/news.xml",
        "https://r.example/relative.xml",
    ]


def test_demo_site_robots() -> None:
    robots = (DEMO / "robots.txt").read_text().replace("{{SITE}}", SITE)
    assert sitemaps_from_robots(robots, f"{SITE}/robots.txt") == [f"{SITE}/sitemap.xml"]
    assert sitemaps_from_robots("", f"{SITE}/robots.txt") == []


def test_truncated_gzip_keeps_what_inflated() -> None:
    whole = fixture("sitemap.xml.gz")
    sitemap = parse_sitemap(whole[: len(whole) * 2 // 3], "https://news.example.af/s.xml.gz")
    assert 0 < len(sitemap.urls) < 28
