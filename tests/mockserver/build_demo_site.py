"""Regenerate archive/demo_site/ from demo_content.py.

Run ``python -m tests.mockserver.build_demo_site`` after editing the content,
then commit the output. Why generated: a dozen pages that must share one
layout, feed and sitemap are easier to keep consistent as data plus templates;
why committed: ``newsarchive demo`` needs the site at runtime without this
script. Absolute URLs (feeds, sitemaps, robots.txt) are written with the
``{{SITE}}`` placeholder, which ``archive.demosite`` replaces with the server's
base URL when serving, because the port is only known then.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterable
from datetime import datetime
from html import escape
from pathlib import Path

from tests.mockserver import images
from tests.mockserver.demo_content import (
    ARTICLES,
    SECTION_PAGE_SIZE,
    SECTIONS,
    SITE_NAME,
    DemoArticle,
)
from tests.mockserver.demo_feeds import ROBOTS, newest_first, post_id, render_atom, render_rss, render_sitemaps

OUT = Path(__file__).resolve().parents[2] / "archive" / "demo_site"
FRONT_PAGE_SIZE = 10
LOGO = "/wp-content/themes/jnews/assets/img/logo.png"

_UI = {
    "en": {"by": "By", "read_also": "Read also:", "related": "Related posts", "tags": "Tags:",
           "share": "Share", "home": "Home", "more": "Read more"},
    "fa": {"by": "نویسنده:", "read_also": "بیشتر بخوانید:", "related": "مطالب مرتبط",
           "tags": "برچسب‌ها:", "share": "همرسانی", "home": "خانه", "more": "ادامه"},
    "ps": {"by": "لیکوال:", "read_also": "دا هم ولولئ:", "related": "اړوند مطالب",
           "tags": "نښانونه:", "share": "شریکول", "home": "کور", "more": "نور ولولئ"},
}


_LOCALES = {"en": "en_US", "fa": "fa_AF", "ps": "ps_AF"}


def _slugify(text: str) -> str:
    return "-".join(text.lower().split())


_AUTHOR_SLUGS = {
    "احمد ضیا رحیمی": "ahmad-zia-rahimi",
    "فرشته نوری": "freshta-noori",
    "عبدالله شینواری": "abdullah-shinwari",
}


def _author_path(name: str) -> str:
    return f"/author/{_AUTHOR_SLUGS.get(name) or _slugify(name)}/"


def _head(title: str, canonical: str, lang: str, extra: str = "") -> str:
    direction = ' dir="rtl"' if lang in ("fa", "ps") else ""
    return f"""<!DOCTYPE html>
<html lang="{lang}"{direction}>
<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
<link rel="canonical" href="{canonical}">
<link rel="icon" href="/favicon.png" type="image/png">
<link rel="alternate" type="application/rss+xml" title="{SITE_NAME} &raquo; Feed" href="/feed/">
<link rel="alternate" type="application/atom+xml" title="{SITE_NAME} &raquo; Atom" href="/feed/atom/">
<link rel="stylesheet" id="jnews-frontend-css" href="/wp-content/themes/jnews/assets/css/main.css?ver=11.0.9" type="text/css" media="all">
<meta name="generator" content="WordPress 6.4.3">
{extra}</head>
"""


def _masthead() -> str:
    nav = "".join(
        f'<li class="menu-item"><a href="/section/{key}/">{names["en"]}</a></li>'
        for key, names in SECTIONS.items()
    )
    return f"""<body class="wp-theme-jnews jeg_boxed">
<div id="cookie-notice" class="cookie-notice-container" role="dialog" aria-label="Cookie consent">
<p>We use cookies to improve your experience and to measure traffic. See our <a href="/privacy-policy/">privacy policy</a>.</p>
<button id="cn-accept-cookie" class="cn-button" data-cookie-set="accept">Accept</button>
<button id="cn-refuse-cookie" class="cn-button" data-cookie-set="refuse">Decline</button>
</div>
<div class="jeg_viewport">
<header class="jeg_header">
<div class="jeg_topbar"><span class="jeg_top_date">Kabul edition</span>
<a href="/feed/" class="jeg_rss">RSS</a></div>
<div class="jeg_logo"><a href="/" rel="home"><img src="{LOGO}" alt="{SITE_NAME}" width="120" height="32"></a></div>
<nav class="jeg_main_menu"><ul><li class="menu-item"><a href="/">Home</a></li>{nav}<li class="menu-item"><a href="/about/">About</a></li></ul></nav>
</header>
<div class="jeg_ad jeg_ad_top"><div class="ads-wrapper">Advertisement</div></div>
"""


def _footer() -> str:
    return f"""<footer class="jeg_footer">
