"""The steps every CSV import in the browser shares (feedback, work history): upload → column mapping → preview
(a dry run, as often as needed) → import, all rows or none → summary. The upload waits between steps in
web/staging.py. Each import supplies its pages (upload form, preview, summary), how to read the person's choices
and how to plan and write the file; `add_import_routes` registers the four routes and decides which page shows
when."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData, UploadFile

from tradeoff.accounts.service import Member
from tradeoff.errors import InvalidInput, TradeoffError
from tradeoff.storage.uow import UnitOfWork
from tradeoff.web import staging
from tradeoff.web.session import CheckedForm, CurrentMember, Uow, container

UploadView = Callable[..., HTMLResponse]  # (request, uow, member, error="", status_code=200)
PreviewView = Callable[..., HTMLResponse]  # (request, uow, member, choices, error="", errors=None, status_code=200)


@dataclass(frozen=True)
class StagedPreview:
    """What the preview page shows: the importer's preview, the column chosen for each field, and a refusal."""

    p: dict[str, Any]
    chosen: dict[str, str]
    error: str
    status_code: int


def staged_preview(request: Request, m: Member, choices: dict[str, Any], plan: Callable[[bytes, bool], Any],
                   fields: tuple[str, ...], error: str = "", status_code: int = 200) -> StagedPreview:
    """The staged file planned with the person's column mapping (`plan(data, True)`); or, when the importer
    refuses that mapping, its own guess (`plan(data, False)`) with the reason (422), to show side by side."""
    data = staging.load(container(request).settings.home, m.workspace_id, m.user_id, choices["token"])
    try:
        planned = plan(data, True)
    except InvalidInput as exc:
        if not choices["mapping"]:
            raise
        planned = plan(data, False)
        error, status_code = error or exc.message, 422
    p = planned.preview(sample=8)
    chosen = {f: choices["mapping"].get(f, p["mapping"].get(f, "")) for f in fields}
    return StagedPreview(p, chosen, error, status_code)


def stage_upload(request: Request, form: FormData, m: Member, uow: UnitOfWork, *, choices: dict[str, Any],
                 max_bytes: int, too_big: str, upload_view: UploadView, preview_view: PreviewView) -> HTMLResponse:
    """Step 1: keep the uploaded file and show the preview (nothing is imported yet). A missing or too large
    file, or one that cannot be read as a whole, goes back to the upload form with the reason."""
    file = form.get("file")
    if not isinstance(file, UploadFile) or not (file.filename or "").strip():
        return upload_view(request, uow, m, "choose a CSV file to upload", 422)
    data = file.file.read(max_bytes + 1)
    if len(data) > max_bytes:
        return upload_view(request, uow, m, f"{file.filename} is larger than {max_bytes // 1_000_000} MB; {too_big}",
                           422)
    home = container(request).settings.home
    choices = choices | {"filename": (file.filename or "upload.csv")[:200], "mapping": {}}
    choices["token"] = staging.stash(home, m.workspace_id, m.user_id, data)
    try:
        return preview_view(request, uow, m, choices)
    except InvalidInput as exc:
        staging.discard(home, m.workspace_id, m.user_id, choices["token"])
        return upload_view(request, uow, m, exc.message, 422)


def write_staged(request: Request, m: Member, uow: UnitOfWork, choices: dict[str, Any], *,
                 write: Callable[[bytes], Any], upload_view: UploadView, preview_view: PreviewView) -> Any:
    """Step 3: `write` the staged file in this transaction and commit, then forget the file; returns what `write`
    returned. When it refuses (bad rows, a stale upload), nothing is written and the page to show instead is
    returned: the preview with the reasons, or the upload form when there is nothing left to preview."""
    home = container(request).settings.home
    try:
        summary = write(staging.load(home, m.workspace_id, m.user_id, choices["token"]))
    except TradeoffError as exc:
        if exc.status != 422:
            raise
        uow.session.rollback()
        try:
            return preview_view(request, uow, m, choices, exc.message, exc.errors, status_code=422)
        except InvalidInput:
            return upload_view(request, uow, m, exc.message, 422)
    uow.session.commit()  # the file is gone after this, so the rows must be safe first
    staging.discard(home, m.workspace_id, m.user_id, choices["token"])
    return summary


def add_import_routes(router: APIRouter, path: str, *, need: str, max_bytes: int, too_big: str,
                      choices_of: Callable[[FormData], dict[str, Any]],
                      write: Callable[[UnitOfWork, Member, dict[str, Any], bytes], Any],
                      upload_view: UploadView, preview_view: PreviewView,
                      done_view: Callable[[Request, UnitOfWork, Member, Any], HTMLResponse]) -> None:
    """GET/POST `path` (the upload form; upload and preview), POST `path`/preview (a new mapping or options) and
    POST `path`/run (import). `need` is the permission; `write(uow, member, choices, data)` plans and writes."""

    @router.get(path, response_class=HTMLResponse)
    def upload_form(request: Request, m: CurrentMember, uow: Uow) -> HTMLResponse:
        m.require(need)
        return upload_view(request, uow, m)

    @router.post(path, response_class=HTMLResponse)
    def upload(request: Request, form: CheckedForm, m: CurrentMember, uow: Uow) -> HTMLResponse:
        m.require(need)
        return stage_upload(request, form, m, uow, choices=choices_of(form), max_bytes=max_bytes, too_big=too_big,
                            upload_view=upload_view, preview_view=preview_view)

    @router.post(f"{path}/preview", response_class=HTMLResponse)
    def preview(request: Request, form: CheckedForm, m: CurrentMember, uow: Uow) -> HTMLResponse:
        m.require(need)
        try:
            return preview_view(request, uow, m, choices_of(form))
        except InvalidInput as exc:
            return upload_view(request, uow, m, exc.message, 422)

    @router.post(f"{path}/run", response_class=HTMLResponse)
    def run(request: Request, form: CheckedForm, m: CurrentMember, uow: Uow) -> Response:
        m.require(need)
        choices = choices_of(form)
        summary = write_staged(request, m, uow, choices, write=lambda data: write(uow, m, choices, data),
                               upload_view=upload_view, preview_view=preview_view)
        return summary if isinstance(summary, Response) else done_view(request, uow, m, summary)
