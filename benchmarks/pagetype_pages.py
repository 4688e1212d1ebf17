"""Synthetic non-article pages (and live blogs, galleries) for the page-type labelled set.

Real dev pages are all articles; section fronts, tag/author/search pages, consent walls,
paywalls, error pages, live blogs and galleries are generated here from a seed, in five
languages and three template shapes (classic WordPress, JNews, plain HTML5), so the
labelled set exercises every page type. ``build(name)`` turns a name from
``pagetype_labels.json`` (``synthetic:KIND-LANG-N``) into ``(url, html)``.
"""

from __future__ import annotations

import json
import random
from html import escape

_HEADLINES = {
    "en": ["Cabinet approves new budget for the provinces", "Wheat prices ease in Kabul markets as imports resume",
           "Salang tunnel repairs to finish before winter", "Farmers in Herat report a record saffron harvest",
           "Election commission publishes its reform plan", "Power imports rise as winter demand peaks",
           "New textbooks reach schools in twelve provinces", "Mobile money use doubles in two years",
           "Border trade talks resume after a month-long pause", "Carpet weavers form a cooperative in Andkhoy",
           "City council votes to widen the ring road", "Exchange rate steady ahead of the new year"],
    "fa": ["کابینه بودجه‌ی تازه‌ی ولایت‌ها را تصویب کرد", "قیمت گندم در بازارهای کابل کاهش یافت",
           "ترمیم تونل سالنگ پیش از زمستان به پایان می‌رسد", "دهقانان هرات از حاصل بی‌سابقه‌ی زعفران خبر دادند",
           "کمیسیون انتخابات طرح اصلاحات خود را منتشر کرد", "واردات برق با افزایش تقاضا بیشتر شد",
           "کتاب‌های درسی تازه به مکتب‌های دوازده ولایت رسید", "استفاده از پول موبایلی دو برابر شد",
           "گفت‌وگوهای تجارت مرزی از سر گرفته شد", "قالین‌بافان اندخوی یک اتحادیه ساختند"],
    "ps": ["کابینې د ولایتونو نوې بودجه تصویب کړه", "د کابل په بازارونو کې د غنمو بیې راټیټې شوې",
           "د سالنګ تونل ترمیم به تر ژمي مخکې پای ته ورسېږي", "د هرات بزګرانو د زعفرانو بې‌ساري حاصل اعلان کړ",
           "د ټاکنو کمېسیون د اصلاحاتو طرحه خپره کړه", "د ژمي د اړتیا له امله د برېښنا واردات زیات شول",
           "نوي درسي کتابونه دولسو ولایتونو ته ورسېدل", "د ګرځنده پیسو کارونه دوه چنده شوه"],
    "de": ["Kabinett beschließt neuen Haushalt für die Länder", "Weizenpreise sinken auf den Märkten der Hauptstadt",
           "Tunnelsanierung soll vor dem Winter abgeschlossen sein", "Bauern melden eine Rekordernte bei Safran",
           "Wahlkommission veröffentlicht ihren Reformplan", "Stromimporte steigen mit der Nachfrage im Winter",
           "Neue Schulbücher erreichen zwölf Provinzen", "Mobiles Bezahlen verdoppelt sich in zwei Jahren"],
    "fr": ["Le gouvernement adopte le nouveau budget des provinces", "Le prix du blé baisse sur les marchés de la capitale",
           "Les travaux du tunnel seront terminés avant l'hiver", "Les paysans annoncent une récolte record de safran",
           "La commission électorale publie son plan de réforme", "Les importations d'électricité augmentent cet hiver",
           "De nouveaux manuels arrivent dans douze provinces", "Le paiement mobile double en deux ans"],
}
_PARAGRAPHS = {
    "en": "The ministry said on Monday that the money would reach every province before the spring planting season "
          "began, and that local councils would publish how it was spent.",
    "fa": "وزارت مالیه روز دوشنبه گفت که این پول پیش از آغاز فصل کشت بهاری به همه‌ی ولایت‌ها می‌رسد و شوراهای محلی "
          "چگونگی مصرف آن را نشر می‌کنند.",
    "ps": "د مالیې وزارت د دوشنبې په ورځ وویل چې دا پیسې به د پسرلني کرنې تر پیل مخکې ټولو ولایتونو ته ورسېږي او "
          "سیمه‌ییزې شوراګانې به یې د لګښت څرنګوالی خپروي.",
    "de": "Das Ministerium teilte am Montag mit, das Geld werde alle Provinzen vor Beginn der Aussaat im Frühjahr "
          "erreichen, und die Gemeinderäte würden offenlegen, wofür es ausgegeben wird.",
    "fr": "Le ministère a indiqué lundi que les fonds parviendraient à toutes les provinces avant les semis de "
          "printemps et que les conseils locaux publieraient l'usage qui en sera fait.",
}
_WORDS = {
    "en": {"site": "The Valley Times", "home": "Home", "section": "Economy", "tag": "Tag", "author": "Author",
           "search": "Search results for", "more": "Load more", "next": "Next", "notfound": "Page not found",
           "notfound_text": "Sorry, the page you are looking for does not exist or has been moved.",
           "wall": "Before you continue", "wall_text": "We use cookies and data to deliver and maintain our services. "
           "Accept all to allow us to use cookies for personalised content and ads.", "accept": "Accept all",
           "reject": "Reject all", "paywall": "Subscribe to continue reading", "paywall_text":
           "This article is for subscribers only. Already a subscriber? Log in.", "live": "Live updates"},
    "fa": {"site": "کابل تایمز", "home": "خانه", "section": "اقتصاد", "tag": "برچسب", "author": "نویسنده",
           "search": "نتایج جستجو برای", "more": "بیشتر", "next": "بعدی", "notfound": "صفحه پیدا نشد",
           "notfound_text": "متأسفیم، صفحه‌ای که به دنبال آن هستید وجود ندارد.", "wall": "پیش از ادامه",
           "wall_text": "ما از کوکی‌ها استفاده می‌کنیم. Accept all cookies to continue. We value your privacy.",
           "accept": "قبول همه", "reject": "رد همه", "paywall": "برای ادامه‌ی خواندن مشترک شوید",
           "paywall_text": "این مطلب تنها برای مشترکان است.", "live": "گزارش زنده"},
    "ps": {"site": "کابل ټایمز", "home": "کور", "section": "اقتصاد", "tag": "ټګ", "author": "لیکوال",
           "search": "د لټون پایلې", "more": "نور", "next": "بل", "notfound": "پاڼه ونه موندل شوه",
           "notfound_text": "بښنه غواړو، هغه پاڼه چې تاسو یې لټوئ شتون نه لري.", "wall": "مخکې له دې چې دوام ورکړئ",
           "wall_text": "موږ کوکیز کاروو. Accept all cookies to continue. We value your privacy.",
           "accept": "ټول ومنئ", "reject": "ټول رد کړئ", "paywall": "د لوستلو لپاره ګډون وکړئ",
           "paywall_text": "دا مطلب یوازې د ګډون والو لپاره دی.", "live": "ژوندی راپور"},
    "de": {"site": "Tal-Zeitung", "home": "Startseite", "section": "Wirtschaft", "tag": "Schlagwort",
           "author": "Autor", "search": "Suchergebnisse für", "more": "Mehr laden", "next": "Weiter",
           "notfound": "Seite nicht gefunden", "notfound_text": "Die gesuchte Seite existiert leider nicht.",
           "wall": "Bevor Sie fortfahren", "wall_text": "Wir verwenden Cookies. Mit Alle akzeptieren stimmen Sie der "
           "Nutzung zu. Privacy settings.", "accept": "Alle akzeptieren", "reject": "Ablehnen",
           "paywall": "Weiterlesen mit Abo", "paywall_text": "Dieser Artikel ist nur für Abonnenten.", "live": "Liveticker"},
    "fr": {"site": "Le Quotidien", "home": "Accueil", "section": "Économie", "tag": "Mot-clé", "author": "Auteur",
           "search": "Résultats de recherche pour", "more": "Voir plus", "next": "Suivant",
           "notfound": "Page introuvable", "notfound_text": "La page que vous cherchez n'existe pas.",
           "wall": "Avant de continuer", "wall_text": "Nous utilisons des cookies. Cliquez sur Tout accepter pour "
           "continuer. Privacy settings.", "accept": "Tout accepter", "reject": "Tout refuser",
           "paywall": "Abonnez-vous pour lire la suite", "paywall_text": "Cet article est réservé aux abonnés.",
           "live": "En direct"},
}
KINDS = {"section": "index", "tag": "index", "author": "index", "search": "index", "consent": "consent_wall",
         "paywall": "paywall", "error": "error", "live": "article", "gallery": "article"}
