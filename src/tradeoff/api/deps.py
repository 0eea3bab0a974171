"""Request-scoped dependencies: the container, a unit of work, and the authenticated member."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Annotated, Any

from fastapi import Depends, Header, Path, Query, Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from tradeoff.accounts import service as accounts
from tradeoff.accounts.service import Member
from tradeoff.bootstrap import Container
from tradeoff.errors import FieldError, InvalidInput, NotSupported, Unauthenticated
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


class ETags(int):
    """An If-Match naming several versions ("3", "5"), or only weak ETags: equal to each version it names and to no
    other, so a service's `obj.version != if_match` weighs the whole list. An int, so every service takes it."""

    versions: frozenset[int]
    header: str

    def __new__(cls, versions: Iterable[int], header: str) -> ETags:
        tags = super().__new__(cls, 0)
        tags.versions, tags.header = frozenset(versions), header
        return tags

    def __eq__(self, other: object) -> bool:
        return other in self.versions

    def __ne__(self, other: object) -> bool:
        return other not in self.versions

    __hash__ = int.__hash__

    def __str__(self) -> str:
        return self.header

    __repr__ = __str__


_ETAG = re.compile(r'(W/)?"(\d+)"|(\d+)')  # as this API issues them ("3"); a bare 3 from older clients too


def if_match(if_match: Annotated[str | None, Header(alias="If-Match")] = None) -> int | None:
    """The versions an If-Match header names, compared strongly (RFC 9110 §13.1.1): None when absent or '*' (any
    version of an existing record), the version of one ETag ("3"), or `ETags` for a list ("3", "5"). A weak ETag
    (W/"3") matches no version."""
    if if_match is None or if_match.strip() == "*":
        return None
    tags = [_ETAG.fullmatch(part.strip()) for part in if_match.split(",")]
    if not all(tags):
        raise InvalidInput(f"If-Match '{if_match}' is not an ETag this API issued (or a list of them)",
                           [FieldError(["header", "If-Match"], "not a valid ETag", if_match)])
    strong = [int(t[2] or t[3]) for t in tags if t and not t[1]]
    return strong[0] if len(tags) == len(strong) == 1 else ETags(strong, if_match)


IfMatch = Annotated[int | None, Depends(if_match)]


def _checks_if_match(dependant: Dependant) -> bool:
    return any(d.call is if_match or _checks_if_match(d) for d in dependant.dependencies)


def if_match_checked(request: Request) -> None:
    """A write whose endpoint cannot check an If-Match (a settings PUT, an action) refuses one rather than ignore it:
    ignored, it would let the client believe the change was made to the version it read."""
    route = request.scope.get("route")
    if ("if-match" in request.headers and request.method in ("POST", "PUT", "PATCH", "DELETE")
            and isinstance(route, APIRoute) and not _checks_if_match(route.dependant)):
        raise NotSupported(f"{request.method} {route.path} does not check If-Match; send the request without it",
                           [FieldError(["header", "If-Match"], "not supported here", request.headers["if-match"])])


def before_id(
    cursor: Annotated[str | None, Query(max_length=20, description="The `next` of the page before")] = None,
    before_id: Annotated[int | None, Query(description="Rows older than this id (the same as `cursor`)")] = None,
) -> int | None:
    """Where a newest-first list continues: its `next` given back as `cursor`, as every list takes it."""
    if cursor is None:
        return before_id
    if not (cursor.isascii() and cursor.isdigit()):
        raise InvalidInput(f"cursor '{cursor}' is not a `next` this list returned",
                           [FieldError(["query", "cursor"], "not a cursor of this list", cursor)])
    return int(cursor)


BeforeId = Annotated[int | None, Depends(before_id)]


def next_cursor(rows: list[Any], limit: int) -> str | None:
    """The `next` of a newest-first page: the last id, when the page is full."""
    return str(rows[-1].id) if len(rows) == limit else None


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
