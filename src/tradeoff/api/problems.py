"""Errors → RFC 9457 application/problem+json, in one place for the whole API."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError as PydanticValidationError
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
    unreadable = [e for e in exc.errors() if e.get("type") == "json_invalid"]
    if unreadable:  # not JSON at all: 400 as documented, saying where reading stopped
        at = unreadable[0].get("loc", ("body", "?"))[-1]
        said = (unreadable[0].get("ctx") or {}).get("error", "")
        return problem(400, "Bad request", f"the body is not valid JSON (at character {at}{': ' + said if said else ''})",
                       "bad-request", request.url.path)
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



def refused_value(exc: Exception) -> str:
    """What the database said about a value it would not store, in its own words (PostgreSQL's message is
    precise, e.g. 'value too long for type character varying(20)'); the values themselves are not repeated."""
    orig = getattr(exc, "orig", None)
    diag = getattr(orig, "diag", None)
    said = getattr(diag, "message_primary", None) or (str(orig or exc).splitlines() or [""])[0]
    return f"a value does not fit the database: {said}"


async def database_refused(request: Request, exc: Exception) -> JSONResponse:
    """The last guard, behind every input schema: a value the database refuses (a number too large for SQLite
    to bind, a PostgreSQL data error) is the client's input, so 422, never a 500."""
    return problem(422, "Invalid input", refused_value(exc), "invalid-input", request.url.path)


async def statement_refused(request: Request, exc: Exception) -> JSONResponse:
    """A value the driver could not convert on its way to the database (a date whose UTC time is past year 9999
    arrives as an OverflowError wrapped in a StatementError): 422 like `database_refused`; anything else is a bug."""
    orig = getattr(exc, "orig", None)
    if isinstance(orig, OverflowError):
        return await database_refused(request, orig)
    raise exc


PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "description": "RFC 9457 problem details. `errors` names each bad field (`loc`) and why (`msg`).",
    "type": "object",
    "required": ["type", "title", "status", "detail", "instance"],
    "properties": {
        "type": {"type": "string", "format": "uri"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "errors": {"type": "array", "items": {
            "type": "object", "required": ["loc", "msg"],
            "properties": {"loc": {"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]}},
                           "msg": {"type": "string"}, "type": {"type": "string"}, "value": {}}}},
    },
}
_READ_ERRORS = {"401": "Not authenticated (no, unknown or revoked token)",
                "403": "Your role in the workspace does not allow this",
                "404": "No such workspace (or you are not a member) or record",
                "422": "Invalid input: `errors` names each field and why",
                "429": "Too many requests; retry after the Retry-After header"}
_WRITE_ERRORS = {"400": "The body could not be read (not JSON)",
                 "409": "Conflict (e.g. an Idempotency-Key reused with another body)",
                 "412": "The record changed since the version given in If-Match"}


def document(schema: dict[str, Any]) -> dict[str, Any]:
    """The OpenAPI document as the API answers: every operation may fail with an application/problem+json
    Problem (401, 403, 404, 422, 429; writes also 400, 409 and 412), in place of the framework's default 422."""
    schemas = schema.setdefault("components", {}).setdefault("schemas", {})
    schemas.pop("HTTPValidationError", None)
    schemas.pop("ValidationError", None)
    schemas["Problem"] = PROBLEM_SCHEMA
    body = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for ops in schema.get("paths", {}).values():
        for method, op in ops.items():
            if not isinstance(op, dict) or "responses" not in op:
                continue
            errors = _READ_ERRORS | (_WRITE_ERRORS if method in ("post", "put", "patch", "delete") else {})
            for code, description in errors.items():
                op["responses"][code] = {"description": description, "content": body}
    return schema


async def model_validation_error(request: Request, exc: Exception) -> JSONResponse:
    """An input model built inside an endpoint (not from the request body) refused a value: the same 422 as
    invalid input anywhere, naming the field."""
    assert isinstance(exc, PydanticValidationError)
    errors = [{"loc": ["body", *_clean_loc(e.get("loc", ()))], "msg": e.get("msg", ""), "type": e.get("type", "")}
              for e in exc.errors()]
    fields = ", ".join(".".join(str(p) for p in err["loc"][1:]) for err in errors[:5])
    return problem(422, "Invalid input", f"the request has invalid fields: {fields}", "invalid-input",
                   request.url.path, errors)
