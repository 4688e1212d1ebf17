"""``archive.extract.extract_article`` on real-looking news templates."""

from __future__ import annotations

from pathlib import Path

import pytest

from archive.extract import Article, extract_article

FIXTURES = Path(__file__).parent / "fixtures" / "extract"
ZWNJ = "\u200c"


def _extract(name: str, url: str) -> Article:
    return extract_article((FIXTURES / name).read_bytes(), url)


def _paragraphs(body: str) -> list[str]:
    return body.split("\n\n")


@pytest.fixture(scope="module")
def jnews() -> Article:
    return _extract("jnews_kabultimes.html", "https://thekabultimes.gov.af/cabinet-approves-new-budget-for-provinces/")


@pytest.fixture(scope="module")
def jetpack() -> Article:
    return _extract("wordpress_jetpack.html", "https://valleycourier.example/2023/11/14/river-levels-fall/")


@pytest.fixture(scope="module")
def custom() -> Article:
    return _extract("custom_layout.html", "https://quotidiendusud.example/economie/prix-du-pain-2024")


def test_jnews_body_is_exactly_the_editorial_paragraphs(jnews: Article) -> None:
    paragraphs = _paragraphs(jnews.body)
    assert len(paragraphs) == 5
    assert paragraphs[0].startswith("KABUL: The cabinet on Monday approved")
    assert paragraphs[-1].startswith("The ministry added that a public dashboard")
    for boilerplate in ("Read also", "Kabul water project", "Share on", "Tags", "Related Posts", "Previous",
                        "covers economy", "Leave a Reply", "Latest News", "All rights reserved", "Photo: Bakhtar"):
        assert boilerplate not in jnews.body


def test_jnews_metadata(jnews: Article) -> None:
    assert jnews.title == "Cabinet approves new budget for provinces"
    assert jnews.site_name == "The Kabul Times"
    assert jnews.canonical_url == "https://thekabultimes.gov.af/cabinet-approves-new-budget-for-provinces/"
    assert jnews.authors == ["Ahmad Farid"]
    assert jnews.published == "2024-03-05T09:12:44+04:30"
    assert jnews.modified == "2024-03-05T11:02:10+04:30"
    assert jnews.section == "National"
    assert (jnews.language, jnews.direction, jnews.page_type) == ("en", "ltr", "article")
    assert jnews.images[0].src == "https://thekabultimes.gov.af/wp-content/uploads/2024/03/cabinet.jpg"
    assert jnews.images[0].caption == "Members of the cabinet at the Presidential Palace."
    assert jnews.images[0].credit == "Photo: Bakhtar"
    assert jnews.extractor.startswith("newsarchive-extract/") and "trafilatura/" in jnews.extractor


def test_jetpack_sharedaddy_and_related_posts_are_gone(jetpack: Article) -> None:
    paragraphs = _paragraphs(jetpack.body)
    assert paragraphs[0].startswith("Flood warnings were lifted")
    assert "Schools in the area will open as normal on Wednesday." in paragraphs
    assert "Roads reopen" in paragraphs  # a subheading is editorial
    assert len(paragraphs) == 7
    for boilerplate in ("Read more", "sandbags", "Share this", "Like this", "Loading", "Related", "newsletter",
                        "Leave a Reply", "Recent Posts", "Skip to content", "Tom Ellis", "Copyright"):
        assert boilerplate not in jetpack.body


def test_jetpack_metadata(jetpack: Article) -> None:
    assert jetpack.title == "River levels fall as rains ease"
    assert jetpack.site_name == "The Valley Courier"
    assert jetpack.authors == ["Megan Price"]
    assert jetpack.published == "2023-11-14T07:30:00+00:00"
    assert jetpack.tags == ["Weather", "Floods"]
    assert jetpack.summary == "Flood warnings lifted across the valley after a week of heavy rain."
    assert jetpack.images[0].src == "https://valleycourier.example/wp-content/uploads/2023/11/bridge.jpg"
    assert jetpack.images[0].caption == "The old stone bridge at Millford on Tuesday morning."
    assert jetpack.images[0].credit == "Photo: Tom Ellis"
    assert jetpack.language == "en"