COUNTS = {"section": 20, "tag": 12, "author": 12, "search": 6, "consent": 12, "paywall": 12, "error": 12,
          "live": 10, "gallery": 10}
LANGS = ("en", "fa", "ps", "de", "fr")


def names() -> list[tuple[str, str]]:
    """``(name, label)`` of every synthetic page."""
    return [(f"synthetic:{kind}-{LANGS[i % len(LANGS)]}-{i}", KINDS[kind]) for kind in KINDS for i in range(COUNTS[kind])]


def build(name: str) -> tuple[str, str]:
    """``(url, html)`` of a synthetic page named ``synthetic:KIND-LANG-N``."""
    kind, lang, number = name.removeprefix("synthetic:").split("-")
    rng = random.Random(name)
    url, title, main, head = _KIND_BUILDERS[kind](lang, int(number), rng)
    return url, _page(lang, title, main, head, template=int(number) % 3, rng=rng)


def _page(lang: str, title: str, main: str, head: str, template: int, rng: random.Random) -> str:
    w = _WORDS[lang]
    rtl = ' dir="rtl"' if lang in ("fa", "ps") else ""
    nav = "".join(f'<li><a href="/{s}/">{escape(s.title())}</a></li>' for s in ("news", "economy", "sport", "culture", "opinion"))
    latest = "".join(f'<li><a href="/latest/{i}/">{escape(h)}</a></li>' for i, h in enumerate(rng.sample(_HEADLINES[lang], 4)))
    brand = (f'<h1 class="site-title"><a href="/">{w["site"]}</a></h1>' if template != 2
             else f'<div class="logo"><a href="/">{w["site"]}</a></div>')
    cookie = (f'<div id="cookie-notice" class="cookie-bar">{escape(w["wall_text"][:60])} <a>{w["accept"]}</a></div>'
              if rng.random() < 0.5 else "")
    wrapper = ("main", "div class=\"jeg_main_content\"", "div id=\"content\"")[template]
    return (f'<!DOCTYPE html><html lang="{lang}"{rtl}><head><meta charset="utf-8"><title>{escape(title)} – {w["site"]}</title>'
            f'<meta property="og:site_name" content="{w["site"]}">{head}</head><body><header>{brand}<nav><ul>{nav}</ul></nav>'
            f'</header><{wrapper}>{main}</{wrapper.split()[0]}><aside class="sidebar"><h3>Latest</h3><ul>{latest}</ul></aside>'
            f'<footer><p>© 2024 {w["site"]}</p></footer>{cookie}</body></html>')


