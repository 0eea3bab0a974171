"""POST /workspaces/{workspace}/imports/feedback and …/imports/customers: a CSV upload, previewed (dry_run) or
imported, all or nothing."""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, UploadFile
from fastapi.responses import JSONResponse

from tradeoff.api.deps import CurrentMember, Uow
from tradeoff.api.responses.imports import (
    CustomerImportPreview,
    CustomerImportSummary,
    FeedbackImportPreview,
    FeedbackImportSummary,
)
from tradeoff.customers import importer as customer_importer
from tradeoff.errors import FieldError, InvalidInput
from tradeoff.feedback.importer import MAX_BYTES, ImportOptions, run_import
from tradeoff.feedback.model import Source

router = APIRouter(tags=["imports"])

Column = Annotated[str | None, Form(max_length=200, description="CSV column for this field; empty turns the guess off.")]


@router.post(
    "/workspaces/{workspace}/imports/feedback", operation_id="importFeedback",
    summary="Import feedback from a CSV file (multipart upload), or preview it with dry_run=true",
    description=(
        "Send `multipart/form-data` with the CSV as `file` and these form fields: `text_column` (required unless a "
        "header is named text/comment/feedback/body/description), `customer_column`, `source_column`, `date_column`, "
        "`author_column`, `tags_column`, `kind_column`, `score_column` and `score_kind_column` (a survey response's "
        "NPS 0-10 or CSAT 1-5 score; the kind may instead be the score column's name, NPS or CSAT) (unmapped fields are "
        "guessed from the header; the kind from a column named kind, type, label or category), `date_format` "
        "(strftime, e.g. "
        "`%d/%m/%Y`; default ISO 8601, Jira's `30/Sep/21 17:20`, or numeric dates in the day/month order the file's "
        "dates show, as `31/12/2026` does), `default_source`, `skip_bad_rows`, "
        "`create_customers`, `skip_unmatched`, `import_again`, `kind_values`, `unknown_kinds`, `dry_run`.\n\n"
        "The kind column's values are read as kinds when they are one (bug, feature request, praise, question, other) "
        "or a common word for one (bug report, enhancement, kudos, ...); map any other with `kind_values`, a JSON "
        "object of value -> kind (`{\"rating\": \"praise\", \"user experience\": \"triage\"}`; triage: no kind, for "
        "triage to guess). A value neither known nor mapped makes its row a bad row naming the value, unless "
        "`unknown_kinds=triage` leaves such rows to triage. A kind from the file is the PM's own: triage keeps it and "
        "learns from it. The preview lists every value as `kinds`.\n\n"
        "A row without a date (or a file without a date column) is imported with its date unknown: dated at the time "
        "of import, marked `date_unknown`, and left out of trends and recent counts.\n\n"
        "Rows already in the workspace (the same words, customer and reported time, or words and customer for a row without a date: a file imported before) are "
        "skipped and listed as `already_imported` (row and feedback id), unless `import_again=true`.\n\n"
        "UTF-8 (with or without BOM), Latin-1 and Excel's CSV dialects (comma or semicolon, quoted multi-line "
        "cells, CRLF) are read. Customers are matched by external id, then by name (case-insensitive).\n\n"
        "`dry_run=true` returns the preview (200) and writes nothing. Otherwise the file is imported in one "
        "transaction (201) or refused whole (422 problem+json): each bad row is in `errors` with "
        "`loc: [\"row\", N, field]`, where row 1 is the first line after the header; unknown customers are listed "
        "the same way with field `customer`. Needs the `evidence` role."
    ),
    response_model=FeedbackImportPreview,
    responses={200: {"description": "Preview (dry run)"},
               201: {"description": "Import summary", "model": FeedbackImportSummary},
               422: {"description": "Bad file, bad rows or unknown customers (application/problem+json)"}},
)
def import_feedback(
    member: CurrentMember,
    uow: Uow,
    file: Annotated[UploadFile, File(description="The CSV file.")],
    text_column: Column = None,
    customer_column: Column = None,
    source_column: Column = None,
    date_column: Column = None,
    author_column: Column = None,
    tags_column: Column = None,
    kind_column: Column = None,
    score_column: Column = None,
    score_kind_column: Column = None,
    date_format: Annotated[str | None, Form(max_length=50)] = None,
    default_source: Annotated[Source | None, Form()] = None,
    skip_bad_rows: Annotated[bool, Form()] = False,
    create_customers: Annotated[bool, Form()] = False,
    skip_unmatched: Annotated[bool, Form()] = False,
    import_again: Annotated[bool, Form()] = False,
    kind_values: Annotated[str | None, Form(max_length=20_000, description="JSON object: value in the file -> kind "
                                                                          "(or triage)")] = None,
    unknown_kinds: Annotated[Literal["refuse", "triage"], Form()] = "refuse",
    dry_run: Annotated[bool, Form()] = False,
) -> Any:
    member.require("evidence")
    filename = file.filename or "upload.csv"
    data = file.file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise InvalidInput(f"{filename} is larger than {MAX_BYTES // 1_000_000} MB; split it and import the parts",
                           [FieldError(["body", "file"], "file too large", filename)])
    columns = {"text": text_column, "customer": customer_column, "source": source_column, "date": date_column,
               "author": author_column, "tags": tags_column, "kind": kind_column, "score": score_column,
               "score_kind": score_kind_column}
    options = ImportOptions(
        filename=filename, mapping={f: c for f, c in columns.items() if c is not None},
        date_format=date_format or None, default_source=default_source, skip_bad_rows=skip_bad_rows,
        create_customers=create_customers, skip_unmatched=skip_unmatched, import_again=import_again,
        kind_values=_kind_values(kind_values), unknown_kinds=unknown_kinds,
    )
    result = run_import(uow=uow, workspace_id=member.workspace_id, actor=member.actor("api"), data=data,
                        options=options, dry_run=dry_run)
    return JSONResponse(result, status_code=200 if dry_run else 201)


