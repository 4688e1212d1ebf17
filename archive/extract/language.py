"""Language (ISO 639-1) and direction from the text itself, checked against declared tags.

Scripts decide most languages outright. Within Arabic script, Pashto has letters of its
own (ټ ډ ړ ږ ښ ګ ڼ ې ۍ), Persian/Dari has پ چ ژ گ that Arabic lacks, Urdu has ٹ ڈ ڑ ں ے.
Latin and Cyrillic texts are told apart by their commonest short words.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import lru_cache
from typing import Literal

RTL_LANGUAGES = frozenset({"ar", "fa", "ps", "ur", "he", "yi", "sd", "ug", "dv", "ku", "ckb"})
_SAMPLE_CHARS = 20_000
_SCRIPT_SAMPLE_CHARS = 5_000  # the script is clear long before; counting more only costs time
_PASHTO = set("ټډړږښګڼېۍځڅ")
_PERSIAN = set("پچژگ")
_URDU = set("ٹڈڑںےھ")
_KURDISH = set("ڕڵۆێ")
_SCRIPT_LANGUAGE = {
    "HEBREW": "he",
    "GREEK": "el",
    "THAI": "th",
    "HANGUL": "ko",
    "GEORGIAN": "ka",
    "ARMENIAN": "hy",
    "DEVANAGARI": "hi",
    "BENGALI": "bn",
    "TAMIL": "ta",
    "ETHIOPIC": "am",
    "KHMER": "km",
    "MYANMAR": "my",
    "SINHALA": "si",
    "GUJARATI": "gu",
    "GURMUKHI": "pa",
    "TELUGU": "te",
    "KANNADA": "kn",
    "MALAYALAM": "ml",
    "LAO": "lo",
    "TIBETAN": "bo",
}
_STOPWORDS = {
    "en": "the of and to in is that for on with was as by it at from are has have be this",
    "fr": "le la les des et est dans une pour qui que du au sur par pas ne avec sont ce",
    "es": "el la los las de que en y por con para una del se es al lo su como más",
    "de": "der die das und ist nicht mit den von zu ein eine sich auf für des im dem auch",
    "pt": "o os as de que em um uma para com não por se do da dos das ao é",
    "it": "il di che la le per un una del della sono non con gli si è nel al",
    "nl": "de het een en van is dat op te in niet met voor zijn er aan ook",
    "tr": "ve bir bu da de için ile olarak olan gibi daha çok en ama ise",
    "id": "yang dan di dari ini itu dengan untuk tidak dalam akan pada juga ke",
    "pl": "i w na z się nie do że jest to o jak po ale przez dla",
    "ru": "и в не на что с по это как к из за от для но его",
    "uk": "і в не на що з та це як до за від для але його",
    "uz": "va bilan uchun bu ham bir edi deb emas yil",
}
_STOPWORD_SETS = {lang: set(words.split()) for lang, words in _STOPWORDS.items()}
_WORD = re.compile(r"\w+")
# Every character whose bidirectional class is R or AL lies in these blocks (a superset: Hebrew,
# Arabic, Syriac, Thaana, N'Ko ... U+200F, the presentation forms, the historic RTL scripts). Text
# with none of them is left-to-right without counting the class of each character.
_RTL_BLOCKS = re.compile("[\u0590-\u08ff\u200f\ufb1d-\ufdff\ufe70-\ufeff\U00010800-\U00010fff\U0001e800-\U0001efff]")


def detect_language(text: str) -> str | None:
    """ISO 639-1 code for ``text``, or ``None`` when there is too little to tell."""
    sample = text[:_SAMPLE_CHARS]
    scripts = _scripts(sample[:_SCRIPT_SAMPLE_CHARS])
    if sum(scripts.values()) < 20:
        return None
    script = scripts.most_common(1)[0][0]
    if script == "ARABIC":
        return _arabic_script_language(sample)
    if script in ("CJK", "HIRAGANA", "KATAKANA"):
        return "ja" if scripts["HIRAGANA"] + scripts["KATAKANA"] > scripts["CJK"] * 0.1 else "zh"
    if script in ("LATIN", "CYRILLIC"):
        return _by_stopwords(sample, script)
    return _SCRIPT_LANGUAGE.get(script or "")


def choose_language(detected: str | None, declared: str | None) -> str | None:
    """Detected language, unless too little text: then the declared one (``fa-AF`` -> ``fa``)."""
    declared_code = _code(declared)
    if detected is None:
        return declared_code
    if declared_code in ("prs", "fa") and detected == "fa":
        return "fa"
    return detected


def direction_of(language: str | None, text: str) -> Literal["ltr", "rtl"]:
    """``rtl`` for right-to-left languages, or text that is mostly right-to-left letters."""
    if language in RTL_LANGUAGES:
        return "rtl"
    sample = text[:_SAMPLE_CHARS]
    if _RTL_BLOCKS.search(sample) is None:  # no right-to-left letter at all: the common case, one C scan
        return "ltr"
    classes = Counter(map(unicodedata.bidirectional, sample))  # one pass, counted in C
    return "rtl" if classes["R"] + classes["AL"] > classes["L"] else "ltr"


def _code(tag: str | None) -> str | None:
    if not tag:
        return None
    code = re.split(r"[-_]", tag.strip().lower())[0]
    return {"prs": "fa", "pbu": "ps", "pus": "ps", "per": "fa", "fas": "fa", "ara": "ar"}.get(code, code) if code.isalpha() and 2 <= len(code) <= 3 else None


def _scripts(sample: str) -> Counter[str | None]:
    """Letters of ``sample`` per script: letters counted in C first, then each distinct letter named once."""
    scripts: Counter[str | None] = Counter()
    for char, count in Counter(filter(str.isalpha, sample)).items():
        scripts[_script(char)] += count
    scripts.pop(None, None)
    return scripts


@lru_cache(maxsize=4096)
def _script(char: str) -> str | None:
    try:
        name = unicodedata.name(char)
    except ValueError:
        return None
    if name.startswith("CJK"):
        return "CJK"
    if name.startswith(("HANGUL",)):
        return "HANGUL"
    return name.split(" ", 1)[0]


def _arabic_script_language(sample: str) -> str:
    letters = Counter(char for char in sample if "\u0600" <= char <= "\u06ff")
    total = sum(letters.values()) or 1
    pashto = sum(letters[c] for c in _PASHTO)
    persian = sum(letters[c] for c in _PERSIAN) + letters["ی"] + letters["ک"]
    urdu = sum(letters[c] for c in _URDU)
    if sum(letters[c] for c in _KURDISH) > total * 0.01:
        return "ku"
    if pashto > total * 0.01:
        return "ps"
    if urdu > total * 0.015 and letters["ے"]:
        return "ur"
    arabic = letters["ي"] + letters["ك"] + letters["ة"]
    return "fa" if persian > arabic else "ar"


def _by_stopwords(sample: str, script: str) -> str | None:
    words = Counter(_WORD.findall(sample[:5000].lower()))
    candidates = ("ru", "uk") if script == "CYRILLIC" else tuple(k for k in _STOPWORDS if k not in ("ru", "uk"))
    scores = {lang: sum(words[w] for w in _STOPWORD_SETS[lang]) for lang in candidates}
    if script == "CYRILLIC":
        ukrainian = sum(sample.count(c) for c in "іїєґ")
        return "uk" if ukrainian > len(sample) * 0.005 else "ru"
    best = max(scores, key=lambda lang: scores[lang])
    return best if scores[best] >= 3 else None
