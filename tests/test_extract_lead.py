"""The article's lead put back in front of the body; deks and teaser cards kept out (``lead``)."""

from __future__ import annotations

from archive.extract import extract_article
from archive.extract.script import Joiners
from tests.test_extract_endmatter import PARAGRAPHS as STORY
from tests.test_extract_endmatter import URL

PARAGRAPHS = [
    *STORY,
    "Residents of the northern districts had asked for the tram for more than a decade, the council said on Tuesday.",
]
LEAD = "The council has a budget at last. Trams and roads get most of it, and bus fares will rise in spring."
DEK = "Trams and roads get most of the money, and bus fares will rise in spring."


def _page(header: str, description: str = "", body: str = "", lang: str = "en", after: str = "") -> str:
    """A news page whose header (headline + whatever is under it) sits outside the article body's container."""
    meta = f'<meta property="og:description" content="{description}">' if description else ""
    body = body or "".join(f"<p>{text}</p>" for text in PARAGRAPHS)
    return f"""<!doctype html><html lang="{lang}"><head><title>Council approves budget - Example News</title>
<meta property="og:type" content="article"><meta property="article:published_time" content="2024-03-12T10:00:00Z">
{meta}</head><body><nav><a href="/">Example News</a> <a href="/city">City</a></nav>
<main><div class="article-top"><h1>Council approves budget</h1>{header}</div>
<div class="share"><a href="/share">Share</a></div>
<div class="article-body">{body}</div>{after}</main>
<footer><p>Example News, 1 Main Street</p></footer></body></html>"""


def _lines(html: str) -> list[str]:
    return extract_article(html, URL).body.split("\n\n")


def test_lead_that_repeats_the_description_opens_the_body() -> None:
    lines = _lines(_page(f'<div class="top-text"><p>{LEAD}</p></div>', LEAD))
    assert lines[0] == LEAD
    assert lines[1:] == PARAGRAPHS


def test_lead_class_with_one_sentence_is_enough_when_the_description_repeats_it() -> None:
    lead = "The council has approved a budget that gives most of the money to trams and roads."
    assert _lines(_page(f'<p class="article-lead">{lead}</p>', lead))[0] == lead


def test_lead_is_not_repeated_when_the_body_holds_it() -> None:
    body = "".join(f"<p>{text}</p>" for text in [LEAD, *PARAGRAPHS])
    lines = _lines(_page("", LEAD, body=body))
    assert lines.count(LEAD) == 1 and lines[0] == LEAD


def test_dek_under_the_headline_stays_out() -> None:
    """A one-line subtitle goes with the title: a heading, a dek class, or one sentence in <header>."""
    for header in (
        f"<h2>{DEK}</h2>",
        f'<p class="article-dek">{DEK}</p>',
        f'<p class="subtitle">{DEK}</p>',
        f'<header><p id="article-summary">{DEK}</p></header>',
    ):
        assert _lines(_page(header, DEK)) == PARAGRAPHS, header


def test_marked_lead_next_to_the_headline_opens_the_body_without_a_description() -> None:
    lines = _lines(_page(f'<p class="lead">{LEAD}</p>'))
    assert lines[0] == LEAD


def test_teaser_card_of_another_story_stays_out() -> None:
    card = (
        '<div class="teaser"><img src="/t.jpg" alt=""><div class="teaser-text">'
        "Bus drivers plan a strike. The union says talks have failed twice this month.</div></div>"
    )
    cut = '<div class="summary">The mayor opened the new bridge. Traffic on the ring road will ease from...</div>'
    assert _lines(_page(card)) == PARAGRAPHS
    assert _lines(_page(cut)) == PARAGRAPHS


def test_dari_lead_keeps_its_joiners_and_is_not_repeated() -> None:
    """A right-to-left lead: U+200C survives, and the body check sees the restored text."""
    lead = "شورای شهر بودجهٔ سال آینده را تصویب کرد. بیشتر پول به تراموا و سرک‌ها می‌رسد."
    paragraphs = [
        "اعضای شورا روز سه‌شنبه پس از بحث طولانی دربارهٔ ترانسپورت شهری به این بودجه رأی دادند و آن را پذیرفتند.",
        "شهردار گفت که این طرح هزینهٔ دو خط تراموا و ترمیم بیش از چهل کیلومتر سرک را در این سال می‌پردازد.",
        "رأی‌گیری نهایی دربارهٔ قراردادهای تراموا در ماه جوزا انجام می‌شود، زمانی که نتایج داوطلبی نشر شود.",
        "باشندگان ولسوالی‌های شمالی بیش از ده سال است که خواهان ساختن این خط تراموا در شهر بوده‌اند.",
    ]
    body = "".join(f"<p>{text}</p>" for text in paragraphs)
    html = _page(f'<div class="intro-box"><p>{lead}</p></div>', lead, body=body, lang="fa-AF")
    article = extract_article(html, URL)
    lines = article.body.split("\n\n")
    assert "\u200c" in lead and Joiners.for_text(html).forward  # the page is protected before parsing
    assert lines[0] == lead  # byte for byte: U+200C kept
    assert lines[1:] == paragraphs
    assert article.direction == "rtl"
