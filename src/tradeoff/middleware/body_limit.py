"""Request bodies past a size limit are refused with 413 before they are read.

Routes parse their body before they check who is asking (FastAPI reads a JSON body before the dependencies that
authenticate run; a web form is parsed before its CSRF token is checked), so without a limit anyone could make the
server read, parse and spool any amount of data. A Content-Length over the limit is answered at once, without
reading a byte; a streamed (chunked) body is read only until it passes the limit. File imports get a larger limit
of their own (`import_paths`), never below the importers' own file limit.
"""

from __future__ import annotations

import re
from html import escape

from starlette.exceptions import HTTPException
from starlette.responses import HTMLResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tradeoff.api.problems import problem

# the routes that take a CSV file: the API's two imports and the web's two upload steps
IMPORT_PATHS = re.compile(r"^(/api/v1/workspaces/[^/]+/imports/(feedback|workitems|customers)|/w/[^/]+/import(/work-items|/customers)?)/?$")


class BodyTooLarge(HTTPException):
    """Raised from `receive` when a streamed body passes the limit. An HTTPException, so the route's own error
    handling lets it through (FastAPI re-raises HTTPExceptions met while reading a body) and stops at once; the
    middleware then answers with its own 413 instead of whatever the app made of it."""

    def __init__(self, limit: int) -> None:
        super().__init__(status_code=413, detail=_said(limit))


def _said(limit: int) -> str:
    size = f"{limit / (1024 * 1024):.0f} MB" if limit >= 1024 * 1024 else f"{limit} bytes"
    return f"the request body is larger than {size}, the most this server takes; send less (split a file and import the parts)"


def too_large(path: str, limit: int) -> Response:
    """413 in the door's own shape: problem+json for the API, a short page for the web UI."""
    headers = {"Connection": "close"}  # the rest of the body is not read: the connection cannot be reused
    if path.startswith("/api/"):
        return problem(413, "Content too large", _said(limit), "content-too-large", path, headers=headers)
    page = ("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Too large · Tradeoff</title>"
            "<link rel=\"stylesheet\" href=\"/static/app.css\"></head><body><main class=\"bare\"><h1>Too large</h1>"
            f"<p>{escape(_said(limit).capitalize())}.</p><p><a href=\"/\">Back to Tradeoff</a></p></main></body></html>")
    return HTMLResponse(page, status_code=413, headers=headers)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


class BodyLimit:
    def __init__(self, app: ASGIApp, *, max_bytes: int, import_max_bytes: int,
                 import_paths: re.Pattern[str] = IMPORT_PATHS) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.import_max_bytes = max(import_max_bytes, max_bytes)
        self.import_paths = import_paths

    def limit_for(self, path: str) -> int:
        return self.import_max_bytes if self.import_paths.match(path) else self.max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        limit = self.limit_for(path)
        length = _content_length(scope)
        if length is not None and length > limit:
            await too_large(path, limit)(scope, receive, send)
            return

        received = 0
        refused = False
        started = False

        async def limited_receive() -> Message:
            nonlocal received, refused
            if refused:
                raise BodyTooLarge(limit)
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    refused = True
                    raise BodyTooLarge(limit)
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if refused:  # whatever the app answers to the refusal, the client gets the 413
                if message["type"] == "http.response.start" and not started:
                    started = True
                    await too_large(path, limit)(scope, receive, send)
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except BodyTooLarge:
            if not started:
                started = True
                await too_large(path, limit)(scope, receive, send)
