"""The four routes of a record edited through a hand-written form (teams, components, objectives, plans):
GET/POST ``{path}/new`` and GET/POST ``{path}/{record_id}/edit``. Each record type supplies how to load a record,
its form state, how to show the form and how to save it; the routes, the permission check and the 404 for a
record of another workspace (load runs before the permission check) are the same for all."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from tradeoff.storage.uow import UnitOfWork
from tradeoff.web.forms import FormState
from tradeoff.web.session import CheckedForm, CurrentMember, Uow

Load = Callable[[UnitOfWork, Any, int], Any]  # (uow, member, record id) -> the record; raises NotFound
StateOf = Callable[[Any, Request], FormState]  # (record or None for a new one, request) -> the form's values
Show = Callable[[Request, UnitOfWork, Any, FormState, Any], HTMLResponse]  # (request, uow, member, state, record)
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