def _kind_values(raw: str | None) -> dict[str, str]:
    """The `kind_values` form field: a JSON object of text -> text, or nothing."""
    if not raw or not raw.strip():
        return {}
    try:
        parsed = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"kind_values is not JSON ({exc.msg}); send an object such as {{\"rating\": \"praise\"}}",
                           [FieldError(["body", "kind_values"], "not JSON", raw[:120])]) from exc
    if not isinstance(parsed, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in parsed.items()):
        raise InvalidInput("kind_values must be a JSON object of value -> kind, such as {\"rating\": \"praise\"}",
                           [FieldError(["body", "kind_values"], "not an object of texts", raw[:120])])
    return parsed


@router.post(
    "/workspaces/{workspace}/imports/customers", operation_id="importCustomers",
    summary="Import customers and prospects from a CSV file (a CRM export), or preview it with dry_run=true",
    description=(
        "Send `multipart/form-data` with the CSV as `file`. Columns are guessed from the header (HubSpot's and "
        "Salesforce's `Company name`/`Account Name`, `Record ID`/`Account ID`, `ARR`/`Annual Revenue`, `Lifecycle "
        "Stage`/`Type`, `Amount`/`Opportunity Amount`, `Close Date`, `Account Owner`/`Company owner`, …) or named "
        "with `name_column`, `external_id_column`, `segment_column`, `arr_column`, `currency_column`, "
        "`plan_column`, `renewal_date_column`, `customer_since_column`, `account_owner_column`, `notes_column`, "
        "`lifecycle_column`, `deal_value_column`, `deal_close_column`, `stage_column` (an empty value turns a guess "
        "off).\n\n"
        "A row updates the customer with its external id, else the one with its name (any case), with the "
        "columns the file has (an empty cell keeps the value); otherwise it creates one. Lifecycle values such as "
        "Customer and Evangelist make a customer; Lead, Subscriber, MQL, SQL, Opportunity and Prospect a prospect "
        "(who must have no ARR). Money reads `12500`, `12,500.00`, `$12,500`, `€ 9.000,50`, `USD 12,500`.\n\n"
        "`rows_are_deals=true` reads a CRM's opportunities or deals export, one row per deal (the same account on "
        "several rows): rows are grouped by customer (external id, else name in any case) and each group makes or "
        "updates one customer. The deal amount column is needed; `stage_column` (guessed from Stage, Deal Stage, "
        "Opportunity Stage, Status) says whether a deal is won (Closed Won, Won, closedwon), lost (Closed Lost, "
        "Lost, closedlost) or open (anything else; every row without a stage column). The customer's `deal_value` "
        "is the sum of its open deals and `deal_close` the earliest open close date (no open deal: no deal). Won "
        "deals are not read as ARR (import ARR from the accounts export; an ARR column is read as the customer's), "
        "lost deals are left out. A new customer without a lifecycle column is a customer with a won deal or ARR, "
        "else a prospect; a prospect with a won deal becomes a customer. The customer's columns (segment, "
        "currency, owner, plan...) must agree across its rows where filled in, and its deals be in one currency; "
        "otherwise both rows are bad, and a bad row stops every row of its customer. The preview counts the "
        "`customers` and the open, won and lost `deals`.\n\n"
        "`dry_run=true` previews (200) and writes nothing; otherwise all rows are imported in one transaction "
        "(201) or none (422 problem+json, each bad row in `errors` as `[\"row\", N, field]`, row 1 the first line "
        "after the header; two rows about one customer are both listed). Needs the `edit` role (owner or PM)."),
    response_model=CustomerImportPreview,
    responses={200: {"description": "Preview (dry run)"},
               201: {"description": "Import summary", "model": CustomerImportSummary},
               422: {"description": "Bad file or bad rows (application/problem+json)"}},
)
def import_customers(
    member: CurrentMember,
    uow: Uow,
    file: Annotated[UploadFile, File(description="The CSV file.")],
    name_column: Column = None, external_id_column: Column = None, segment_column: Column = None,
    arr_column: Column = None, currency_column: Column = None, plan_column: Column = None,
    renewal_date_column: Column = None, customer_since_column: Column = None, account_owner_column: Column = None,
    notes_column: Column = None, lifecycle_column: Column = None, deal_value_column: Column = None,
    deal_close_column: Column = None, stage_column: Column = None,
    date_format: Annotated[str | None, Form(max_length=50)] = None,
    skip_bad_rows: Annotated[bool, Form()] = False,
    rows_are_deals: Annotated[bool, Form(description=(
        "The file has one row per deal (a CRM's opportunities or deals export): its rows are grouped by customer, "
        "open deals add up to the deal value"))] = False,
    dry_run: Annotated[bool, Form()] = False,
) -> Any:
    member.require("edit")
    filename = file.filename or "upload.csv"
    data = file.file.read(customer_importer.MAX_BYTES + 1)
    if len(data) > customer_importer.MAX_BYTES:
        raise InvalidInput(f"{filename} is larger than {customer_importer.MAX_BYTES // 1_000_000} MB; split it and "
                           "import the parts", [FieldError(["body", "file"], "file too large", filename)])
    columns = {"name": name_column, "external_id": external_id_column, "segment": segment_column,
               "arr": arr_column, "currency": currency_column, "plan": plan_column,
               "renewal_date": renewal_date_column, "customer_since": customer_since_column,
               "account_owner": account_owner_column, "notes": notes_column, "lifecycle": lifecycle_column,
               "deal_value": deal_value_column, "deal_close": deal_close_column, "stage": stage_column}
    options = customer_importer.CustomerOptions(
        filename=filename, mapping={f: c for f, c in columns.items() if c is not None},
        date_format=date_format or None, skip_bad_rows=skip_bad_rows, rows_are_deals=rows_are_deals)
    result = customer_importer.run_import(uow=uow, workspace_id=member.workspace_id, actor=member.actor("api"),
                                          data=data, options=options, dry_run=dry_run)
    return JSONResponse(result, status_code=200 if dry_run else 201)
