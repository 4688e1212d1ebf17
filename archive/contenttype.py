"""One answer to "is this an HTML page?", shared by the crawl, reindex, replay and WACZ.

The crawl and ``reindex`` must agree, or a reindex would find articles the crawl never
stored (or the reverse). A missing Content-Type counts as HTML, because browsers sniff
such pages and news sites do serve them.
"""

from __future__ import annotations

HTML_TYPES = ("text/html", "application/xhtml+xml")


def is_html(content_type: str | bytes | None) -> bool:
    """Whether a Content-Type header value (``text/html; charset=utf-8``) names an HTML page."""
    if content_type is None:
        return True
    if isinstance(content_type, bytes):
        content_type = content_type.decode("latin-1")
    mime = content_type.split(";")[0].strip().lower()
    return mime == "" or mime in HTML_TYPES
