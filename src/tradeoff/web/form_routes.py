"""The four routes of a record edited through a hand-written form (teams, components, objectives, plans):
GET/POST ``{path}/new`` and GET/POST ``{path}/{record_id}/edit``. Each record type supplies how to load a record,
its form state, how to show the form and how to save it; the routes, the permission check and the 404 for a
record of another workspace (load runs before the permission check) are the same for all."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel
from starlette.datastructures import FormData

from tradeoff.storage.uow import UnitOfWork
from tradeoff.web.forms import FormState, create_or_update, validated_body
from tradeoff.web.render import redirect
from tradeoff.web.session import CheckedForm, CurrentMember, Uow

Load = Callable[[UnitOfWork, Any, int], Any]  # (uow, member, record id) -> the record; raises NotFound
StateOf = Callable[[Any, Request], FormState]  # (record or None for a new one, request) -> the form's values
Show = Callable[..., HTMLResponse]  # (request, uow, member, state, record, status_code=200)
Save = Callable[[Request, FormData, Any, UnitOfWork, Any], Response]  # checks the permission itself


def add_form_routes(router: APIRouter, path: str, *, need: str, load: Load, state_of: StateOf, show: Show,
                    save: Save) -> None:
    """Register the new/edit routes of the record type at ``path`` (e.g. "/w/{slug}/teams") on ``router``;
    ``need`` is the permission to open the forms (``save`` checks it again on POST)."""

    @router.get(f"{path}/new", response_class=HTMLResponse)
    def new_page(request: Request, m: CurrentMember, uow: Uow) -> HTMLResponse:
        m.require(need)
        return show(request, uow, m, state_of(None, request), None)

    @router.post(f"{path}/new", response_class=HTMLResponse)
    def create(request: Request, form: CheckedForm, m: CurrentMember, uow: Uow) -> Response:
        return save(request, form, m, uow, None)

    @router.get(f"{path}/{{record_id:int}}/edit", response_class=HTMLResponse)
    def edit_page(request: Request, m: CurrentMember, uow: Uow, record_id: int) -> HTMLResponse:
        record = load(uow, m, record_id)
        m.require(need)
        return show(request, uow, m, state_of(record, request), record)

    @router.post(f"{path}/{{record_id:int}}/edit", response_class=HTMLResponse)
    def edit(request: Request, form: CheckedForm, m: CurrentMember, uow: Uow, record_id: int) -> Response:
        return save(request, form, m, uow, load(uow, m, record_id))


def save_record(request: Request, uow: UnitOfWork, m: Any, state: FormState, record: Any, *,
                schema: type[BaseModel], body: dict[str, Any], known: set[str], service: Any, show: Show,
                to: Callable[[Any], str], lines: dict[str, list[int]] | None = None) -> Response:
    """Validate `body` with `schema`, create the record with `service` (or update `record` at the version the
    form was loaded at) and go to `to(saved)`; or show the form again (422) with every message beside its field.
    `lines`: for fields entered one item per line, the line number of each item."""
    data = validated_body(schema, body, state, known, lines or {})
    saved = create_or_update(uow, state, known, service, m, record, data) if data is not None and state.ok else None
    if saved is None:
        return show(request, uow, m, state, record, 422)
    return redirect(to(saved), request)
