"""Closing sections of an article that are about the site, not the story: found by a heading and what follows it.

trafilatura keeps them because they sit in the article container, after the last paragraph:

- "more reading" (and "how to listen"): a heading such as "Weitere Beiträge aus der Kolumne:", "Das Thema könnte
  dich auch interessieren:", "You may also like", "Plus d'articles", «مطالب مرتبط» followed by
  nothing or by short lines (the headlines, whose links trafilatura drops or keeps as text);
- contact blocks: "Kontakt:", "Pressekontakt", "Ansprechpartnerin zum Thema:", "Media contact"
  followed by short lines among which a phone number or an e-mail address;
- author and series boxes: "Autor", "Über den Autor", "About the author", "Über diese Reihe"
  followed by one to three paragraphs; and, without a heading, a last paragraph that opens with
  the name of one of the page's authors followed by "is"/"ist" ("Inga Buller ist Head of Social
  & Community bei ...": a bio, not the story).

A section is cut only where it closes the body: everything after its heading must fit the
section's shape (short lines; a contact datum; at most three paragraphs) and be a small share
of the body, so a heading with the story's own text after it stays. Plain colon labels
("Further information:", "The paper is available here:") are not headings here: they are as
often part of the story (measured: see docs/extraction.md).
"""

from __future__ import annotations

import re

_HEADING_MAX = 90
_HEADING_WORDS = 10
_TAIL_SHARE = 0.35  # what a closing section may hold of the body's characters

_MORE_READING = re.compile(
    r"\b(?:weitere|mehr|ähnliche|verwandte|andere|neueste|aktuelle)\b.{0,40}"
    r"(?:beiträge|artikel|themen|nachrichten|meldungen|geschichten|storys|stories|news)\b"
    r"|\b(?:könnten?|dürften?)\b.{0,30}\binteressieren\b|\b(?:lesen sie|lies) (?:auch|mehr|weiter)\b"
    r"|^(?:auch|mehr) (?:auf|bei|von) [\w.-]+$|^mehr (?:zum thema|aus der rubrik|aus dem ressort)\b"
    r"|\byou (?:may|might|could) (?:also )?(?:like|enjoy|be interested)\b|^related\b|\brelated (?:articles?|stories|posts?|reading|coverage|content)\b"
    r"|^more (?:from|on|stories|articles|news|reading|in)\b|^(?:also )?read (?:also|more|next)\b|^(?:further reading|explore further)\b|^how to (?:listen|subscribe)\b|^(?:so|wo) (?:hörst du|hören sie)\b"
    r"|^recommended\b|\b(?:other|latest|popular|top) (?:articles|stories|posts)\b|^most (?:read|popular)\b|^editor['’]?s picks?\b"
    r"|^(?:à )?lire (?:aussi|également|ensuite)\b|^plus d['’]articles\b|^sur le même (?:sujet|thème)\b|^dans la même rubrique\b"
    r"|\barticles? (?:similaires|liés|connexes)\b|\bvous (?:aimerez|pourriez) (?:aussi |également )?aimer\b|^(?:nos )?autres articles\b"
    r"|\bart[ií]culos relacionados\b|\bnoticias relacionadas\b|\bte puede interesar\b|^lee (?:también|más)\b"
    r"|مطالب مرتبط|مطالب بیشتر|مطالب پیشنهادی|بیشتر بخوانید|همچنین بخوانید|خبرهای مرتبط|اخبار مرتبط"
    r"|اړوند مطالب|اړوند خبرونه|نور ولولئ|دا هم ولولئ|نور مطالب"
    r"|اقرأ أيضا|اقرأ أيضاً|إقرأ أيضا|مواضيع ذات صلة|أخبار ذات صلة|اخبار ذات صلة|مقالات ذات صلة|قد يعجبك أيضا|الأكثر قراءة",
    re.I,
)
_CONTACT = re.compile(
    r"^(?:presse?[- ]?kontakte?|kontakte?|kontakt für (?:die )?(?:medien|presse|rückfragen)|medienkontakte?|pressestelle"
    r"|ansprechpart(?:ner|nerin|nerinnen)\b.{0,50}|für rückfragen\b.{0,40}|rückfragen\b.{0,40}"
    r"|(?:media|press|pr|investor) (?:contacts?|enquiries|inquiries|relations)|contacts?|for (?:more information|further information|media inquiries),? contact"
    r"|contacts? (?:presse|médias?|media)|relations? (?:presse|médias)|contacto(?: de prensa| para medios)?"
    r"|تماس|اطلاعات تماس|اړیکې|د اړیکې لپاره|للتواصل|للاتصال|جهة الاتصال)$",
    re.I,
)
# A phone number, an e-mail address, or a label for one of them.
_CONTACT_DATUM = re.compile(
    r"@[\w-]+\.|\+?\(?\d[\d ()/.-]{6,}\d|\b(?:tel(?:efon|ephone|\.)?|phone|fon|fax|mobil|mobile|e-?mail|courriel)\b",
    re.I,
)
_CONTACT_LINE_MAX = 200
_ABOUT = re.compile(
    r"^(?:autor(?:in|en)?|(?:über|zu) (?:den autor|die autorin|die autoren|den verfasser|die verfasserin)|zur person|der autor|die autorin"
    r"|about the (?:authors?|writer|contributor)|the authors?|authors?|about this (?:series|column|newsletter|podcast)"
    r"|über diese (?:reihe|serie|kolumne|rubrik)|(?:à )?propos de l['’]auteur|l['’]auteur|sobre (?:el|la) autor(?:a)?|el autor|la autora"
    r"|درباره نویسنده|درباره ی نویسنده|د لیکوال په اړه|عن الكاتب|نبذة عن الكاتب|عن المؤلف)$",
    re.I,
)
_ABOUT_LINES = 3
_ABOUT_LINE_MAX = 800
_READING_LINE_MAX = 300
_TERMINAL = (".", "!", ";")
_TRIM = " :：-–—|»>?"