def _teasers(lang: str, rng: random.Random, count: int, excerpts: bool) -> str:
    items = []
    for i in range(count):
        headline = rng.choice(_HEADLINES[lang])
        excerpt = f"<p>{escape(_PARAGRAPHS[lang][: rng.randint(60, 120)])}…</p>" if excerpts else ""
        items.append(f'<article class="post teaser"><h2 class="entry-title"><a href="/2024/03/{i:02d}/story-{i}/">{escape(headline)}</a>'
                     f'</h2><time datetime="2024-03-{i % 28 + 1:02d}">2024-03-{i % 28 + 1:02d}</time>{excerpt}</article>')
    return "".join(items) + f'<div class="pagination"><a href="?page=2">2</a> <a href="?page=2">{_WORDS[lang]["next"]}</a></div>'


def _section(lang: str, n: int, rng: random.Random) -> tuple[str, str, str, str]:
    path = ("/category/economy/", "/economy/", f"/{lang}/", "/news/economy")[n % 4]
    title = _WORDS[lang]["section"]
    main = f'<h1 class="archive-title">{title}</h1>' + _teasers(lang, rng, rng.randint(6, 20), excerpts=n % 2 == 0)
    return f"https://news-{lang}.example{path}", title, main, '<meta property="og:type" content="website">'


def _tag(lang: str, n: int, rng: random.Random) -> tuple[str, str, str, str]:
    path = ("/tag/saffron/", "/topics/saffron", "/schlagwort/safran/", "/t/saffron")[n % 4]
    title = f'{_WORDS[lang]["tag"]}: saffron'
    return f"https://news-{lang}.example{path}", title, f"<h1>{title}</h1>" + _teasers(lang, rng, rng.randint(5, 15), n % 2 == 1), ""


def _author(lang: str, n: int, rng: random.Random) -> tuple[str, str, str, str]:
    path = ("/author/nadia-sultani/", "/profile/nadia-sultani", "/people/nadia-sultani/")[n % 3]
    bio = f'<div class="author-description"><p>{escape(_PARAGRAPHS[lang][:150])}</p></div>' if n % 2 else ""
    main = f'<h1>{_WORDS[lang]["author"]}: Nadia Sultani</h1>{bio}' + _teasers(lang, rng, rng.randint(6, 14), False)
    return f"https://news-{lang}.example{path}", "Nadia Sultani", main, '<meta property="og:type" content="profile">'


