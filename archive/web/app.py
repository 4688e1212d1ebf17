"""The ASGI application: routes, templates, error pages, security headers.

Errors are pages (or JSON under ``/api/``), never a traceback: a bad query or a bad
parameter is a 400 with the parser's one-line message, a missing article a 404, a
database failure a 503; anything else a terse 500 (logged by uvicorn).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import jinja2
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from archive.errors import ArchiveError, ConfigError, DatabaseError, QueryError
from archive.research import Archive, check_query
from archive.web import api, pages
from archive.web.downloads import MEDIA_TYPES, read_record_bytes, record_path, stream_export
from archive.web.params import query_string, search_request
from archive.web.security import SecurityHeaders, safe_href

HERE = Path(__file__).resolve().parent
DEFAULT_REPLAY_BASE = "http://127.0.0.1:8080"


def create_app(archive: Archive, replay_base: str = DEFAULT_REPLAY_BASE, warcs: Path | None = None) -> Any:
    """The interface over ``archive``; captures are linked to pywb at ``replay_base``."""
    routes = [
        Route("/", pages.search_page, name="search"),
        Route("/article/{article_id:int}", pages.article_page, name="article"),
        Route("/article/{article_id:int}/versions", pages.versions_page, name="versions"),
        Route("/article/{article_id:int}/warc/{number:int}", warc_record, name="warc"),
        Route("/export.{fmt:str}", export, name="export"),
        Route("/sites", pages.sites_page, name="sites"),
        Route("/api/search", api.api_search),
        Route("/api/articles/{article_id:int}", api.api_article),
        Route("/api/articles/{article_id:int}/versions", api.api_versions),
        Route("/api/articles/{article_id:int}/diff", api.api_diff),
        Route("/api/sites", api.api_sites),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    handlers: dict[Any, Any] = {QueryError: _error, ArchiveError: _error, HTTPException: _error, Exception: _error}
    app = Starlette(routes=routes, exception_handlers=handlers)
    app.state.archive = archive
    app.state.replay_base = replay_base.rstrip("/")
    app.state.warcs = Path(warcs) if warcs else archive.data_dir / "warcs"
    app.state.templates = _templates()
    return SecurityHeaders(app, replay_base)


def _templates() -> Jinja2Templates:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["href"] = safe_href
    env.filters["when"] = _when
    env.filters["number"] = lambda n: f"{n:,}"
    env.filters["percent"] = lambda share: f"{share:.0%}"
    env.globals["qs"] = query_string
    return Jinja2Templates(env=env)


def _when(value: str | dt.datetime | None) -> str:
    """A date and time in UTC, short; archived strings that are not ISO dates are shown as they are."""
    if not value:
        return ""
    try:
        when = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    except ValueError:
        return str(value)
    if when.tzinfo is not None:
        when = when.astimezone(dt.UTC)
    return when.strftime("%Y-%m-%d %H:%M") if (when.hour, when.minute) != (0, 0) else when.strftime("%Y-%m-%d")


def export(request: Request) -> Response:
    """The current result set (the search page's parameters, all pages) as csv, jsonl or parquet."""
    fmt = request.path_params["fmt"]
    if fmt not in MEDIA_TYPES:
        raise HTTPException(404, f"no export format {fmt!r}; use csv, jsonl or parquet")
    search = search_request(request.query_params)
    archive: Archive = request.app.state.archive
    check_query(search.q)  # a bad query fails here, as a 400, before the download starts
    chunks = stream_export(lambda out: archive.export(fmt, out, search.q, **_options(search)))
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
    headers = {"Content-Disposition": f'attachment; filename="newsarchive-{stamp}.{fmt}"'}
    return StreamingResponse(chunks, media_type=MEDIA_TYPES[fmt], headers=headers)


def _options(search: Any) -> dict[str, Any]:
    return {k: getattr(search, k) for k in ("site", "section", "language", "author", "year", "month", "sort")}


def warc_record(request: Request) -> Response:
    """The raw WARC record (one gzip member for .warc.gz) of one version's capture."""
    detail = request.app.state.archive.article(request.path_params["article_id"])
    number = request.path_params["number"]
    version = next((v for v in (detail or {}).get("versions", []) if v["number"] == number), None)
    capture = version.get("capture") if version else None
    if capture is None:
        raise HTTPException(404, f"article {request.path_params['article_id']} has no capture for version {number}")
    path = record_path(request.app.state.warcs, capture["warc_file"])
    data = read_record_bytes(path, capture["warc_offset"], capture["warc_length"])
    suffix = ".warc.gz" if path.name.removesuffix(".open").endswith(".gz") else ".warc"
    name = f"article-{request.path_params['article_id']}-v{number}{suffix}"
    return Response(data, media_type="application/warc",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _error(request: Request, exc: Exception) -> Response:
    if isinstance(exc, HTTPException):
        status, message = exc.status_code, exc.detail
    elif isinstance(exc, QueryError):
        status, message = 400, str(exc)
    elif isinstance(exc, ConfigError):
        status, message = 404, str(exc)
    elif isinstance(exc, DatabaseError):
        status, message = 503, str(exc)
    elif isinstance(exc, ArchiveError):
        status, message = 400, str(exc)
    else:
        status, message = 500, "internal error (see the server log)"
    if request.url.path.startswith("/api/"):
        return api.Json({"error": message}, status_code=status)
    return pages.render(request, "error.html", status_code=status, status=status, message=message)
