"""News boilerplate that trafilatura keeps: pruned from the tree before it, and from its lines after.

Tree rules match class/id *tokens* of well-known widgets (Jetpack, sharedaddy, JNews,
AddToAny, YARPP, consent platforms...) and never remove the element holding the headline
or most of the page's paragraph text. Line rules match a marker at the *start* of a
paragraph ("Read also:", «بیشتر بخوانید», "Читайте также"...) and only for paragraphs of
link length; a paragraph is never dropped merely for being short.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from lxml import etree
from lxml.html import HtmlElement

# Class or id tokens (split on spaces) that mark boilerplate containers.
_BOILERPLATE_TOKEN = re.compile(
    r"""^(?:
      sharedaddy|sd-sharing(?:-enabled)?|sd-block|sd-like|jp-relatedposts|jp-sharing.*|jetpack-likes-widget.*
    | addtoany.*|a2a_kit.*|heateor.*|essb_.*|shareaholic.*|ssba.*|sharethis.*|st-inline-share-buttons
    | (?:post|entry|article|social|jeg)[-_]?share.*|share[-_]?(?:bar|buttons?|links|tools|box|icons|this|wrap.*|container)
    | social[-_]?(?:links|icons|buttons|media|follow|networks)|follow[-_]?us
    | jeg_share.*|jeg_post_tags|jeg_authorbox|jeg_postblock.*|jnews_related.*|jeg_prevnext_post|jeg_ad.*
    | jnews_inline_related_post.*|jeg_breadcrumbs|jeg_meta_.*|jnews-cookie-law-policy|jeg_navbar.*
    | yarpp.*|crp_related.*|rp4wp.*|related[-_]?(?:posts?|articles?|news|stories|content|links)(?:[-_].*)?
    | (?:more|recommended|popular|trending)[-_]?(?:stories|articles|posts|news)|read[-_]?(?:also|more[-_]?articles)
    | td-related.*|td-post-sharing.*|td-a-rec.*|tdb-author-box
    | newsletter.*|mc4wp.*|subscribe[-_]?(?:box|form|widget|cta)|signup[-_]?(?:box|form)|nl[-_]signup
    | author[-_]?(?:box|bio|info|card|details)|about[-_]?(?:the[-_]?)?author|entry[-_]author|saboxplugin.*|abh_box.*
    | (?:entry|post|article)[-_]?tags|tags[-_]?links|tag[-_]?cloud|post-categories
    | comments?(?:-area|-section|-list|-wrapper)?|respond|disqus_thread|wpdiscuz.*
    | post[-_]?navigation|nav[-_]links|navigation|breadcrumbs?|pagination
    | cookie.*|gdpr.*|cmplz.*|onetrust.*|qc-cmp.*|cc-window|cc-banner|CybotCookiebot.*|consent.*|didomi.*
    | adsbygoogle|advert.*|ad[-_]?(?:container|slot|unit|wrapper|box|block)|ads|dfp.*|sponsored.*|outbrain.*|taboola.*|OUTBRAIN
    | print[-_]?(?:button|link)|screen-reader-text|skip-link|sr-only|visually-hidden
    )$""",
    re.X | re.I,
)
# Parts of a class/id token ("article-promo", "post-author-description", "press-contact-box"), searched
# between "-"/"_"/space boundaries behind a substring test: cheaper than a leading ".*" per alternative.
_BOILERPLATE_PART = re.compile(
    r"""(?:^|[-_\s])(?:
      promo|donations?|donate|spenden|support[-_]?us|membership[-_]?(?:cta|box|banner)|paywall[-_]?(?:cta|promo)
    | (?:author|autor)[-_]?(?:bio|about|description|profile)|bio[-_]?box|(?:press|presse|media)[-_]?(?:contacts?|kontakte?)
    | recommendations?|more[-_]?(?:from|articles|stories|news)|also[-_]?read|read[-_]?next|next[-_]?(?:article|post|story)
    | weitere[-_]?(?:artikel|beitraege)|mehr[-_]?zum[-_]?thema
    )(?:$|[-_\s])""",
    re.X | re.I,
)
_PART_WORDS = (
    "promo", "donat", "spende", "support", "membership", "paywall", "bio", "autor", "author", "contact", "kontakt",
    "recommend", "more", "read", "next", "weitere", "mehr",
)
_BOILERPLATE_TAGS = ("nav", "aside", "footer", "form", "button", "noscript", "template", "iframe", "dialog")
# Walking every element from Python was a tenth of the extraction time; XPath picks the few a rule can match.
_CANDIDATES = "|".join(
    [f"//{tag}" for tag in _BOILERPLATE_TAGS] + ["//*[@class or @id or @role or @aria-hidden or @style]"]
)
# How many of the candidates above lie inside an element (they follow it in document order).
_INNER_CANDIDATES = etree.XPath(
    "count(descendant::*[" + " or ".join([f"self::{tag}" for tag in _BOILERPLATE_TAGS] + ["@class or @id or @role or @aria-hidden or @style"]) + "])"
)
# Text of the paragraphs at or under an element, as plain strings (no proxy per <p>).
_PARAGRAPH_TEXT = etree.XPath("descendant-or-self::p//text()", smart_strings=False)
_ALL_TEXT = etree.XPath("descendant-or-self::*[not(self::script or self::style)]/text()", smart_strings=False)
_MAX_REMOVED_SHARE = 0.5
_HIDDEN_PROSE_CHARS = 400


def prune_tree(tree: HtmlElement, extra_drop: list[HtmlElement] | None = None) -> None:
    """Remove boilerplate subtrees in place (plus ``extra_drop``, from a site profile)."""
    total = _paragraph_chars(tree) or 1
    protected = set(tree.xpath("//h1/ancestor-or-self::*"))
    page_text = 0

    def holds_the_text(element: HtmlElement) -> bool:
        """Too much of the page's text to be boilerplate, whatever its class says."""
        nonlocal page_text
        if _paragraph_chars(element) > total * _MAX_REMOVED_SHARE:
            return True  # e.g. an ASP.NET <form> or a widget class on the article wrapper: keep the text
        if element.tag == "form":  # a page-wide <form> on a page whose text is not in <p> (forums, ASP.NET)
            page_text = page_text or _text_chars(tree)
            return _text_chars(element) > page_text * _MAX_REMOVED_SHARE
        return False

    doomed = [element for element in extra_drop or [] if element not in protected and not holds_the_text(element)]
    candidates = tree.xpath(_CANDIDATES)  # document order, like ``iter()``, but only elements a rule can match
    position = 0
    while position < len(candidates):
        element = candidates[position]
        position += 1
        if element in protected or not (element.tag in _BOILERPLATE_TAGS or _is_boilerplate(element)):
            continue
        if not holds_the_text(element):
            doomed.append(element)
            position += int(_INNER_CANDIDATES(element))  # its subtree goes with it: nothing inside needs judging
    for element in doomed:
        _drop(element)
    for element in _inline_link_blocks(tree):
        _drop(element)


