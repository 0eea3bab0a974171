"""Errors → RFC 9457 application/problem+json, in one place for the whole API."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from tradeoff.errors import TradeoffError

PROBLEM = "application/problem+json"


def problem(status: int, title: str, detail: str, slug: str, instance: str, errors: list[dict[str, Any]] | None = None,
            headers: dict[str, str] | None = None) -> JSONResponse:
    body: dict[str, Any] = {
        "type": f"https://tradeoff.dev/problems/{slug}",
        "title": title,
        "status": status,
        "detail": detail,
        "instance": instance,
    }
    if errors:
        body["errors"] = errors
    return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=headers)


def _clean_loc(loc: tuple[Any, ...] | list[Any]) -> list[Any]:
    # Pydantic puts union/variant names in loc; keep only what names the field.
    return [p for p in loc if not (isinstance(p, str) and ("[" in p or p in {"function-after", "constrained-str"}))]


async def tradeoff_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, TradeoffError)
    headers = {"Retry-After": "60"} if exc.status == 429 else None
    if exc.status == 401:
        headers = {"WWW-Authenticate": "Bearer"}
    return problem(exc.status, exc.title, exc.message, exc.slug, request.url.path,
                   [e.as_dict() for e in exc.errors] or None, headers)


async def validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = []
    for e in exc.errors():
        loc = _clean_loc(e.get("loc", ()))
        item: dict[str, Any] = {"loc": loc, "msg": e.get("msg", ""), "type": e.get("type", "")}
        errors.append(item)
    fields = ", ".join(".".join(str(p) for p in err["loc"][1:]) or str(err["loc"][0]) for err in errors[:5])
    return problem(422, "Invalid input", f"the request has invalid fields: {fields}", "invalid-input",
                   request.url.path, errors)


async def http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    titles = {404: "Not found", 405: "Method not allowed", 401: "Not authenticated", 400: "Bad request"}
    return problem(exc.status_code, titles.get(exc.status_code, "Error"), str(exc.detail),
                   titles.get(exc.status_code, "error").lower().replace(" ", "-"), request.url.path,
                   headers=getattr(exc, "headers", None))


def _too_big(value: Any) -> bool:
    text = str(value).strip().lstrip("-+")
    return text.isascii() and text.isdigit() and int(text) > 2**63 - 1


async def overflow_error(request: Request, exc: Exception) -> JSONResponse:
    """A whole number too large for the database (SQLite refuses to bind it): named when it came in the path or
    the query; numbers in a body are refused earlier, by the body's schema."""
    bad = [(where, name) for where, params in (("path", request.path_params), ("query", request.query_params))
           for name, value in params.items() if _too_big(value)]
    errors = [{"loc": [where, name], "msg": f"out of range: at most {2**63 - 1}", "type": "out_of_range"}
              for where, name in bad]
    named = ", ".join(name for _, name in bad)
    return problem(422, "Invalid input", "a number in the request is too large" + (f": {named}" if named else ""),
                   "invalid-input", request.url.path, errors or None)
