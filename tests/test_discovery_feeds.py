"""archive/discovery/feeds.py: RSS, Atom, JSON Feed; broken and hostile bodies."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from archive.discovery import BodyTooLargeError, FeedFormatError, parse_feed
from archive.errors import ArchiveError, DecompressionLimitError

FIXTURES = Path(__file__).parent / "fixtures" / "discovery"
DEMO = Path(__file__).parents[1] / "archive" / "demo_site"
SITE = "http://127.0.0.1:8123"
KABUL = timezone(timedelta(hours=4, minutes=30))
ZWNJ = "\u200c"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def demo(path: str) -> bytes:
    return (DEMO / path).read_bytes().replace(b"{{SITE}}", SITE.encode())


def test_rss_fields_cdata_and_persian_zwnj() -> None:
    entries = parse_feed(fixture("rss_dated.xml"), "https://news.example.af/feed/")
    first = entries[0]
    assert first.url == "https://news.example.af/2024/03/16/textbooks/?utm_source=rss"
    assert first.title == f"کتاب{ZWNJ}های درسی تازه & مهم"  # CDATA kept, tags stripped
    assert ZWNJ in first.title
    assert first.published == datetime(2024, 3, 16, 11, 5, tzinfo=KABUL)
    assert first.authors == ("احمد ضیا رحیمی", "Second Author")
    assert first.language == "fa"  # from <channel><language>
    assert first.guid == "https://news.example.af/?p=1"


def test_rss_relative_link_named_entity_email_author_item_language() -> None:
    entry = parse_feed(fixture("rss_dated.xml"), "https://news.example.af/feed/")[1]
    assert entry.url == "https://news.example.af/2024/03/15/relative/"
    assert entry.title == "Relative link & named entity here"
    assert entry.published == datetime(2024, 3, 15, 8, 0, tzinfo=UTC)
    assert entry.authors == ("Farid Ahmadzai",)
    assert entry.language == "en"


def test_rss_guid_permalink_origlink_dropped_and_duplicate_items() -> None:
    urls = [e.url for e in parse_feed(fixture("rss_dated.xml"), "https://news.example.af/feed/")]
    assert urls == [
        "https://news.example.af/2024/03/16/textbooks/?utm_source=rss",
        "https://news.example.af/2024/03/15/relative/",
        "https://news.example.af/2024/03/14/guid-only/",
        "https://news.example.af/2024/03/13/origlink/",  # feedburner:origLink wins
    ]  # the URL-less item is dropped, the duplicate listed once


def test_rss_without_dates() -> None:
    entries = parse_feed(fixture("rss_undated.xml"), "http://undated.example/feed")
    assert [(e.url, e.published, e.updated) for e in entries] == [
        ("http://undated.example/a", None, None),
        ("http://undated.example/b", None, None),  # "not a date at all" is not an error
    ]


def test_rss_1_0_rdf() -> None:
    (entry,) = parse_feed(fixture("rss1.rdf"), "http://rdf.example/feed")
    assert entry.url == "http://rdf.example/a"
    assert entry.published == datetime(2024, 3, 1, 9, 0, tzinfo=UTC)
    assert entry.authors == ("Anna",)
    assert entry.language == "de"


def test_atom_xml_base_html_title_languages_and_authors() -> None:
    entries = parse_feed(fixture("atom.xml"), "https://pashto.example/feed/atom/")
    first, second, third = entries
    assert first.url == "https://pashto.example/news/2024/03/17/pomegranates/"
    assert first.title == f"انار صادرې{ZWNJ}ږي"
    assert first.published == datetime(2024, 3, 17, 12, 15, tzinfo=KABUL)
    assert first.updated == datetime(2024, 3, 18, 9, 0, tzinfo=KABUL)
    assert first.language == "ps"
    assert first.authors == ("عبدالله شینواری",)
    assert second.url == "https://pashto.example/abs/path/"
    assert second.language == "en"
    assert second.authors == ("Desk",)  # inherited from <feed><author>
    assert second.published is None
    assert third.url == "https://pashto.example/id-url/"  # <id> is the only URL
    assert third.updated == datetime(2024, 3, 15, tzinfo=UTC)  # a bare date is UTC midnight


def test_json_feed() -> None:
    entries = parse_feed(fixture("feed.json"), "https://json.example/feed.json")
    assert [e.url for e in entries] == [
        "https://json.example/2024/03/20/one/",
        "https://json.example/two/",
        "https://json.example/three/",
    ]  # item 4 has no URL (its id "4" is not one), item 5 is not an object
    one, two, three = entries
    assert one.published == datetime(2024, 3, 20, 15, 35, tzinfo=KABUL)
    assert one.updated == datetime(2024, 3, 21, 10, 0, tzinfo=UTC)
    assert (one.language, one.authors) == ("fa", ("Sahar Karimi",))
    assert (two.language, two.authors) == ("en", ("Old Style",))
    assert three.authors == ("Feed Author",)
    assert three.published is None


@pytest.mark.parametrize(
    "body",
    [b"", b"   ", b"plain text, not a feed", b"<html><body><p>hi</p></body></html>", b"\x00\x01"],
)
def test_not_a_feed_raises_typed_error(body: bytes) -> None:
    with pytest.raises(FeedFormatError, match="https://x.example/feed"):
        parse_feed(body, "https://x.example/feed")


@pytest.mark.parametrize("body", [b"{not json", b'{"title": "no items"}', b"[1, 2]"])
def test_bad_json_raises_typed_error(body: bytes) -> None:
    with pytest.raises(FeedFormatError):
        parse_feed(body, "https://x.example/feed.json")


def test_errors_are_archive_errors() -> None:
    assert issubclass(FeedFormatError, ArchiveError)
    assert issubclass(BodyTooLargeError, ArchiveError)


def test_broken_xml_is_recovered() -> None:
    entries = parse_feed(fixture("broken.xml"), "http://broken.example/feed")
    urls = [e.url for e in entries]
    assert "http://broken.example/a?x=1&y=2" in urls  # bare & in the link survives
    assert "http://broken.example/c" in urls  # the truncated tail is still read
    first = entries[0]
    assert first.title == "AT&T merger © news"
    assert first.published == datetime(2024, 3, 18, 7, 50, tzinfo=KABUL)


def test_xxe_does_not_read_local_files() -> None:
    (entry,) = parse_feed(fixture("xxe.xml"), "http://xxe.example/feed")
    assert entry.url == "http://xxe.example/a"
    assert entry.title == "Leak:&xxe;:end"  # literal text, never the file
    passwd = Path("/etc/passwd")
    if passwd.exists():
        first_line = passwd.read_text(errors="replace").splitlines()[0]
        assert first_line not in (entry.title or "")


def test_billion_laughs_is_inert() -> None:
    (entry,) = parse_feed(fixture("billion_laughs.xml"), "http://lol.example/feed")
    assert entry.url == "http://lol.example/a"
    assert entry.title == "&lol9;"


def test_size_cap_and_gzip_bomb() -> None:
    body = fixture("rss_undated.xml")
    with pytest.raises(BodyTooLargeError, match="http://x/feed"):
        parse_feed(body, "http://x/feed", max_bytes=100)
    assert len(parse_feed(gzip.compress(body), "http://x/feed")) == 2
    bomb = gzip.compress(b"<rss>" + b" " * 5_000_000 + b"</rss>")
    with pytest.raises(DecompressionLimitError, match="cap"):
        parse_feed(bomb, "http://x/feed", max_bytes=1_000_000)


def test_naive_dates_are_utc() -> None:
    body = (
        b"<rss><channel><item><link>http://n.example/a</link>"
        b"<pubDate>2024-03-01 10:00</pubDate></item></channel></rss>"
    )
    (entry,) = parse_feed(body, "http://n.example/feed")
    assert entry.published == datetime(2024, 3, 1, 10, 0, tzinfo=UTC)


def test_non_http_links_are_dropped() -> None:
    body = (
        b"<rss><channel>"
        b"<item><link>javascript:alert(1)</link></item>"
        b"<item><link>mailto:a@b.example</link></item>"
        b"<item><link>https://ok.example/x</link></item>"
        b"</channel></rss>"
    )
    assert [e.url for e in parse_feed(body, "https://ok.example/feed")] == ["https://ok.example/x"]


def test_demo_site_rss() -> None:
    entries = parse_feed(demo("feed/index.rss"), f"{SITE}/feed/")
    assert len(entries) == 17
    assert all(e.url.startswith(f"{SITE}/2024/") for e in entries)
    assert all(e.published is not None and e.published.tzinfo is not None for e in entries)
    first = entries[0]
    assert first.url == f"{SITE}/2024/03/20/carpet-weavers-cooperative/"
    assert first.title == "Carpet weavers form cooperative to reach buyers directly"
    assert first.authors == ("Sahar Karimi",)
    assert first.published == datetime(2024, 3, 20, 15, 35, tzinfo=KABUL)
    titles = [e.title or "" for e in entries]
    assert any(ZWNJ in t for t in titles)


def test_demo_site_atom_matches_rss() -> None:
    atom = parse_feed(demo("feed/atom/index.atom"), f"{SITE}/feed/atom/")
    rss = parse_feed(demo("feed/index.rss"), f"{SITE}/feed/")
    assert [e.url for e in atom] == [e.url for e in rss]
    assert [e.title for e in atom] == [e.title for e in rss]
    assert [e.published for e in atom] == [e.published for e in rss]
    assert all(e.language == "en-US" for e in atom)


def test_core_title_wins_over_extension_title() -> None:
    body = (
        b'<rss xmlns:media="http://search.yahoo.com/mrss/"><channel><item>'
        b"<media:title>Photo caption</media:title><title>Real headline</title>"
        b"<link>http://m.example/a</link></item></channel></rss>"
    )
    assert parse_feed(body, "http://m.example/feed")[0].title == "Real headline"


def test_utf16_feed() -> None:
    text = '<?xml version="1.0" encoding="UTF-16"?><rss><channel><item><title>می\u200cکند</title>'
    text += "<link>http://u.example/a</link></item></channel></rss>"
    (entry,) = parse_feed(text.encode("utf-16"), "http://u.example/feed")
    assert entry.title == "می\u200cکند"
