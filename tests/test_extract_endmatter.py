"""End matter and inline widgets inside the article container (``endmatter``, ``cleanup._inline_link_blocks``)."""

from __future__ import annotations

import pytest
from lxml.html import HtmlElement, document_fromstring

from archive.extract import extract_article
from archive.extract.cleanup import clean_lines
from archive.extract.endmatter import drop_end_matter, drop_link_teasers
from archive.extract.pagetype import headline_key, list_signals
from archive.extract.tail import drop_closing_sections
from archive.extract.trafilatura import EngineSettings

URL = "https://news.example.org/2024/03/12/council-budget"
PARAGRAPHS = [
    "The city council approved the budget for next year on Tuesday evening after a long debate about transport.",
    "Council members voted 31 to 12 in favour, with the opposition arguing that bus fares would rise again in spring.",
    "The mayor said the new plan would fund two tram lines and repair more than forty kilometres of roads this year.",
    "A final vote on the tram contracts is expected in June, when the tender results are published by the city.",
]


def _page(article_inner: str, extra: str = "") -> str:
    return f"""<!doctype html><html lang="en"><head><title>Council approves budget - Example News</title>
<meta property="og:type" content="article"><meta property="article:published_time" content="2024-03-12T10:00:00Z">
</head><body><header><a href="/">Example News</a></header>
<main><article><h1>Council approves budget</h1>{article_inner}</article></main>{extra}
<footer><p>Example News, 1 Main Street</p></footer></body></html>"""


def _paragraphs(items: list[str]) -> str:
    return "".join(f"<p>{text}</p>" for text in items)


def test_hover_card_inside_a_paragraph_leaves_the_sentence_whole() -> None:
    card = (
        '<span class="person"><a href="/people/jane-doe">Jane Doe</a><span class="card"><img src="/j.jpg" alt="">'
        '<a href="/2024/03/01/doe-wins-seat">Doe wins seat in a close race after recount in the north</a> '
        '<a href="/2024/02/11/doe-transport-plan">Doe unveils her transport plan for the inner city</a></span></span>'
    )
    first = f"<p>Mayor {card} said the plan would fund two tram lines and repair more than forty kilometres of roads.</p>"
    body = extract_article(_page(first + _paragraphs(PARAGRAPHS)), URL).body
    assert "Mayor Jane Doe said the plan would fund two tram lines" in body
    assert "recount" not in body and "unveils" not in body
    assert all(text in body for text in PARAGRAPHS)


def test_wire_credits_separators_timestamps_and_disclosures_leave_the_body() -> None:
    end = [
        "___",
        "Updated at 1:23 p.m.",
        "Associated Press writers Ann Smith and Bo Lee contributed to this report.",
        "(Reporting by Ann Smith; editing by Bo Lee)",
        "If you buy something through this post, Example News may get a share of the sale.",
        "Tags",
        "budget, council, trams",
    ]
    body = extract_article(_page(_paragraphs(PARAGRAPHS + end)), URL).body
    assert body.split("\n\n") == PARAGRAPHS


def test_a_paragraph_that_is_a_link_to_another_story_goes_but_in_page_links_stay() -> None:
    teasers = (
        '<p>Also on example.org: <a href="/2024/03/10/tram-tender">City opens tender for two new tram lines</a></p>'
        '<p><a href="/2024/03/09/bus-fares">Bus fares to rise again in spring, operator says</a> [VIDEO]</p>'
    )
    toc = '<h2><a href="#vote-on-the-tram-contracts">Vote on the tram contracts expected in June</a></h2>'
    inner = _paragraphs(PARAGRAPHS[:2]) + teasers + toc + _paragraphs(PARAGRAPHS[2:])
    body = extract_article(_page(inner), URL).body
    assert "City opens tender" not in body and "Bus fares to rise" not in body
    assert "Vote on the tram contracts expected in June" in body
    assert all(text in body for text in PARAGRAPHS)


