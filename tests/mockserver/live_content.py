"""Articles of the "Kabul Live Times", the mock site under ``/live/`` that changes between crawls.

Why apart from live.py: the initial twelve articles must be identical on every
run (so a test can compare bytes), and the texts that ``publish`` and ``edit``
add must be deterministic given a sequence number; only their dates come from
the clock. Everything here is invented; names are fictional. The two Dari
articles contain U+200C (ZWNJ) inside words, written ``|`` below.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone

KABUL = timezone(timedelta(hours=4, minutes=30))
SITE_NAME = "Kabul Live Times"
ZWNJ = "\u200c"


@dataclass(frozen=True)
class LiveArticle:
    """One article as it is now; ``published``/``modified`` are Unix seconds."""

    seq: int
    slug: str
    lang: str  # en or fa
    headline: str
    author: str
    paragraphs: tuple[str, ...]
    published: int
    modified: int
    views: int
    revision: int = 0

    @property
    def path(self) -> str:
        return f"/live/{published_local(self):%Y/%m/%d}/{self.slug}/"

    @property
    def month(self) -> str:
        return f"{published_local(self):%Y-%m}"

    @property
    def excerpt(self) -> str:
        return self.paragraphs[0]


def published_local(a: LiveArticle) -> datetime:
    return datetime.fromtimestamp(a.published, KABUL)


def iso(ts: int) -> str:
    """``2025-01-21T09:15:00+04:30``: the form used in JSON-LD, Atom and sitemaps."""
    return datetime.fromtimestamp(ts, KABUL).isoformat()


def _z(text: str) -> str:
    return text.replace("|", ZWNJ)


def _ts(stamp: str) -> int:
    return int(datetime.fromisoformat(stamp + "+04:30").timestamp())


# (published, modified or "", slug, lang, headline, author, paragraphs)
_INITIAL = (
    ("2025-01-21T09:15", "", "city-council-approves-water-plan", "en",
     "City council approves plan to extend water network", "Farid Ahmadzai",
     ("The city council voted on Tuesday to extend the piped water network to four districts on the "
      "northern edge of the capital, where most families still buy water from tanker trucks.",
      "Engineers say the first pipes will be laid in the spring, once the ground thaws, and that the "
      "work should take about eighteen months if the money arrives on time.",
      "Residents welcomed the decision but said they had heard similar promises before. \u201cWe will "
      "believe it when the tap runs,\u201d said a shopkeeper in Khair Khana.")),
    ("2025-01-23T11:40", "2025-01-23T15:05", "wheat-prices-fall-at-border-markets", "en",
     "Wheat prices fall at border markets after good harvest", "Javid Noori",
     ("Wheat flour is cheaper in the border markets of Nangarhar this week than at any time in the "
      "past two years, traders say, after a good harvest across the region.",
      "A fifty-kilogram sack sold for about a fifth less than in December. Bakers in Jalalabad have "
      "not yet lowered the price of bread, saying they are still using flour bought earlier.",
      "Economists warn that prices could rise again before summer if fuel costs keep climbing, "
      "because most flour still reaches the cities by truck.")),
    ("2025-01-25T08:05", "", "new-bus-routes-for-western-districts", "en",
     "New bus routes planned for the western districts", "Mariam Rahimi",
     ("The municipal transport company will open three new bus routes linking the western districts "
      "with the city centre, its director told reporters on Saturday.",
      "Forty buses donated last year have been repaired and repainted for the routes, which will run "
      "from six in the morning until eight in the evening.",
      "Students at Kabul University said the routes would halve their journey, which now involves "
      "two shared taxis and a long walk across the river.")),
    ("2025-01-27T10:30", "", "winter-classes-begin-in-kabul", "fa",
     _z("کلاس|های زمستانی برای دانش|آموزان کابل آغاز شد"), _z("نرگس احمدی"),
     (_z("وزارت معارف می|گوید کلاس|های زمستانی امسال در بیست مکتب شهر کابل برگزار می|شود."),
      _z("مسئولان مکاتب می|گویند این برنامه به دانش|آموزان کمک می|کند تا درس|های عقب|مانده را جبران کنند."),
      _z("والدین از این تصمیم استقبال کرده|اند، اما برخی از آنان نگران سردی هوا و کمبود هیزم در صنف|ها هستند."))),
    ("2025-01-29T13:20", "", "provincial-hospital-opens-new-wing", "en",
     "Provincial hospital opens new maternity wing", "Shabnam Karimi",
     ("The provincial hospital in Bamyan opened a new maternity wing on Wednesday, adding thirty beds "
      "and the province's second operating theatre for emergency births.",
      "Doctors said women from remote valleys often arrive after days on the road, and that the "
      "extra beds would let them stay near the hospital in the last weeks of pregnancy.",
      "The wing was built with money from a regional health fund. The hospital is still looking for "
      "two midwives and an anaesthetist to staff it around the clock.")),
    ("2025-01-31T07:50", "2025-01-31T12:10", "snowfall-closes-salang-pass", "en",
     "Heavy snowfall closes the Salang Pass for a second day", "Farid Ahmadzai",
     ("The Salang Pass, the main road between Kabul and the north, stayed closed for a second day on "
      "Friday after heavy snowfall and two avalanches near the southern entrance of the tunnel.",
      "Hundreds of lorries were waiting on both sides of the pass. Road crews said they hoped to "
      "reopen one lane by Saturday morning if the snow stopped overnight.",
      "Drivers complained of shortages of food and fuel at the roadside stalls, where prices had "
      "doubled since the closure began.")),
    ("2025-02-02T09:00", "", "carpet-weavers-find-online-buyers", "en",
     "Carpet weavers in Andkhoy find buyers online", "Javid Noori",
     ("A group of carpet weavers in Andkhoy has started selling directly to foreign buyers through a "
      "website run by a cooperative of forty families.",
      "The weavers say they earn almost twice as much per carpet as they did when they sold to "
      "middlemen in Mazar-i-Sharif, although shipping remains slow and expensive.",
      "The cooperative photographs each carpet in daylight in the courtyard of its workshop and "
      "posts the pictures with the name of the woman who wove it.")),
    ("2025-02-04T16:45", "", "herat-library-reopens", "fa",
     _z("کتابخانه عامه هرات پس از بازسازی دوباره گشایش یافت"), _z("احمد ضیا رسولی"),
     (_z("کتابخانه عامه هرات پس از شش ماه کار بازسازی، روز شنبه دوباره به روی مراجعان باز شد."),
      _z("مسئولان کتابخانه می|گویند بیش از ده هزار جلد کتاب تازه به مجموعه افزوده شده است."),
      _z("جوانان هرات می|گویند کتابخانه جای آرامی برای مطالعه و آمادگی برای امتحانات کانکور است."))),
    ("2025-02-06T18:10", "", "cricket-team-wins-regional-cup", "en",
     "Under-19 cricket team wins regional cup", "Mariam Rahimi",
     ("The national under-19 cricket team won the regional cup on Thursday, beating the hosts by "
      "four wickets in a final that went to the last over.",
      "The captain, an eighteen-year-old from Khost, scored an unbeaten sixty-two after the team "
      "lost three early wickets chasing a target of two hundred and twelve.",
      "Hundreds of fans gathered at the Kabul cricket stadium to watch the match on a big screen "
      "and stayed to celebrate long after the last ball.")),
    ("2025-02-08T10:25", "", "solar-panels-power-village-clinic", "en",
     "Solar panels keep a village clinic open at night", "Shabnam Karimi",
     ("A clinic in a village outside Charikar can now treat patients after dark, thanks to solar "
      "panels and batteries installed on its roof last month.",
      "The nurse in charge said the clinic used to close at sunset, sending night-time emergencies "
      "on a two-hour drive to the provincial hospital.",
      "The panels also run a small refrigerator for vaccines, which until now had to be collected "
      "from the district centre every morning.")),
    ("2025-02-10T12:00", "", "teachers-receive-delayed-salaries", "en",
     "Teachers in three provinces receive delayed salaries", "Farid Ahmadzai",
     ("Teachers in Ghor, Daikundi and Uruzgan received three months of delayed salaries this week, "
      "officials at the education ministry said on Monday.",
      "The delay was caused by a dispute over the payroll lists, which auditors said contained the "
      "names of several hundred teachers who no longer worked in the schools.",
      "Teachers said the payment came just in time to buy fuel for the last weeks of winter, but "
      "asked for a guarantee that it would not happen again.")),
    ("2025-02-12T08:35", "", "flood-defences-tested-in-spring-drill", "en",
     "Flood defences tested in a spring drill on the Kabul River", "Javid Noori",
     ("Emergency teams tested new flood walls and warning sirens along the Kabul River on Wednesday, "
      "weeks before the snowmelt that caused deadly floods two years ago.",
      "Volunteers from riverside neighbourhoods practised moving families to higher ground while "
      "engineers checked the gates of the drainage canals.",
      "Officials said the sirens could be heard across most of the districts at risk, but admitted "
      "that warnings by text message still did not reach every household.")),
)


def initial_articles() -> list[LiveArticle]:
    """The site after a reset: twelve articles, oldest first, fixed dates and view counts."""
    out = []
    for i, (pub, mod, slug, lang, headline, author, paragraphs) in enumerate(_INITIAL, start=1):
        out.append(LiveArticle(
            seq=i, slug=slug, lang=lang, headline=headline, author=author, paragraphs=paragraphs,
            published=_ts(pub), modified=_ts(mod or pub), views=100 + 37 * i,
        ))
    return out


_DISTRICTS = ("Paghman", "Bagrami", "Deh Sabz", "Musahi", "Shakardara", "Istalif", "Qarabagh", "Surobi")
_TOPICS = ("market report", "road repairs", "school enrolment", "clinic opening", "power supply", "bus service")


def new_article(seq: int, now: int) -> LiveArticle:
    """Article number ``seq`` published by ``/_control/live/publish`` at ``now``."""
    district, topic = _DISTRICTS[seq % len(_DISTRICTS)], _TOPICS[seq % len(_TOPICS)]
    paragraphs = (
        f"Officials in {district} district gave an update on the {topic} on the day of this "
        f"report, number {seq} in our series on the districts around the capital.",
        f"Residents of {district} told the Kabul Live Times that the {topic} mattered more to them "
        f"this winter than in previous years, and asked for regular public updates.",
        f"The district governor said a fuller statement on the {topic} would follow later in the "
        f"week, after a meeting with elders and representatives of local traders.",
    )
    return LiveArticle(
        seq=seq, slug=f"{district.lower().replace(' ', '-')}-{topic.replace(' ', '-')}-{seq}", lang="en",
        headline=f"{district}: update on the {topic} (report {seq})", author="Kabul Live Times staff",
        paragraphs=paragraphs, published=now, modified=now, views=1,
    )


def edited(a: LiveArticle, now: int) -> LiveArticle:
    """``a`` with its second paragraph changed and ``modified`` set to ``now``."""
    revision = a.revision + 1
    if a.lang == "fa":
        note = _z(f" (به|روزرسانی {revision}: مقام|ها بعداً این گزارش را تأیید کردند.)")
    else:
        note = f" (Update {revision}: officials later confirmed these details in a written statement.)"
    original = _original_paragraph(a)
    paragraphs = (a.paragraphs[0], original + note, *a.paragraphs[2:])
    return replace(a, paragraphs=paragraphs, modified=now, revision=revision)


def _original_paragraph(a: LiveArticle) -> str:
    """The second paragraph without any earlier update note."""
    text = a.paragraphs[1]
    marker = " (" if a.revision else None
    return text.rsplit(marker, 1)[0] if marker else text
