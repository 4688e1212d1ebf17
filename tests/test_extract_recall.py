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


LEAD = "Want to compost your kitchen waste but have no garden? Worms turn peelings into fine humus on a balcony."
HOWTO = [
    "A worm box needs little room: it can stand in the flat, on the balcony or in the cellar, as long as it stays frost-free.",
    "Start with two stacked boxes and move the humus down once the top box has been turned into soil by the worms.",
    "Compost worms prefer fresh kitchen waste, while the common earthworm mostly eats material that has started to rot.",
    "Keep the box at fifteen to twenty-five degrees; below that the composting slows down or stops altogether.",
]


def _lead_page(between: str, description: str = "How to build a worm box for a balcony.") -> str:
    return f"""<!doctype html><html lang="en"><head><title>Build a worm box</title>
<meta name="description" content="{description}"><meta property="og:type" content="article">
<meta property="article:published_time" content="2021-02-22T10:47:00+01:00"></head><body><main>
<article class="article box"><header><h1>Build a worm box</h1></header>{between}
<section class="article__section"><div class="text">{"".join(f"<p>{t}</p>" for t in HOWTO)}</div></section>
</article></main></body></html>"""


def test_a_lead_in_a_container_trafilatura_discards_by_class_is_kept() -> None:
    """trafilatura drops any container whose class contains "slide": a lead in a slider-toggle section went."""
    page = _lead_page(f'<section class="js-slider-toggle editor"><p class="introduction">{LEAD}</p></section>')
    assert extract_article(page, "https://diy.example.org/worm-box-39572.html").body.split("\n\n") == [LEAD, *HOWTO]


@pytest.mark.parametrize(
    "between",
    [
        '<section class="js-slider-toggle"><p><img src="/worms.jpg" alt=""> A worm box on a balcony in the city makes a '
        "compost bin for a small flat with no garden.</p></section>",
        '<section class="js-slider-toggle"><p class="author-bio">Jane Doe studied biology before she joined the magazine as '
        "an editor. She writes about gardens.</p></section>",
        '<section class="js-slider-toggle"><p class="entry-meta">By Jane Doe on 22 February 2021, filed under gardens and '
        "balconies, with 18 comments.</p></section>",
    ],
)
def test_captions_author_boxes_and_post_meta_before_the_body_stay_out(between: str) -> None:
    assert extract_article(_lead_page(between), "https://diy.example.org/worm-box-39572.html").body.split("\n\n") == HOWTO


def test_a_lead_that_repeats_the_meta_description_is_judged_by_its_shape() -> None:
    """``lost_lead`` leaves a lead that repeats the description to ``lead``: two sentences of running text come in."""
    page = _lead_page(f'<section class="js-slider-toggle"><p>{LEAD}</p></section>', description=LEAD)
    article = extract_article(page, "https://diy.example.org/worm-box-39572.html")
    assert article.body.split("\n\n") == [LEAD, *HOWTO] and article.summary == LEAD


def test_a_one_sentence_dek_that_repeats_the_meta_description_stays_the_summary() -> None:
    dek = "Worms turn the peelings of a small flat into fine humus on a balcony."
    page = _lead_page(f'<section class="js-slider-toggle"><p>{dek}</p></section>', description=dek)
    article = extract_article(page, "https://diy.example.org/worm-box-39572.html")
    assert article.body.split("\n\n") == HOWTO and article.summary == dek
