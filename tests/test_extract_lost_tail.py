"""``lost_tail``: a closing block of prose that trafilatura dropped, and the boxes that must stay out."""

from __future__ import annotations

from lxml.html import document_fromstring

from archive.extract import extract_article
from archive.extract.lost_tail import lost_tail

URL = "https://games.example.org/previews/harbour-builder-beta.html"
PARAGRAPHS = [
    "As in every title of the series you start on an untouched island of your choice, with a trading post, "
    "a few roads and a woodcutter, and your first settlers ask for little more than fish and work clothes.",
    "Soon the first ships reach the neighbouring islands, where rival governors trade with you at first and "
    "compete with you later; flattery and gifts win them over, but not always, and some deals go wrong.",
    "New this time is the attractiveness of each island: smoke from the factories keeps tourists away, while "
    "parks, festivals and a zoo bring visitors who spend money in your harbour district and fill the taverns.",
    "Expeditions send a ship with a chosen crew and supplies to far coasts, and what it brings back, exotic "
    "animals or treasures, fills the museums and zoos that make an island worth the trip for the tourists.",
]
VERDICT = (
    "The change of era may look like a step back at first. After a slow start on the first island we could "
    "hardly stop playing, and we are already counting the days until the full release in April."
)


def _review(after_body: str) -> str:
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return f"""<!doctype html><html lang="en"><head><title>Harbour Builder beta</title>
<meta property="article:published_time" content="2019-02-01T10:00:00Z"></head>
<body><div id="main"><div id="article"><h1>Harbour Builder beta</h1><div class="text">{body}{after_body}</div>
<div id="meta"><span class="author">Lars</span></div></div></div>
<div id="sidebar"><p>Developer: Blue Harbour Software. Publisher: Harbour Games, with offices in several countries.</p></div>
</body></html>"""


def test_a_verdict_written_straight_into_a_div_after_the_body_is_kept() -> None:
    page = _review(f'<div class="conclusion-box"><b>Our verdict: <span>very good</span></b></div><div id="conclprev">{VERDICT}</div>')
    body = extract_article(page, URL).body
    assert body.split("\n\n")[-1] == VERDICT
    assert body.split("\n\n")[:-1] == PARAGRAPHS
    assert "Our verdict" not in body


def _lost(after_body: str) -> list[str]:
    """What ``lost_tail`` would add to a body of ``PARAGRAPHS`` (the rule alone, whatever trafilatura keeps)."""
    return lost_tail(document_fromstring(_review(after_body)), PARAGRAPHS)


def test_the_rule_finds_the_verdict_and_nothing_already_in_the_body() -> None:
    assert _lost(f'<div id="conclprev">{VERDICT}</div>') == [VERDICT]
    assert _lost(f"<p>{VERDICT}</p>") == [VERDICT]
    assert lost_tail(document_fromstring(_review(f"<p>{VERDICT}</p>")), [*PARAGRAPHS, VERDICT]) == []


def test_a_teaser_cards_summary_after_the_body_is_not_the_storys() -> None:
    """Nested in a card, not a child of the body's container: a box placed after the story."""
    card = (f'<div class="card"><div class="card-text"><div class="card-title">Another preview</div>'
            f'<div class="card-summary">{VERDICT}</div></div></div>')
    assert _lost(card) == []


def test_a_newsletter_comment_or_author_box_after_the_body_is_not_the_storys() -> None:
    for box in ("newsletter-signup", "comments", "author_bio", "related-posts"):
        assert _lost(f'<div class="{box}">{VERDICT}</div>') == [], box


def test_prose_after_other_long_text_is_not_the_storys_end() -> None:
    """The first longer text that is not a lost block ends the search: what follows is the page."""
    table = "<table><tr><td>" + "Platform PC, release date in April, price fifty euros, age rating twelve. " * 2 + "</td></tr></table>"
    assert _lost(f'{table}<div id="conclprev">{VERDICT}</div>') == []


def test_a_single_sentence_or_a_linked_block_is_not_prose() -> None:
    sentence = VERDICT.split(". ")[1]
    assert _lost(f"<div>{sentence}</div>") == []
    assert _lost(f'<div><a href="/next">{VERDICT}</a></div>') == []
    assert _lost(f'<div><img src="/a.jpg" alt="">{VERDICT}</div>') == []


def test_a_dari_closing_paragraph_keeps_its_joiners() -> None:
    verdict = (
        "این بازی در نگاه اول شاید یک گام به عقب به نظر برسد. اما پس از شروعی آرام، دیگر نمی‌توانستیم بازی را کنار "
        "بگذاریم و روزها را تا نسخه‌ی نهایی در ماه اپریل می‌شماریم. تغییرات تازه بازی را گسترده‌تر کرده است."
    )
    body = extract_article(_review(f'<div id="conclprev">{verdict}</div>'), URL).body
    assert body.split("\n\n")[-1] == verdict
    assert "\u200c" in body.split("\n\n")[-1]