def _search(lang: str, n: int, rng: random.Random) -> tuple[str, str, str, str]:
    title = f'{_WORDS[lang]["search"]} "budget"'
    return f"https://news-{lang}.example/?s=budget&p={n}", title, f"<h1>{title}</h1>" + _teasers(lang, rng, 10, True), ""


def _consent(lang: str, n: int, rng: random.Random) -> tuple[str, str, str, str]:
    w = _WORDS[lang]
    host = ("consent.news-{lang}.example", "news-{lang}.example")[n % 2].format(lang=lang)
    main = (f'<div class="consent-dialog" role="dialog"><h2>{w["wall"]}</h2><p>{escape(w["wall_text"])}</p>'
            f'<button>{w["accept"]}</button><button>{w["reject"]}</button><a href="/privacy">Privacy settings</a></div>')
    return f"https://{host}/2024/03/05/budget-story/", w["wall"], main, ""


def _paywall(lang: str, n: int, rng: random.Random) -> tuple[str, str, str, str]:
    w = _WORDS[lang]
    headline = rng.choice(_HEADLINES[lang])
    free = ('<script type="application/ld+json">' + json.dumps({"@context": "https://schema.org", "@type": "NewsArticle",
            "headline": headline, "isAccessibleForFree": False, "datePublished": "2024-03-05T08:00:00Z"}, ensure_ascii=False)
            + "</script>") if n % 2 else '<meta property="og:type" content="article">'
    main = (f'<article><h1>{escape(headline)}</h1><p>{escape(_PARAGRAPHS[lang][: rng.randint(120, 200)])}</p>'
            f'<div class="paywall"><h3>{w["paywall"]}</h3><p>{escape(w["paywall_text"])}</p><a href="/subscribe">{w["paywall"]}</a></div></article>')
    return f"https://news-{lang}.example/2024/03/05/story-{n}/", headline, main, free


def _error(lang: str, n: int, rng: random.Random) -> tuple[str, str, str, str]:
    w = _WORDS[lang]
    title = (w["notfound"], f'404 – {w["notfound"]}', "Error 404")[n % 3]
    links = "".join(f'<li><a href="/{i}/">{escape(h)}</a></li>' for i, h in enumerate(rng.sample(_HEADLINES[lang], 5)))
    main = f'<h1>{escape(title)}</h1><p>{escape(w["notfound_text"])}</p><form><input name="s"></form><ul>{links}</ul>'
    return f"https://news-{lang}.example/missing-page-{n}/", title, main, ""


def _live(lang: str, n: int, rng: random.Random) -> tuple[str, str, str, str]:
    headline = f'{_WORDS[lang]["live"]}: {rng.choice(_HEADLINES[lang])}'
    updates = "".join(f'<div class="live-update"><time datetime="2024-03-05T{9 + i:02d}:00:00Z">{9 + i}:00</time>'
                      f'<p>{escape(_PARAGRAPHS[lang][: rng.randint(90, len(_PARAGRAPHS[lang]))])} ({i})</p></div>'
                      for i in range(rng.randint(4, 9)))
    head = ('<script type="application/ld+json">' + json.dumps({"@context": "https://schema.org", "@type": "LiveBlogPosting",
            "headline": headline, "coverageStartTime": "2024-03-05T09:00:00Z"}, ensure_ascii=False) + "</script>"
            if n % 2 else '<meta property="article:published_time" content="2024-03-05T09:00:00Z">')
    return f"https://news-{lang}.example/live/2024/03/05/budget-{n}/", headline, f"<article><h1>{escape(headline)}</h1>{updates}</article>", head


def _gallery(lang: str, n: int, rng: random.Random) -> tuple[str, str, str, str]:
    headline = rng.choice(_HEADLINES[lang])
    figures = "".join(f'<figure><img src="/img/{n}-{i}.jpg" alt=""><figcaption>{escape(h)}</figcaption></figure>'
                      for i, h in enumerate(rng.sample(_HEADLINES[lang], 6)))
    intro = f"<p>{escape(_PARAGRAPHS[lang])}</p>"
    head = '<meta property="og:type" content="article"><meta property="article:published_time" content="2024-03-05T09:00:00Z">'
    return f"https://news-{lang}.example/gallery/budget-{n}/", headline, f"<article><h1>{escape(headline)}</h1>{intro}{figures}</article>", head


_KIND_BUILDERS = {"section": _section, "tag": _tag, "author": _author, "search": _search, "consent": _consent,
                  "paywall": _paywall, "error": _error, "live": _live, "gallery": _gallery}
