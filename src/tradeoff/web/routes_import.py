"""CSV import of feedback in the browser: upload → column mapping → preview (a dry run) → import → summary.

The importer (feedback/importer.py) decides everything; these routes only carry the person's choices between
steps (the upload itself waits in web/staging.py) and show what the importer reports.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from tradeoff.accounts.service import Member
from tradeoff.errors import FieldError, InvalidInput
from tradeoff.feedback.import_rows import FIELDS
from tradeoff.feedback.importer import MAX_BYTES, ImportOptions, apply_import, plan_import
from tradeoff.feedback.model import Source
from tradeoff.storage.uow import UnitOfWork
from tradeoff.web import context as ctx
from tradeoff.web.forms import field_text
from tradeoff.web.import_steps import add_import_routes, staged_preview
from tradeoff.web.records_ui import KINDS, SOURCES
from tradeoff.web.render import render

router = APIRouter()
W = "/w/{slug}"
FIELD_LABELS = {"text": "What they said", "customer": "Customer (name or external id)", "source": "Source",
                "date": "Date", "author": "Reported by", "tags": "Tags",
                "kind": "Kind (bug, feature request, praise, question, other)", "score": "Survey score (NPS 0-10 or CSAT 1-5)",
                "score_kind": "Survey kind (nps or csat)"}
UNMATCHED_CHOICES = (("create", "Create them as new customers"),
                     ("skip", "Import those rows without a customer"))
KIND_CHOICES = (*KINDS, ("triage", "Leave for triage to guess"))


def _choices(form: Any) -> dict[str, Any]:
    """What the person chose on the preview form, as typed (to show it again)."""
    return {
        "token": field_text(form, "token", strip=False), "filename": field_text(form, "filename", strip=False)[:200] or "upload.csv",
        "mapping": {f: field_text(form, f"map_{f}", strip=False) for f in FIELDS if f"map_{f}" in form},
        "date_format": field_text(form, "date_format", strip=False).strip()[:50], "default_source": field_text(form, "default_source", strip=False),
        "skip_bad_rows": form.get("skip_bad_rows") == "1", "unmatched": field_text(form, "unmatched", strip=False),
        "import_again": form.get("import_again") == "1",
        # each value of the kind column and the kind chosen for it ("": none chosen)
        "kind_values": {str(v): str(k) for v, k in zip(form.getlist("kind_from"), form.getlist("kind_to"), strict=False)
                        if str(k).strip()},
        # the count on the Import button the person pressed (what the last check said would be imported)
        "expected": int(v) if (v := field_text(form, "expected")).isdigit() else None,
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
        skip_unmatched=choices["unmatched"] == "skip", import_again=choices["import_again"], guess_text=True,
        kind_values=choices.get("kind_values", {}) if with_mapping else {},
    )


def _upload_view(request: Request, uow: UnitOfWork, m: Member, error: str = "", status_code: int = 200) -> HTMLResponse:
    return render(request, "imports/upload.html", status_code, **ctx.page_context(uow, m, "import"),
                  page_title="Import feedback", error=error, sources=SOURCES, max_mb=MAX_BYTES // 1_000_000)


def _preview_view(request: Request, uow: UnitOfWork, m: Member, choices: dict[str, Any], error: str = "",
                  errors: list[FieldError] | None = None, status_code: int = 200) -> HTMLResponse:
    """Plan the import with the person's choices and show the preview. A mapping the importer refuses is shown
    with its message, beside the columns it guessed itself."""
    v = staged_preview(request, m, choices, lambda data, mapped: plan_import(
        uow=uow, workspace_id=m.workspace_id, data=data, options=_options(choices, with_mapping=mapped)),
        FIELDS, error, status_code)
    if v.p.get("guessed_text") and not v.error:
        v = replace(v, error=f"no column is named like what customers said (text, comment, feedback…): Tradeoff "
                             f"took '{v.p['guessed_text']}', the column with the most words. Check the columns "
                             "below, then check again")
    return render(request, "imports/preview.html", v.status_code, **ctx.page_context(uow, m, "import"),
                  page_title="Import feedback: preview", p=v.p, choices=choices, chosen=v.chosen, fields=FIELDS,
                  field_labels=FIELD_LABELS, sources=SOURCES, unmatched_choices=UNMATCHED_CHOICES,
                  kind_choices=KIND_CHOICES, error=v.error,
                  row_errors=errors or [])


def _write(uow: UnitOfWork, m: Member, choices: dict[str, Any], data: bytes) -> Any:
    plan = plan_import(uow=uow, workspace_id=m.workspace_id, data=data, options=_options(choices))
    now = len(plan.to_import)
    if choices["expected"] is not None and now != choices["expected"]:
        # a box ticked (or a choice changed) after the last check: import only what the button said
        raise InvalidInput(f"the choices changed since the last check: they import {now:,} item{'s' if now != 1 else ''}"
                           f", not {choices['expected']:,}; check the preview below and press Import again",
                           [FieldError(["body", "expected"], "changed since the check", choices["expected"])])
    return apply_import(uow=uow, workspace_id=m.workspace_id, actor=m.actor("web"), plan=plan)


def _done_view(request: Request, uow: UnitOfWork, m: Member, summary: Any) -> HTMLResponse:
    return render(request, "imports/done.html", **ctx.page_context(uow, m, "import"), page_title="Import done",
                  summary=summary.as_dict())


add_import_routes(router, f"{W}/import", need="evidence", max_bytes=MAX_BYTES, too_big="split it and import the parts",
                  choices_of=_choices, write=_write, upload_view=_upload_view, preview_view=_preview_view,
                  done_view=_done_view)
