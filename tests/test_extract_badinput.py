"""Hostile and broken pages: a clear ``ExtractionError`` or an empty typed result, fast."""

from __future__ import annotations

import gzip
import time

import pytest

from archive.errors import ExtractionError
from archive.extract import extract_article
from archive.extract.decode import decode_html

URL = "https://example.com/page"


def test_empty_page_is_an_error() -> None:
    with pytest.raises(ExtractionError, match="https://example.com/page: page is empty"):
        extract_article(b"", URL)
    with pytest.raises(ExtractionError, match="page is empty"):
        extract_article(b"   \n\t ", URL)


@pytest.mark.parametrize(
    ("data", "kind"),
    [(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "PNG image"),
     (b"%PDF-1.7\n" + bytes(range(256)), "PDF document"),
     (gzip.compress(b"<html></html>"), "gzip data"),
     (bytes(range(256)) * 40, "binary data")],
    ids=["png", "pdf", "gzip", "binary"],
)
def test_binary_data_is_an_error(data: bytes, kind: str) -> None:
    with pytest.raises(ExtractionError, match=f"^{URL}: not HTML but .*{kind}"):
        extract_article(data, URL)


def test_twenty_megabyte_page_is_refused_quickly() -> None:
    page = b"<html><body>" + b"<p>word word word word</p>" * 800_000 + b"</body></html>"
    assert len(page) > 20_000_000
    started = time.monotonic()
    with pytest.raises(ExtractionError, match=r"page is 19\.8 MiB, over the 16 MiB extraction limit"):
        extract_article(page, URL)
    assert time.monotonic() - started < 1


def test_page_nested_100000_levels_deep() -> None:
    depth = 100_000
    page = "<html><body>" + "<div>" * depth + "<p>deep text</p>" + "</div>" * depth + "</body></html>"
    started = time.monotonic()
    article = extract_article(page, URL)
    assert time.monotonic() - started < 20
    assert article.page_type in ("other", "error")


def test_text_without_markup_is_typed_other() -> None:
    assert extract_article(b"just a line of text", URL).page_type == "other"
    assert extract_article(b"<html><body></body></html>", URL).body == ""


@pytest.mark.parametrize(
    "data",
    [b"<html><body><p>caf\xe9 \xff\xfe broken \xc3</p></body></html>",
     b"<html><head><meta charset='no-such-charset'></head><body><p>x\x80y</p></body></html>",
     "<html><body><p>bad surrogate \ud800 here</p></body></html>".encode("utf-8", "surrogatepass")],
    ids=["mixed", "unknown-charset", "surrogate"],
)
def test_broken_encodings_do_not_crash(data: bytes) -> None:
    article = extract_article(data, URL)
    assert article.page_type in ("other", "article", "index")


def test_decode_prefers_http_charset_then_meta_then_detection() -> None:
    text = "<html><body><p>Привет, мир! Это тестовая страница новостей.</p></body></html>"
    cp1251 = text.encode("cp1251")
    assert decode_html(cp1251, {"Content-Type": "text/html; charset=windows-1251"}) == text
    with_meta = b'<meta charset="windows-1251">' + cp1251
    assert decode_html(with_meta).endswith(text)
    assert "Новости дня" in decode_html(("<html><body>" + "Новости дня. " * 40 + "</body></html>").encode("cp1251"))
    assert decode_html(text.encode("utf-8"), {"content-type": "text/html; charset=latin-1"}).count("Ð") == 0


def test_decode_latin1_label_means_windows_1252() -> None:
    assert decode_html(b"<p>\x93quoted\x94</p>", {"Content-Type": "text/html; charset=iso-8859-1"}) == "<p>\u201cquoted\u201d</p>"


def test_xml_declaration_with_encoding_is_accepted() -> None:
    page = '<?xml version="1.0" encoding="utf-8"?><html><body><p>Hello</p></body></html>'
    assert extract_article(page, URL).page_type == "other"


def test_control_characters_do_not_empty_the_body() -> None:
    """One BEL inside a paragraph made trafilatura's XML step fail: the whole body came out empty."""
    paragraph = "The council approved the new water plan for the district after a long debate on Monday."
    html = f"<html><head><title>Water plan</title></head><body><h1>Water plan</h1><p>{paragraph}\x07</p>" + \
        "".join(f"<p>{paragraph} Item {i}.</p>" for i in range(5)) + "</body></html>"
    article = extract_article(html, "https://council.example/water-plan")
    assert article.body.startswith(paragraph) and len(article.body.split("\n\n")) == 6


def test_utf8_page_with_a_stray_latin1_byte_keeps_its_utf8_text() -> None:
    # A UTF-8 blog whose comment was pasted in Latin-1: one byte 0xFC ("ü") is not UTF-8.
    # Detection over the whole page used to pick a single-byte encoding and garble every
    # UTF-8 character of the article (and trafilatura then dropped the garbled paragraphs).
    article = "So schön winterlich ist es wie schon lange nicht mehr, sagt Jürgen. Grüße aus Köln. " * 10
    page = ('<html><head><meta charset="UTF-8"></head><body><article><p>' + article + "</p>").encode()
    page += "<p>Kommentar: Gr\xfc\xdfe!</p></article></body></html>".encode("latin-1")
    text = decode_html(page)
    assert article in text
    assert "Kommentar: Grüße!" in text


def test_page_mostly_in_another_encoding_than_declared_is_still_detected() -> None:
    body = "Это страница в кодировке windows-1251, хотя заявлена UTF-8. " * 20
    page = ('<html><head><meta charset="utf-8"></head><body><p>' + body + "</p></body></html>").encode("cp1251")
    assert body in decode_html(page)