# Elements nested in a paragraph that hold two or more links and little else: hover cards
# ("more stories about this person") and link boxes a CMS injects into the running text.
_INLINE_BLOCKS = etree.XPath("//p//*[self::span or self::div or self::ul or self::aside][count(.//a) >= 2]")
_LINK_TEXT = etree.XPath(".//a//text()", smart_strings=False)
_INLINE_MIN_CHARS = 60
_INLINE_LINK_SHARE = 0.9


def _inline_link_blocks(tree: HtmlElement) -> list[HtmlElement]:
    """The innermost link-only blocks inside paragraphs (an outer one may also hold the linked name itself)."""
    found = [element for element in _INLINE_BLOCKS(tree) if _link_only(element)]
    inner: set[HtmlElement] = set()
    for element in found:
        inner.update(a for a in element.iterancestors() if a in found)
    return [element for element in found if element not in inner]


def _link_only(element: HtmlElement) -> bool:
    chars = _text_chars(element)
    if chars < _INLINE_MIN_CHARS:
        return False
    return sum(len(t.strip()) for t in _LINK_TEXT(element)) >= _INLINE_LINK_SHARE * chars


def _is_boilerplate(element: HtmlElement) -> bool:
    if element.tag in ("html", "body", "article", "main", "p", "h1", "h2"):
        return False
    names = f"{element.get('class') or ''} {element.get('id') or ''}"
    if element.get("role") in ("navigation", "complementary", "dialog", "alertdialog", "banner", "contentinfo"):
        return True
    if element.get("aria-hidden") == "true" or "display:none" in (element.get("style") or "").replace(" ", ""):
        # Hidden until a script shows it: menus and modals, but also gallery slides and
        # "read more" halves of the article, which hold real paragraphs.
        return _paragraph_chars(element) < _HIDDEN_PROSE_CHARS
    return _boilerplate_names(names)


