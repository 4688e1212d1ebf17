"""Unit rules of extraction: language, cleanup lines, titles, dates, profiles, page types, joiners."""

from __future__ import annotations

import unicodedata

import pytest

from archive.extract import extract_article
from archive.extract.cleanup import clean_lines
from archive.extract.dates import normalize_date
from archive.extract.language import choose_language, detect_language
from archive.extract.metadata import clean_title
from archive.extract.profiles import find_profile
from archive.extract.script import Joiners


@pytest.mark.parametrize(
    ("text", "code"),
    [("د افغانستان اسلامي امارت وايي چې په هېواد کې امنیت ښه شوی دی", "ps"),
     ("وزارت معارف افغانستان می‌گوید که مکاتب در سراسر کشور بازگشایی می‌شوند", "fa"),
     ("قالت وزارة الخارجية إن المحادثات ستستأنف في الأسبوع المقبل في الدوحة", "ar"),
     ("The minister said that the talks would resume in the capital next week", "en"),
     ("Le ministre a dit que les négociations reprendront dans la capitale", "fr"),
     ("El ministro dijo que las conversaciones se reanudarán en la capital la semana", "es"),
     ("Der Minister sagte, dass die Gespräche in der Hauptstadt nicht mit den", "de"),
     ("Министр сказал, что переговоры возобновятся в столице на следующей неделе", "ru")],
)
def test_language_from_text(text: str, code: str) -> None:
    assert detect_language(text) == code


def test_declared_language_only_when_text_is_too_short() -> None:
    assert choose_language(None, "fa-AF") == "fa"
    assert choose_language("ps", "fa") == "ps"
    assert choose_language(None, "prs") == "fa"


def test_cleanup_never_drops_short_editorial_paragraphs() -> None:
    lines = ["Yes.", "He said: related matters were discussed.", "Copyright holders disagree, the judge said."]
    assert clean_lines(lines) == lines


@pytest.mark.parametrize(
    "line",
    ["Read also: Taliban meet donors", "Lire aussi : Le gouvernement", "Lea también: El gobierno", "Lesen Sie auch: Bericht",
     "Читайте также: новость", "بیشتر بخوانید: طالبان", "نور ولولئ: خبر", "اقرأ أيضا: خبر", "Share this:",
     "Like Loading...", "© 2024 The Kabul Times. All rights reserved.", "Follow us on Telegram", "Advertisement",
     "برچسب\u200cها: کابل", "Subscribe to our newsletter for daily updates"],
)
def test_cleanup_drops_boilerplate_lines(line: str) -> None:
    assert clean_lines([line, "Body."]) == ["Body."]


def test_related_heading_takes_its_list_with_it() -> None:
    assert clean_lines(["Related", "- One story", "- Two story", "Body text."]) == ["Body text."]


@pytest.mark.parametrize(
    ("title", "expected"),
    [("Big news – The Kabul Times", "Big news"), ("Big news | The Kabul Times", "Big news"),
     ("The Kabul Times | Big news", "Big news"), ("Afghanistan: new rules", "Afghanistan: new rules")],
)
def test_title_suffix(title: str, expected: str) -> None:
    assert clean_title(title, "The Kabul Times", None, "thekabultimes.gov.af") == expected


def test_dates() -> None:
    assert normalize_date("2024-03-05T10:20:00+0430") == "2024-03-05T10:20:00+04:30"
    assert normalize_date("2024-03-05") == "2024-03-05"
    assert normalize_date("March 5, 2024", "%B %d, %Y") == "2024-03-05"
    assert normalize_date("۲۰۲۴-۰۳-۰۵") == "2024-03-05"
    assert normalize_date("5") is None


def test_kabultimes_profile_is_shipped() -> None:
    profile = find_profile("www.thekabultimes.gov.af")
    assert profile is not None and profile.date_format == "%B %d, %Y"
    assert find_profile("example.com") is None


def test_profile_date_format_is_used_when_metadata_has_no_date() -> None:
    html = (
        "<html><body><div class='jeg_inner_content'><h1 class='jeg_post_title'>Title here</h1>"
        "<div class='jeg_meta_date'><a>March 5, 2024</a></div><div class='content-inner'>"
        + "<p>Editorial paragraph with enough words to be kept by the extractor engine.</p>" * 6
        + "</div></div></body></html>"
    )
    article = extract_article(html, "https://thekabultimes.gov.af/x/")
    assert article.published == "2024-03-05"
    assert article.site_name == "The Kabul Times"
    assert article.title == "Title here"


def test_joiners_round_trip() -> None:
    text = "می\u200cشود \u200d \u200e \u200f"
    joiners = Joiners.for_text(text)
    protected = joiners.protect(text)
    assert all(c not in protected for c in "\u200c\u200d\u200e\u200f") and protected.isprintable()
    assert joiners.restore(protected) == text