<div class="jeg_footer_content">
<p class="jeg_about">{SITE_NAME} is a fictional newspaper bundled with newsarchive for offline demos.</p>
<ul class="jeg_menu_footer"><li><a href="/about/">About us</a></li><li><a href="/contact/">Contact</a></li><li><a href="/privacy-policy/">Privacy policy</a></li><li><a href="/sitemap.xml">Sitemap</a></li></ul>
<p class="copyright">&copy; 2024 {SITE_NAME}. All rights reserved.</p>
</div>
</footer>
</div>
<script>
(function () {{
  var banner = document.getElementById('cookie-notice');
  if (document.cookie.indexOf('cookie_notice_accepted=') !== -1) {{ banner.style.display = 'none'; }}
  document.getElementById('cn-accept-cookie').addEventListener('click', function () {{
    document.cookie = 'cookie_notice_accepted=true; path=/; max-age=31536000';
    banner.style.display = 'none';
  }});
}})();
</script>
</body>
</html>
"""


def _json_ld(a: DemoArticle) -> str:
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": a.path},
        "headline": a.headline,
        "description": a.excerpt,
        "inLanguage": a.lang,
        "image": [a.image_path],
        "datePublished": a.iso_published,
        "dateModified": a.iso_published,
        "author": [{"@type": "Person", "name": a.author, "url": _author_path(a.author)}],
        "publisher": {"@type": "Organization", "name": SITE_NAME,
                      "logo": {"@type": "ImageObject", "url": LOGO}},
        "articleSection": SECTIONS[a.section][a.lang],
        "keywords": list(a.tags),
    }
    return json.dumps(data, ensure_ascii=False, indent=1)


def _related(a: DemoArticle) -> list[DemoArticle]:
    same = [b for b in ARTICLES if b.section == a.section and b is not a]
    same.sort(key=lambda b: (b.lang != a.lang, abs(post_id(b) - post_id(a))))
    return same[:3]


def _read_also(a: DemoArticle) -> DemoArticle:
    return _related(a)[0]


def _display_date(a: DemoArticle) -> str:
    if a.lang == "en":
        d = datetime.fromisoformat(a.date)
        return f"{d:%B} {d.day}, {d.year}"
    return a.date


def render_article(a: DemoArticle) -> str:
    ui = _UI[a.lang]
    section_name = SECTIONS[a.section][a.lang]
    extra = f"""<meta name="description" content="{escape(a.excerpt)}">
<meta property="og:locale" content="{_LOCALES[a.lang]}">
<meta property="og:type" content="article">
<meta property="og:title" content="{escape(a.headline)}">
<meta property="og:description" content="{escape(a.excerpt)}">
<meta property="og:url" content="{a.path}">
<meta property="og:site_name" content="{SITE_NAME}">
<meta property="og:image" content="{a.image_path}">
<meta property="article:published_time" content="{a.iso_published}">
<meta property="article:section" content="{escape(section_name)}">
<meta name="author" content="{escape(a.author)}">
<script type="application/ld+json">{_json_ld(a)}</script>
"""
    also = _read_also(a)
    paras = [f"<p>{escape(p)}</p>" for p in a.paragraphs]
    paras.insert(2, f'<p class="read-also"><strong>{ui["read_also"]}</strong> '
                    f'<a href="{also.path}">{escape(also.headline)}</a></p>')
    share_url = escape(a.path)
    related = "".join(
        f'<div class="jeg_post"><a href="{r.path}"><img src="{r.image_path}" alt="" width="160" height="96"></a>'
        f'<h3 class="jeg_post_title"><a href="{r.path}">{escape(r.headline)}</a></h3></div>\n'
        for r in _related(a)
    )
    tags = " ".join(f'<span class="tag">{escape(t)}</span>' for t in a.tags)
    return (
        _head(f"{a.headline} \u2013 {SITE_NAME}", a.path, a.lang, extra)
        + _masthead()
        + f"""<div class="jeg_main"><div class="jeg_container">
