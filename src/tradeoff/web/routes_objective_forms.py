"""Objectives with key results, and a product's business stage and weight overrides, as web forms. The same
services and schemas as the API (api/app.py RECORD_APIS, api/strategy.py) decide what is valid; this module only
turns form text into those inputs and their errors back into messages beside the fields."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from starlette.datastructures import FormData

from tradeoff.core.scoring_weighted import STAGE_CRITERIA
from tradeoff.features import service as feature_service
from tradeoff.products import service as product_service
from tradeoff.products.schemas import ProductUpdate
from tradeoff.records import service as records
from tradeoff.scoring import scores as scoring_scores
from tradeoff.storage.uow import UnitOfWork
from tradeoff.strategy import service as strategy_service
from tradeoff.strategy.model import Objective, Stage
from tradeoff.strategy.schemas import ObjectiveCreate, ObjectiveUpdate
from tradeoff.web import context as ctx
from tradeoff.web.form_routes import add_form_routes, save_record
from tradeoff.web.forms import (
    FormState,
    field_text,
    fmt_number,
    form_version,
    numbered_lines,
    save_or_errors,
)
from tradeoff.web.render import redirect, render
from tradeoff.web.session import CheckedForm, CurrentMember, Uow

router = APIRouter()
W = "/w/{slug}"
KR_PARTS = ("metric", "baseline", "target", "current", "unit", "due")
LIMIT = 200


def _checked_ids(form: FormData, name: str) -> list[str]:
    return [str(v) for v in form.getlist(name) if str(v).isdecimal()]


# ---------------------------------------------------------------------------------------------- objectives


OBJ_KNOWN = {"title", "description", "product_id", "key_results", "problem_ids", "feature_ids"}


def _kr_line(kr: dict[str, Any]) -> str:
    parts = [kr.get("metric", ""), fmt_number(kr.get("baseline")), fmt_number(kr.get("target")), fmt_number(kr.get("current")),
             kr.get("unit") or "", kr.get("due") or ""]
    while parts and not parts[-1]:
        parts.pop()
    return " | ".join(str(p) for p in parts)


def _objective_state(obj: Objective | None) -> FormState:
    if obj is None:
        return FormState(values={"problem_ids": [], "feature_ids": []})
    return FormState(values={
        "title": obj.title, "description": obj.description or "", "product_id": str(obj.product_id or ""),
        "key_results": "\n".join(_kr_line(kr) for kr in obj.key_results),
        "problem_ids": [str(i) for i in obj.problem_ids], "feature_ids": [str(i) for i in obj.feature_ids],
        "version": str(obj.version),
    })


def _parse_key_results(text: str, state: FormState, numbers: list[int]) -> list[dict[str, Any]]:
    """'metric | baseline | target | current | unit | due' per line; the schema checks numbers and dates.
    Appends each item's line number to `numbers`."""
    out = []
    for n, parts in numbered_lines(text):
        if len(parts) < 3 or len(parts) > len(KR_PARTS):
            state.add("key_results", f"line {n}: write metric | baseline | target | current | unit | due "
                                     "(the first three are required)")
            continue
        kr: dict[str, Any] = dict(zip(KR_PARTS, parts, strict=False))
        for optional in ("current", "due"):
            if not kr.get(optional):
                kr.pop(optional, None)
        out.append(kr)
        numbers.append(n)
    return out


def _objective_form(request: Request, uow: UnitOfWork, m: Any, state: FormState, obj: Objective | None,
                    status_code: int = 200) -> HTMLResponse:
    features = records.list_page(uow=uow, spec=feature_service.SPEC, workspace_id=m.workspace_id, limit=LIMIT).items
    return render(request, "objectives/form.html", status_code, **ctx.page_context(uow, m, "objectives"),
                  page_title=f"Edit {obj.title[:40]}" if obj else "New objective", obj=obj, state=state,
                  products=ctx.product_choices(uow, m.workspace_id),
                  problems=ctx.problem_choices(uow, m.workspace_id, obj.problems if obj else ()),
                  features=[(str(f.id), f.title) for f in features])


@router.get(f"{W}/objectives", response_class=HTMLResponse)
def objectives_page(request: Request, m: CurrentMember, uow: Uow) -> HTMLResponse:
    items = records.list_page(uow=uow, spec=strategy_service.SPEC, workspace_id=m.workspace_id, limit=LIMIT).items
    return render(request, "objectives/list.html", **ctx.page_context(uow, m, "objectives"), page_title="Objectives",
                  items=items, products=ctx.product_names(uow, m.workspace_id), progress=Objective.progress)


def _objective_body(form: FormData, state: FormState, numbers: list[int]) -> dict[str, Any]:
    values: dict[str, Any] = {k: field_text(form, k) for k in ("title", "description", "product_id", "key_results",
                                                          "version")}
    values["problem_ids"] = _checked_ids(form, "problem_ids")
    values["feature_ids"] = _checked_ids(form, "feature_ids")
    state.values = values
    if not values["title"]:
        state.add("title", "is required")
    return {"title": values["title"], "description": values["description"],
            "product_id": values["product_id"] or None,
            "key_results": _parse_key_results(values["key_results"], state, numbers),
            "problem_ids": values["problem_ids"], "feature_ids": values["feature_ids"]}