@pytest.mark.parametrize(
    ("html", "url", "page_type"),
    [("<html><head><title>404 Page not found</title></head><body><p>Sorry.</p></body></html>", "https://e.example/x", "error"),
     ("<html><body><h2>We value your privacy</h2><p>We use cookies. Accept all cookies or manage consent.</p></body></html>",
      "https://e.example/x", "consent_wall"),
     ("<html><head><script type='application/ld+json'>{\"@type\":\"NewsArticle\",\"headline\":\"H\","
      "\"isAccessibleForFree\":false}</script></head><body><p>Only the first lines of this story are free to read.</p></body></html>",
      "https://e.example/2024/x", "paywall"),
     ("<html><body>" + "".join(f"<a href='/a{i}'>Headline number {i} about the news today</a><br>" for i in range(40))
      + "</body></html>", "https://e.example/", "index")],
    ids=["error", "consent", "paywall", "index"],
)
def test_page_types(html: str, url: str, page_type: str) -> None:
    assert extract_article(html, url).page_type == page_type


@pytest.mark.parametrize(
    "line",
    ['[button link="https://example.org/subscribe/" color="red"]Subscribe to the print edition[/button]',
     "Tell us what you think: write to letters@example.org", "Order Reprints | Today's Paper | Subscribe",
     "This copy is for your personal, non-commercial use only.", "Already a subscriber? Log in",
     "Posted in Editorial | Tagged railway, trade", "Home » Editorial » Trade routes must carry more than promises",
     "خپل نظر راته ولیکئ: letters@example.org", "Published by Admin in Category News, Tags: trade"],
)
def test_cleanup_drops_promos_tools_meta_and_shortcodes(line: str) -> None:
    assert clean_lines([line, "Body."]) == ["Body."]


def test_cleanup_keeps_editorial_brackets_and_cuts_shortcode_tags_around_text() -> None:
    long_text = "The minister said the railway would open next year, and traders welcomed the news. " * 2
    assert clean_lines(["He said [sic] it was fine.", f"[dropcap]{long_text.strip()}[/dropcap]"]) == [
        "He said [sic] it was fine.", long_text.strip()]


def test_ambiguous_time_zone_names_are_dropped_quietly() -> None:
    """dateutil warns on "EST"; under ``filterwarnings = error`` that used to abort the extraction."""
    assert normalize_date("Nov 20, 2019 10:00 EST") == "2019-11-20T10:00:00"


@pytest.mark.parametrize(
    "line",
    ["Click here to subscribe to The Paradigm Newsletter", "CLICK HERE TO GET THE FOX NEWS APP", "Comments", "12 comments",
     "Leave a Reply", "Like this story? Share it with a friend!",
     "Follow The New York Times Opinion section on Facebook, Twitter (@NYTopinion) and Instagram.",
     "Subscribe to the 9to5Toys YouTube Channel for all of the latest videos, reviews, and more!",
     "Email Tariq Malik at tmalik@space.com or follow him @tariqjmalik.",
     "Copyright ⓒ Entermedia.co.kr. 무단전재 및 재배포 금지", "SEE MORE: Hong Kong protests: 800 students under siege"],
)
def test_cleanup_drops_calls_to_action_and_comment_labels(line: str) -> None:
    assert clean_lines(["The council met on Monday and approved the budget.", line]) == [
        "The council met on Monday and approved the budget."
    ]


def test_cleanup_keeps_editorial_lines_that_look_like_calls_to_action() -> None:
    lines = ["Click here to get more information or download this game.",
             "Comments from residents were mostly positive, the mayor said.",
             "She asked readers to email the council at its public address."]
    assert clean_lines(lines) == lines


def test_page_wide_form_without_paragraphs_keeps_its_text() -> None:
    # ASP.NET and forum software wrap the whole page in one <form>; the posts are <div>s, not <p>s.
    posts = [f"Beitrag {i}: seit dem Update auf iOS 13 habe ich keinen Zugriff mehr auf den App Store über mobile Daten, "
             f"obwohl die Einstellung freigegeben ist und das Telefon neu gestartet wurde ({i})." for i in range(6)]
    page = ("<html><body><form id='HtmlForm1' method='post'><div class='nav'><a href='/'>Start</a></div>"
            + "".join(f"<div class='post'><div class='text'>{post}</div></div>" for post in posts)
            + "<div><input type='submit' value='Senden'></div></form>"
            "<div class='about'><p>Forum Example ist seit 1997 das Forum für alle Fragen rund um Apple, Mac, iPhone und "
            "iPad, mit Nachrichten, Tests und einer hilfsbereiten Gemeinschaft von Leserinnen und Lesern.</p></div>"
            "</body></html>")
    body = extract_article(page, "https://forum.example/discussion/1").body
    assert all(post in body for post in posts[:5])