@lru_cache(maxsize=8192)
def _boilerplate_names(names: str) -> bool:
    """Cached: a page repeats the same few class attributes thousands of times."""
    if any(_BOILERPLATE_TOKEN.match(token) for token in names.split()):
        return True
    lower = names.lower()
    return any(word in lower for word in _PART_WORDS) and bool(_BOILERPLATE_PART.search(names))


def paragraph_chars(element: HtmlElement) -> int:
    """Characters of paragraph (``<p>``) text at or under ``element``."""
    return _paragraph_chars(element)


def _paragraph_chars(element: HtmlElement) -> int:
    return sum(map(len, _PARAGRAPH_TEXT(element)))


def _text_chars(element: HtmlElement) -> int:
    return sum(map(len, map(str.strip, _ALL_TEXT(element))))


def _drop(element: HtmlElement) -> None:
    """Remove ``element`` but keep its tail text in the document."""
    parent = element.getparent()
    if parent is None:
        return
    tail = element.tail
    previous = element.getprevious()
    if tail and tail.strip():
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(element)


_ZW = "\u200c?"
# Paragraph starts that introduce a link to another story ("Read also: ...").
_SEE_ALSO = (
    r"(?:also |must )?read (?:also|more|next|this)|see also|related(?: (?:stories|articles|news|coverage|content|posts?))?"
    r"|see more|more (?:on this|from|about|stories)|more|recommended(?: for you)?|don'?t miss|you (?:may|might) (?:also )?like"
    r"|watch(?: also)?|listen|top stories|trending now|most (?:read|popular)(?: (?:in|on) [\w ]{1,30})?|latest news"
    r"|(?:à )?lire (?:aussi|également|la suite)|voir aussi|sur le même sujet|à voir aussi|notre dossier"
    r"|le(?:e|a)s? también|te puede interesar|ver también|leer más|más información|noticias relacionadas|relacionad[oa]s?"
    r"|también te puede interesar|lesen sie (?:auch|mehr)|auch interessant|mehr zum thema(?: (?:auf|bei) \S{1,40})?|siehe auch|weiterlesen"
    r"|schon gelesen|auch lesen|zum weiterlesen|weitere (?:themen|artikel|beiträge|meldungen|nachrichten)|empfohlene (?:artikel|beiträge)"
    r"|ähnliche (?:artikel|beiträge)|das könnte (?:dich|sie) (?:auch )?interessieren|lust auf mehr|you (?:may|might) also be interested in"
    r"|more (?:like this|to read|to explore)|(?:à|a) lire (?:également|ensuite)|plus d'articles|te recomendamos|más noticias"
    r"|das könnte sie auch interessieren|leia (?:também|mais)|veja também|leggi anche|vedi anche|lees ook"
    r"|читайте (?:также|нас)|смотрите также|см\. также|по теме|подробнее|читать далее|читать также|новости по теме"
    rf"|(?:همچنین )?بیشتر بخوانید|همچنین بخوانید|بخوانید|مطالب مرتبط|مطلب مرتبط|ادامه مطلب|پیشنهاد{_ZW} ?ما|بیشتر در این باره|اینجا بخوانید"
    rf"|نور ولولئ|دا هم ولولئ|دا هم وګورئ|اړوند(?: مطالب| خبرونه)?|نور ولوله"
    r"|إ?اقرأ أيضا?ً?|إقرأ أيضا?ً?|اقرأ المزيد|مواضيع ذات صلة|أ?اخبار ذات صلة|أخبار ذات صلة|شاهد أيضا?ً?|طالع أيضا?ً?|للمزيد"
)
_SHARE = (
    r"share(?: this(?: article| story| post)?)?|tweet|print|email|whatsapp|telegram|facebook|twitter|linkedin|pinterest"
    r"|reddit|x|copy link|like this|like loading\.*|loading\.*|click to (?:share|print|email).*|partager|compartir|teilen"
    r"|поделиться|اشتراک{_ZW}? ?گذاری|شریک کړئ|مشاركة|شارك".replace("{_ZW}", _ZW)
)
_ALWAYS = (
    r"follow us\b.*|suivez[- ]nous\b.*|síguenos\b.*|folgen sie uns\b.*|подписывайтесь на\b.*|следите за\b.*"
    r"|.*(?:را|ما را) (?:در|به) .{0,40} دنبال کنید.*|.*تعقیب کړئ.*|تابعونا\b.*|تابعوا\b.*"
    r"|(?:subscribe|sign up)(?: now)?(?: to| for) (?:our|the) .*newsletter.*|.*newsletter.{0,40}(?:sign up|subscribe|inbox).*"
    r"|abonnez[- ]vous\b.*|inscrivez[- ]vous à (?:la|notre) newsletter.*|suscr[ií]bete\b.*|abonnieren sie\b.*"
    r"|подпишитесь\b.*|عضو خبرنامه.*|اشترك(?:وا)? في\b.*"
    r"|(?:©|ⓒ|\(c\)|copyright\s*(?:©|ⓒ|\(c\)|\d{4})).{0,200}|.*all rights reserved\.?|.*tous droits réservés\.?|.*todos los derechos reservados\.?"
    r"|.*alle rechte vorbehalten\.?|.*все права защищены\.?|.*(?:تمامی|کلیه) حقوق .{0,60}(?:محفوظ|متعلق).*|.*جميع الحقوق محفوظة.*"
    r"|.*(?:may not be|cannot be) (?:re)?published,? broadcast,? rewritten.*|reproduction (?:interdite|prohibited).*"
    r"|перепечатка .{0,80}|.*نقل (?:مطالب|مطلب) .{0,60}(?:ممنوع|ذکر منبع).*|.*با ذکر منبع.{0,40}(?:آزاد|مجاز) است.*"
    r"|.*(?:this|our) (?:web)?site uses cookies.*|we use cookies.*|nous utilisons des cookies.*|utilizamos cookies.*"
    r"|wir verwenden cookies.*|мы используем (?:cookies|файлы cookie).*|.*accept (?:all )?cookies.*"
    r"|advertisement|advertising|anzeige|publicité|publicidad|реклама|تبلیغات|إعلان|story continues below.*"
    r"|continue reading (?:below|the main story)|scroll to continue.*|skip advertisement"
    r"|(?:tell us what you think|what do you think|let us know (?:what you think|in the comments)|have your say"
    r"|join the (?:conversation|discussion)|share your (?:thoughts|views)|dites-nous ce que vous en pensez"
    r"|sagen sie uns (?:ihre meinung|was sie denken)|نظر (?:خود|تان) را|نظرتان را|خپل نظر(?:ونه)?|شاركونا (?:آراءكم|رأيكم))\b.{0,200}"
    r"|order reprints?\b.{0,200}|.*for your personal,? non-commercial use only.*|reprints? (?:&|and) permissions.{0,100}"
    r"|print (?:this )?(?:article|page|story)|today'?s paper|.*governed by our subscriber agreement.*"
    r"|(?:already a (?:subscriber|member)\??|subscribe (?:now|today)|become a (?:subscriber|member)|get unlimited access"
    r"|support (?:our|independent) journalism|sign up for (?:our|the) .{0,40}newsletter|unlock (?:this|full) (?:article|access))\b.{0,200}"
    r"|(?:click|tap) here to (?:subscribe|sign up|register|join|follow|get (?:the|our) .{0,40}(?:app|newsletter))\b.{0,200}"
    r"|(?:\d+ )?(?:comments?|leave a (?:comment|reply)|post a comment|add a comment|show comments|view comments)"
    r"|(?:did you )?(?:like|enjoy(?:ed)?) this (?:story|article|post)\?.{0,120}"
    r"|(?:follow|subscribe to) .{1,80} on (?:twitter|facebook|instagram|linkedin|youtube|tiktok)\b.{0,150}"
    r"|subscribe to (?:the|our) .{0,80}(?:channel|newsletter|podcast)\b.{0,120}"
    r"|e-?mail [^.@]{1,60} at \S+@\S+.{0,200}"
    r"|(?:posted|published|filed|written) (?:in|under|by)\b.{0,120}(?:categor(?:y|ies)|tags?|posted in|filed under|comments?)\b.{0,120}"
    r"|(?:posted in|filed under|categor(?:y|ies)|kategorien?|catégories?|categorías?|categorias?|categorie|рубрик[аи])\s*[:：]?.{0,150}"
    r"|(?:keine|\d+) kommentare?\b.{0,100}|kommentare? (?:insgesamt|schreiben|anzeigen)\b.{0,60}|(?:aucun|\d+) commentaires?\b.{0,60}"
    r"|(?:sin|\d+) comentarios?\b.{0,60}|you must be logged in to .{0,80}"
    r"|sie sind (?:aktuell |derzeit )?nicht (?:eingeloggt|angemeldet)\.?"
    r"|(?:pour lire la suite|pour accéder (?:en illimité|à la suite|à l'intégralité)|para seguir leyendo|para continuar leyendo"
    r"|weiterlesen mit|jetzt weiterlesen|lesen sie (?:jetzt )?weiter mit|(?:déjà|ya eres) (?:abonné|suscriptor))\b.{0,200}"

    r"|(?:home|startseite|start|accueil|inicio|главная|خانه|کور|الرئيسية|صفحه اصلی)\s*[»›>/|].{0,250}"
    r"|(?:tags?|étiquettes?|etiquetas|schlagwörter|теги|برچسب{zw}?ها|کلمات کلیدی|ټګونه|الوسوم|الكلمات المفتاحية|keywords)\s*[:：].{0,300}"
    r"|(?:photo|image|foto|фото|عکس|انځور|صورة)(?: credit| source)?\s*[:：©/].{0,100}|image (?:caption|source|copyright).{0,100}"
    r"|(?:photos?|fotos?|bild|bilder|images?|cover|header|featured|lead|top)[- ]?(?:credits?|nachweis|quelle|image|photo)s?\s*[:：©/].{0,100}"
    r"|(?:beitragsbild|titelbild|aufmacherbild|headerbild|vorschaubild|crédits? photos?|image d'illustration|photo d'illustration"
    r"|image illustrative|foto de portada|imagen de portada|imagen|créditos?)\s*[:：©/].{0,100}"
    r"|(?:bild|image|foto|photo|picture)s? (?:anzeigen|vergrößern|ansehen|öffnen|agrandir|ampliar)|(?:view|enlarge|zoom) (?:image|photo|picture)s?"
    r"|(?:table of contents|contents|inhaltsverzeichnis|inhalt|sommaire|table des matières|índice|contenido|indice|содержание)"
).replace("{zw}", _ZW)
_SEE_ALSO_LINE = re.compile(rf"^[\W_]*(?:{_SEE_ALSO})\s*(?:[:：»>|–—?-]|$)", re.I)
_SHARE_LINE = re.compile(rf"^(?:[-•|]?\s*(?:{_SHARE})\s*[:|•·,]?\s*)+$", re.I)
_ALWAYS_LINE = re.compile(rf"^[-•\s]*(?:{_ALWAYS})\s*$", re.I | re.S)
_LIST_ITEM = re.compile(r"^[-•*]\s|^\d+[.)]\s")
_LINK_LENGTH = 300


