"""Pathologically deep HTML (issue 13 item 8): the reachable text is extracted and the page says it was deep."""

from __future__ import annotations

import pytest

from archive.extract import extract_article

PARAGRAPH = "The ministry said the new budget would reach every province before the spring planting season."


def _deep_page(depth: int) -> str:
    body = "".join(f"<p>{PARAGRAPH} Paragraph {i}.</p>" for i in range(6))
    return f"<html><head><title>Deep page</title></head><body>{'<div>' * depth}<h1>Deep page</h1>{body}{'</div>' * depth}</body></html>"


@pytest.mark.parametrize("depth", [300, 1000, 5000, 50_000])
def test_deep_nesting_keeps_every_paragraph_and_warns(depth: int) -> None:
    article = extract_article(_deep_page(depth), "https://deep.example/a")
    assert article.body.split("\n\n") == [f"{PARAGRAPH} Paragraph {i}." for i in range(6)]
    assert article.page_type == "article"
    assert any(w.startswith("deep_html:") for w in article.warnings)


def test_ordinary_page_has_no_warning() -> None:
    article = extract_article(_deep_page(20), "https://deep.example/a")
    assert article.warnings == [] and article.page_type == "article"


def test_hostile_nesting_of_paragraphs_is_bounded() -> None:
    article = extract_article("<html><body>" + "<p>" * 3000 + "hostile text " * 60 + "</body></html>", "https://deep.example/b")
    assert "hostile text" in article.body