def test_a_long_teaser_paragraph_that_is_all_link_goes_but_a_linked_phrase_in_a_paragraph_stays() -> None:
    """A sidebar card's summary (``<a><p>two sentences</p></a>``) that reached the body is a teaser of another
    page however long it is; a paragraph with a link in it is the story's."""
    card = ("The tram guide explains every line the city plans to build, the stops and the timetable for each district. "
            "It is updated whenever the council changes the plan, and it covers the bus lines that will feed the trams too, "
            "with maps of the new stations and their lifts.")
    assert len(card) > 250  # longer than a headline: the old length cap let such cards through
    linked = ('The council published <a href="/2024/03/01/tram-plan">its tram plan for the next decade</a> last month, '
              "after two years of consultation with residents, businesses and the transport authority of the region.")
    sidebar = f'<div class="guides"><ul><li><a href="/guide/trams/"><p>{card}</p></a></li></ul></div>'
    tree = document_fromstring(_page(_paragraphs(PARAGRAPHS[:2]) + f"<p>{linked}</p>", extra=sidebar))
    story = " ".join(document_fromstring(linked).text_content().split())
    lines = [card, *PARAGRAPHS[:2], story]
    signals = list_signals(tree, url=URL)
    assert drop_link_teasers(lines, tree, URL, signals.own_headlines, headline_key) == [*PARAGRAPHS[:2], story]


def test_kicker_before_the_headline_is_not_body() -> None:
    html = f"""<!doctype html><html lang="en"><head><title>Council approves budget - Example News</title>
<meta property="article:published_time" content="2024-03-12T10:00:00Z"></head><body>
<div class="story"><div>Analysis</div><h1>Council approves budget</h1>{_paragraphs(PARAGRAPHS)}</div></body></html>"""
    article = extract_article(html, URL)
    assert article.body.split("\n\n") == PARAGRAPHS


@pytest.mark.parametrize(
    "line",
    ["The vote on 12.03.2024 passed 31 to 12.", "+81 158-23-2012", "In 2023 the council met 14 times.",
     "Tags are sold at the market for 2 euros each.", "Contact: press@example.org"],
)
def test_editorial_lines_with_dates_numbers_or_labels_stay(line: str) -> None:
    assert drop_end_matter([line, "Body text of the story."]) == [line, "Body text of the story."]


@pytest.mark.parametrize(
    "line",
    ["UPDATED: Tue., Nov. 19, 2019", "- Published 18 November 2019", "22.01.2018 às 0:13", "Aktualisiert am 03.02.2021",
     "* * *", "Fox News’ Jane Roe contributed to this report.", "Anzeige, enthält Affiliate Links"],
)
def test_end_matter_lines_go(line: str) -> None:
    assert drop_end_matter(["Body text of the story.", line, "More body text."]) == [
        "Body text of the story.", "More body text."]


@pytest.mark.parametrize(
    "line",
    ["Estimated reading time: 6 minutes", "Tempo de leitura: 1 minuto", "SOURCE: Al Jazeera News", "Quelle: Landesregierung",
     "Additional reporting by Joseph Hudak", "Follow AP's full coverage of Brexit at https://apnews.example/Brexit",
     "Reach the reporters on Twitter at https://twitter.example/ann",
     "Get Motor Cycle Monthly delivered through your letterbox every month. 12 issues for £11.99. Click here for more.",
     "Get the day's top headlines delivered to your inbox every morning by subscribing to our newsletter.",
     "Copyright: Gisele Wender", "Quelle: Deutscher Jagdverband (DJV), 02. Februar 2022, Berlin",
     "Klicken Sie auf den unteren Button, um den Inhalt von www.komoot.example zu laden.",
     "This post contains references to products from our advertisers. We may receive compensation when you click on links."],
)
def test_notes_about_the_page_go(line: str) -> None:
    assert drop_end_matter(["Body text of the story.", line]) == ["Body text of the story."]


@pytest.mark.parametrize(
    "line",
    ["If you just want the streaming service, you can sign up for a free trial; afterwards it costs $6.99 a month.",
     "Buyers who paid $129 get three months of the $10-a-month subscription. This is the only way to get access to it.",
     "[CNET]", "Source: the ministry, which declined to give numbers, said the talks would resume."],
)
def test_prices_attributions_and_sourced_sentences_stay(line: str) -> None:
    assert drop_end_matter(["Body text of the story.", line]) == ["Body text of the story.", line]


def test_press_release_company_boilerplate_goes_but_a_story_about_a_company_stays() -> None:
    about = [
        "About Acme",
        "Acme is a global provider of hospital software and mobile workflow solutions for clinics.",
        "Acme is headquartered in Basel, has operating businesses in 18 countries and employs around 1,300 people.",
    ]
    body = extract_article(_page(_paragraphs(PARAGRAPHS + about)), URL).body
    assert body.split("\n\n") == PARAGRAPHS
    story = PARAGRAPHS + ["Acme, which employs 1,300 people, said the tram contract would create forty jobs in the city."]
    assert extract_article(_page(_paragraphs(story)), URL).body.split("\n\n") == story