# Unrendered WordPress shortcodes: ``[button link="..."]Label[/button]``, ``[/caption]``.
_SHORTCODE = re.compile(r"\[/?[a-z][a-z0-9_-]*(?:\s+[a-z_-]+=(?:\"[^\"\]]*\"|'[^'\]]*'|[^\s\]]*))*\s*/?\]", re.I)
_SHORTCODE_TEXT = 120
_CLICK_TO_TWEET = re.compile(r"\s*click to tweet$", re.I)


def clean_lines(lines: list[str], extra: re.Pattern[str] | None = None) -> list[str]:
    """Drop boilerplate paragraphs (and the link list after a "Related" heading)."""
    kept: list[str] = []
    in_related_list = False
    for raw in lines:
        line = _strip_shortcodes(raw.strip())
        if line.endswith(("Tweet", "tweet", "TWEET")):  # a pull quote's "Click To Tweet" button, glued to the sentence
            line = _CLICK_TO_TWEET.sub("", line)
        if not line:
            continue
        if in_related_list and _LIST_ITEM.match(line):
            continue
        in_related_list = False
        if _is_boilerplate_line(line) or (extra is not None and extra.search(line)):
            in_related_list = bool(_SEE_ALSO_LINE.match(line)) and len(line) < 60
            continue
        kept.append(line)
    return kept