# A headline tagged as a video or gallery ("Espresso machine review: ... [Video]"); a run of them closes the body.
_MEDIA_TEASER = re.compile(r"^[^.!?]{10,150}[\s:–—-][\[(](?:video|videos|gallery|photos|podcast)[\])]$", re.I)
_MIN_TEASERS = 2


def drop_closing_sections(lines: list[str], authors: list[str] | tuple[str, ...] = ()) -> list[str]:
    """Cut "more reading", contact and author/series sections (and an author's bio) that close the body."""
    lines = _drop_author_bio(_drop_media_teasers(lines), authors)
    while True:
        cut = _closing_section(lines)
        if cut is None:
            return lines
        lines = lines[:cut]


def _closing_section(lines: list[str]) -> int | None:
    """Index of the heading of the last closing section, or None."""
    total = sum(map(len, lines))
    tail = 0
    for i in range(len(lines) - 1, 0, -1):
        line = lines[i]
        if tail > _TAIL_SHARE * total:
            return None
        if len(line) <= _HEADING_MAX and not line.endswith(_TERMINAL) and len(line.split()) <= _HEADING_WORDS:
            heading = line.strip(_TRIM)
            if heading and _closes(heading, lines[i + 1 :]):
                return i
        tail += len(line)
    return None


def _closes(heading: str, rest: list[str]) -> bool:
    if _MORE_READING.search(heading):
        return all(len(line) <= _READING_LINE_MAX for line in rest)
    if _CONTACT.match(heading):
        return bool(rest) and all(len(line) <= _CONTACT_LINE_MAX for line in rest) and any(
            _CONTACT_DATUM.search(line) for line in rest
        )
    if _ABOUT.match(heading):
        return 0 < len(rest) <= _ABOUT_LINES and all(len(line) <= _ABOUT_LINE_MAX for line in rest)
    return False


def _drop_media_teasers(lines: list[str]) -> list[str]:
    """A closing run of headlines tagged "[Video]": the site's video list, not the story."""
    end = len(lines)
    while end > 1 and lines[end - 1].endswith((")", "]")) and _MEDIA_TEASER.match(lines[end - 1]):
        end -= 1
    return lines[:end] if len(lines) - end >= _MIN_TEASERS else lines


_HONORIFIC = re.compile(r"^(?:(?:dr|prof|mag|ing|dipl\.-[\w]+|mr|mrs|ms)\.?\s+)+", re.I)
_BIO_VERB = re.compile(r"^,?\s+(?:is|ist|was|war|est|es)\s+\S", re.I)


def _drop_author_bio(lines: list[str], authors: list[str] | tuple[str, ...]) -> list[str]:
    """The last paragraph when it opens with an author's name and "is"/"ist": the author box, not the story."""
    if len(lines) < 2 or not authors or len(lines[-1]) > _ABOUT_LINE_MAX:
        return lines
    last = _HONORIFIC.sub("", lines[-1].lstrip("*_ "))
    for name in authors:
        name = name.strip()
        if len(name.split()) >= 2 and last.startswith(name) and _BIO_VERB.match(last[len(name) :]):
            return lines[:-1]
    return lines
