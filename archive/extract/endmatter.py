"""Lines around the story that are about the page, not part of it: found by their shape, not by site.

trafilatura keeps these because they sit inside the article container. Each rule reads one
trait that holds across news templates and languages:

- a line made only of punctuation ("___", "* * *" without words) separates; it says nothing;
- a line that is only a timestamp ("Updated: Tue., Nov. 19, 2019", "22.01.2018 às 0:13",
  "3:59 PM") is post metadata; the date is a field; so is a line holding two post-meta
  fields ("News date : ... Category : ...");
- a "Tags" label on its own line and the keyword list after it are post metadata;
- a whole paragraph that is the text of a link to another page of the same site ("Also on
  SITE: Headline", "Headline [VIDEO]") is a related-story teaser set between paragraphs;
- wire credits ("X contributed to this report.", "(Reporting by ...; editing by ...)"),
  affiliate disclosures, reading-time and source notes, subscription pitches (a price, a
  subscription and a call to action together) are about how the story was made or sold;
- the closing paragraphs of a press release that describe the company ("Acme is a global
  provider ..., headquartered in ..., employs ...") are the same in every release.

Line-level only; nothing here drops a line of more than ``_LONG`` characters (disclosures:
twice that). A colon label left as the last line ("Further information:") was tried and
dropped: it was as often an editorial sentence ("The paper is available here:").
"""
from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import urljoin, urlsplit

from lxml.html import HtmlElement