@pytest.mark.parametrize(
    "line",
    ["Beitragsbild: Stefan Mang", "Titelbild: Flickr, CC BY 2.0", "Crédits photos : Bestimage", "Photo credit: Jane Roe/AFP",
     "Bild anzeigen", "Inhaltsverzeichnis", "Table of contents", "Kategorie: News", "Keine Kommentare",
     "Du musst eingeloggt sein, um Kommentare zu schreiben!", "Zum Newsletter anmelden",
     "Lust auf mehr? Melde dich hier für unseren Newsletter an!", "Pour lire la suite, abonnez-vous",
     "Schon gelesen?", "Weitere Themen", "Mehr zum Thema auf Example.de",
     "If you enjoyed reading this post – would you consider supporting our work? Just click here."],
)
def test_more_languages_of_known_boilerplate_kinds(line: str) -> None:
    assert clean_lines([line, "Body."]) == ["Body."]


@pytest.mark.parametrize(
    "line",
    ["News date : 04/21/2022 Category : Press Releases", "January 13, 2020 at 08:45 AM | categories: Python | View Comments",
     "Veröffentlichung: 04.02.2022"],
)
def test_post_meta_lines_go(line: str) -> None:
    assert drop_end_matter(["Body text of the story.", line]) == ["Body text of the story."]


@pytest.mark.parametrize(
    "line",
    ["The newsletter's editor said readers would not be asked to subscribe again.", "Der Inhalt des Berichts blieb geheim.",
     "Weitere Themen der Sitzung waren der Haushalt und die Schulen.", "Author: the council's own report, page 4, says so."],
)
def test_sentences_that_mention_those_words_stay(line: str) -> None:
    assert drop_end_matter(clean_lines([line, "Body."])) == [line, "Body."]


def test_a_body_far_shorter_than_the_page_text_is_checked_by_a_recall_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    """trafilatura sometimes settles on a tagline; a recall pass that finds much more text wins."""
    import archive.extract.extractor as extractor

    real = extractor.extract_lines

    def settles_on_tagline(tree: HtmlElement, url: str, settings: EngineSettings) -> list[str]:
        return real(tree, url, settings) if settings.recall else ["Your touchpoint to the news."]

    monkeypatch.setattr(extractor, "extract_lines", settles_on_tagline)
    body = extract_article(_page(_paragraphs(PARAGRAPHS)), URL).body
    assert body.split("\n\n") == PARAGRAPHS


def test_a_short_body_on_a_short_page_keeps_its_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    """A short body is checked by a recall pass (``test_extract_recall``); finding nothing more, it stays."""
    import archive.extract.extractor as extractor

    seen = []
    real = extractor.extract_lines

    def record(tree: HtmlElement, url: str, settings: EngineSettings) -> list[str]:
        seen.append(settings.recall)
        return real(tree, url, settings)

    monkeypatch.setattr(extractor, "extract_lines", record)
    assert extract_article(_page(_paragraphs(PARAGRAPHS)), URL).body.split("\n\n") == PARAGRAPHS
    assert seen == [False, True]


# Closing sections (``tail``): a heading that closes the body, with what its shape allows after it.
STORY = PARAGRAPHS[:3]


@pytest.mark.parametrize(
    "section",
    [
        ["Weitere Beiträge aus der Kolumne:"],
        ["Das Thema könnte dich auch interessieren:"],
        ["Lesen Sie auch die folgenden Beiträge:", "Warum Teams scheitern", "Fünf Trends für 2024"],
        ["You may also like", "Council opens tender for trams", "Bus fares to rise again"],
        ["Plus d'articles", "Le conseil vote le budget"],
        ["مطالب مرتبط", "شورای شهر بودجه را تصویب کرد"],
        ["اقرأ أيضاً:", "المجلس يقر الميزانية"],
        ["Kontakt:", "Dr. Jane Roe", "Example Institute", "E-Mail: roe@example.org"],
        ["Pressekontakt", "Stadt Example, Pressestelle", "Tel.: 0228 999 58 57", "presse@example.de"],
        ["Media contact", "Ann Smith", "+1 555 010 2030"],
        ["Über die Autorin:", "Jane Roe ist Redakteurin für Verkehr und schreibt seit 2010 über die Stadt."],
        ["AUTOR", "ist Gründungspartner der Kanzlei Roe und Partner. Zu seinen Tätigkeitsfeldern zählen Bank- und Kapitalmarktrecht."],
        ["About the author", "Jane Roe is professor emeritus of urban planning at Example University."],
        ["Über diese Reihe", "Die Stiftung ist in 110 Ländern vertreten und berichtet aus erster Hand."],
        ["How to listen to The Example Podcast", "Download: https://po.example/ep1", "iTunes: https://po.example/ep1-apple"],
    ],
)
def test_closing_sections_go(section: list[str]) -> None:
    assert drop_closing_sections(STORY + section) == STORY


