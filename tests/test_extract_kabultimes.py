"""The Kabul Times editorial in its four template shapes (JNews, classic WordPress, Dari, Pashto), field by field.

Each shape carries the parts that broke extraction on a real crawl: a site-title ``<h1>``
before the headline, a TOPSHOT caption, a "Related posts" list, a cookie banner, a
footer, and (classic WordPress) the category only as ``cat-links`` and a ``category-``
class. Dari and Pashto bodies must be byte-identical to the source paragraphs, U+200C
included.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from archive.extract import Article, extract_article

FIXTURES = Path(__file__).parent / "fixtures" / "extract" / "kabultimes"
ZWNJ = "\u200c"
EN_TITLE = "Trade routes must carry more than promises"
CAPTION = "Afghan traders unload goods at the Torkham border crossing on March 3, 2024."
CREDIT = "Photo by Wakil KOHSAR / AFP"
BOILERPLATE = ("Related posts", "Wheat prices", "Salang", "Water rights", "cookies", "All rights reserved", "Share",
               "Home", "TOPSHOT", "Photo by", "Latest News", "Kabul municipality", "Tagged", "Posted in",
               "[button", "Subscribe", "Tell us what you think", "letters@example.org", "مطالب مرتبط", "اړوند مطالب",
               "گندم", "سالنګ", "حقوق", "اشتراک", "ګډون", "نظر راته")


def _source_paragraphs(name: str) -> list[str]:
    text = (FIXTURES / name).read_text(encoding="utf-8")
    found = [html.unescape(p) for p in re.findall(r"<p>([^<\[]+)</p>", text)]
    return [p for p in found if len(p) > 60 and "حقوق" not in p]


def _extract(name: str, url: str) -> Article:
    return extract_article((FIXTURES / name).read_bytes(), url)


SHAPES = [
    # (fixture, url, title, site name, section, author, language, direction)
    ("jnews_en.html", "https://thekabultimes.gov.af/trade-routes-must-carry-more-than-promises/", EN_TITLE,
     "The Kabul times", "Editorial", "Editorial Board", "en", "ltr"),
    ("jnews_en.html", "https://kabul-times.example/trade-routes-must-carry-more-than-promises/", EN_TITLE,
     "The Kabul times", "Editorial", "Editorial Board", "en", "ltr"),
    ("wordpress_en.html", "https://thekabultimes.gov.af/2024/03/06/trade-routes/", EN_TITLE,
     "The Kabul Times", "Editorial", "Editorial Board", "en", "ltr"),
    ("wordpress_en.html", "https://kabul-times.example/2024/03/06/trade-routes/", EN_TITLE,
     "The Kabul times", "Editorial", "Editorial Board", "en", "ltr"),
    ("jnews_dari.html", "https://thekabultimes.gov.af/dari/trade-routes-dari/",
     f"سرک{ZWNJ}های تجارتی باید بیش از وعده{ZWNJ}ها را انتقال دهند", "کابل تایمز", "سرمقاله", "هیئت تحریر", "fa", "rtl"),
    ("wordpress_ps.html", "https://thekabultimes.gov.af/pashto/2024/03/06/trade-routes/",
     "سوداګریزې لارې باید له ژمنو ډېر څه انتقال کړي", "کابل ټایمز", "سرمقاله", "احمدولي کریمي", "ps", "rtl"),
]


@pytest.mark.parametrize(("name", "url", "title", "site", "section", "author", "language", "direction"), SHAPES)
def test_editorial_fields(name: str, url: str, title: str, site: str, section: str, author: str,
                          language: str, direction: str) -> None:
    article = _extract(name, url)
    assert article.title == title  # the headline, never the site-title <h1>
    assert article.site_name == site  # og:site_name beats the profile; the profile fills a gap
    assert article.section == section
    assert article.authors == [author]
    assert article.published == "2024-03-06T08:30:00+04:30"
    assert (article.language, article.direction, article.page_type) == (language, direction, "article")


@pytest.mark.parametrize(("name", "url"), [(s[0], s[1]) for s in SHAPES])
def test_editorial_body_is_every_paragraph_and_nothing_else(name: str, url: str) -> None:
    article = _extract(name, url)
    expected = _source_paragraphs(name)
    assert len(expected) >= 4
    assert article.body.encode("utf-8") == "\n\n".join(expected).encode("utf-8")
    for boilerplate in BOILERPLATE:
        assert boilerplate not in article.body


@pytest.mark.parametrize(("name", "url"), [(s[0], s[1]) for s in SHAPES])
def test_topshot_caption_is_image_metadata(name: str, url: str) -> None:
    lead = _extract(name, url).images[0]
    assert "torkham" in lead.src
    assert (lead.caption, lead.credit) == (CAPTION, CREDIT)


def test_dari_joiners_survive_in_body_and_title() -> None:
    article = _extract("jnews_dari.html", "https://thekabultimes.gov.af/dari/trade-routes-dari/")
    assert article.body.count(ZWNJ) == sum(p.count(ZWNJ) for p in _source_paragraphs("jnews_dari.html")) >= 10
    assert ZWNJ in article.title


def test_short_dari_article_without_og_type_is_an_article() -> None:
    article = _extract("jnews_dari.html", "https://thekabultimes.gov.af/dari/trade-routes-dari/")
    assert len(article.body) < 600  # four ~100-character paragraphs
    assert article.page_type == "article"


def test_profile_does_not_override_the_pages_site_name() -> None:
    article = _extract("jnews_dari.html", "https://www.thekabultimes.gov.af/dari/trade-routes-dari/")
    assert article.site_name == "کابل تایمز"


@pytest.mark.parametrize("url", ["https://thekabultimes.gov.af/dari/", "https://kabul-times.example/dari/"])
def test_section_front_is_an_index_not_an_article(url: str) -> None:
    article = _extract("section_dari.html", url)
    assert article.page_type == "index"