def _strip_shortcodes(line: str) -> str:
    """A line that is a shortcode widget goes; shortcode tags around editorial text are cut out."""
    if "[" not in line or not _SHORTCODE.search(line):
        return line
    rest = _SHORTCODE.sub("", line).strip()
    tags = [m.group(0) for m in _SHORTCODE.finditer(line)]
    if not any("=" in tag or tag.startswith("[/") for tag in tags):
        return line  # "[Updated]", "[sic]": editorial brackets, not a shortcode
    return "" if len(rest) < _SHORTCODE_TEXT else rest


# The site's own channel ("tenemos canal de Telegram", "our WhatsApp channel"); "its Telegram channel" is news.
_OWN_CHANNEL = (
    r"\b(?:our|unsere[mnr]?|notre|nuestro|tenemos|we have|wir haben)\b.{{0,20}}\b(?:canal|channel|kanal|chaîne|gruppe|group|grupo)\b"
    r".{{0,20}}\b{app}\b|\b(?:our|unsere[mnr]?|notre|nuestro)\s+{app}[- ](?:channel|kanal|canal|chaîne)"
)
# Calls to action found anywhere in a short paragraph, each behind a cheap substring test.
_ANYWHERE = (
    ("newsletter", re.compile(
        r"\b(?:sign up|subscribe|melde dich|anmelden|abonnieren|inscrivez[- ]vous|abonnez[- ]vous|suscr[ií]bete|reg[ií]strate)"
        r"\b.{0,40}\bnewsletter\b|\bnewsletter\b.{0,20}\b(?:anmelden|abonnieren|bestellen)\b"
        r"|\b(?:our|unsere[mnr]?|notre|nos|nuestro)\s+(?:\w+\s)?\w*newsletter", re.I)),
    # Magazine, app and channel promos: "Die aktuelle Ausgabe der X jetzt am Kiosk", "X jetzt auch digital!",
    # "Únete a nuestro canal de Telegram", "Do you want to be informed of X's actions? Sign up here".
    ("ausgabe", re.compile(r"\b(?:aktuelle|neue|neueste) ausgabe\b.{0,120}\b(?:kiosk|im abo|e-?paper|erhältlich|bestellen)\b", re.I)),
    ("issue", re.compile(r"\b(?:latest|current|new) issue\b.{0,80}\b(?:on (?:sale|newsstands)|at newsstands|subscribe (?:now|today|here))\b", re.I)),
    ("numéro", re.compile(r"\b(?:nouveau|dernier) numéro\b.{0,80}\b(?:en kiosque|disponible)\b", re.I)),
    ("digital", re.compile(r"\bjetzt (?:auch )?digital\s*!", re.I)),
    ("klicken", re.compile(r"\bhier klicken und\b.{0,60}\b(?:registrieren|anmelden|abonnieren|bestellen|sichern)\b", re.I)),
    (" here", re.compile(r"\b(?:sign up|register|subscribe|join us|donate) here\b", re.I)),
    ("inform", re.compile(
        r"\b(?:want to (?:be|stay) (?:informed|up to date)|möchtest du (?:informiert|auf dem laufenden) bleiben"
        r"|möchten sie (?:informiert|auf dem laufenden) bleiben)\b", re.I)),
    ("telegram", re.compile(_OWN_CHANNEL.format(app="telegram"), re.I)),
    ("whatsapp", re.compile(_OWN_CHANNEL.format(app="whatsapp"), re.I)),
    ("تلگرام", re.compile(r"کانال\S*\s+تلگرام.{0,60}(?:بپیوندید|عضو شوید|دنبال کنید)")),
    ("تلغرام", re.compile(r"قناتنا\s+(?:على\s+|في\s+)?تلغرام")),
    ("تيليجرام", re.compile(r"قناتنا\s+(?:على\s+|في\s+)?تيليجرام")),
    # Donation asks and "do you like our magazine?".
    ("unterstütz", re.compile(r"^(?:jetzt )?unterstütze(?:n sie)? (?:uns|unsere arbeit|\S+ (?:bereits |schon )?(?:mit|ab) [\d,.]+)", re.I)),
    ("gefällt", re.compile(r"^gefällt (?:dir|ihnen|euch) unser\w*\s+[\w-]+\?", re.I)),
    ("enjoy", re.compile(r"^(?:do you )?enjoy(?:ing)? (?:reading )?(?:our|this) (?:magazine|journalism|work|newsletter|podcast|site|website)\?", re.I)),
    # "Verraten Sie gerne in den Kommentaren", "Let us know below in the comments": prompts, not the story.
    ("komment", re.compile(
        r"\b(?:verraten sie|schreiben sie|erzählen sie|teilen sie|verrate|schreib|erzähl|verratet|schreibt|erzählt|teilt)"
        r"(?: (?:es|uns|mir))? (?:gerne?|doch|ruhig|uns|mir)\b.{0,40}\bkommentar", re.I)),
    ("comment", re.compile(r"\b(?:let us know|tell us)\b.{0,40}\bin the comments\b", re.I)),
    ("hear what", re.compile(r"\bwe(?:['’]d| would) (?:like|love) to hear what you think\b", re.I)),
    # The comment policy under the article ("Comentários ... não serão aprovados pelo moderador").
    ("moder", re.compile(
        r"^(?:\w+\s*:\s*)?(?:comments?|comentários?|comentarios?|kommentare?|commentaires?)\b.{0,150}"
        r"\b(?:will not be (?:approved|published)|não serão (?:aprovados|publicados)|no serán (?:aprobados|publicados)"
        r"|werden nicht (?:freigeschaltet|veröffentlicht)|ne seront pas (?:publiés|validés)|are moderated|werden moderiert"
        r"|sont modérés|são moderados|son moderados)", re.I)),
    ("eingeloggt", re.compile(r"\beingeloggt sein,? um\b", re.I)),
    ("angemeldet", re.compile(r"\bangemeldet sein,? um\b", re.I)),
    ("support", re.compile(r"\bwould you (?:consider|like to) support(?:ing)? (?:our|us|independent)\b", re.I)),
)
_ANYWHERE_MAX = 250