def test_an_authors_bio_as_the_last_paragraph_goes_only_for_a_page_author() -> None:
    bio = "Inga Roe ist Head of Social & Community bei Example. Wenn sie nicht testet, verkauft sie Möbel."
    assert drop_closing_sections(STORY + ["Dr. " + bio], ["Inga Roe"]) == STORY
    assert drop_closing_sections(STORY + [bio], ["Inga Roe"]) == STORY
    assert drop_closing_sections(STORY + [bio], ["Jan Koch"]) == STORY + [bio]
    quoted = "Inga Roe said the vote was a relief for the district."
    assert drop_closing_sections(STORY + [quoted], ["Inga Roe"]) == STORY + [quoted]


@pytest.mark.parametrize(
    "section",
    [
        # a heading followed by the story's own long paragraphs is a subheading
        ["Weitere Themen der Sitzung", "The council also discussed the schools budget, which grows by four percent next year, "
         "and a plan to plant two thousand trees along the ring road; both passed without debate after the mayor said the money "
         "was already set aside in last year's reserve and the district would not need to borrow for either of the two projects."],
        # contact label without any contact datum after it
        ["Kontakt", "The council wants more contact between districts and the city."],
        # plain colon labels stay: they are as often part of the story
        ["The paper is available here:", "https://doi.example/10.1000/xyz"],
        ["Weitere Informationen:", "Wikipedia article on the tram network"],
        # an "about" heading followed by too much text is not a box
        ["Author", "One.", "Two.", "Three.", "Four."],
    ],
)
def test_headings_followed_by_the_story_stay(section: list[str]) -> None:
    assert drop_closing_sections(STORY + section) == STORY + section


def test_closing_sections_leave_the_page_through_extract_article() -> None:
    tail_html = (
        "<h3>Das könnte Sie auch interessieren:</h3>"
        '<ul><li><a href="/2024/03/10/tram">Tram tender opens</a></li><li><a href="/2024/03/09/bus">Bus fares rise</a></li></ul>'
        "<h3>Pressekontakt</h3><p>Stadt Example<br>Tel.: 0228 999 58 57<br>presse@example.de</p>"
    )
    body = extract_article(_page(_paragraphs(PARAGRAPHS) + tail_html), URL).body
    assert body.split("\n\n") == PARAGRAPHS


@pytest.mark.parametrize(
    "line",
    ["¿Ya sabías que en Example.com tenemos canal de Telegram? Únete desde tu celular en este enlace.",
     "Join our WhatsApp channel for the latest news", "برای دریافت اخبار به کانال تلگرام ما بپیوندید",
     "Do you want to be informed of our actions? Sign up here", "Unterstütze ExampleMag bereits mit 2,50!",
     "EXZ jetzt auch digital! Einfach hier klicken und für das digitale Heft registrieren!",
     "Die aktuelle Ausgabe der Example-Zeitung jetzt an jedem Kiosk, im Abo und als e-Paper erhältlich.",
     "Gefällt dir unser Klettermagazin? Wir haben uns gegen eine Bezahlschranke entschieden.",
     "Sie möchten wöchentliche Tipps? Schauen Sie mal in unseren Musiknewsletter!",
     "Verraten Sie gerne in den Kommentaren: Was bedeutet der Preis für Sie?",
     "Let us know down below in the comments what you think."],
)
def test_promos_and_prompts_go(line: str) -> None:
    assert clean_lines([line, "Body."]) == ["Body."]


@pytest.mark.parametrize(
    "line",
    ["The group claimed the attack on its Telegram channel on Sunday.", "Ein Nutzer schrieb in den Kommentaren, die Stadt habe versagt.",
     "The new issue of the report is available now to members of the board, he said.",
     "Die neue Ausgabe des Berichts nennt 14 Schulen, die saniert werden müssen.",
     "Die Werbung der Partei enthält falsche Zahlen, sagte er.", "Der Beitrag enthält Werbung für Zigaretten, rügte der Presserat."],
)
def test_sentences_about_channels_issues_comments_and_ads_stay(line: str) -> None:
    assert drop_end_matter(clean_lines([line, "Body."])) == [line, "Body."]


