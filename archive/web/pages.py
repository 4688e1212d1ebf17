"""HTML pages: search, article, versions, sites. Handlers are plain functions (run in a thread pool)."""

from __future__ import annotations

from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from archive.research import FACET_CAP, Archive, highlight
from archive.research._diff import version_word_diff
from archive.web.params import facet_change, facet_clear, query_string, search_request
from archive.web.views import article_view, hit_replays, is_rtl

FACET_TITLES = {"site": "Site", "section": "Section", "language": "Language", "author": "Author", "date": "Date"}


def archive_of(request: Request) -> Archive:
    return request.app.state.archive


def render(request: Request, name: str, status_code: int = 200, **context: Any) -> Response:
    return request.app.state.templates.TemplateResponse(request, name, context, status_code=status_code)


def search_page(request: Request) -> Response:
    """Results with snippets, counts and facets; every link keeps the whole search in the URL."""
    search = search_request(request.query_params)
    results = archive_of(request).run(search)
    replays = hit_replays(archive_of(request).captures([hit.id for hit in results.hits]), request.app.state.replay_base)
    selected = {name: getattr(search, name) for name in ("site", "section", "language", "author")}
    selected["date"] = f"{search.year}-{search.month:02d}" if search.month else search.year
    return render(request, "search.html", search=search, results=results, replays=replays,
                  facet_titles=FACET_TITLES, selected=selected, qs=query_string, facet_change=facet_change,
                  facet_clear=facet_clear, highlight=highlight, is_rtl=is_rtl,
                  facet_cap=FACET_CAP)


def article_or_404(request: Request) -> dict[str, Any]:
    detail = archive_of(request).article(request.path_params["article_id"])
    if detail is None:
        raise HTTPException(404, f"no article with id {request.path_params['article_id']}")
    return article_view(detail, request.app.state.replay_base)


def article_page(request: Request) -> Response:
    return render(request, "article.html", article=article_or_404(request))


def versions_page(request: Request) -> Response:
    """The timeline of versions and a word diff between any two (``?a=1&b=3``; default: the last two)."""
    article = article_or_404(request)
    numbers = [v["number"] for v in article["versions"]]
    a, b = version_pair(request, numbers)
    by_number = {v["number"]: v for v in article["versions"]}
    diff = version_word_diff(by_number[a], by_number[b]) if a is not None and b is not None else None
    return render(request, "versions.html", article=article, diff=diff, a=a, b=b)


def version_pair(request: Request, numbers: list[int]) -> tuple[int | None, int | None]:
    """Two version numbers from ``?a=&b=``; 400 for one that this article does not have."""
    if len(numbers) < 2 and not request.query_params.get("a"):
        return None, None
    default = (numbers[-2], numbers[-1]) if len(numbers) >= 2 else (numbers[0], numbers[0])
    chosen = []
    for key, fallback in zip(("a", "b"), default, strict=False):
        raw = request.query_params.get(key) or str(fallback)
        try:
            number = int(raw)
        except ValueError:
            number = None
        if number not in numbers:
            raise HTTPException(400, f"version {raw[:20]!r} does not exist; this article has versions "
                                     f"{', '.join(map(str, numbers))}")
        chosen.append(number)
    return chosen[0], chosen[1]


def sites_page(request: Request) -> Response:
    return render(request, "sites.html", sites=archive_of(request).sites())