def test_ordinary_form_is_still_pruned() -> None:
    text = " ".join(["The council approved the budget after a long debate on Monday evening."] * 6)
    page = (f"<html><body><article><h1>Budget</h1><p>{text}</p><p>{text}</p></article>"
            "<form><label>Sign up for our daily briefing and get the news first</label><input name='e'></form>"
            "</body></html>")
    assert "daily briefing" not in extract_article(page, "https://news.example/budget").body


def test_gallery_captions_stay_in_the_body_when_they_are_the_story() -> None:
    slides = [f"Costume idea {i}: with a bowler hat, a set of false lashes and an all-white outfit you can dress as "
              f"the antihero of a 1970s film, and nobody at the party will need to ask who you are ({i})." for i in range(5)]
    page = ("<html><head><meta property='og:type' content='article'></head><body><article><h1>Cheap costumes</h1>"
            "<p>Five ideas for this year.</p>"
            + "".join(f"<figure><img src='/s{i}.jpg'><figcaption>{text}</figcaption></figure>" for i, text in enumerate(slides))
            + "</article></body></html>")
    article = extract_article(page, "https://magazine.example/costumes")
    assert all(text in article.body for text in slides)
    assert [image.caption for image in article.images] == slides


def test_a_photo_caption_beside_a_real_story_leaves_the_body() -> None:
    text = " ".join(["The council approved the budget after a long debate on Monday evening."] * 8)
    page = (f"<html><body><article><h1>Budget</h1><p>{text}</p><figure><img src='/a.jpg'>"
            "<figcaption>The council chamber on Monday. Photo: Ann Lee</figcaption></figure><p>{text}</p>"
            "</article></body></html>").replace("{text}", text)
    article = extract_article(page, "https://news.example/budget")
    assert "council chamber" not in article.body
    assert article.images[0].caption == "The council chamber on Monday."


def test_body_is_nfc_and_keeps_zero_width_non_joiners() -> None:
    # Bengali ো written as two code points (ে + া) and ড় as one (U+09DC, which NFC decomposes).
    bengali = "আজ শনিবার সকাল সা\u09dcে ৭টার দিকে তিনি ঢাকায় পৌঁছান, সেখানে সাংবাদিকদের সঙ্গে কথা বলেন \u09a6\u09c7\u09beকানে। " * 4
    dari = "وزارت معارف می\u200cگوید که مکاتب در سراسر کشور بازگشایی می\u200cشوند و شاگردان به درس برمی\u200cگردند. " * 4
    page = f"<html><body><article><h1>খবর</h1><p>{bengali}</p><p>{dari}</p></article></body></html>"
    body = extract_article(page, "https://news.example/a").body
    nfc = unicodedata.normalize("NFC", bengali).strip()
    assert nfc != bengali.strip() and "\u09cb" in nfc and "\u09a1\u09bc" in nfc
    assert nfc in body
    assert dari.strip() in body and body.count("\u200c") == dari.count("\u200c")


def _article_with_list(href: str, dated: bool = True) -> str:
    text = " ".join(["NASA has recruited three commercial lunar lander ideas to join its Artemis moon program."] * 5)
    items = ["Moon Rush: Private Lunar Lander Plans", "Here's Where Commercial Landers Will Land on the Moon",
             "The International Space Station Is Open for Business in Orbit"]
    meta = "<meta property='article:published_time' content='2019-11-18T10:00:00Z'>" if dated else ""
    return (f"<html><head>{meta}</head><body><article><h1>NASA picks lander companies</h1><p>{text}</p><ul>"
            + "".join(f"<li><a href='{href}/{i}'>{item}</a></li>" for i, item in enumerate(items))
            + f"</ul><p>{text.replace('NASA', 'The agency')}</p></article></body></html>")


def test_related_story_list_inside_an_article_is_dropped() -> None:
    body = extract_article(_article_with_list("https://www.space.example/news"), "https://www.space.example/news/x").body
    assert "Moon Rush" not in body and "Open for Business" not in body
    assert body.count("Artemis moon program") == 10


def test_link_lists_to_other_sites_or_on_undated_pages_stay() -> None:
    external = extract_article(_article_with_list("https://shop.example/p"), "https://www.space.example/news/x").body
    assert "Moon Rush: Private Lunar Lander Plans" in external
    undated = extract_article(_article_with_list("/wiki", dated=False), "https://wiki.example/wiki/Moon").body
    assert "Moon Rush: Private Lunar Lander Plans" in undated
