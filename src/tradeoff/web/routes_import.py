"""CSV import of feedback in the browser: upload → column mapping → preview (a dry run) → import → summary.

The importer (feedback/importer.py) decides everything; these routes only carry the person's choices between
steps (the upload itself waits in web/staging.py) and show what the importer reports.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import UploadFile

from tradeoff.accounts.service import Member
from tradeoff.errors import FieldError, InvalidInput, TradeoffError
from tradeoff.feedback.import_rows import FIELDS
from tradeoff.feedback.importer import MAX_BYTES, ImportOptions, apply_import, plan_import
from tradeoff.feedback.model import Source
from tradeoff.storage.uow import UnitOfWork
from tradeoff.web import context as ctx
from tradeoff.web import staging
from tradeoff.web.forms import field_text
from tradeoff.web.records_ui import SOURCES
from tradeoff.web.render import render
from tradeoff.web.session import CheckedForm, CurrentMember, Uow, container

router = APIRouter()
W = "/w/{slug}"
FIELD_LABELS = {"text": "What they said", "customer": "Customer (name or external id)", "source": "Source",
                "date": "Date", "author": "Reported by", "tags": "Tags"}
UNMATCHED_CHOICES = (("create", "Create them as new customers"),
                     ("skip", "Import those rows without a customer"))


def _choices(form: Any) -> dict[str, Any]:
    """What the person chose on the preview form, as typed (to show it again)."""
    return {
        "token": field_text(form, "token", strip=False), "filename": field_text(form, "filename", strip=False)[:200] or "upload.csv",
        "mapping": {f: field_text(form, f"map_{f}", strip=False) for f in FIELDS if f"map_{f}" in form},
        "date_format": field_text(form, "date_format", strip=False).strip()[:50], "default_source": field_text(form, "default_source", strip=False),
        "skip_bad_rows": form.get("skip_bad_rows") == "1", "unmatched": field_text(form, "unmatched", strip=False),
    }


def _options(choices: dict[str, Any], *, with_mapping: bool = True) -> ImportOptions:
    source = choices["default_source"]
    if source and source not in {s.value for s in Source}:
        raise InvalidInput(f"default source '{source}' is not one of {', '.join(s.value for s in Source)}",
                           [FieldError(["body", "default_source"], "unknown source", source)])
    return ImportOptions(
        filename=choices["filename"], mapping=choices["mapping"] if with_mapping else {},
        date_format=choices["date_format"] or None, default_source=Source(source) if source else None,
        skip_bad_rows=choices["skip_bad_rows"], create_customers=choices["unmatched"] == "create",
        skip_unmatched=choices["unmatched"] == "skip",
    )


def _upload_view(request: Request, uow: UnitOfWork, m: Member, error: str = "", status_code: int = 200) -> HTMLResponse:
    return render(request, "imports/upload.html", status_code, **ctx.page_context(uow, m, "import"),
                  page_title="Import feedback", error=error, sources=SOURCES, max_mb=MAX_BYTES // 1_000_000)


def _preview_view(request: Request, uow: UnitOfWork, m: Member, choices: dict[str, Any], error: str = "",
                  errors: list[FieldError] | None = None, status_code: int = 200) -> HTMLResponse:
    """Plan the import with the person's choices and show the preview. A mapping the importer refuses is shown
    with its message, beside the columns it guessed itself."""
    data = staging.load(container(request).settings.home, m.workspace_id, m.user_id, choices["token"])
    try:
        plan = plan_import(uow=uow, workspace_id=m.workspace_id, data=data, options=_options(choices))
    except InvalidInput as exc:
        if not choices["mapping"]:
            raise
        error = error or exc.message
        status_code = 422
        plan = plan_import(uow=uow, workspace_id=m.workspace_id, data=data,
                           options=_options(choices, with_mapping=False))
    preview = plan.preview(sample=8)
    chosen = {f: choices["mapping"].get(f, preview["mapping"].get(f, "")) for f in FIELDS}
    return render(request, "imports/preview.html", status_code, **ctx.page_context(uow, m, "import"),
                  page_title="Import feedback: preview", p=preview, choices=choices, chosen=chosen, fields=FIELDS,
                  field_labels=FIELD_LABELS, sources=SOURCES, unmatched_choices=UNMATCHED_CHOICES, error=error,
                  row_errors=errors or [])


@router.get(f"{W}/import", response_class=HTMLResponse)
def import_form(request: Request, m: CurrentMember, uow: Uow) -> HTMLResponse:
    m.require("evidence")
    return _upload_view(request, uow, m)


@router.post(f"{W}/import", response_class=HTMLResponse)
def upload(request: Request, form: CheckedForm, m: CurrentMember, uow: Uow) -> HTMLResponse:
    """Step 1: keep the file and show what the importer makes of it (nothing is imported yet)."""
    m.require("evidence")
    file = form.get("file")
    if not isinstance(file, UploadFile) or not (file.filename or "").strip():
        return _upload_view(request, uow, m, "choose a CSV file to upload", 422)
    data = file.file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        return _upload_view(request, uow, m, f"{file.filename} is larger than {MAX_BYTES // 1_000_000} MB; split it "
                                             "and import the parts", 422)
    home = container(request).settings.home
    choices = _choices(form) | {"filename": (file.filename or "upload.csv")[:200], "mapping": {}}
    choices["token"] = staging.stash(home, m.workspace_id, m.user_id, data)
    try:
        return _preview_view(request, uow, m, choices)
    except InvalidInput as exc:  # the file as a whole is unreadable: nothing to map, so start again
        staging.discard(home, m.workspace_id, m.user_id, choices["token"])
        return _upload_view(request, uow, m, exc.message, 422)


@router.post(f"{W}/import/preview", response_class=HTMLResponse)
def preview(request: Request, form: CheckedForm, m: CurrentMember, uow: Uow) -> HTMLResponse:
    """Step 2, as often as needed: the preview again with a new mapping or options (a dry run)."""
    m.require("evidence")
    choices = _choices(form)
    try:
        return _preview_view(request, uow, m, choices)
    except InvalidInput as exc:
        return _upload_view(request, uow, m, exc.message, 422)


@router.post(f"{W}/import/run", response_class=HTMLResponse)
def run(request: Request, form: CheckedForm, m: CurrentMember, uow: Uow) -> Response:
    """Step 3: import exactly what the preview showed, all or nothing."""
    m.require("evidence")
    choices = _choices(form)
    home = container(request).settings.home
    try:
        data = staging.load(home, m.workspace_id, m.user_id, choices["token"])
        plan = plan_import(uow=uow, workspace_id=m.workspace_id, data=data, options=_options(choices))
    except InvalidInput as exc:
        if choices["token"] and choices["mapping"]:
            try:
                return _preview_view(request, uow, m, choices, exc.message, status_code=422)
            except InvalidInput:
                pass
        return _upload_view(request, uow, m, exc.message, 422)
    try:
        summary = apply_import(uow=uow, workspace_id=m.workspace_id, actor=m.actor("web"), plan=plan)
    except TradeoffError as exc:
        if exc.status != 422:
            raise
        uow.session.rollback()
        return _preview_view(request, uow, m, choices, exc.message, exc.errors, status_code=422)
    uow.session.commit()  # the file is gone after this, so the rows must be safe first
    staging.discard(home, m.workspace_id, m.user_id, choices["token"])
    return render(request, "imports/done.html", **ctx.page_context(uow, m, "import"), page_title="Import done",
                  summary=summary.as_dict())
