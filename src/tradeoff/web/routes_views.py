"""Saved views on the record lists: save the list as it is filtered now, open a view, delete one."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError

from tradeoff.accounts.service import Member
from tradeoff.errors import Conflict, InvalidInput, PermissionDenied
from tradeoff.storage.uow import UnitOfWork
from tradeoff.views import service as views
from tradeoff.views.model import SavedView
from tradeoff.views.schemas import ViewCreate
from tradeoff.web.forms import field_text
from tradeoff.web.records_ui import ALL, RecordUI
from tradeoff.web.render import redirect
from tradeoff.web.session import CheckedForm, CurrentMember, Uow

router = APIRouter()
W = "/w/{slug}"
UIS = {ui.kind: ui for ui in ALL}
PROBLEMS = {
    "taken": "A view of this list already has that name: choose another, or delete that view first.",
    "denied": "Only owners and PMs share views with the workspace: save it as your own view.",
    "invalid": "This search or these filters cannot be saved: the list refuses them. Fix them first.",
    "name": "Give the view a name (up to 80 characters).",
}


def view_url(m: Member, view: SavedView) -> str:
    ps = views.params(view)
    return f"/w/{m.workspace_slug}/{view.collection}" + (f"?{urlencode(ps)}" if ps else "")


def bar(uow: UnitOfWork, m: Member, ui: RecordUI, params: dict[str, str]) -> dict[str, object]:
    """The list page's views: each with its address and whether the list shows it now; the flash of a save."""
    q, sort, archived, filter_values = ui.list_query(params)
    now = views.params(views.kept(ui.kind, q=q, sort=sort, archived=archived, filters=filter_values))
    shown = [(v, view_url(m, v), views.params(v) == now)
             for v in views.visible(uow=uow, workspace_id=m.workspace_id, user_id=m.user_id, collection=ui.kind)]
    saved = params.get("view_saved", "")
    return {"views": shown, "views_query": urlencode(now),
            "view_problem": PROBLEMS.get(params.get("view_error", ""), ""),
            "view_flash": next((f"View '{v.name}' saved." for v, _, _ in shown if str(v.id) == saved), "")}


def _problem_code(exc: Exception) -> str:
    """Which of PROBLEMS the list shows after a refused save (the address carries a code, never the text)."""
    if isinstance(exc, Conflict):
        return "taken"
    if isinstance(exc, PermissionDenied):
        return "denied"
    if isinstance(exc, ValidationError) and any(e["loc"][:1] == ("name",) for e in exc.errors()):
        return "name"
    return "invalid"


@router.post(f"{W}/views")
def save_view(request: Request, form: CheckedForm, m: CurrentMember, uow: Uow) -> Response:
    """Save the list as it is filtered now (the form carries the list's parameters) under a name."""
    ui = UIS.get(field_text(form, "collection"))
    if ui is None:
        raise InvalidInput("unknown list")
    back = f"/w/{m.workspace_slug}/{ui.kind}"
    current = dict(parse_qsl(field_text(form, "query", strip=False)))
    q, sort, archived, filter_values = ui.list_query(current)
    try:
        data = ViewCreate.model_validate({
            "collection": ui.kind, "name": field_text(form, "name"), "shared": field_text(form, "shared") == "1",
            "query": {"q": q, "sort": sort, "archived": archived, "filters": filter_values}})
        view = views.create(uow=uow, workspace_id=m.workspace_id, actor=m.actor("web"), data=data,
                            can_share=m.role.edits_records)
    except (Conflict, PermissionDenied, InvalidInput, ValidationError) as exc:
        return redirect(f"{back}?{urlencode(current | {'view_error': _problem_code(exc)})}", request)
    return redirect(f"{view_url(m, view)}{'&' if views.params(view) else '?'}view_saved={view.id}", request)


@router.post(f"{W}/views/{{view_id:int}}/delete")
def delete_view(request: Request, form: CheckedForm, m: CurrentMember, uow: Uow, view_id: int) -> Response:
    collection = views.delete(uow=uow, workspace_id=m.workspace_id, actor=m.actor("web"), view_id=view_id,
                              can_edit_records=m.role.edits_records)
    return redirect(f"/w/{m.workspace_slug}/{collection}", request)
