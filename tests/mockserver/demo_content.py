"""Articles of the fictional "Kabul Demo Times", the source of archive/demo_site/.

Why a data module: the site's HTML, feeds and sitemaps must agree with each
other (same headlines, dates, URLs), so they are all rendered from this one
list by ``build_demo_site.py``. Everything here is invented; names are fictional.
The Dari and Pashto texts deliberately contain U+200C (ZWNJ) inside words,
because that character is what breaks naive text handling of Persian script.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ZWNJ = "\u200c"


@dataclass(frozen=True)
class DemoArticle:
    """One article page of the demo site."""

    date: str  # YYYY-MM-DD
    time: str  # HH:MM, Kabul time (+04:30)
    slug: str
    lang: str  # en, fa, ps
    section: str  # politics, economy
    headline: str
    author: str
    excerpt: str
    paragraphs: tuple[str, ...]
    caption: str
    credit: str
    colour: tuple[int, int, int]
    tags: tuple[str, ...] = field(default=())

    @property
    def path(self) -> str:
        y, m, d = self.date.split("-")
        return f"/{y}/{m}/{d}/{self.slug}/"

    @property
    def image_path(self) -> str:
        return f"/wp-content/uploads/{self.date[:4]}/{self.date[5:7]}/{self.slug}.jpg"

    @property
    def iso_published(self) -> str:
        return f"{self.date}T{self.time}:00+04:30"


def _z(text: str) -> str:
    """Write ZWNJ as '|' in the sources below, so it is visible while editing."""
    return text.replace("|", ZWNJ)


ARTICLES: tuple[DemoArticle, ...] = (
    DemoArticle(
        "2024-03-04", "09:15", "provincial-budget-debate", "en", "politics",
        "Lawmakers clash over provincial budget shares",
        "Farid Ahmadzai",
        "Representatives from the northern provinces say the draft budget favours the capital.",
        (
            "Members of the budget committee spent a second day arguing over how development money "
            "should be divided between the capital and the provinces, with several delegates walking "
            "out of the morning session before the lunch break.",
            "The draft plan sets aside roughly a third of the development budget for projects in and "
            "around Kabul. Delegates from Balkh, Kunduz and Badakhshan said the formula ignored the "
            "population growth recorded in their districts over the past decade.",
            "\u201cOur schools are teaching children in tents while the ministries build new offices,\u201d "
            "said one delegate, who asked not to be named because the committee's talks are private.",
            "Officials at the finance ministry defended the allocation, saying that many national "
            "projects are managed from the capital but delivered in the provinces, which makes the "
            "headline figures misleading.",
            "The committee is expected to send a revised version to the full chamber next week. "
            "Analysts said a compromise would probably move money from new construction to the "
            "maintenance of roads and irrigation canals.",
        ),
        "Delegates leave the committee hall after the morning session.",
        "Photo: Farid Ahmadzai / KDT", (96, 110, 140), ("budget", "parliament", "provinces"),
    ),
    DemoArticle(
        "2024-03-05", "11:40", "saffron-exports-rise", "en", "economy",
        "Herat saffron exports rise as new buyers arrive",
        "Javid Noori",
        "Growers report higher prices after traders from the Gulf and Europe placed early orders.",
        (
            "Saffron growers in Herat say exports rose sharply this season after traders from the "
            "Gulf and several European countries placed orders before the harvest was finished.",
            "The province's chamber of commerce estimates that farmers sold about twenty percent more "
            "saffron abroad than last year, although the figure has not been confirmed by customs.",
            "Packing houses on the edge of the city have hired extra workers, most of them women, "
            "to separate the red stigmas from the flowers by hand, a job that cannot be mechanised.",
            "Farmers complain that the cost of fertiliser and irrigation water has also risen, eating "
            "into much of the gain. Some have started to plant saffron on land once used for wheat.",
            "Exporters say quality certificates remain the biggest obstacle, because foreign buyers "
            "increasingly ask for laboratory tests that only two facilities in the country can perform.",
        ),
        "Workers sort saffron flowers at a packing house in Herat.",
        "Photo: Javid Noori / KDT", (170, 60, 120), ("saffron", "exports", "herat"),
    ),
    DemoArticle(
        "2024-03-06", "08:05", "election-commission-reform", "en", "politics",
        "Commission unveils plan to digitise voter rolls",
        "Mariam Rahimi",
        "The plan would replace paper registers with a central database over three years.",
        (
            "The independent commission in charge of local elections presented a plan on Wednesday "
            "to replace paper voter registers with a central electronic database.",
            "Under the proposal, district offices would scan existing registers during the first year "
            "and check each entry against national identity cards in the second.",
            "Officials said the project would reduce duplicate entries, which observers blamed for "
            "long queues and disputes at polling stations in past votes.",
            "Civil society groups welcomed the idea but asked how the data would be protected. "
            "\u201cA single database is also a single target,\u201d said a researcher at a Kabul policy "
            "institute.",
            "The commission said it would publish technical details after consultations with "
            "donors and the ministry of communications later this spring.",
        ),
        "Commission staff present the digitisation plan to reporters.",
        "Photo: Mariam Rahimi / KDT", (60, 90, 160), ("elections", "technology"),
    ),
    DemoArticle(
        "2024-03-07", "14:20", "afghani-exchange-rate", "en", "economy",
        "Afghani holds steady against the dollar in money markets",
        "Javid Noori",
        "Money changers in Sarai Shahzada report calm trading despite seasonal demand.",
        (
            "The afghani held steady against the US dollar this week, money changers at Kabul's "
            "Sarai Shahzada market said, despite the usual rise in demand for foreign currency "
            "before the new year.",
            "Dealers quoted rates within a narrow band for the fifth consecutive day. The central "
            "bank held two currency auctions during the week, selling dollars to licensed dealers.",
            "Importers said a stable rate helps them plan purchases of fuel and cooking oil, most of "
            "which are paid for in dollars or in the currencies of neighbouring countries.",
            "Economists warned that the stability depends on cash shipments and remittances from "
            "relatives abroad, both of which can change quickly.",
            "Small traders said customers were still cautious and preferred to keep savings in "
            "gold or foreign currency rather than in bank accounts.",
        ),
        "Money changers at the Sarai Shahzada market in Kabul.",
        "Photo: Javid Noori / KDT", (40, 140, 90), ("currency", "markets"),
    ),
    DemoArticle(
        "2024-03-09", "10:00", "dried-fruit-season", "en", "economy",
        "Dried fruit traders prepare for Nowruz demand",
        "Sahar Karimi",
        "Raisins, apricots and mulberries fill the warehouses ahead of the new year holiday.",
        (
            "Warehouses in Kabul's Mandawi district are filling up with raisins, dried apricots, "
            "mulberries and walnuts as traders prepare for the busiest weeks of the year before Nowruz.",
            "Families traditionally serve haft mewa, a mix of seven dried fruits soaked in water, "
            "on the first day of the new year, and many buy in bulk.",
            "Wholesalers said prices for green raisins from the Shomali plain were slightly lower "
            "than last year because of a good harvest, while almonds had become more expensive.",
            "Several traders said they had stopped buying from middlemen and now send their own "
            "trucks to farms in Kandahar and Uruzgan to secure supplies.",
            "Shopkeepers expect sales to peak in the final week before the holiday, when offices "
            "close early and families travel to visit relatives.",
        ),
        "Sacks of raisins stacked in a Mandawi warehouse.",
        "Photo: Sahar Karimi / KDT", (150, 100, 50), ("nowruz", "trade", "agriculture"),
    ),
    DemoArticle(
        "2024-03-11", "13:30", "border-trade-talks", "en", "politics",
        "Border officials meet to ease crossings for traders",
        "Farid Ahmadzai",
        "Customs and border officials agreed to extend opening hours at two crossings.",
        (
            "Customs and border officials from both sides met at the Torkham crossing on Monday and "
            "agreed to extend opening hours for cargo trucks during the harvest season.",
            "Truck drivers have complained for months about waiting several days in queues that "
            "stretch for kilometres, while perishable goods such as fruit spoil in the heat.",
            "According to a statement released after the meeting, the crossing will stay open for "
            "cargo until late evening, and a separate lane will be reserved for empty trucks.",
            "Traders welcomed the decision but said similar promises had been made before. "
            "\u201cWe will believe it when the queue is shorter,\u201d said a fruit exporter from Jalalabad.",
            "The officials also discussed a shared electronic system for customs documents, which "
            "they said could be tested later in the year.",
        ),
        "Cargo trucks wait in line near the Torkham crossing.",
        "Photo: Farid Ahmadzai / KDT", (120, 120, 80), ("trade", "border", "customs"),
    ),
    DemoArticle(
        "2024-03-12", "09:45", "mobile-money-growth", "en", "economy",
        "Mobile money users double in two years, operators say",
        "Sahar Karimi",
        "Salaries, bills and remittances are increasingly paid by phone, especially in cities.",
        (
            "The number of people using mobile money accounts has roughly doubled in two years, "
            "according to figures shared by two of the country's telecom operators.",
            "Most users live in cities and use the service to pay electricity bills, buy phone "
            "credit and receive money from relatives working abroad.",
            "Some private companies and aid groups have started paying salaries through mobile "
            "wallets, which employees can withdraw at authorised shops.",
            "Operators say the main barriers are the small number of agents in rural areas and "
            "the fact that many people, particularly women, do not own a phone in their own name.",
            "The central bank is drafting new rules for electronic money, which industry officials "
            "hope will allow wallets from different operators to send money to one another.",
        ),
        "A shopkeeper in Kabul registers a customer for a mobile wallet.",
        "Photo: Sahar Karimi / KDT", (30, 150, 170), ("technology", "banking"),
    ),
    DemoArticle(
        "2024-03-14", "16:10", "wheat-prices-markets", "en", "economy",
        "Wheat flour prices ease in Kabul markets",
        "Javid Noori",
        "Bakers welcome lower flour prices after imports from the north increased.",
        (
            "The price of wheat flour fell in Kabul markets this week, traders said, after larger "
            "shipments arrived by rail and road from Central Asia.",
            "A fifty-kilogram sack now costs noticeably less than at the start of the winter, "
            "giving some relief to bakers who had raised the price of bread or made loaves smaller.",
            "Bakers in the old city said the number of customers had not changed, but that people "
            "were buying more bread per visit than a month ago.",
            "Aid agencies warned that prices remain high compared with household incomes and that "
            "a poor domestic harvest could quickly reverse the trend.",
            "Agriculture officials said they were distributing improved seed in several provinces "
            "in the hope of reducing the country's dependence on imported wheat.",
        ),
        "A baker pulls naan from a tandoor oven in the old city.",
        "Photo: Javid Noori / KDT", (210, 170, 90), ("wheat", "prices", "food"),
    ),
    DemoArticle(
        "2024-03-15", "10:25", "local-councils-mandate", "en", "politics",
        "District councils ask for clearer mandate",
        "Nadia Sultani",
        "Council members say overlapping rules leave them unsure who decides what.",
        (
            "Members of district councils from eight provinces met in Kabul this week and asked "
            "the government to define more clearly which decisions belong to them.",
            "Council members said overlapping regulations allow provincial departments to overturn "
            "local decisions on water distribution, markets and school buildings.",
            "\u201cPeople come to us with their problems, but we cannot promise anything,\u201d said a "
            "council member from Parwan. \u201cWe only forward letters.\u201d",
            "The meeting produced a list of recommendations, including a small budget that councils "
            "could spend directly on repairs and emergencies.",
            "Officials said the recommendations would be reviewed, but gave no timetable for a decision.",
        ),
        "Council members at the meeting in Kabul.",
        "Photo: Nadia Sultani / KDT", (110, 80, 150), ("governance", "provinces"),
    ),
    DemoArticle(
        "2024-03-18", "07:50", "power-imports-winter", "en", "economy",
        "Power cuts ease as winter imports resume",
        "Nadia Sultani",
        "Electricity supply improves after repairs to a transmission line from the north.",
        (
            "Power cuts in Kabul became shorter this week after technicians repaired a damaged "
            "transmission line that carries imported electricity from the north.",
            "During the coldest weeks of winter, many neighbourhoods received power for only a few "
            "hours a day, forcing families to rely on wood and coal stoves.",
            "The national power company said it had also agreed with suppliers on new prices for "
            "the coming year, although it did not publish the details.",
            "Small workshops, from carpentry to welding, said the improved supply allowed them to "
            "work full days again and to take on more orders.",
            "Engineers said long-term reliability depends on building domestic generation, "
            "including solar projects that are still waiting for financing.",
        ),
        "Technicians repair a transmission tower north of Kabul.",
        "Photo: Nadia Sultani / KDT", (230, 200, 40), ("energy", "infrastructure"),
    ),
    DemoArticle(
        "2024-03-19", "12:00", "civil-service-exams", "en", "politics",
        "Thousands sit civil service entrance exams in Kabul",
        "Mariam Rahimi",
        "Candidates competed for a limited number of posts in ministries and provincial offices.",
        (
            "Thousands of candidates sat the civil service entrance examination in Kabul on Tuesday, "
            "competing for a limited number of posts in ministries and provincial departments.",
            "The exam, held in a university sports hall, tested general knowledge, mathematics and "
            "writing in the national languages.",
            "Many candidates were recent graduates who said government jobs offer stability that "
            "the private sector cannot match.",
            "The civil service commission said results would be published online within a month "
            "and that complaints could be filed in writing at its offices.",
            "Observers from the commission's oversight board monitored the exam halls, and "
            "mobile phones were collected at the entrance.",
        ),
        "Candidates take the civil service exam in a university hall.",
        "Photo: Mariam Rahimi / KDT", (80, 130, 110), ("jobs", "education"),
    ),
    DemoArticle(
        "2024-03-20", "15:35", "carpet-weavers-cooperative", "en", "economy",
        "Carpet weavers form cooperative to reach buyers directly",
        "Sahar Karimi",
        "Weavers in Andkhoy hope to keep more of the price paid by foreign customers.",
        (
            "Carpet weavers in Andkhoy have formed a cooperative to sell directly to foreign buyers "
            "instead of through traders who take a large share of the price.",
            "The cooperative has about sixty members, most of them women who weave at home. It plans "
            "to open a small showroom and to photograph each carpet for an online catalogue.",
            "Members said a large hand-knotted carpet can take several months to finish, but the "
            "weaver often receives only a small fraction of its final price.",
            "Traders argue that they bear the cost of washing, transport and marketing, and that "
            "foreign buyers prefer to deal with established companies.",
            "The cooperative hopes to attend a trade fair later this year, with support from a "
            "business association in Mazar-i-Sharif.",
        ),
        "A weaver works on a carpet at her home in Andkhoy.",
        "Photo: Sahar Karimi / KDT", (150, 30, 40), ("carpets", "exports", "women"),
    ),
    # --- Dari (fa) ---------------------------------------------------------------
    DemoArticle(
        "2024-03-08", "10:30", "kabul-municipality-roads", "fa", "politics",
        _z("شهرداری کابل طرح تازه|ای برای بازسازی جاده|ها اعلام کرد"),
        "احمد ضیا رحیمی",
        _z("بر اساس این طرح، ده|ها جاده|ی فرعی در شش ناحیه|ی شهر بازسازی می|شود."),
        tuple(_z(p) for p in (
            "شهرداری کابل روز پنج|شنبه طرح تازه|ای را برای بازسازی جاده|های فرعی شهر اعلام کرد. "
            "مسئولان می|گویند کار در شش ناحیه آغاز می|شود.",
            "به گفته|ی سخنگوی شهرداری، این طرح شامل ساخت جوی|های آب و پیاده|روها نیز "
            "می|شود و تا پایان سال به پایان می|رسد.",
            "خبرگزاری|ها گزارش داده|اند که بسیاری از باشندگان این ناحیه|ها سال|ها از گرد و خاک "
            "و گل|ولای جاده|ها شکایت داشته|اند.",
            "یکی از باشندگان ناحیه|ی پنجم گفت: «ما امیدواریم این بار وعده|ها عملی شود و "
            "کودکان بتوانند بدون مشکل به مکتب بروند.»",
            "شهرداری می|گوید هزینه|ی این پروژه از درآمدهای داخلی پرداخت می|شود و "
            "شرکت|های ساختمانی از طریق داوطلبی انتخاب می|شوند.",
        )),
        _z("کارگران شهرداری در حال کار روی یکی از جاده|های فرعی کابل"),
        "عکس: احمد ضیا رحیمی", (100, 100, 100), ("کابل", "شهرداری"),
    ),
    DemoArticle(
        "2024-03-13", "09:10", "herat-saffron-farmers", "fa", "economy",
        _z("زعفران|کاران هرات از افزایش صادرات خبر می|دهند"),
        "فرشته نوری",
        _z("دهقانان می|گویند قیمت زعفران امسال بالاتر رفته است."),
        tuple(_z(p) for p in (
            "زعفران|کاران ولایت هرات می|گویند صادرات زعفران امسال نسبت به سال گذشته "
            "افزایش یافته و خریداران تازه|ای به بازار آمده|اند.",
            "به گفته|ی اتاق تجارت هرات، بیشتر زعفران به کشورهای خلیج و اروپا صادر می|شود.",
            "زنان زیادی در کارخانه|های بسته|بندی کار می|کنند و گل|های زعفران را با دست "
            "جدا می|کنند؛ کاری که نمی|توان آن را با ماشین انجام داد.",
            "دهقانان اما می|گویند هزینه|ی کود و آب نیز بالا رفته و بخشی از سود آن|ها را از بین برده است.",
            "صادرکنندگان می|گویند گرفتن تصدیق|نامه|های کیفیت هنوز بزرگ|ترین مشکل آن|ها است.",
        )),
        _z("زنان در یکی از کارخانه|های بسته|بندی زعفران در هرات"),
        "عکس: فرشته نوری", (180, 70, 130), ("زعفران", "هرات", "صادرات"),
    ),
    DemoArticle(
        "2024-03-16", "11:05", "education-textbooks", "fa", "politics",
        _z("وزارت معارف کتاب|های درسی تازه را توزیع می|کند"),
        "احمد ضیا رحیمی",
        _z("میلیون|ها جلد کتاب پیش از آغاز سال تعلیمی به مکتب|ها فرستاده می|شود."),
        tuple(_z(p) for p in (
            "وزارت معارف اعلام کرد که میلیون|ها جلد کتاب درسی تازه پیش از آغاز سال تعلیمی "
            "به مکتب|های سراسر کشور فرستاده می|شود.",
            "مسئولان این وزارت می|گویند کتاب|ها در چاپخانه|های داخلی چاپ شده|اند و "
            "توزیع آن|ها از ولایت|های دوردست آغاز می|شود.",
            "آموزگاران در چند ولایت گفته|اند که سال|ها دانش|آموزان مجبور بودند یک کتاب را "
            "با هم|صنفی|های خود شریک کنند.",
            "یک آموزگار در بلخ گفت: «اگر کتاب|ها به موقع برسند، نیمی از مشکلات ما حل می|شود.»",
            "وزارت معارف همچنان گفته است که فهرست مکتب|هایی که کتاب دریافت کرده|اند "
            "به|زودی منتشر می|شود.",
        )),
        _z("کتاب|های درسی در یکی از انبارهای وزارت معارف"),
        "عکس: احمد ضیا رحیمی", (70, 120, 180), ("معارف", "مکتب"),
    ),
    # --- Pashto (ps) -------------------------------------------------------------
    DemoArticle(
        "2024-03-10", "08:40", "nangarhar-roads", "ps", "politics",
        _z("په ننګرهار کې د سړکونو د جوړولو کار پیل شو"),
        "عبدالله شینواری",
        _z("د ولایت چارواکي وايي چې کار به تر دوبي|پورې بشپړ شي."),
        tuple(_z(p) for p in (
            "د ننګرهار ولایت چارواکو ويلي چې په څو ولسوالیو کې د سړکونو د جوړولو کار "
            "پیل شوی او تر دوبي|پورې به بشپړ شي.",
            "د ولایت د فوايدعامې رياست وايي چې دا سړکونه به کلي له ښار|ونو سره وصل کړي "
            "او د سوداګرو لګښت به کم کړي.",
            "سیمه|والو ويلي چې کلونه|کلونه يې په خاورینو سړکونو سفر کړی او ناروغان "
            "روغتون|ته په سختۍ رسول کېدل.",
            "يوه سیمه|وال وویل: «هیله لرو چې دا ځل کار په سمه توګه ترسره شي.»",
            "چارواکي وايي چې د پروژې لګښت له کورنیو عوایدو ورکول کېږي.",
        )),
        _z("په ننګرهار کې د سړک جوړولو کار"),
        "انځور: عبدالله شینواری", (130, 110, 70), ("ننګرهار", "سړکونه"),
    ),
    DemoArticle(
        "2024-03-17", "12:15", "kandahar-pomegranates", "ps", "economy",
        _z("د کندهار انار بهرنیو بازارونو ته صادرېږي"),
        "عبدالله شینواری",
        _z("بڼ|والو ويلي چې سږکال يې حاصل ښه دی."),
        tuple(_z(p) for p in (
            "د کندهار بڼ|والو ويلي چې سږکال د انارو حاصل ښه دی او سوداګر يې بهرنیو "
            "بازارونو ته صادروي.",
            "د کندهار د سوداګرۍ خونې په وینا، انار ګاونډیو هېوادونو او خلیج ته لېږل کېږي.",
            "بڼ|وال وايي چې د یخچال|خونو نشتوالی لا هم یوه لویه ستونزه ده او ډېر حاصل خرابېږي.",
            "يوه سوداګر وویل: «که د لېږد لارې خلاصې وي، زموږ ګټه به ډېره شي.»",
            "چارواکي وايي چې هڅه کوي نوي یخچال|خونې جوړې کړي.",
        )),
        _z("په کندهار کې د انارو بڼ"),
        "انځور: عبدالله شینواری", (190, 40, 60), ("کندهار", "انار"),
    ),
)


SECTIONS: dict[str, dict[str, str]] = {
    "politics": {"en": "Politics", "fa": "سیاست", "ps": "سیاست"},
    "economy": {"en": "Economy", "fa": "اقتصاد", "ps": "اقتصاد"},
}

SITE_NAME = "Kabul Demo Times"
SECTION_PAGE_SIZE = 8
