"""A short article beside a cookie banner is an article, not a consent wall."""

from __future__ import annotations

from pathlib import Path

from archive.extract import extract_article

DEMO = Path(__file__).resolve().parents[1] / "archive" / "demo_site"


def test_short_pashto_article_with_cookie_banner_is_an_article() -> None:
    page = DEMO / "2024" / "03" / "17" / "kandahar-pomegranates" / "index.html"
    article = extract_article(page.read_bytes(), "http://127.0.0.1/2024/03/17/kandahar-pomegranates/")
    assert article.page_type == "article"
    assert article.language == "ps" and article.direction == "rtl"
    assert article.title == "د کندهار انار بهرنیو بازارونو ته صادرېږي"
    assert "انار" in article.body and len(article.body) >= 150
