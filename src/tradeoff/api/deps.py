"""Request-scoped dependencies: the container, a unit of work, and the authenticated member."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Annotated, Any

from fastapi import Depends, Header, Path, Query, Request

from tradeoff.accounts import service as accounts
from tradeoff.accounts.service import Member
from tradeoff.bootstrap import Container
from tradeoff.errors import FieldError, InvalidInput, Unauthenticated
from tradeoff.storage.uow import UnitOfWork


def container(request: Request) -> Container:
    return request.app.state.container  # type: ignore[no-any-return]


def uow(c: Annotated[Container, Depends(container)]) -> Iterator[UnitOfWork]:
    with c.unit_of_work() as unit:
        yield unit


# scope="function": commit before the response is sent, so a 201 means the write is durable and visible
Uow = Annotated[UnitOfWork, Depends(uow, scope="function")]


def member(
    unit: Uow,
    workspace: Annotated[str, Path(description="The workspace's slug.", max_length=64)],
    authorization: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> Member:
    if not authorization or not authorization.lower().startswith("bearer "):
        raise Unauthenticated("send an API token as 'Authorization: Bearer <token>' (create one with `tradeoff token create`)")
    m = accounts.authenticate_token(uow=unit, token=authorization[7:].strip(), slug=workspace)
    unit.session.commit()  # persist last_used_at even if the request then fails
    return m


CurrentMember = Annotated[Member, Depends(member)]


def if_match(if_match: Annotated[str | None, Header(alias="If-Match")] = None) -> int | None:
    """Parse an If-Match header carrying a record's ETag ("3" or W/"3"); '*' matches any version."""
    if if_match is None or if_match.strip() == "*":
        return None
    raw = if_match.strip().removeprefix("W/").strip('"')
    try:
        return int(raw)
    except ValueError as exc:
        raise InvalidInput(f"If-Match '{if_match}' is not an ETag this API issued",
                           [FieldError(["header", "If-Match"], "not a valid ETag", if_match)]) from exc


IfMatch = Annotated[int | None, Depends(if_match)]


def sort_query(fields: Iterable[str], description: str | None = None) -> Any:
    """The `sort` query parameter of a list: the accepted values are documented as an enum in OpenAPI, while the
    service still refuses others with its own message naming the choices."""
    fields = list(fields)
    return Query(description=description or f"One of {', '.join(fields)}; prefix - for descending",
                 json_schema_extra=one_of([v for f in fields for v in (f, f"-{f}")]))


def one_of(values: Iterable[str]) -> dict[str, Any]:
    """OpenAPI `enum` for a string parameter checked by a service (which names the choices when it refuses)."""
    return {"enum": list(values)}


def etag(version: int) -> str:
    return f'"{version}"'


def numbers_fit(request: Request) -> None:
    """Refuse, naming it, a whole number in the path or the query too large for the database, the same way on
    every back end (SQLite cannot bind one; PostgreSQL's integer columns refuse one). Numbers in a body are
    checked by the body's schema."""
    from tradeoff.records.schemas import DB_INT, too_large

    bad = [FieldError([where, name], f"out of range: at most {DB_INT}", value)
           for where, params in (("path", request.path_params), ("query", request.query_params))
           for name, value in params.items()
           if name != "q" and too_large(value)]  # search text may be any string of digits
    if bad:
        raise InvalidInput("a number in the request is too large: " + ", ".join(str(e.loc[1]) for e in bad), bad)
