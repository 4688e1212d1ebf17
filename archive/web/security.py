"""Headers on every response, error pages included: archived text is hostile until proven otherwise.

The policy allows nothing but our own stylesheet and forms, plus images from the
replay server (article images are shown through replay, never fetched from the live
web). No script runs in this origin at all, so even a template bug that let archived
markup through could not execute it; archived pages themselves are only ever shown by
pywb, in its own origin.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

Scope = dict[str, Any]


def content_security_policy(replay_base: str | None) -> str:
    images = "'self' data:"
    if replay_base:
        parts = urlsplit(replay_base)
        if parts.scheme in ("http", "https") and parts.netloc:
            images += f" {parts.scheme}://{parts.netloc}"
    return ("default-src 'none'; script-src 'none'; style-src 'self'; " f"img-src {images}; "
            "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")


class SecurityHeaders:
    """Pure ASGI middleware (it also wraps Starlette's own 500 page, and does not buffer streams)."""

    def __init__(self, app: Any, replay_base: str | None) -> None:
        self.app = app
        self.headers = [
            (b"content-security-policy", content_security_policy(replay_base).encode()),
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"no-referrer"),
            (b"x-frame-options", b"DENY"),
            (b"cross-origin-opener-policy", b"same-origin"),
        ]

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                names = {name for name, _ in self.headers}
                kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in names]
                message = {**message, "headers": kept + self.headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def safe_href(url: str | None) -> str | None:
    """``url`` if it is an http(s) URL, else None: archived URLs may be ``javascript:``."""
    if not url:
        return None
    scheme = urlsplit(url.strip()).scheme.lower()
    return url if scheme in ("http", "https") else None
