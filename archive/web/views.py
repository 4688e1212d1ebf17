"""What pages and the JSON API show about an article: replay addresses, direction, paragraphs.

Shared by the HTML pages and ``/api/`` so both say the same thing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from archive.replay import replay_address

RTL_LANGUAGES = ("fa", "ps", "ar", "ur", "ckb", "sd", "ug", "he", "yi", "dv")


def is_rtl(language: str | None, direction: str | None = None) -> bool:
    """Right-to-left by language code (``fa-AF`` counts as ``fa``), or by the stored direction."""
    primary = (language or "").lower().split("-")[0].split("_")[0]
    return primary in RTL_LANGUAGES or direction == "rtl"


def timestamp(fetched_at: str | dt.datetime) -> str:
    """The 14-digit UTC timestamp pywb addresses captures by."""
    when = dt.datetime.fromisoformat(fetched_at) if isinstance(fetched_at, str) else fetched_at
    when = when.replace(tzinfo=dt.UTC) if when.tzinfo is None else when.astimezone(dt.UTC)
    return when.strftime("%Y%m%d%H%M%S")


def capture_replay(capture: dict[str, Any] | None, replay_base: str) -> str | None:
    """The replay address of a capture (as ``lookup`` returns it), if it has one."""
    if not capture:
        return None
    return replay_address(capture["url"], timestamp(capture["fetched_at"]), replay_base)


def hit_replays(captures: dict[int, tuple[str, dt.datetime]], replay_base: str) -> dict[int, str | None]:
    """Replay address per article id, from ``Archive.captures``."""
    return {aid: capture_replay({"url": url, "fetched_at": when}, replay_base) for aid, (url, when) in captures.items()}


def image_replay(src: str, capture: dict[str, Any] | None, replay_base: str) -> str | None:
    """The image as archived near the page's capture time (pywb's ``im_`` mode), never the live web."""
    if not capture or not src.startswith(("http://", "https://")):
        return None
    return replay_address(src, timestamp(capture["fetched_at"]) + "im_", replay_base)


def paragraphs(body: str | None) -> list[str]:
    """The body's paragraphs exactly as stored (blank lines separate them)."""
    return [p.strip("\n") for p in (body or "").split("\n\n") if p.strip()]


def article_view(detail: dict[str, Any], replay_base: str) -> dict[str, Any]:
    """``detail`` plus replay addresses per version, the direction and a WARC download path per version."""
    versions = []
    for version in detail["versions"]:
        capture = version.get("capture")
        versions.append({**version, "replay": capture_replay(capture, replay_base),
                         "warc": f"/article/{detail['id']}/warc/{version['number']}" if capture else None})
    latest = versions[-1] if versions else {}
    capture = latest.get("capture")
    images = [{**img, "replay": image_replay(img["src"], capture, replay_base)} for img in detail.get("images") or []]
    return {**detail, "versions": versions, "images": images, "rtl": is_rtl(detail["language"], detail["direction"]),
            "replay": latest.get("replay"), "warc": latest.get("warc"), "capture": capture,
            "paragraphs": paragraphs(detail.get("body"))}
