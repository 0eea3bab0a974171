"""CSV import of work history (Jira, Azure DevOps, GitHub exports) in the browser, the way feedback is imported:
upload → column mapping → preview (a dry run) → import, all rows or none → summary. The importer
(workitems/importer.py) decides everything; the upload waits between steps in web/staging.py."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import UploadFile

from tradeoff.accounts.service import Member
from tradeoff.errors import FieldError, InvalidInput, TradeoffError
from tradeoff.storage.uow import UnitOfWork
from tradeoff.teams import service as team_service
from tradeoff.web import context as ctx
from tradeoff.web import staging
from tradeoff.web.forms import field_text, int_or_none
from tradeoff.web.render import render
from tradeoff.web.session import CheckedForm, CurrentMember, Uow, container
from tradeoff.workitems.importer import FIELDS, WorkItemOptions, apply_import, plan_import

router = APIRouter()
PATH = "/w/{slug}/import/work-items"
WEB_MAX_BYTES = 50 * 1024 * 1024  # a browser upload; larger exports go through the CLI or the API
LABELS = {"key": "Key (e.g. PAY-123)", "title": "Title", "description": "Description", "type": "Type",
          "status": "Status", "created": "Created", "started": "Started", "resolved": "Resolved (done)",
          "points": "Story points", "feature": "Feature (title or #id)"}


def _choices(form: Any) -> dict[str, Any]:
    return {"token": field_text(form, "token"), "filename": field_text(form, "filename")[:200] or "upload.csv",
            "mapping": {f: field_text(form, f"map_{f}") for f in FIELDS if f"map_{f}" in form},
            "date_format": field_text(form, "date_format")[:50], "team_id": field_text(form, "team_id"),
            "skip_bad_rows": form.get("skip_bad_rows") == "1"}


def _options(choices: dict[str, Any], *, with_mapping: bool = True) -> WorkItemOptions:
    return WorkItemOptions(filename=choices["filename"], mapping=choices["mapping"] if with_mapping else {},
                           date_format=choices["date_format"] or None, skip_bad_rows=choices["skip_bad_rows"],
                           team_id=int_or_none(choices["team_id"]))


def _teams(uow: UnitOfWork, m: Member) -> list[tuple[str, str]]:
    return [("", "(no team)")] + [(str(t.id), t.name) for t in team_service.active(uow=uow, workspace_id=m.workspace_id)]


def _upload_view(request: Request, uow: UnitOfWork, m: Member, error: str = "", status_code: int = 200) -> HTMLResponse:
    return render(request, "imports/workitems_upload.html", status_code, **ctx.page_context(uow, m, "import"),
                  page_title="Import work history", error=error, teams=_teams(uow, m),
                  max_mb=WEB_MAX_BYTES // 1_000_000)


def _preview_view(request: Request, uow: UnitOfWork, m: Member, choices: dict[str, Any], error: str = "",
                  errors: list[FieldError] | None = None, status_code: int = 200) -> HTMLResponse:
    data = staging.load(container(request).settings.home, m.workspace_id, m.user_id, choices["token"])
    try:
        plan = plan_import(uow=uow, workspace_id=m.workspace_id, data=data, options=_options(choices))
    except InvalidInput as exc:
        if not choices["mapping"]:
            raise
        error, status_code = error or exc.message, 422  # a mapping the importer refuses: its own guess beside it
        plan = plan_import(uow=uow, workspace_id=m.workspace_id, data=data, options=_options(choices, with_mapping=False))
    p = plan.preview(sample=8)
    chosen = {f: choices["mapping"].get(f, p["mapping"].get(f, "")) for f in FIELDS}
    return render(request, "imports/workitems_preview.html", status_code, **ctx.page_context(uow, m, "import"),
                  page_title="Import work history: preview", p=p, choices=choices, chosen=chosen, fields=FIELDS,
                  labels=LABELS, teams=_teams(uow, m), error=error, row_errors=errors or [])


@router.get(PATH, response_class=HTMLResponse)
def upload_form(request: Request, m: CurrentMember, uow: Uow) -> HTMLResponse:
    m.require("technical")
    return _upload_view(request, uow, m)


@router.post(PATH, response_class=HTMLResponse)
def upload(request: Request, form: CheckedForm, m: CurrentMember, uow: Uow) -> HTMLResponse:
    """Step 1: keep the file and show what the importer makes of it (nothing is imported yet)."""
    m.require("technical")
    file = form.get("file")
    if not isinstance(file, UploadFile) or not (file.filename or "").strip():
        return _upload_view(request, uow, m, "choose a CSV file to upload", 422)
    data = file.file.read(WEB_MAX_BYTES + 1)
    if len(data) > WEB_MAX_BYTES:
        return _upload_view(request, uow, m, f"{file.filename} is larger than {WEB_MAX_BYTES // 1_000_000} MB; "
                                             "import it with `tradeoff import workitems` or the API", 422)
    home = container(request).settings.home
    choices = _choices(form) | {"filename": (file.filename or "upload.csv")[:200], "mapping": {}}
    choices["token"] = staging.stash(home, m.workspace_id, m.user_id, data)
    try:
        return _preview_view(request, uow, m, choices)
    except InvalidInput as exc:  # unreadable as a whole (or an unknown team): start again
        staging.discard(home, m.workspace_id, m.user_id, choices["token"])
        return _upload_view(request, uow, m, exc.message, 422)


@router.post(f"{PATH}/preview", response_class=HTMLResponse)
def preview(request: Request, form: CheckedForm, m: CurrentMember, uow: Uow) -> HTMLResponse:
    """Step 2, as often as needed: the preview again with a new mapping or options (a dry run)."""
    m.require("technical")
    try:
        return _preview_view(request, uow, m, _choices(form))
    except InvalidInput as exc:
        return _upload_view(request, uow, m, exc.message, 422)


@router.post(f"{PATH}/run", response_class=HTMLResponse)
def run(request: Request, form: CheckedForm, m: CurrentMember, uow: Uow) -> Response:
    """Step 3: import exactly what the preview showed, all rows or none."""
    m.require("technical")
    choices = _choices(form)
    home = container(request).settings.home
    try:
        data = staging.load(home, m.workspace_id, m.user_id, choices["token"])
        plan = plan_import(uow=uow, workspace_id=m.workspace_id, data=data, options=_options(choices))
        summary = apply_import(uow=uow, workspace_id=m.workspace_id, actor=m.actor("web"), plan=plan)
    except TradeoffError as exc:
        if exc.status != 422:
            raise
        uow.session.rollback()
        try:
            return _preview_view(request, uow, m, choices, exc.message, exc.errors, status_code=422)
        except InvalidInput:
            return _upload_view(request, uow, m, exc.message, 422)
    uow.session.commit()  # the file is gone after this, so the rows must be safe first
    staging.discard(home, m.workspace_id, m.user_id, choices["token"])
    return render(request, "imports/workitems_done.html", **ctx.page_context(uow, m, "import"),
                  page_title="Work history imported", summary=summary)