<div class="jeg_breadcrumbs"><a href="/">{ui["home"]}</a> &rsaquo; <a href="/section/{a.section}/">{escape(section_name)}</a></div>
<article id="post-{post_id(a)}" class="post type-post status-publish format-standard has-post-thumbnail category-{a.section}">
<div class="entry-header">
<div class="jeg_meta_category"><a href="/section/{a.section}/" rel="category tag">{escape(section_name)}</a></div>
<h1 class="jeg_post_title">{escape(a.headline)}</h1>
<h2 class="jeg_post_subtitle">{escape(a.excerpt)}</h2>
<div class="jeg_meta_container"><div class="jeg_meta_author">{ui["by"]} <a href="{_author_path(a.author)}" rel="author">{escape(a.author)}</a></div>
<div class="jeg_meta_date"><time datetime="{a.iso_published}">{_display_date(a)}</time></div></div>
</div>
<div class="jeg_share_top_container"><div class="jeg_share_button share-float">
<span class="jeg_share_label">{ui["share"]}</span>
<a href="https://www.facebook.example/sharer.php?u={share_url}" class="jeg_btn-facebook" rel="nofollow noopener">Facebook</a>
<a href="https://twitter.example/intent/tweet?url={share_url}" class="jeg_btn-twitter" rel="nofollow noopener">Twitter</a>
<a href="whatsapp://send?text={share_url}" class="jeg_btn-whatsapp" rel="nofollow noopener">WhatsApp</a>
<a href="mailto:?subject={escape(a.headline)}&amp;body={share_url}" class="jeg_btn-email" rel="nofollow">Email</a>
</div></div>
<figure class="wp-caption jeg_featured featured_image">
<img src="{a.image_path}" width="240" height="144" alt="{escape(a.caption)}" class="wp-post-image" decoding="async">
<figcaption class="wp-caption-text">{escape(a.caption)} <span class="credit">{escape(a.credit)}</span></figcaption>
</figure>
<div class="content-inner entry-content">
{chr(10).join(paras)}
</div>
<div class="jeg_post_tags"><span>{ui["tags"]}</span> {tags}</div>
<div class="jeg_authorbox"><div class="jeg_author_image"><img src="/wp-content/uploads/avatar.png" alt="" width="40" height="40"></div>
<div class="jeg_author_content"><h3 class="jeg_author_name"><a href="{_author_path(a.author)}">{escape(a.author)}</a></h3>
<p class="jeg_author_desc">{escape(a.author)} reports for {SITE_NAME}.</p></div></div>
</article>
<div class="jnews_related_post_container"><div class="jeg_postblock_22 jeg_postblock"><h2 class="jeg_block_title"><span>{ui["related"]}</span></h2>
{related}</div></div>
</div></div>
"""
        + _footer()
    )


def _teaser(a: DemoArticle) -> str:
    direction = ' dir="rtl"' if a.lang != "en" else ""
    return (
        f'<article class="jeg_post jeg_pl_md_2" lang="{a.lang}"{direction}>'
        f'<div class="jeg_thumb"><a href="{a.path}"><img src="{a.image_path}" alt="" width="160" height="96"></a></div>'
        f'<div class="jeg_postblock_content"><h3 class="jeg_post_title"><a href="{a.path}">{escape(a.headline)}</a></h3>'
        f'<div class="jeg_post_meta"><time datetime="{a.iso_published}">{_display_date(a)}</time> '
        f'&middot; <a href="{_author_path(a.author)}">{escape(a.author)}</a></div>'
        f'<p class="jeg_post_excerpt">{escape(a.excerpt)}</p></div></article>\n'
    )


def render_listing(title: str, canonical: str, items: Iterable[DemoArticle],
                   pager: str = "", intro: str = "") -> str:
    body = "".join(_teaser(a) for a in items)
    return (
        _head(f"{title} \u2013 {SITE_NAME}", canonical, "en")
        + _masthead()
        + f"""<div class="jeg_main"><div class="jeg_container">
