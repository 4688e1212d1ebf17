"""``/api/``: the same data as the pages, as JSON (documented in docs/web.md)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from archive.research._diff import version_word_diff
from archive.web.pages import archive_of, article_or_404, version_pair
from archive.web.params import search_request
from archive.web.views import hit_replays


class Json(JSONResponse):
    """UTF-8 JSON with non-ASCII kept as is (U+200C included)."""

    def render(self, content: Any) -> bytes:
        import json

        return json.dumps(content, ensure_ascii=False, default=str).encode("utf-8")


def api_search(request: Request) -> Response:
    search = search_request(request.query_params)
    archive = archive_of(request)
    results = archive.run(search, facets=request.query_params.get("facets") != "0")
    replays = hit_replays(archive.captures([hit.id for hit in results.hits]), request.app.state.replay_base)
    hits = [{**hit.to_dict(), "replay": replays.get(hit.id), "article": f"/api/articles/{hit.id}"}
            for hit in results.hits]
    return Json({
        "request": asdict(search), "total": results.total, "total_capped": results.total_capped,
        "facets_sampled": results.facets_sampled, "facets_skipped": results.facets_skipped,
        "facets_approximate": results.facets_approximate,
        "pages": results.pages, "hits": hits,
        "facets": {name: [asdict(v) for v in values] for name, values in results.facets.items()},
    })


def api_article(request: Request) -> Response:
    article = article_or_404(request)
    article.pop("paragraphs")
    return Json(article)


def api_versions(request: Request) -> Response:
    article = article_or_404(request)
    return Json([{k: v for k, v in version.items() if k != "body"} for version in article["versions"]])


def api_diff(request: Request) -> Response:
    article = article_or_404(request)
    a, b = version_pair(request, [v["number"] for v in article["versions"]])
    if a is None or b is None:
        return Json({"error": "this article has one version: nothing to compare"}, status_code=400)
    by_number = {v["number"]: v for v in article["versions"]}
    diff = version_word_diff(by_number[a], by_number[b])
    diff["title"] = [asdict(p) for p in diff["title"]]
    diff["body"] = [asdict(p) for p in diff["body"]]
    return Json(diff)


def api_sites(request: Request) -> Response:
    return Json([asdict(site) for site in archive_of(request).sites()])
