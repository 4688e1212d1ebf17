"""A realistic synthetic news corpus for the database benchmarks (issue 10, target 4).

* Bodies of 300-1,500 words (uniform), in paragraphs of 40-120 words; 8-14-word titles;
  a one-sentence summary.
* Vocabulary per language with Zipf frequencies (exponent 1.07, as measured for news
  text): 120,000 English-like words, 80,000 Dari words (Persian script, ~8% written with a
  ZWNJ compound such as ``...‌های``/``می‌...``), 60,000 Pashto-like words. Common words are
  short, as in real text. Drawn with numpy, so a million articles take minutes, not hours.
* 24 sites (hosts), 14 sections, 3,000 authors, languages en 60% / fa-AF 25% / ps 15%,
  publication dates over ten years in capture order (older first, as a crawl of an
  archive would produce them, newest last).

``articles(start, count)`` yields ``(CaptureInfo, Article)`` pairs ready for
``Ingestor.ingest_many``; ``query_words(lang, band)`` gives words of a frequency band.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator

import numpy as np

from archive.db.ingest import CaptureInfo
from archive.extract.article import Article
from archive.warc.location import RecordLocation

T0 = dt.datetime(2016, 1, 1, tzinfo=dt.UTC)
SPAN = dt.timedelta(days=3650)
LANGS = (("en", 0.60), ("fa-AF", 0.25), ("ps", 0.15))
SITES = 24
SECTIONS = ("politics", "world", "economy", "sport", "culture", "science", "health", "opinion", "editorial",
            "education", "security", "provinces", "technology", "environment")
AUTHORS = 3000
ZIPF_S = 1.07
_LATIN = ["ka", "bul", "her", "at", "ma", "zar", "na", "gar", "ban", "dar", "is", "lam", "pol", "ti", "co", "ver",
          "ment", "so", "ci", "e", "ty", "mar", "ket", "ra", "di", "o", "sta", "tion", "pro", "gram", "le", "an",
          "re", "in", "th", "ou", "ge", "ly", "ed", "al", "st", "pe", "min", "cor", "val", "sen"]
_ARABIC = list("ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهی")
_PASHTO = list("ابپتټثجچحخځڅدډرړزژږسشښصضطظعغفقکګلمنڼوهیېۍ")
# Dari compounds: joined to their word with a ZWNJ, as published text usually has them.
_ZWNJ_SUFFIXES = ("\u200cها", "\u200cهای", "\u200cشان", "\u200cترین")
_ZWNJ_PREFIXES = ("می\u200c", "نمی\u200c")
BANDS = {"stop": (0, 50), "common": (50, 2000), "mid": (2000, 20000), "rare": (20000, None)}


class Corpus:
    """Deterministic: the same ``seed`` gives the same articles."""

    def __init__(self, seed: int = 7) -> None:
        self.seed = seed
        rng = np.random.default_rng(seed)
        self.vocab = {
            "en": _vocabulary(rng, _LATIN, 120_000, 1, 5),
            "fa-AF": _dari(_vocabulary(rng, _ARABIC, 80_000, 2, 7), rng),
            "ps": _vocabulary(rng, _PASHTO, 60_000, 2, 7),
        }
        self.cum = {lang: _zipf_cum(len(words)) for lang, words in self.vocab.items()}
        self._arrays = {lang: np.array(words, dtype=object) for lang, words in self.vocab.items()}
        self._lang_cum = np.cumsum([p for _, p in LANGS])

    def query_words(self, lang: str, band: str) -> list[str]:
        lo, hi = BANDS[band]
        return self.vocab[lang][lo:hi]

    def articles(self, start: int, count: int) -> Iterator[tuple[CaptureInfo, Article]]:
        rng = np.random.default_rng((self.seed, start))
        for i in range(start, start + count):
            yield self.page(i, rng)

    def page(self, i: int, rng: np.random.Generator) -> tuple[CaptureInfo, Article]:
        lang = LANGS[int(np.searchsorted(self._lang_cum, (i * 0.6180339887) % 1.0))][0]
        n_body = int(rng.integers(300, 1501))
        drawn = np.searchsorted(self.cum[lang], rng.random(n_body + 30))
        tokens = self._arrays[lang][drawn].tolist()  # object-array indexing: 10x a list comprehension
        paras, pos = [], 30
        while pos < len(tokens):
            size = int(rng.integers(40, 121))
            paras.append(" ".join(tokens[pos:pos + size]).capitalize() + ".")
            pos += size
        site = i * 7 % SITES
        url = f"https://site{site}.example/{SECTIONS[i % len(SECTIONS)]}/{i}"
        when = T0 + SPAN * (i / 1_000_000)
        article = Article(
            url=url, canonical_url=url, site_name=f"Site {site}", title=" ".join(tokens[:int(8 + i % 7)]).capitalize(),
            summary=" ".join(tokens[15:30]).capitalize() + ".", body="\n\n".join(paras),
            authors=[f"Author {i * 13 % AUTHORS}"], published=when.isoformat(), language=lang,
            direction="ltr" if lang == "en" else "rtl", section=SECTIONS[i % len(SECTIONS)], page_type="article",
            extractor="bench",
        )
        loc = RecordLocation(f"bench-{i // 10_000}.warc.gz", (i % 10_000) * 20_000, 19_000,
                             f"<urn:uuid:{uuid.UUID(int=i + 1)}>", f"sha1:{i:032d}")
        return CaptureInfo(url, when, loc, 200, "text/html"), article


def _vocabulary(rng: np.random.Generator, alphabet: list[str], size: int, lo: int, hi: int) -> list[str]:
    """``size`` distinct words, shorter ones first (frequent words are short in real text)."""
    words: dict[str, None] = {}
    letters = np.array(alphabet)
    length = lo
    while len(words) < size:
        share = (size - len(words)) // max(1, hi - length + 1) + 1
        for row in letters[rng.integers(0, len(alphabet), size=(share, length))]:
            words["".join(row)] = None
        length = min(hi, length + 1)
    return list(words)[:size]


def _dari(words: list[str], rng: np.random.Generator) -> list[str]:
    out = []
    for k, word in enumerate(words):
        roll = rng.random()
        if k >= 30 and roll < 0.05:
            word += _ZWNJ_SUFFIXES[int(rng.integers(len(_ZWNJ_SUFFIXES)))]
        elif k >= 30 and roll < 0.08:
            word = _ZWNJ_PREFIXES[int(rng.integers(len(_ZWNJ_PREFIXES)))] + word
        out.append(word)
    return list(dict.fromkeys(out))


def _zipf_cum(n: int) -> np.ndarray:
    weights = 1.0 / np.arange(1, n + 1) ** ZIPF_S
    cum = np.cumsum(weights)
    return cum / cum[-1]
