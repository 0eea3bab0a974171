"""List, create, edit, archive and restore pages, one shape for every core record (detail pages live elsewhere)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from tradeoff.accounts.service import Member
from tradeoff.customers import service as customer_service
from tradeoff.errors import TradeoffError
from tradeoff.estimates import service as estimate_service
from tradeoff.exports import service as exports
from tradeoff.insights import service as insights
from tradeoff.records import service as records
from tradeoff.records.pagination import Page
from tradeoff.storage.uow import UnitOfWork
from tradeoff.web import context as ctx
from tradeoff.web.forms import (
    FormState,
    error_to_state,
    form_version,
    initial_values,
    raw_values,
    to_input,
    unchanged_days,
    validate,
)
from tradeoff.web.records_ui import ALL, FEATURES, FEEDBACK, KINDS, PROBLEMS, RecordUI
from tradeoff.web.render import csv_download, redirect, render
from tradeoff.web.routes_triage import bulk_message
from tradeoff.web.routes_views import bar as view_bar
from tradeoff.web.session import CheckedForm, CurrentMember, Uow, can, container

router = APIRouter()
W = "/w/{slug}"
QUICK_FIELDS = tuple(f for f in FEEDBACK.fields if f.name in ("text", "customer_id", "source", "reported_at"))


def list_view(request: Request, uow: UnitOfWork, m: Member, ui: RecordUI, *, quick: FormState | None = None,
              status_code: int = 200) -> HTMLResponse:
    params = request.query_params
    q, sort, archived, filter_values = ui.list_query(request.query_params)
    cursor = params.get("cursor") or None
    list_error = ""
    page: Page[Any] = Page(items=[], next=None)
    try:
        filters = ui.filters_schema.model_validate(filter_values).model_dump(exclude_none=True)
        page = records.list_page(uow=uow, spec=ui.spec, workspace_id=m.workspace_id, q=q, filters=filters, sort=sort,
                                 cursor=cursor, limit=ctx.PAGE_SIZE, archived=archived)
    except ValidationError as exc:
        first = exc.errors()[0]
        list_error = f"filter {first['loc'][0] if first['loc'] else ''}: {first['msg']}"
    except TradeoffError as exc:
        list_error = exc.message
    names = {f.options_from for f in ui.filters if f.options_from}
    extra: dict[str, Any] = {}
    if ui.kind in ("problems", "features"):
        extra["product_names"] = ctx.product_names(uow, m.workspace_id)
        kind: Any = ui.singular
        extra["demand"] = insights.demand_by_target(uow=uow, workspace_id=m.workspace_id, kind=kind,
                                                    ids=[i.id for i in page.items])
        money = customer_service.money(uow, m.workspace_id)
        extra["currency"] = money.currency
        # each row's ARR in the workspace's currency, others converted at its rates (what has no rate named)
        extra["arr_totals"] = {tid: money.total(d["arr_by_currency"]) for tid, d in extra["demand"].items()}
    if ui.kind == "features":
        extra["estimates"] = estimate_service.of_features(uow=uow, workspace_id=m.workspace_id,
                                                          feature_ids=[i.id for i in page.items])
    if ui.kind == "feedback":
        extra["quick"] = quick or FormState(values={"source": "other"})
        extra["quick_fields"] = QUICK_FIELDS
        extra["customer_options"] = ctx.customer_suggestions(uow, m.workspace_id, None)
        extra["pick_url"] = f"/w/{m.workspace_slug}/pick/customers"
        if filter_values.get("customer_id", "").isdecimal():
            found = ctx.customer_name(uow, m.workspace_id, int(filter_values["customer_id"]))
            extra["customer_name"] = found
        extra.update(ctx.triage_line(request, uow, m))
        extra["kinds"] = KINDS
        extra["next_url"] = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        extra["bulk_done"], extra["bulk_problem"] = bulk_message(params)
    extra.update(view_bar(uow, m, ui, dict(params)))
    flash = _flash(params) or extra.get("bulk_done", "") or extra["view_flash"]
    return render(
        request, "records/list.html", status_code,
        **ctx.page_context(uow, m, ui.kind), page_title=ui.title, ui=ui, items=page.items, next=page.next,
        q=q, sort=sort, cursor=cursor, archived=archived, filter_values=filter_values, list_error=list_error,
        options=ctx.options_for(uow, m.workspace_id, names), can_create=can(m, ui.create_need),
        page_size=ctx.PAGE_SIZE, flash=flash, **extra,
    )


def export_view(request: Request, uow: UnitOfWork, m: Member, ui: RecordUI) -> Response:
    """Every record the list at the same address shows (not only its first page), as a CSV file for Excel."""
    q, sort, archived, filter_values = ui.list_query(request.query_params)
    query = {"spec": ui.spec, "workspace_id": m.workspace_id, "q": q, "sort": sort, "archived": archived,
             "filters": ui.filters_schema.model_validate(filter_values).model_dump(exclude_none=True)}
    exports.check(uow=uow, **query)
    chunks = exports.stream_csv(container(request).unit_of_work, out_schema=ui.out_schema, excel=True, **query)
    return csv_download(chunks, m, ui.kind)


def _flash(params: Any) -> str:
    added, pasted, triaged = params.get("added", ""), params.get("pasted", ""), params.get("triage_ran", "")
    if added.isdecimal():
        return f"Feedback #{added} added. Open it to link it to a problem or feature."
    if pasted.isdecimal():
        n = int(pasted)
        return f"{n} feedback item{'s' if n != 1 else ''} added from your call notes. Triage classifies them in the " \
               "background."
    if triaged.isdecimal():
        n = int(triaged)
        return f"Triaged {n} feedback item{'s' if n != 1 else ''}."
    return ""


def form_view(request: Request, uow: UnitOfWork, m: Member, ui: RecordUI, state: FormState, obj: Any = None,
              status_code: int = 200) -> HTMLResponse:
    names = {f.options_from for f in ui.fields if f.options_from}
    selected = getattr(obj, "problems", []) if obj is not None and ui.kind == "features" else []
    return render(
        request, "records/form.html", status_code,
        **ctx.page_context(uow, m, ui.kind), page_title=f"Edit {ui.singular}" if obj else f"New {ui.singular}",
        ui=ui, state=state, obj=obj, options=ctx.options_for(uow, m.workspace_id, names, selected),
        customer_options=ctx.customer_suggestions(uow, m.workspace_id, None) if ui.kind == "feedback" else [],
        pick_url=f"/w/{m.workspace_slug}/pick/customers",
    )


def _parse(uow: UnitOfWork, m: Member, ui: RecordUI, form: Any) -> tuple[FormState, dict[str, Any]]:
    state = FormState(values=raw_values(ui.fields, form))
    data = to_input(ui.fields, state.values, state)
    for f in ui.fields:
        if f.kind == "customer":
            ctx.resolve_customer(uow, m.workspace_id, state.values.get(f.name, ""), state, data, f.name)
    return state, data


def _register(ui: RecordUI) -> None:
    base = f"{W}/{ui.kind}"

    def list_page(request: Request, m: CurrentMember, uow: Uow) -> HTMLResponse:
        return list_view(request, uow, m, ui)

    def export(request: Request, m: CurrentMember, uow: Uow) -> Response:
        return export_view(request, uow, m, ui)

    def new_form(request: Request, m: CurrentMember, uow: Uow) -> HTMLResponse:
        m.require(ui.create_need)
        values: dict[str, Any] = {"reporter": m.email, "source": "other"} if ui is FEEDBACK else {}
        problem_id = request.query_params.get("problem", "")
        if ui is FEATURES and problem_id.isdecimal():  # "New feature for this problem": its product and persona
            problem = records.get(uow=uow, spec=PROBLEMS.spec, workspace_id=m.workspace_id, record_id=int(problem_id))
            values |= {"problem_ids": [str(problem.id)], "persona": problem.persona,
                       "product_id": str(problem.product_id or "")}
        return form_view(request, uow, m, ui, FormState(values=values))

    def create(request: Request, form: CheckedForm, m: CurrentMember, uow: Uow) -> Response:
        m.require(ui.create_need)
        quick = form.get("quick") == "1" and ui is FEEDBACK
        state, data = _parse(uow, m, ui, form)
        obj = None
        if state.ok:
            parsed = validate(ui.create_schema, data, state, ui.field_names)
            if parsed is not None:
                try:
                    obj = ui.service.create(uow=uow, workspace_id=m.workspace_id, actor=m.actor("web"), data=parsed)
                except TradeoffError as exc:
                    if exc.status not in (409, 422):
                        raise
                    uow.session.rollback()
                    error_to_state(exc, state, ui.field_names)
        if obj is None:
            if quick:
                return list_view(request, uow, m, ui, quick=state, status_code=422)
            return form_view(request, uow, m, ui, state, status_code=422)
        if quick:
            return redirect(f"/w/{m.workspace_slug}/feedback?added={obj.id}", request)
        return redirect(f"/w/{m.workspace_slug}/{ui.kind}/{obj.id}", request)

    def edit_form(request: Request, m: CurrentMember, uow: Uow, record_id: int) -> HTMLResponse:
        m.require("edit")
        obj = records.get(uow=uow, spec=ui.spec, workspace_id=m.workspace_id, record_id=record_id)
        values = initial_values(ui.fields, obj)
        if ui.kind == "features":
            values["problem_ids"] = [str(i) for i in obj.problem_ids]
        return form_view(request, uow, m, ui, FormState(values=values), obj)

    def update(request: Request, form: CheckedForm, m: CurrentMember, uow: Uow, record_id: int) -> Response:
        m.require("edit")
        obj = records.get(uow=uow, spec=ui.spec, workspace_id=m.workspace_id, record_id=record_id)
        state, data = _parse(uow, m, ui, form)
        data = unchanged_days(ui.fields, data, obj)
        if state.ok:
            parsed = validate(ui.update_schema, data, state, ui.field_names)
            if parsed is not None:
                try:
                    ui.service.update(uow=uow, workspace_id=m.workspace_id, actor=m.actor("web"),
                                      record_id=record_id, data=parsed, if_match=form_version(form))
                    return redirect(f"/w/{m.workspace_slug}/{ui.kind}/{record_id}", request)
                except TradeoffError as exc:
                    if exc.status not in (409, 412, 422):
                        raise
                    uow.session.rollback()
                    error_to_state(exc, state, ui.field_names)
                    obj = records.get(uow=uow, spec=ui.spec, workspace_id=m.workspace_id, record_id=record_id)
        return form_view(request, uow, m, ui, state, obj, status_code=422)

    def archive(request: Request, form: CheckedForm, m: CurrentMember, uow: Uow, record_id: int) -> Response:
        return _set_archived(request, m, uow, record_id, True)

    def restore(request: Request, form: CheckedForm, m: CurrentMember, uow: Uow, record_id: int) -> Response:
        return _set_archived(request, m, uow, record_id, False)

    def _set_archived(request: Request, m: Member, uow: UnitOfWork, record_id: int, archived: bool) -> Response:
        m.require("edit")
        records.set_archived(uow=uow, spec=ui.spec, workspace_id=m.workspace_id, actor=m.actor("web"),
                             record_id=record_id, archived=archived)
        return redirect(f"/w/{m.workspace_slug}/{ui.kind}/{record_id}", request)

    rid = "{record_id:int}"
    router.add_api_route(base, list_page, methods=["GET"], response_class=HTMLResponse, name=f"{ui.kind}_list")
    router.add_api_route(f"{base}.csv", export, methods=["GET"], response_class=Response)
    router.add_api_route(f"{base}/new", new_form, methods=["GET"], response_class=HTMLResponse)
    router.add_api_route(f"{base}/new", create, methods=["POST"])
    router.add_api_route(f"{base}/{rid}/edit", edit_form, methods=["GET"], response_class=HTMLResponse)
    router.add_api_route(f"{base}/{rid}/edit", update, methods=["POST"])
    router.add_api_route(f"{base}/{rid}/archive", archive, methods=["POST"])
    router.add_api_route(f"{base}/{rid}/restore", restore, methods=["POST"])


for _ui in ALL:
    _register(_ui)
