"""``newsarchive serve``: a read-only web interface over the article database.

``app.create_app`` builds the ASGI application (Starlette, Jinja2 templates with
autoescape, no JavaScript needed); ``security`` wraps it with the headers every
response carries; ``server.serve`` runs it under uvicorn. All data comes through
``archive.research``, the same API notebooks use.
"""

from __future__ import annotations

from archive.web.app import create_app

__all__ = ["create_app"]