<h1 class="jeg_archive_title">{escape(title)}</h1>
{intro}<div class="jeg_posts jeg_load_more_flag">
{body}</div>
{pager}</div></div>
"""
        + _footer()
    )


def render_simple(title: str, canonical: str, paragraphs: Iterable[str]) -> str:
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        _head(f"{title} \u2013 {SITE_NAME}", canonical, "en")
        + _masthead()
        + f'<div class="jeg_main"><div class="jeg_container"><h1>{escape(title)}</h1>\n{body}\n</div></div>\n'
        + _footer()
    )


def _section_pages(section: str) -> dict[str, str]:
    items = [a for a in newest_first() if a.section == section]
    chunks = [items[i:i + SECTION_PAGE_SIZE] for i in range(0, len(items), SECTION_PAGE_SIZE)]
    pages: dict[str, str] = {}
    name = SECTIONS[section]["en"]
    for n, chunk in enumerate(chunks, start=1):
        path = f"/section/{section}/" + (f"page/{n}/" if n > 1 else "")
        links = []
        if n > 1:
            prev = f"/section/{section}/" + (f"page/{n - 1}/" if n > 2 else "")
            links.append(f'<a class="page_nav prev" rel="prev" href="{prev}">&laquo; Newer</a>')
        if n < len(chunks):
            links.append(f'<a class="page_nav next" rel="next" href="/section/{section}/page/{n + 1}/">Older &raquo;</a>')
        pager = f'<div class="jeg_navigation jeg_pagination">{" ".join(links)}</div>\n'
        pages[path] = render_listing(f"{name}" + (f" \u2013 Page {n}" if n > 1 else ""), path, chunk, pager)
    return pages


def _write(rel: str, text: str | bytes) -> None:
    path = OUT / rel.lstrip("/")
    if rel.endswith("/"):
        path = path / "index.html"
    path.parent.mkdir(parents=True, exist_ok=True)
    data = text.encode("utf-8") if isinstance(text, str) else text
    path.write_bytes(data)


def _write_images() -> None:
    for a in ARTICLES:
        r, g, b = a.colour
        _write(a.image_path, images.make_jpeg(
            240, 144,
            lambda x, y, r=r, g=g, b=b: (min(255, r + 3 * x), min(255, g + 4 * y), max(0, b - 2 * x)),
        ))
    _write(LOGO, images.make_png(120, 32, lambda x, y: (20, 40, 80) if (x // 8 + y // 8) % 5 else (200, 30, 40)))
    _write("/favicon.png", images.make_png(16, 16, lambda x, y: (200, 30, 40) if 3 < x < 12 else (20, 40, 80)))
    _write("/wp-content/uploads/avatar.png", images.make_png(40, 40, lambda x, y: (150, 150, 160)))
    _write("/wp-content/themes/jnews/assets/css/main.css",
           "body{font-family:sans-serif;margin:0}.jeg_main{max-width:960px;margin:auto}"
           ".cookie-notice-container{position:fixed;bottom:0;background:#222;color:#fff}\n")


def build() -> None:
    """Wipe and rewrite the demo site directory."""
    if OUT.exists():
        shutil.rmtree(OUT)
    newest = newest_first()
    pages: dict[str, str] = {}
    pages["/"] = render_listing(
        SITE_NAME, "/", newest[:FRONT_PAGE_SIZE],
        intro='<p class="jeg_tagline">Independent news from Kabul and the provinces. '
              '<a href="/section/politics/">Politics</a> &middot; <a href="/section/economy/">Economy</a></p>\n',
    )
    for section in SECTIONS:
        pages.update(_section_pages(section))
    for a in ARTICLES:
        pages[a.path] = render_article(a)
    for author in sorted({a.author for a in ARTICLES}):
        pages[_author_path(author)] = render_listing(author, _author_path(author),
                                                     [a for a in newest if a.author == author])
    pages["/about/"] = render_simple("About us", "/about/", [
        f"{SITE_NAME} is an invented newspaper. Its pages imitate a WordPress news theme so that "
        "newsarchive can be tried without touching the internet.",
        "Every article, name and photo on this site is fictional.",
    ])
    pages["/contact/"] = render_simple("Contact", "/contact/", ["Write to the newsroom at news@kabuldemotimes.example."])
    pages["/privacy-policy/"] = render_simple("Privacy policy", "/privacy-policy/", [
        "This demo site sets no cookies by itself; the banner is only there to look like a real site.",
    ])
    for path, html in pages.items():
        _write(path, html)
    _write("/404.html", render_simple("Page not found", "/404.html", [
        'Sorry, the page you are looking for does not exist. Go back to the <a href="/">front page</a>.',
    ]))
    _write("/private/secret.html", render_simple("Staff only", "/private/secret.html", [
        "Internal page: robots.txt disallows /private/, so a polite crawler never archives this text.",
    ]))
    _write("/robots.txt", ROBOTS)
    _write("/feed/index.rss", render_rss())
    _write("/feed/atom/index.atom", render_atom())
    listed = [p for p in pages if not p.startswith(("/19", "/20"))]
    for name, xml in render_sitemaps(listed).items():
        _write(name, xml)
    _write_images()


if __name__ == "__main__":
    build()
    total = sum(p.stat().st_size for p in OUT.rglob("*") if p.is_file())
    print(f"wrote {OUT} ({total} bytes)")