def test_advertising_disclosure_goes() -> None:
    assert drop_end_matter(["*Werbung. Dieser Beitrag enthält Werbung für Example.", "Body."]) == ["Body."]


@pytest.mark.parametrize(
    "line",
    ["24. März 2004, 19:49 | Genesis", "5:45 AM PST 11/19/2019 by Ann Roe", "2021-10-16 | Botschaft",
     "More AP NBA: https://apnews.example/NBA and https://twitter.example/AP_Sports"],
)
def test_timestamps_beside_a_byline_or_label_and_more_links_go(line: str) -> None:
    assert drop_end_matter(["Body text of the story.", line]) == ["Body text of the story."]


@pytest.mark.parametrize(
    "line",
    ["| Endstand intern | 8:4 | 1:21 |", "| Song title | 2017-07-14 |", "Concert 12.03.2024 | Stadthalle Example",
     "Tickets: 12.03.2024 | 20 Uhr | Stadthalle Example, Eintritt 12 Euro.", "On 12.03.2024 the council met | see below."],
)
def test_table_rows_and_listings_with_dates_stay(line: str) -> None:
    assert drop_end_matter(["Body text of the story.", line]) == ["Body text of the story.", line]


def test_click_to_tweet_button_is_cut_from_its_pull_quote() -> None:
    assert clean_lines(["Every business lives in time.Click To Tweet", "Body."]) == ["Every business lives in time.", "Body."]


@pytest.mark.parametrize(
    "line",
    ["Subscribe to Example News on YouTube for more Apple news:",
     "ATENÇÃO: Comentários com textos ininteligíveis não serão aprovados pelo moderador.",
     "Comments are moderated and will not be published until approved."],
)
def test_channel_pitches_and_comment_policies_go(line: str) -> None:
    assert clean_lines([line, "Body."]) == ["Body."]


def test_comment_moderation_in_the_news_stays() -> None:
    line = "The company said comments on the forum were moderated by staff in Dublin."
    assert clean_lines([line, "Body."]) == [line, "Body."]


def test_explore_further_closes_the_body() -> None:
    assert drop_closing_sections(STORY + ["Explore further"]) == STORY


@pytest.mark.parametrize(
    "line",
    ["More:", "More: Council delays vote on stadium plan",
     "The Times is committed to publishing letters to the editor. We’d like to hear what you think about this article."],
)
def test_bare_more_labels_and_letters_prompts_go(line: str) -> None:
    assert clean_lines([line, "Body."]) == ["Body."]


def test_sentences_opening_with_more_stay() -> None:
    line = "More than 40 people attended the meeting."
    assert clean_lines([line, "Body."]) == [line, "Body."]


@pytest.mark.parametrize(
    "box",
    ['<div class="article-promo"><p>Wir bieten profunden Theaterjournalismus. Unterstützen Sie uns mit einem Beitrag.</p></div>',
     '<div class="donation-box"><p>Independent journalism costs money. Please consider a monthly gift today.</p></div>',
     '<div class="post-author-description"><p>Jane Roe writes about cities, transport and the people who plan them.</p></div>',
     '<div class="press-contact"><p>City press office, Main Street 1, phone 555 010 2030.</p></div>',
     '<section class="read-next"><p>Tomorrow: how the tram tender will work, and who is expected to bid for it.</p></section>'],
)
def test_boxes_named_promo_bio_contact_or_read_next_leave_the_tree(box: str) -> None:
    body = extract_article(_page(_paragraphs(PARAGRAPHS[:2]) + box + _paragraphs(PARAGRAPHS[2:])), URL).body
    assert body.split("\n\n") == PARAGRAPHS


def test_a_closing_run_of_video_headlines_goes_but_one_tagged_line_stays() -> None:
    videos = ["Headset review: my new go-to wireless gaming headset [Video]", "Espresso machine review – tiny and strong (Video)"]
    assert drop_closing_sections(STORY + videos) == STORY
    single = ["Watch the council debate here [Video]"]
    assert drop_closing_sections(STORY + single) == STORY + single


def test_most_read_heading_goes() -> None:
    assert clean_lines(["Most read in world news", "Body."]) == ["Body."]
    line = "Most read the report before the vote, the clerk said."
    assert clean_lines([line, "Body."]) == [line, "Body."]