def test_custom_layout_body(custom: Article) -> None:
    paragraphs = _paragraphs(custom.body)
    assert len(paragraphs) == 5
    assert paragraphs[0].startswith("Le prix de la baguette a augmenté de 8 %")
    assert paragraphs[-1] == "La chambre des métiers prévoit une nouvelle enquête au printemps."
    for boilerplate in ("Lire aussi", "cookies", "newsletter", "Suivez-nous", "Partager", "2015",
                        "croissants", "Tous droits", "© AFP", "Une boulangerie"):
        assert boilerplate not in custom.body


def test_custom_layout_jsonld_wins(custom: Article) -> None:
    assert custom.title == "Le prix du pain augmente de 8 % en un an"
    assert custom.authors == ["Claire Martin", "Jules Bernard"]
    assert custom.published == "2024-01-22T06:00:00+01:00"
    assert custom.modified == "2024-01-22T09:45:00+01:00"
    assert custom.section == "Économie"
    assert custom.tags == ["prix", "boulangerie", "inflation"]
    assert custom.site_name == "Le Quotidien du Sud"
    assert custom.canonical_url == "https://quotidiendusud.example/economie/prix-du-pain-2024"
    assert custom.images[0].caption == "Une boulangerie à Toulouse."
    assert (custom.language, custom.direction) == ("fr", "ltr")


def _source_paragraphs(name: str) -> list[str]:
    import re

    html = (FIXTURES / name).read_text(encoding="utf-8")
    return [p for p in re.findall(r"<p>([^<]+)</p>", html) if len(p) > 80]


@pytest.mark.parametrize(
    ("name", "url", "language"),
    [("dari.html", "https://bakhtar.example/2024/03/schools/", "fa"),
     ("pashto.html", "https://wrazpanra.example/news/health", "ps")],
)
def test_zero_width_non_joiner_survives_byte_for_byte(name: str, url: str, language: str) -> None:
    import re

    html = (FIXTURES / name).read_text(encoding="utf-8")
    article = _extract(name, url)
    expected = _source_paragraphs(name)
    assert _paragraphs(article.body) == expected  # every paragraph, identical code points
    assert article.body.count(ZWNJ) == sum(p.count(ZWNJ) for p in expected) > 0
    h1 = re.search(r"<h1[^>]*>([^<]+)</h1>", html).group(1)
    assert article.title == h1 and ZWNJ in article.title
    assert article.body.encode("utf-8") == "\n\n".join(expected).encode("utf-8")
    assert all(ZWNJ in author for author in article.authors)
    assert (article.language, article.direction, article.page_type) == (language, "rtl", "article")


def test_dari_boilerplate_is_gone() -> None:
    article = _extract("dari.html", "https://bakhtar.example/2024/03/schools/")
    for boilerplate in ("بیشتر بخوانید", "برچسب", "اشتراک", "حقوق"):
        assert boilerplate not in article.body
    assert article.title == f"وزارت معارف: مکتب{ZWNJ}ها در سراسر کشور بازگشایی می{ZWNJ}شوند"
    assert "۱۲۰۰" in article.body  # digits kept as written


def test_pashto_boilerplate_is_gone() -> None:
    article = _extract("pashto.html", "https://wrazpanra.example/news/health")
    assert "نور ولولئ" not in article.body
    assert "تعقیب" not in article.body
    assert article.published == "2024-04-02T10:15:00+04:30"


def test_str_input_and_headers_are_accepted() -> None:
    html = (FIXTURES / "wordpress_jetpack.html").read_text(encoding="utf-8")
    article = extract_article(html, "https://valleycourier.example/x", {"Content-Type": "text/html"})
    assert article.title == "River levels fall as rains ease"


def test_body_never_empty_when_trafilatura_finds_text() -> None:
    """A profile ``keep`` selector matching an empty element used to leave the body empty."""
    paragraphs = [f"The provincial council met on Sunday to discuss the water project, item {i}." * 2 for i in range(5)]
    html = ("<html><head><title>Water project – The Kabul Times</title></head><body><h1>Water project</h1>"
            '<div class="entry-content"></div><div class="story">' + "".join(f"<p>{p}</p>" for p in paragraphs)
            + "</div></body></html>")
    article = extract_article(html, "https://thekabultimes.gov.af/water-project/")
    assert article.body.split("\n\n") == paragraphs
    assert any(w.startswith("body_fallback") for w in article.warnings)
