"""``split_body``: an article body cut into several containers by ad rows, and the look-alikes that stay out."""

from __future__ import annotations

from lxml.html import document_fromstring

from archive.extract import extract_article
from archive.extract.split_body import continuation

URL = "https://mag.example.com/story/the-future-of-banking/"
DATED = '<meta property="article:published_time" content="2019-11-18T10:00:00Z">'
FIRST = [
    "Banks once promised that a friendlier app would fix the finances of a generation, and the pitch was "
    "everywhere at the conference this autumn in Las Vegas.",
    "Executives repeated the same message on stage: the next generation is fragile, and that fragility is both "
    "a problem and a business opportunity.",
]
SECOND = [
    "In fact, the idea that a higher-tech bank can solve our financial woes feels a lot like the last story "
    "the tech industry told us about work.",
    "The gig economy looked consumer-friendly at first, and only scale and the hard realities of the economy "
    "made it look a little less so.",
]
THIRD = [
    "A second problem is more serious: no friendly design or overdraft protection can make up for wages "
    "that have not kept pace with the cost of living.",
]
_AD_ROW = '<div class="row full-bleed-ad"><span class="ad-label">Advertisement</span><div class="ad__slot"></div></div>'


def _chunk(paragraphs: list[str], inner: str = "") -> str:
    text = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f'<div class="grid grid-items-2"><div class="body body__container article__body">{inner}{text}</div>'
            '<div class="grid-layout__aside"><div class="ad ad--rail"></div></div></div>')


def _page(chunks: str, meta: str = DATED) -> str:
    return f"""<html><head><title>The future of banking</title>{meta}</head><body><main>
<article class="article main-content"><h1>The future of banking</h1><div class="article__chunks">{chunks}</div>
</article></main><footer><p>Copyright 2019 Example Media. All rights reserved.</p></footer></body></html>"""


def test_every_chunk_of_a_split_body_is_kept_in_page_order() -> None:
    page = _page(_chunk(FIRST) + _AD_ROW + _chunk(SECOND) + _AD_ROW + _chunk(THIRD))
    assert extract_article(page, URL).body.split("\n\n") == FIRST + SECOND + THIRD


def test_a_chunk_with_a_subheading_keeps_it_as_a_line() -> None:
    page = _page(_chunk(FIRST) + _AD_ROW + _chunk(SECOND, inner="<h2>Disruption, again</h2>"))
    assert extract_article(page, URL).body.split("\n\n") == [*FIRST, "Disruption, again", *SECOND]


def test_an_undated_page_that_declares_no_article_is_left_as_trafilatura_found_it() -> None:
    """Listing and landing pages repeat a class with real text in it; only article templates split their bodies."""
    page = _page(_chunk(FIRST) + _AD_ROW + _chunk(SECOND), meta="")
    assert "In fact" not in extract_article(page, URL).body


def _added(html: str, lines: list[str] = FIRST) -> list[str]:
    return continuation(document_fromstring(html), lines)


def test_the_rule_alone_finds_the_later_chunks() -> None:
    assert _added(_page(_chunk(FIRST) + _AD_ROW + _chunk(SECOND))) == SECOND


def test_posts_of_a_blog_list_page_are_not_one_article() -> None:
    """Each post's ``entry-content`` sits in a wrapper of its own (``post-5979``): not the same place in the page."""
    posts = "".join(
        f'<div class="post-{n} post type-post"><h2>Post {n}</h2><div class="entry-content">'
        + "".join(f"<p>{p}</p>" for p in paragraphs) + "</div></div>"
        for n, paragraphs in ((6195, FIRST), (5979, SECOND))
    )
    assert _added(f"<html><body><div id='content'>{posts}</div></body></html>") == []


def test_comments_with_the_bodys_field_class_are_not_the_article() -> None:
    body = '<div class="field field-name-body"><div class="field-items"><div class="field-item even">' + "".join(
        f"<p>{p}</p>" for p in FIRST) + "</div></div></div>"
    comment = ('<section class="comments"><article class="comment"><div class="field field-name-comment-body">'
               '<div class="field-items"><div class="field-item even">' + "".join(f"<p>{p}</p>" for p in SECOND)
               + "</div></div></div></article></section>")
    assert _added(f"<html><body><div class='content'>{body}{comment}</div></body></html>") == []


def test_a_teaser_chunk_or_one_far_from_the_body_ends_the_article() -> None:
    teaser = _chunk(SECOND, inner='<h3><a href="/story/other">Another story from the magazine</a></h3>')
    assert _added(_page(_chunk(FIRST) + _AD_ROW + teaser + _AD_ROW + _chunk(THIRD))) == []
    rail = "<div class='row'><p>" + "Most popular this week on the site, read by thousands. " * 8 + "</p></div>"
    assert _added(_page(_chunk(FIRST) + rail + _chunk(SECOND))) == []


def test_a_classless_container_is_never_matched() -> None:
    page = _page("<div>" + "".join(f"<p>{p}</p>" for p in FIRST) + f"</div>{_AD_ROW}<div>"
                 + "".join(f"<p>{p}</p>" for p in SECOND) + "</div>")
    assert _added(page) == []


def test_a_split_dari_body_keeps_its_joiners() -> None:
    sentence = "وزارت مالیه می‌گوید که بودجه‌ی سال آینده برای نخستین بار بدون کمک‌های خارجی تهیه شده است. "
    first = [(sentence * 3).strip(), ("مسئولان این وزارت گفتند که درآمدهای گمرکی در شش ماه گذشته افزایش یافته است. " * 3).strip()]
    second = [("به گفته‌ی آنان، بخش بزرگی از این بودجه برای بازسازی سرک‌ها و مکتب‌ها هزینه خواهد شد. " * 3).strip()]
    page = _page(_chunk(first) + _AD_ROW + _chunk(second))
    assert _added(page, first) == second
    body = extract_article(page, URL).body
    assert body.split("\n\n") == first + second
    assert body.count("\u200c") == sum(p.count("\u200c") for p in first + second)


def test_a_container_whose_tag_is_not_a_plain_name_is_left_alone() -> None:
    """``<fb:body>`` once reached an XPath name test and raised "Undefined namespace prefix"."""
    page = _page("<fb:body class='story'>" + "".join(f"<p>{p}</p>" for p in FIRST) + f"</fb:body>{_AD_ROW}"
                 "<fb:body class='story'>" + "".join(f"<p>{p}</p>" for p in SECOND) + "</fb:body>")
    assert _added(page) == []
    assert FIRST[0] in extract_article(page, URL).body
