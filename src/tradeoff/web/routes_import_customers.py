"""CSV import of customers and prospects (a CRM export) in the browser, the way work history is imported:
upload → column mapping → preview (a dry run) → import, all rows or none → summary. The importer
(customers/importer.py) decides everything; the upload waits between steps in web/staging.py."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from tradeoff.accounts.service import Member
from tradeoff.customers.importer import CustomerOptions, apply_import, plan_import
from tradeoff.customers.rows import FIELDS
from tradeoff.errors import FieldError, InvalidInput
from tradeoff.storage.uow import UnitOfWork
from tradeoff.web import context as ctx
from tradeoff.web.forms import field_text
from tradeoff.web.import_steps import add_import_routes, staged_preview
from tradeoff.web.render import render

router = APIRouter()
PATH = "/w/{slug}/import/customers"
WEB_MAX_BYTES = 50 * 1024 * 1024
LABELS = {"name": "Name", "external_id": "External id (the CRM's record id)", "segment": "Segment",
          "arr": "ARR", "currency": "Currency", "plan": "Plan", "renewal_date": "Renewal date",
          "customer_since": "Customer since", "account_owner": "Account owner", "notes": "Notes",
          "lifecycle": "Lifecycle (customer or prospect)", "deal_value": "Open deal: expected ARR",
          "deal_close": "Open deal: expected close", "stage": "Deal stage (open, won or lost)"}
ONE_ROW_PER_DEAL = "One row per deal"


def _choices(form: Any) -> dict[str, Any]:
    deals = form.get("rows_are_deals") == "1"
    mapping = {f: field_text(form, f"map_{f}") for f in FIELDS if f"map_{f}" in form and (deals or f != "stage")}
    # the columns shown were chosen for the other way of reading the file (a deals export's Record ID is the
    # deal's, not the customer's): guessed again for this one, and seen in a preview before anything is imported
    regroup = "shown_as_deals" in form and (form.get("shown_as_deals") == "1") != deals
    return {"token": field_text(form, "token"), "filename": field_text(form, "filename")[:200] or "upload.csv",
            "mapping": {} if regroup else mapping, "regroup": regroup, "rows_are_deals": deals,
            "date_format": field_text(form, "date_format")[:50], "skip_bad_rows": form.get("skip_bad_rows") == "1"}


def _options(choices: dict[str, Any], *, with_mapping: bool = True) -> CustomerOptions:
    return CustomerOptions(filename=choices["filename"], mapping=choices["mapping"] if with_mapping else {},
                           date_format=choices["date_format"] or None, skip_bad_rows=choices["skip_bad_rows"],
                           rows_are_deals=choices["rows_are_deals"])


def _upload_view(request: Request, uow: UnitOfWork, m: Member, error: str = "", status_code: int = 200) -> HTMLResponse:
    return render(request, "imports/customers_upload.html", status_code, **ctx.page_context(uow, m, "import"),
                  page_title="Import customers", error=error, max_mb=WEB_MAX_BYTES // 1_000_000,
                  one_row_per_deal=ONE_ROW_PER_DEAL)


def _preview_view(request: Request, uow: UnitOfWork, m: Member, choices: dict[str, Any], error: str = "",
                  errors: list[FieldError] | None = None, status_code: int = 200) -> HTMLResponse:
    v = staged_preview(request, m, choices, lambda data, mapped: plan_import(
        uow=uow, workspace_id=m.workspace_id, data=data, options=_options(choices, with_mapping=mapped)),
        FIELDS, error, status_code)
    fields = FIELDS if choices["rows_are_deals"] else tuple(f for f in FIELDS if f != "stage")
    return render(request, "imports/customers_preview.html", v.status_code, **ctx.page_context(uow, m, "import"),
                  page_title="Import customers: preview", p=v.p,
                  choices=choices, chosen=v.chosen, fields=fields, labels=LABELS, error=v.error,
                  row_errors=errors or [], one_row_per_deal=ONE_ROW_PER_DEAL)


def _write(uow: UnitOfWork, m: Member, choices: dict[str, Any], data: bytes) -> Any:
    if choices["regroup"]:
        raise InvalidInput(f"“{ONE_ROW_PER_DEAL}” was changed after the preview, which reads the file differently: "
                           "check this preview, then import")
    plan = plan_import(uow=uow, workspace_id=m.workspace_id, data=data, options=_options(choices))
    return apply_import(uow=uow, workspace_id=m.workspace_id, actor=m.actor("web"), plan=plan)


def _done_view(request: Request, uow: UnitOfWork, m: Member, summary: Any) -> HTMLResponse:
    return render(request, "imports/customers_done.html", **ctx.page_context(uow, m, "import"),
                  page_title="Customers imported", summary=summary)


add_import_routes(router, PATH, need="edit", max_bytes=WEB_MAX_BYTES,
                  too_big="import it with `tradeoff import customers` or the API", choices_of=_choices, write=_write,
                  upload_view=_upload_view, preview_view=_preview_view, done_view=_done_view)
