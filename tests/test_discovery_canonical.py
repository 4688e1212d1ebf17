"""archive/discovery/canonical.py: one spelling per URL."""

from __future__ import annotations

import pytest

from archive.discovery import UrlError, canonicalize, is_tracking_param

TABLE = [
    # scheme and host case, default port, fragment
    ("HTTP://Example.COM:80/a/b#frag", "http://example.com/a/b"),
    ("https://EXAMPLE.com:443", "https://example.com/"),
    ("https://example.com.", "https://example.com/"),
    # non-default ports stay
    ("http://127.0.0.1:8123/a", "http://127.0.0.1:8123/a"),
    ("http://127.0.0.1:8123/a?fbclid=x#top", "http://127.0.0.1:8123/a"),
    ("https://example.com:80/", "https://example.com:80/"),
    ("http://[::1]:8080/x", "http://[::1]:8080/x"),
    # tracking parameters
    ("https://e.com/a?utm_source=rss&utm_medium=feed&id=7", "https://e.com/a?id=7"),
    ("https://e.com/a?gclid=1&mc_cid=2&mc_eid=3&ref=tw&_ga=4&b=1", "https://e.com/a?b=1"),
    ("https://e.com/a?UTM_Campaign=x", "https://e.com/a"),
    ("https://e.com/?utm_source=x", "https://e.com/"),
    # kept: look-alikes courlan would drop, blank values, valueless flags, "+" spelling
    ("https://e.com/s?keyword=kabul&source=afp", "https://e.com/s?keyword=kabul&source=afp"),
    # a valueless flag is spelled "flag=" (w3lib, as Scrapy's fingerprints): servers read both alike
    ("https://e.com/a?reference=1&e=&flag", "https://e.com/a?e=&flag=&reference=1"),
    ("https://e.com/s?q=a+b&tags=c++", "https://e.com/s?q=a+b&tags=c++"),
    # sorting by name, then value (w3lib, as Scrapy's fingerprints, so both agree on duplicates)
    ("https://e.com/a?b=2&a=3&a=1", "https://e.com/a?a=1&a=3&b=2"),
    ("https://e.com/a?&&b=1&", "https://e.com/a?b=1"),
    # path: dot segments, double slashes, escapes
    ("https://e.com/a/./b/../c", "https://e.com/a/c"),
    ("https://e.com//a//b/", "https://e.com/a/b/"),
    ("https://e.com/%7euser/%c3%a9", "https://e.com/~user/%C3%A9"),
    ("https://e.com/a b", "https://e.com/a%20b"),
    ("https://e.com/a%2fb", "https://e.com/a%2Fb"),
    ("https://e.com/2024/03/16/x/", "https://e.com/2024/03/16/x/"),
    # international
    ("https://مثال.af/خبر", "https://xn--mgbh0fb.af/%D8%AE%D8%A8%D8%B1"),
    ("https://e.com/کتاب\u200cها", "https://e.com/%DA%A9%D8%AA%D8%A7%D8%A8%E2%80%8C%D9%87%D8%A7"),
    # userinfo kept, whitespace around trimmed
    ("  https://u:p@e.com/x  ", "https://u:p@e.com/x"),
]


@pytest.mark.parametrize(("url", "expected"), TABLE)
def test_canonical_table(url: str, expected: str) -> None:
    assert canonicalize(url) == expected


@pytest.mark.parametrize(("url", "expected"), TABLE)
def test_idempotent(url: str, expected: str) -> None:
    assert canonicalize(expected) == expected


@pytest.mark.parametrize(
    "url", ["mailto:a@b.example", "ftp://e.com/x", "http://", "/relative/path", "http://e.com:99999/"]
)
def test_bad_urls_raise_typed_error(url: str) -> None:
    with pytest.raises(UrlError, match="cannot canonicalise"):
        canonicalize(url)


@pytest.mark.parametrize(
    ("name", "tracking"),
    [("utm_source", True), ("fbclid", True), ("GCLID", True), ("ref", True),
     ("page", False), ("id", False), ("reference", False), ("p", False)],
)  # fmt: skip
def test_is_tracking_param(name: str, tracking: bool) -> None:
    assert is_tracking_param(name) is tracking


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://e.com/a?%75tm_source=x&b=1", "https://e.com/a?b=1"),  # an escaped tracker name
        ("https://e.com/a?q=%d8%ae+x&utm_source=1", "https://e.com/a?q=%D8%AE+x"),
        ("https://e.com/a?q=خبر", "https://e.com/a?q=%D8%AE%D8%A8%D8%B1"),
        ("https://e.com/a/%2E%2E/b", "https://e.com/b"),  # %2E is ".": decoded, then resolved
        ("https://e.com/a;p?x=1", "https://e.com/a;p?x=1"),
    ],
)
def test_more_spellings(url: str, expected: str) -> None:
    assert canonicalize(url) == expected


def test_built_on_w3lib_not_courlan_internals() -> None:
    """The module uses w3lib's public canonicalize_url, no courlan internals (issue 14)."""
    import inspect

    import archive.discovery.canonical as module

    source = inspect.getsource(module)
    assert "courlan" not in source.split('"""', 2)[2]  # below the docstring
    assert "from w3lib.url import canonicalize_url" in source
