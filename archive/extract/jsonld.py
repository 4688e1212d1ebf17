"""JSON-LD (schema.org) article metadata: ``NewsArticle`` and friends, ``@graph``, ``@id`` links."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from lxml.html import HtmlElement

ARTICLE_TYPES = frozenset(
    {
        "Article",
        "NewsArticle",
        "ReportageNewsArticle",
        "AnalysisNewsArticle",
        "OpinionNewsArticle",
        "BackgroundNewsArticle",
        "ReviewNewsArticle",
        "AdvertiserContentArticle",
        "SatiricalArticle",
        "ScholarlyArticle",
        "TechArticle",
        "Report",
        "BlogPosting",
        "LiveBlogPosting",
        "SocialMediaPosting",
        "DiscussionForumPosting",
        "VideoObject",
    }
)
PAGE_TYPES = frozenset({"WebPage", "ItemPage", "CollectionPage", "SearchResultsPage", "ProfilePage"})
_TRAILING_COMMA = re.compile(r",\s*([}\]])")
_MAX_SCRIPT_CHARS = 2_000_000


def jsonld_objects(tree: HtmlElement) -> list[dict[str, Any]]:
    """Every JSON object in the page's ``ld+json`` scripts, ``@graph`` flattened."""
    objects: list[dict[str, Any]] = []
    for script in tree.iter("script"):
        if "ld+json" not in (script.get("type") or "").lower():
            continue
        text = (script.text or "").strip()
        if not text or len(text) > _MAX_SCRIPT_CHARS:
            continue
        data = _loads(text)
        if data is not None:
            objects.extend(_flatten(data))
    return objects


def find_article(objects: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The article object, else a ``WebPage`` one; nested ``mainEntity`` is followed."""
    for wanted in (ARTICLE_TYPES, PAGE_TYPES):
        for obj in objects:
            if types_of(obj) & wanted:
                entity = obj.get("mainEntity")
                if isinstance(entity, dict) and types_of(entity) & ARTICLE_TYPES:
                    return entity
                return obj
    return None


def types_of(obj: dict[str, Any]) -> set[str]:
    """``@type`` as a set of bare names (``schema:NewsArticle`` -> ``NewsArticle``)."""
    raw = obj.get("@type")
    values = raw if isinstance(raw, list) else [raw]
    return {str(v).rsplit("/", 1)[-1].rsplit(":", 1)[-1] for v in values if v}


def resolve(value: Any, index: dict[str, dict[str, Any]]) -> Any:
    """Follow a bare ``{"@id": ...}`` reference into the graph."""
    if isinstance(value, dict) and set(value) <= {"@id", "@type"} and value.get("@id") in index:
        return index[value["@id"]]
    return value


def id_index(objects: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Objects by ``@id``, for ``resolve``."""
    return {obj["@id"]: obj for obj in objects if isinstance(obj.get("@id"), str) and len(obj) > 2}


def names(value: Any, index: dict[str, dict[str, Any]]) -> list[str]:
    """Names from a string, a Person/Organization, or a list of either."""
    found: list[str] = []
    for item in value if isinstance(value, list) else [value]:
        item = resolve(item, index)
        if isinstance(item, str):
            found.append(item)
        elif isinstance(item, dict):
            name = item.get("name")
            if isinstance(name, list):
                name = name[0] if name else None
            if isinstance(name, str):
                found.append(name)
    return [name.strip() for name in found if name and name.strip()]


def strings(value: Any) -> list[str]:
    """A string or list of strings (nested lists flattened), stripped."""
    if isinstance(value, str):
        return [value.strip()] if value.strip() else []
    if isinstance(value, list):
        return [s for item in value for s in strings(item)]
    if isinstance(value, dict):
        return strings(value.get("name") or value.get("@value"))
    return []


def image_urls(value: Any, index: dict[str, dict[str, Any]]) -> list[tuple[str, str | None]]:
    """``(url, caption)`` pairs from ``image``/``ImageObject`` values."""
    found: list[tuple[str, str | None]] = []
    for item in value if isinstance(value, list) else [value]:
        item = resolve(item, index)
        if isinstance(item, str) and item.strip():
            found.append((item.strip(), None))
        elif isinstance(item, dict):
            url = item.get("url") or item.get("contentUrl")
            caption = item.get("caption")
            if isinstance(url, str) and url.strip():
                found.append((url.strip(), caption if isinstance(caption, str) else None))
    return found


def _loads(text: str) -> Any:
    text = text.removeprefix("<!--").removesuffix("-->").strip().removesuffix(";")
    for candidate in (text, _TRAILING_COMMA.sub(r"\1", text)):
        try:
            return json.loads(candidate, strict=False)
        except (ValueError, RecursionError):
            continue
    return None


def _flatten(data: Any) -> Iterator[dict[str, Any]]:
    stack = [data]
    while stack:
        item = stack.pop(0)
        if isinstance(item, list):
            stack[:0] = item
        elif isinstance(item, dict):
            graph = item.get("@graph")
            if isinstance(graph, list):
                stack[:0] = graph
            if "@type" in item:
                yield item
