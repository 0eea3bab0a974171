"""CSV import of work history (Jira, Azure DevOps, GitHub exports) in the browser, the way feedback is imported:
upload → column mapping → preview (a dry run) → import, all rows or none → summary. The importer
(workitems/importer.py) decides everything; the upload waits between steps in web/staging.py."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from tradeoff.accounts.service import Member
from tradeoff.errors import FieldError
from tradeoff.storage.uow import UnitOfWork
from tradeoff.teams import service as team_service
from tradeoff.web import context as ctx
from tradeoff.web.forms import field_text, int_or_none
from tradeoff.web.import_steps import add_import_routes, staged_preview
from tradeoff.web.render import render
from tradeoff.workitems.importer import FIELDS, WorkItemOptions, apply_import, plan_import

router = APIRouter()
PATH = "/w/{slug}/import/work-items"
WEB_MAX_BYTES = 50 * 1024 * 1024  # a browser upload; larger exports go through the CLI or the API
LABELS = {"key": "Key (e.g. PAY-123)", "title": "Title", "description": "Description", "type": "Type",
          "status": "Status", "resolution": "Resolution (Won't Do, Duplicate…)", "created": "Created",
          "started": "Started", "resolved": "Resolved (done)",
          "points": "Story points", "feature": "Feature (its title; #id when you choose the column)"}


def _choices(form: Any) -> dict[str, Any]:
    mapping = {f: field_text(form, f"map_{f}") for f in FIELDS if f"map_{f}" in form}
    if mapping.get("feature") and mapping["feature"] == field_text(form, "guessed_feature"):
        del mapping["feature"]  # still the importer's guess, not the person's: its numbers are no feature ids
    return {"token": field_text(form, "token"), "filename": field_text(form, "filename")[:200] or "upload.csv",
            "mapping": mapping, "date_format": field_text(form, "date_format")[:50],
            "team_id": field_text(form, "team_id"), "skip_bad_rows": form.get("skip_bad_rows") == "1",
            "key_prefix": field_text(form, "key_prefix")[:20]}


def _options(choices: dict[str, Any], *, with_mapping: bool = True) -> WorkItemOptions:
    return WorkItemOptions(filename=choices["filename"], mapping=choices["mapping"] if with_mapping else {},
                           date_format=choices["date_format"] or None, skip_bad_rows=choices["skip_bad_rows"],
                           team_id=int_or_none(choices["team_id"]), key_prefix=choices["key_prefix"])


def _teams(uow: UnitOfWork, m: Member) -> list[tuple[str, str]]:
    return [("", "(no team)")] + [(str(t.id), t.name) for t in team_service.active(uow=uow, workspace_id=m.workspace_id)]


def _upload_view(request: Request, uow: UnitOfWork, m: Member, error: str = "", status_code: int = 200) -> HTMLResponse:
    return render(request, "imports/workitems_upload.html", status_code, **ctx.page_context(uow, m, "import"),
                  page_title="Import work history", error=error, teams=_teams(uow, m),
                  max_mb=WEB_MAX_BYTES // 1_000_000)


def _preview_view(request: Request, uow: UnitOfWork, m: Member, choices: dict[str, Any], error: str = "",
                  errors: list[FieldError] | None = None, status_code: int = 200) -> HTMLResponse:
    v = staged_preview(request, m, choices, lambda data, mapped: plan_import(
        uow=uow, workspace_id=m.workspace_id, data=data, options=_options(choices, with_mapping=mapped)),
        FIELDS, error, status_code)
    return render(request, "imports/workitems_preview.html", v.status_code, **ctx.page_context(uow, m, "import"),
                  page_title="Import work history: preview", p=v.p, choices=choices, chosen=v.chosen, fields=FIELDS,
                  labels=LABELS, teams=_teams(uow, m), error=v.error, row_errors=errors or [])


def _write(uow: UnitOfWork, m: Member, choices: dict[str, Any], data: bytes) -> Any:
    plan = plan_import(uow=uow, workspace_id=m.workspace_id, data=data, options=_options(choices))
    return apply_import(uow=uow, workspace_id=m.workspace_id, actor=m.actor("web"), plan=plan)


def _done_view(request: Request, uow: UnitOfWork, m: Member, summary: Any) -> HTMLResponse:
    return render(request, "imports/workitems_done.html", **ctx.page_context(uow, m, "import"),
                  page_title="Work history imported", summary=summary)


add_import_routes(router, PATH, need="technical", max_bytes=WEB_MAX_BYTES,
                  too_big="import it with `tradeoff import workitems` or the API", choices_of=_choices, write=_write,
                  upload_view=_upload_view, preview_view=_preview_view, done_view=_done_view)
