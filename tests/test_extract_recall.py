"""Recall checks on short bodies (``extractor._wider_if_short``) and what they must not bring in."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from lxml.html import HtmlElement, document_fromstring

import archive.extract.extractor as extractor
from archive.extract import extract_article
from archive.extract.cleanup import prune_tree
from archive.extract.trafilatura import EngineSettings

URL = "https://living.example.org/homestories/green-flat-1597"
# A photo story: the text sits in <div>s beside the photos, so the page has almost no <p> text
# and "far shorter than the page's paragraphs" cannot tell that the body lost its captions.
LABELS = ["Who lives here?", "Julia", "Favourite spot", "The old kitchen table with its coffee-house chairs."]
STORY = [
    "The retro fridge has been in my kitchen for two years and I still cannot stop looking at its colour.",
    "Seventy-three house plants are spread across the flat; what can I say, I simply love green.",
    "The bar cabinet from the fifties is the highlight of the living room, bought at a flea market.",
]


def _photo_story() -> str:
    sections = "".join(f'<div class="section"><img src="/{i}.jpg" alt=""><div class="text">{t}</div></div>'
                       for i, t in enumerate(STORY))
    labels = "".join(f'<div class="label">{t}</div>' for t in LABELS)
    return f"""<!doctype html><html lang="en"><head><title>Vintage flair with lots of green</title></head>
<body><main><h1>Vintage flair with lots of green</h1>{sections}{labels}</main></body></html>"""


def _engine(default: list[str], recall: list[str], seen: list[bool]) -> Callable[[HtmlElement, str, EngineSettings], list[str]]:
    """A stand-in for ``extract_lines``: ``default`` from the default pass, ``recall`` from the recall pass."""

    def extract_lines(tree: HtmlElement, url: str, settings: EngineSettings) -> list[str]:
        seen.append(settings.recall)
        return recall if settings.recall else default

    return extract_lines


def test_a_short_body_grows_to_the_recall_pass_that_holds_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """Most of our lines are in the recall pass, which finds 1.5 times more: the same story, grown."""
    seen: list[bool] = []
    monkeypatch.setattr(extractor, "extract_lines", _engine(LABELS, STORY[:1] + LABELS + STORY[1:], seen))
    assert extract_article(_photo_story(), URL).body.split("\n\n") == STORY[:1] + LABELS + STORY[1:]
    assert seen == [False, True]


def test_a_recall_pass_on_another_block_does_not_replace_a_short_body(monkeypatch: pytest.MonkeyPatch) -> None:
    """Longer, but holding little of ours: another block of the page (a teaser list, a footer)."""
    other = [f"Another homestory number {i} with a long enough teaser line to count for something." for i in range(6)]
    monkeypatch.setattr(extractor, "extract_lines", _engine(LABELS, other + LABELS[:1], []))
    assert extract_article(_photo_story(), URL).body.split("\n\n") == LABELS


def test_a_recall_pass_that_adds_little_does_not_replace_a_short_body(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(extractor, "extract_lines", _engine(LABELS, LABELS + ["Ends here."], []))
    assert extract_article(_photo_story(), URL).body.split("\n\n") == LABELS


def test_a_body_of_ordinary_length_is_not_second_guessed(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[bool] = []
    long_lines = [line * 2 for line in STORY] + LABELS
    monkeypatch.setattr(extractor, "extract_lines", _engine(long_lines, long_lines + STORY, seen))
    extract_article(_photo_story(), URL)
    assert seen == [False]


def test_the_author_box_under_a_post_leaves_the_tree() -> None:
    """WordPress themes close a post with "Published by NAME", a bio line and "View all posts by NAME".

    trafilatura's default pass leaves it out on most pages; its recall pass, now asked on every
    short post, kept it (a bio line of a few words reads like a paragraph).
    """
    text = "I would invest in smart and economical charging stations for electric cars if anyone offered them."
    tree = document_fromstring(f"""<html><body><main><article class="post hentry">
<h1 class="entry-title">Charging stations</h1><div class="entry-content"><p>{text}</p></div>
<div class="entry-author author-avatar-show"><div class="author-heading"><h2 class="author-title">Published by
<span class="author-name">Cem Example</span></h2></div><p class="author-bio">Life is not digital. Life is a burning bush.
<a class="author-link" href="/author/cem/" rel="author">View all posts by Cem Example</a></p></div>
</article></main></body></html>""")
    prune_tree(tree)
    assert "Published by" not in tree.text_content() and "burning bush" not in tree.text_content()
    assert text in tree.text_content()