_LONG = 400
_NO_WORD = re.compile(r"^[\W_]+$")
# Month and weekday names (en, de, fr, es, pt, it, nl) and their common abbreviations.
_CALENDAR = (
    r"jan(?:uary|uar|vier|eiro|uari)?|feb(?:ruary|ruar|rero|ruari)?|févr(?:ier)?|fevereiro|mar(?:ch|s|zo|ço)?|märz|maart"
    r"|apr(?:il|ile)?|avr(?:il)?|abr(?:il)?|may|mai|mayo|maio|mei|maggio|jun(?:e|i|io|ho)?|juin|giugno"
    r"|jul(?:y|i|io|ho)?|juil(?:let)?|luglio|aug(?:ust|ustus)?|août|ago(?:sto)?|sep(?:t|tember|tembre|tiembre|iembre)?"
    r"|set(?:embro|tembre)?|oct(?:ober|obre|ubre)?|okt(?:ober)?|out(?:ubro)?|ott(?:obre)?|nov(?:ember|embre|embro)?"
    r"|dec(?:ember)?|dez(?:ember|embro)?|déc(?:embre)?|dic(?:iembre|embre)?"
    r"|mon(?:day)?|tue(?:s|sday)?|wed(?:nesday)?|thu(?:rs|rsday)?|fri(?:day)?|sat(?:urday)?|sun(?:day)?"
    r"|montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche"
    r"|lunes|martes|miércoles|jueves|viernes|sábado|domingo|(?:segunda|terça|quarta|quinta|sexta)(?:-feira)?"
)
_STAMP_WORDS = (
    r"updated?|published|posted|modified|last|created|date|time|on|at|am|pm|a\.m|p\.m|gmt|utc|est|edt|cet|cest|bst|ist|pst|pdt|cst|cdt|mst|mdt"
    r"|et|pt|de|às|le|à|el|del|a|las|um|uhr|den|am|le|il|h|hrs?|aktualisiert|veröffentlicht|erstellt|stand|zuletzt"
    r"|geändert|änderung|letzte|mis|jour|publié|publicado|actualizado|atualizado|pubblicato|aggiornato|기사입력|수정"
    r"|veröffentlichung|datum|publication|publicación|publicação|pubblicazione|news"
)
_STAMP_TOKEN = re.compile(rf"^(?:\d+(?:st|nd|rd|th|er|\.)?|{_CALENDAR}|{_STAMP_WORDS})$", re.I)
_DATE_OR_TIME = re.compile(r"\b\d{1,2}:\d{2}\b|\b\d{1,2}[./-]\d{1,2}[./-](?:19|20)?\d{2}\b|\b(?:19|20)\d{2}-\d{2}-\d{2}\b")
_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
_CALENDAR_WORD = re.compile(rf"\b(?:{_CALENDAR})\b", re.I)
_STAMP_MAX = 80
_CREDIT = re.compile(
    r"^[(\[]?(?:[^.!?]{0,200}\bcontributed (?:reporting |to )?(?:to )?(?:this|the) (?:report|story|article)"
    r"|(?:additional )?(?:reporting|writing|editing) by\b[^.!?]{0,200}(?:editing|writing) by\b.{0,200}"
    r"|(?:compiled|edited|reported) by [^.!?]{1,120}|(?:additional )?reporting by [^.!?]{1,120}"
    r"|(?:this|the) (?:story|article|report) (?:has been|was) (?:updated|corrected)\b.{0,200}"
    r")[.)\]]*$",
    re.I,
)
_DISCLOSURE = re.compile(
    r"^.{0,300}(?:\b(?:may|might|could|will) (?:earn|get|receive) (?:a )?(?:small )?(?:commission|compensation|share of (?:the )?sales?)"
    r"|\baffiliate (?:links?|commission|partners?)\b|\bcontains? (?:affiliate|sponsored) links?"
    r"|\bprovisions?-?links?\b|\bwerbe-?links?\b|\baffiliate-links?\b"
    r"|\bdieser\s+(?:beitrag|artikel|post|text)\s+(?:enthält|beinhaltet)\s+(?:\w+\s+)?werbung\b|^\W{0,3}(?:unbezahlte\s+)?werbung\s*[.:|]"
    r"|\bthis (?:post|article|video) contains (?:paid |sponsored )?(?:advertising|affiliate|sponsored)).{0,300}$",
    re.I,
)
# Notes about the page rather than the story: reading time, the source label under a wire story,
# "follow our coverage" / "reach the reporter" lines. (A bracketed label on its own line stays:
# "[CNET]" under a quote and "[Book, p. 41]" are attributions, part of the text.)
_NOTE = re.compile(
    r"^(?:(?:(?:estimated )?reading time|read(?:ing)? time|lesezeit|lesedauer|temps de lecture|tiempo de lectura"
    r"|tempo de leitura|tempo di lettura|время чтения)\s*[:：]?\s*(?:\d+|one|a)\b.{0,20}"
    r"|\d+\s*(?:min(?:ute)?s?|minuten|minutos)\.? (?:read|lesezeit|de lecture|de lectura|de leitura)"
    r"|(?:sources?|quellen?|fuentes?|fontes?|источник|المصدر|منبع|copyright)\s*[:：]\s*(?:\S+\s+){0,8}\S+"
    r"|(?:follow|reach|contact) (?:the )?(?:reporters?|writers?|authors?)\b.{0,200}"
    r"|follow (?:[\w.-]+'s |our |the )?(?:full |complete |latest )?coverage of\b.{0,200}"
    r"|(?:klicken sie|click|tap)(?: on)? (?:auf )?(?:den|the) .{0,30}(?:button|schaltfläche).{0,60}(?:zu laden|to load|anzuzeigen|to show).{0,100}"
    r"|\(?alle angaben ohne gewähr\.?\)?"
    r"|more [\w .'-]{1,40}:\s*https?://\S+.{0,200}"
    r")$",
    re.I,
)
# A sales pitch: a price, something sold by subscription, and a call to action opening a sentence
# ("12 issues for £11.99. Click here", "as little as Rs 599 for first year. Use the code").
_PROMO = re.compile(
    r"^(?=.*(?:[£$€₹]|\brs\.?\s?|\binr\s?|\beur\s?)\s?\d)"
    r"(?=.*\b(?:subscri\w*|issues|membership|per (?:month|year)|first (?:year|month)|a month|a year|challenge)\b)"
    r"(?=(?:.*[.!?]\s+)?(?:click here|use (?:the )?code|get access to|join our)\b|.*\bdelivered (?:to|through) your\b)",
    re.I,
)
_NEWSLETTER = re.compile(r"^.{0,150}\b(?:by )?(?:subscrib\w*|signing up) (?:to|for) (?:our|the) .{0,40}newsletters?\.?$", re.I)
# A post-meta line: two or more "Label:" fields of the post ("News date : ... Category : ...",
# "January 13 | categories: Python | View Comments").
_META_FIELD = re.compile(
    r"\b(?:(?:news )?date|categor(?:y|ies)|kategorien?|catégories?|tags?|schlagwörter|author|autor|auteur|posted(?: on| by)?"
    r"|published|veröffentlicht|publié|comments?|kommentare?|commentaires?)\s*[:：]|\bview comments\b|\b\d+ comments?\b",
    re.I,
)
_META_MAX = 200
_FOLLOW_TAIL = re.compile(r"(?:^|[.!?]\s)follow (?:him|her|them|us|me)(?: on| at)\s.{0,120}$", re.I)
_BRACKET_TAGS = re.compile(r"(?:\s*\[[A-Z][A-Z ]{1,20}\]\s*\|?)+$")
# A post-meta label on a line of its own, and the keyword list that follows it ("Tags" / "a, b, c").
_TAG_LABEL = re.compile(
    r"^(?:tags?|tagged(?: with)?|topics?|keywords?|categor(?:y|ies)|filed under|schlagw(?:ö|oe)rter|stichw(?:ö|oe)rter"
    r"|themen|étiquettes|mots[- ]cl(?:é|e)s|etiquetas|palavras[- ]chave|argomenti|теги|метки|темы|برچسب\u200c?ها|کلمات کلیدی"
    r"|ټګونه|الوسوم|الكلمات المفتاحية)\s*[:：]?$",
    re.I,
)
_TERM_LIST = re.compile(r"^(?:[^,|;.!?\n]{1,60}\s*[,|;]\s*)+[^,|;.!?\n]{1,60}$")
_LIST_ITEM = re.compile(r"^[-•*]\s|^\d+[.)]\s")
_PREFIX = re.compile(r"^(?:also on [\w.-]+|[\w .-]{1,30}:)\s*", re.I)