def _is_boilerplate_line(line: str) -> bool:
    if len(line) <= _LINK_LENGTH and _SEE_ALSO_LINE.match(line):
        return True
    if len(line) <= 120 and _SHARE_LINE.match(line):
        return True
    if len(line) <= _ANYWHERE_MAX:
        lower = line.lower()
        if any(word in lower and pattern.search(line) for word, pattern in _ANYWHERE):
            return True
    return len(line) <= 400 and bool(_ALWAYS_LINE.match(line))


_MIN_LINKED_RUN = 3
_WORD_SPLIT = re.compile(r"\s+")


def drop_linked_lists(lines: list[str], headlines: frozenset[str], key: Callable[[str], str]) -> list[str]:
    """Drop runs of ``_MIN_LINKED_RUN`` or more list items that each open with another story's headline link.

    "More on this" / "Related" blocks inside the article container come through trafilatura as
    list items ("- Headline Teaser sentence"); an item whose first words are the text of a
    headline-sized link on the page, in a run of such items, is a link list, not the story.
    """
    flags = [_opens_with_link(line, headlines, key) for line in lines]
    kept: list[str] = []
    i = 0
    while i < len(lines):
        j = i
        while j < len(lines) and flags[j]:
            j += 1
        if j - i >= _MIN_LINKED_RUN:
            i = j
            continue
        kept.extend(lines[i : max(j, i + 1)])
        i = max(j, i + 1)
    return kept


def _opens_with_link(line: str, headlines: frozenset[str], key: Callable[[str], str]) -> bool:
    if not _LIST_ITEM.match(line) or not headlines:
        return False
    words = _WORD_SPLIT.split(line.lstrip("-•* ").strip())
    return any(key(" ".join(words[:n])) in headlines for n in range(3, min(len(words), 25) + 1))