def _save_objective(request: Request, form: FormData, m: Any, uow: UnitOfWork, obj: Objective | None) -> Response:
    m.require("edit")
    state = FormState()
    numbers: list[int] = []
    body = _objective_body(form, state, numbers)
    return save_record(request, uow, m, state, obj, schema=ObjectiveUpdate if obj else ObjectiveCreate, body=body,
                       known=OBJ_KNOWN, service=strategy_service, show=_objective_form, lines={"key_results": numbers},
                       to=lambda saved: f"/w/{m.workspace_slug}/objectives/{saved.id}")


@router.get(f"{W}/objectives/{{record_id:int}}", response_class=HTMLResponse)
def objective_page(request: Request, m: CurrentMember, uow: Uow, record_id: int) -> HTMLResponse:
    obj = records.get(uow=uow, spec=strategy_service.SPEC, workspace_id=m.workspace_id, record_id=record_id)
    return render(request, "objectives/detail.html", **ctx.page_context(uow, m, "objectives"),
                  page_title=obj.title, obj=obj, progress=Objective.progress,
                  product_name=ctx.product_names(uow, m.workspace_id).get(obj.product_id))


def _new_or_saved_state(obj: Objective | None, request: Request) -> FormState:
    state = _objective_state(obj)
    if obj is None:  # "New objective" from a product's strategy page names that product
        state.values["product_id"] = request.query_params.get("product_id", "")
    return state


add_form_routes(router, f"{W}/objectives", need="edit",
                load=lambda uow, m, rid: records.get(uow=uow, spec=strategy_service.SPEC, workspace_id=m.workspace_id,
                                                     record_id=rid),
                state_of=_new_or_saved_state, show=_objective_form, save=_save_objective)


# ---------------------------------------------------------------------------------------------- product strategy


def _strategy_view(request: Request, uow: UnitOfWork, m: Any, product_id: int, state: FormState | None = None,
                   status_code: int = 200) -> HTMLResponse:
    product = records.get(uow=uow, spec=product_service.SPEC, workspace_id=m.workspace_id, record_id=product_id)
    strategy = strategy_service.product_strategy(uow=uow, workspace_id=m.workspace_id, product_id=product_id)
    if state is None:
        state = FormState(values={"stage": product.stage or "", "version": str(product.version)}
                          | {f"w_{c}": fmt_number(w) for c, w in (product.criteria_weights or {}).items()})
    return render(request, "objectives/product_strategy.html", status_code, **ctx.page_context(uow, m, "products"),
                  page_title=f"Strategy · {product.name}", product=product, strategy=strategy, state=state,
                  criteria=STAGE_CRITERIA, stage_options=[(s.value, s.value) for s in Stage],
                  default_stage=scoring_scores.DEFAULT_STAGE)


@router.get(f"{W}/products/{{product_id:int}}/strategy", response_class=HTMLResponse)
def product_strategy_page(request: Request, m: CurrentMember, uow: Uow, product_id: int) -> HTMLResponse:
    return _strategy_view(request, uow, m, product_id)


@router.post(f"{W}/products/{{product_id:int}}/strategy", response_class=HTMLResponse)
def save_product_strategy(request: Request, form: CheckedForm, m: CurrentMember, uow: Uow,
                          product_id: int) -> Response:
    m.require("edit")
    records.get(uow=uow, spec=product_service.SPEC, workspace_id=m.workspace_id, record_id=product_id)
    known = {"stage", "criteria_weights"} | {f"w_{c}" for c in STAGE_CRITERIA}
    values = {k: field_text(form, k) for k in known | {"version"}}
    state = FormState(values=values)
    weights = {c: values[f"w_{c}"] for c in STAGE_CRITERIA if values[f"w_{c}"]}
    body = {"stage": values["stage"] or None, "criteria_weights": weights or None}
    try:
        data = ProductUpdate.model_validate(body)
    except ValidationError as exc:
        for err in exc.errors():
            loc = [str(p) for p in err.get("loc", ())]
            msg = str(err.get("msg", "is not valid")).removeprefix("Value error, ")
            if err.get("type") == "greater_than_equal":
                msg = "must be 0 or more"
            name = f"w_{loc[1]}" if len(loc) > 1 and loc[0] == "criteria_weights" else loc[0] if loc else ""
            if name in known:
                state.add(name, msg)
            else:
                state.message = state.message or msg
        return _strategy_view(request, uow, m, product_id, state, 422)

    def action() -> None:
        product_service.update(uow=uow, workspace_id=m.workspace_id, actor=m.actor("web"), record_id=product_id,
                               data=data, if_match=form_version(values))

    if not save_or_errors(uow, state, known, action):
        return _strategy_view(request, uow, m, product_id, state, 422)
    return redirect(f"/w/{m.workspace_slug}/products/{product_id}/strategy", request)
