"""Browser security headers on every response.

The web UI's Content-Security-Policy allows scripts and styles from this server only, with one exception: inline
style attributes and <style> elements (charts, bars and the HTML brief set their sizes and colours that way), which
cannot run code. No page has an inline script or an inline event handler (static/forms.js does that work), so
script-src needs no 'unsafe-inline' and no 'unsafe-eval' (no htmx trigger filter evaluates JavaScript either).
The API's documents are data, so its policy allows nothing at all; its one HTML page, the Swagger UI at
/api/v1/docs, runs a small inline script that starts the UI from the files this server serves.
A header the response already set (the public roadmap's stricter Referrer-Policy) is kept.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

WEB_CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self'; "
           "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
API_CSP = "default-src 'none'; frame-ancestors 'none'"
API_DOCS_CSP = ("default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
                "img-src 'self' data:; object-src 'none'; base-uri 'self'; frame-ancestors 'none'")
ALWAYS = {"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "same-origin"}


def policy_for(path: str, content_type: str) -> str:
    if not path.startswith("/api/"):
        return WEB_CSP
    return API_DOCS_CSP if content_type.startswith("text/html") else API_CSP


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in ALWAYS.items():
                    if name not in headers:
                        headers[name] = value
                if "Content-Security-Policy" not in headers:
                    headers["Content-Security-Policy"] = policy_for(path, headers.get("content-type", ""))
            await send(message)

        await self.app(scope, receive, with_headers)