# Company boilerplate closing a press release ("About Acme" / "Acme is a leading provider of ...,
# headquartered in ..., employs ..."): the last paragraph must hold two of these traits, the ones
# just above it one.
_CORPORATE = re.compile(
    r"\bheadquartered in\b|\bemploys (?:about |around |more than |over |some )?[\d,.]+|\b[\d,.]+ (?:employees|people worldwide)"
    r"|\b(?:is|are) (?:a|an|the) (?:leading|global|world-leading|worldwide|international) \w+"
    r"|\b(?:shares|stock) (?:are|is) (?:listed|traded) on\b|\blisted on the\b|\bfounded in \d{4}"
    r"|\bfor more information,? (?:please )?visit\b|\bhas (?:operating businesses|offices|subsidiaries) in\b"
    r"|\bhauptsitz in\b|\bbeschäftigt (?:rund |über |mehr als )?[\d.]+|\bgegründet \d{4}|\bsiège (?:social )?à\b",
    re.I,
)
_ABOUT_HEADING = re.compile(r"^(?:about|über|à propos d[eu']|acerca de|sobre)\s+\S.{0,60}$", re.I)


def drop_company_boilerplate(lines: list[str]) -> list[str]:
    """Drop the closing paragraphs of a press release that describe the company, and their "About X" heading."""
    end = len(lines)
    need = 2  # the last such paragraph must be plainly corporate; the ones above it need one trait
    while end > 1 and len(lines[end - 1]) <= 2 * _LONG and len(_CORPORATE.findall(lines[end - 1])) >= need:
        end, need = end - 1, 1
    if end == len(lines):
        return lines
    if end > 1 and _ABOUT_HEADING.match(lines[end - 1]) and len(lines[end - 1].split()) <= 8:
        end -= 1
    return lines[:end]


def drop_end_matter(lines: list[str]) -> list[str]:
    """Drop separators, timestamps, post-meta lines, wire credits, disclosures, notes and tag lists."""
    kept: list[str] = []
    after_label = False
    for line in lines:
        if after_label and _TERM_LIST.match(line):
            after_label = False
            continue
        after_label = bool(_TAG_LABEL.match(line))
        if not after_label and not _is_noise(line):
            kept.append(line)
    return kept


def story_links(tree: HtmlElement, url: str, key: Callable[[str], str], restore: Callable[[str], str] = str) -> frozenset[str]:
    """Keys of headline-sized link texts that lead to *another* page of the same site.

    Links within the page (``#section`` tables of contents, a headline linking to itself)
    are left out: their text is the page's own subheadings.
    """
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    here = _page_key(url)
    found = set()
    for anchor in tree.iter("a"):
        href = (anchor.get("href") or "").strip()
        if not href or href.startswith(("#", "javascript:", "mailto:")):
            continue
        text = " ".join(anchor.text_content().split())
        if len(text) < 20 or (len(text.split()) < 3 and len(text) < 30):
            continue
        try:
            target = urljoin(url, href)
            target_host = (urlsplit(target).hostname or "").removeprefix("www.")
        except ValueError:
            continue
        if target_host == host and _page_key(target) != here:
            found.add(key(restore(text)))
    return frozenset(found)


def _page_key(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path.rstrip('/')}?{parts.query}"


def drop_link_teasers(
    lines: list[str], tree: HtmlElement, url: str, own_headlines: frozenset[str], key: Callable[[str], str],
    restore: Callable[[str], str] = str,
) -> list[str]:
    """Drop paragraphs whose whole text is a link to another page of the same site (a headline, a card's summary).

    ``own_headlines`` (same-site link texts, ``pagetype.list_signals``) picks the candidates
    cheaply; only when there is one are the page's links read to leave out in-page links.
    """
    if not own_headlines or not any(_is_link_teaser(line, own_headlines, key) for line in lines):
        return lines
    links = story_links(tree, url, key, restore)
    return [line for line in lines if not _is_link_teaser(line, links, key)]


def _is_noise(line: str) -> bool:
    """One line against the rules above; cheap substring tests first (this runs on every body line)."""
    if len(line) > 2 * _LONG:
        return False
    lower = line.lower()
    if _has(lower, _DISCLOSURE_WORDS) and _DISCLOSURE.match(line):
        return True
    if len(line) > _LONG:
        return False
    if _NO_WORD.match(line) or _is_timestamp(line) or _is_stamp_meta(line):
        return True
    if len(line) <= _META_MAX and (":" in line or "comment" in lower) and len(
        {m.lower() for m in _META_FIELD.findall(line)}
    ) >= 2:
        return True
    if (_has(lower, _CREDIT_WORDS) and _CREDIT.match(line)) or _NOTE.match(line):
        return True
    if "newsletter" in lower and _NEWSLETTER.match(line):
        return True
    if _has(lower, _PROMO_WORDS) and _PROMO.match(line) and not line.rstrip().endswith("?"):
        return True
    return "follow" in lower and len(line) < 300 and bool(_FOLLOW_TAIL.search(line))


_DISCLOSURE_WORDS = ("commission", "compensation", "share of", "affiliate", "provision", "werbe", "werbung", "sponsored", "contains")
_CREDIT_WORDS = ("contribut", "reporting", "editing", "writing by", "compiled", "edited", "reported", "updated", "corrected")
_PROMO_WORDS = ("click here", "code", "get access", "delivered", "join our")


def _has(text: str, words: tuple[str, ...]) -> bool:
    return any(word in text for word in words)


def _is_timestamp(line: str) -> bool:
    """A short line holding a date or time and nothing but calendar words and labels."""
    if len(line) > _STAMP_MAX or "+" in line:
        return False
    if not (_DATE_OR_TIME.search(line) or _YEAR.search(line) and _CALENDAR_WORD.search(line)):
        return False
    tokens = re.findall(r"[^\W_]+(?:[.-][^\W\d_]+)*", line)
    return all(_STAMP_TOKEN.match(token) for token in tokens)


# A timestamp beside a byline or a section label: "24. März 2004, 19:49 | Genesis", "5:45 AM PST 11/19/2019 by Ann Roe".
_META_SPLIT = re.compile(r"\s*[|·•]\s*|\s+(?:by|von|par|por|di)\s+(?=[A-ZÄÖÜ])")
_STAMP_META_MAX = 100
_META_PART_WORDS = 4


def _is_stamp_meta(line: str) -> bool:
    if len(line) > _STAMP_META_MAX or line.startswith("|") or not _DATE_OR_TIME.search(line):  # a table row is data
        return False
    parts = [part for part in _META_SPLIT.split(line.strip("|· ")) if part]
    if len(parts) < 2 or not any(_is_timestamp(part) for part in parts):
        return False
    return all(
        _is_timestamp(part) or (len(part.split()) <= _META_PART_WORDS and not part.endswith((".", "!", "?", ":")))
        for part in parts
    )


# A teaser is a headline or a card's two- or three-sentence summary, wholly a link (a headline-sized
# cap of 250 characters let sidebar cards through: measured on both sets, only teasers were longer).
_TEASER_MAX = 1000


def _is_link_teaser(line: str, headlines: frozenset[str], key: Callable[[str], str]) -> bool:
    # List items are ``cleanup.drop_linked_lists``'s (runs of them); a table row is data, links or not.
    if len(line) > _TEASER_MAX or _LIST_ITEM.match(line) or line.startswith("|"):
        return False
    text = _BRACKET_TAGS.sub("", line).strip()
    if key(text) in headlines:
        return True
    rest = _PREFIX.sub("", text, count=1)
    return rest != text and len(rest) >= 20 and key(rest) in headlines
