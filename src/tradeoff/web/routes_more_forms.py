"""Objectives with key results, a product's business stage and weight overrides, teams and components as web
forms. The same services and schemas as the API (api/app.py RECORD_APIS, api/strategy.py) decide what is valid;
this module only turns form text into those inputs and their errors back into messages beside the fields."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, ValidationError
from starlette.datastructures import FormData

from tradeoff.components import service as component_service
from tradeoff.components.model import ComponentKind
from tradeoff.components.schemas import ComponentCreate, ComponentUpdate
from tradeoff.core.scoring import STAGE_CRITERIA
from tradeoff.features import service as feature_service
from tradeoff.products import service as product_service
from tradeoff.products.schemas import ProductUpdate
from tradeoff.records import service as records
from tradeoff.scoring import service as scoring_service
from tradeoff.storage.uow import UnitOfWork
from tradeoff.strategy import service as strategy_service
from tradeoff.strategy.model import Objective, Stage
from tradeoff.strategy.schemas import ObjectiveCreate, ObjectiveUpdate
from tradeoff.teams import service as team_service
from tradeoff.teams.model import PeriodKind
from tradeoff.teams.schemas import TeamCreate, TeamUpdate
from tradeoff.web import context as ctx
from tradeoff.web.forms import FormState, field_text, fmt_number, save_or_errors
from tradeoff.web.render import redirect, render
from tradeoff.web.session import CheckedForm, CurrentMember, Uow, can

router = APIRouter()
W = "/w/{slug}"
KR_PARTS = ("metric", "baseline", "target", "current", "unit", "due")
MEMBER_PARTS = ("name", "availability", "holidays", "email")
LIMIT = 200


def _version(values: dict[str, Any]) -> int | None:
    v = str(values.get("version", ""))
    return int(v) if v.isdigit() else None


def _validated(schema: type[BaseModel], body: dict[str, Any], state: FormState, known: set[str],
               line_numbers: dict[str, list[int]]) -> Any:
    """The schema built from `body`, or None with messages in `state`. An item of a list entered one per line
    (`line_numbers[field][i]` is the textarea line of item i) is named by its line number."""
    try:
        return schema.model_validate(body)
    except ValidationError as exc:
        for err in exc.errors():
            loc = [p for p in err.get("loc", ()) if p != "body"]
            msg = str(err.get("msg", "is not valid")).removeprefix("Value error, ")
            name = str(loc[0]) if loc else ""
            lines = line_numbers.get(name, [])
            if len(loc) > 1 and isinstance(loc[1], int) and loc[1] < len(lines):
                part = ".".join(str(p) for p in loc[2:] if not isinstance(p, int))
                msg = f"line {lines[loc[1]]}: {part + ': ' if part else ''}{msg}"
            if name in known:
                state.add(name, msg)
            else:
                state.message = state.message or msg
        return None


def _lines(text: str) -> list[tuple[int, list[str]]]:
    """Non-blank lines of a textarea as (line number, '|'-separated parts)."""
    return [(n, [p.strip() for p in line.split("|")]) for n, line in enumerate(text.splitlines(), 1) if line.strip()]


def _checked_ids(form: FormData, name: str) -> list[str]:
    return [str(v) for v in form.getlist(name) if str(v).isdigit()]


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
    for n, parts in _lines(text):
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


@router.get(f"{W}/objectives/new", response_class=HTMLResponse)
def new_objective_page(request: Request, m: CurrentMember, uow: Uow) -> HTMLResponse:
    m.require("edit")
    state = _objective_state(None)
    state.values["product_id"] = request.query_params.get("product_id", "")
    return _objective_form(request, uow, m, state, None)


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
    data = _validated(ObjectiveUpdate if obj else ObjectiveCreate, body, state, OBJ_KNOWN, {"key_results": numbers})
    if not state.ok or data is None:
        return _objective_form(request, uow, m, state, obj, 422)
    saved: list[Objective] = []

    def action() -> None:
        if obj is None:
            saved.append(strategy_service.create(uow=uow, workspace_id=m.workspace_id, actor=m.actor("web"),
                                                 data=data))
        else:
            saved.append(strategy_service.update(uow=uow, workspace_id=m.workspace_id, actor=m.actor("web"),
                                                 record_id=obj.id, data=data, if_match=_version(state.values)))

    if not save_or_errors(uow, state, OBJ_KNOWN, action):
        return _objective_form(request, uow, m, state, obj, 422)
    return redirect(f"/w/{m.workspace_slug}/objectives/{saved[0].id}", request)


@router.post(f"{W}/objectives/new", response_class=HTMLResponse)
def create_objective(request: Request, form: CheckedForm, m: CurrentMember, uow: Uow) -> Response:
    return _save_objective(request, form, m, uow, None)


@router.get(f"{W}/objectives/{{record_id:int}}", response_class=HTMLResponse)
def objective_page(request: Request, m: CurrentMember, uow: Uow, record_id: int) -> HTMLResponse:
    obj = records.get(uow=uow, spec=strategy_service.SPEC, workspace_id=m.workspace_id, record_id=record_id)
    return render(request, "objectives/detail.html", **ctx.page_context(uow, m, "objectives"),
                  page_title=obj.title, obj=obj, progress=Objective.progress,
                  product_name=ctx.product_names(uow, m.workspace_id).get(obj.product_id))


@router.get(f"{W}/objectives/{{record_id:int}}/edit", response_class=HTMLResponse)
def edit_objective_page(request: Request, m: CurrentMember, uow: Uow, record_id: int) -> HTMLResponse:
    obj = records.get(uow=uow, spec=strategy_service.SPEC, workspace_id=m.workspace_id, record_id=record_id)
    m.require("edit")
    return _objective_form(request, uow, m, _objective_state(obj), obj)


@router.post(f"{W}/objectives/{{record_id:int}}/edit", response_class=HTMLResponse)
def edit_objective(request: Request, form: CheckedForm, m: CurrentMember, uow: Uow, record_id: int) -> Response:
    obj = records.get(uow=uow, spec=strategy_service.SPEC, workspace_id=m.workspace_id, record_id=record_id)
    return _save_objective(request, form, m, uow, obj)


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
                  default_stage=scoring_service.DEFAULT_STAGE)


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
                               data=data, if_match=_version(values))

    if not save_or_errors(uow, state, known, action):
        return _strategy_view(request, uow, m, product_id, state, 422)
    return redirect(f"/w/{m.workspace_slug}/products/{product_id}/strategy", request)


# ---------------------------------------------------------------------------------------------- teams


TEAM_KNOWN = {"name", "description", "period_kind", "sprint_days", "wip_limit", "tech_share", "members"}


def _member_line(mbr: Any) -> str:
    """The editable line of a member; the email is kept so saving the form never drops it."""
    holidays = "; ".join(f"{a}..{b}" for a, b in mbr.holidays or [])
    parts = [mbr.name, fmt_number(mbr.availability), holidays] + ([mbr.email] if getattr(mbr, "email", "") else [])
    return " | ".join(parts).rstrip(" |")


def _team_state(team: Any) -> FormState:
    if team is None:
        return FormState(values={"period_kind": "sprint", "sprint_days": "14", "wip_limit": "3", "tech_share": "0"})
    return FormState(values={
        "name": team.name, "description": team.description or "", "period_kind": team.period_kind,
        "sprint_days": str(team.sprint_days), "wip_limit": str(team.wip_limit), "tech_share": fmt_number(team.tech_share),
        "members": "\n".join(_member_line(x) for x in team.members), "version": str(team.version),
    })


def _parse_members(text: str, state: FormState, numbers: list[int]) -> list[dict[str, Any]]:
    """'name | availability | 2026-12-24..2026-12-31; 2027-01-02' per line (a holiday of one day needs no '..').
    Appends each member's line number to `numbers`."""
    out = []
    for n, parts in _lines(text):
        if len(parts) > len(MEMBER_PARTS):
            state.add("members", f"line {n}: write name | availability | holidays | email")
            continue
        item: dict[str, Any] = {"name": parts[0]}
        if len(parts) > 1 and parts[1]:
            item["availability"] = parts[1]
        holidays = []
        for span in (parts[2].split(";") if len(parts) > 2 else []):
            if not span.strip():
                continue
            start, sep, end = span.strip().partition("..")
            if not sep:
                start = end = span.strip()  # a single day
            holidays.append({"start": start.strip(), "end": end.strip()})
        item["holidays"] = holidays
        if len(parts) > 3 and parts[3]:
            item["email"] = parts[3]
        out.append(item)
        numbers.append(n)
    return out


def _team_form(request: Request, uow: UnitOfWork, m: Any, state: FormState, team: Any,
               status_code: int = 200) -> HTMLResponse:
    return render(request, "delivery/team_form.html", status_code, **ctx.page_context(uow, m, "capacity"),
                  page_title=f"Edit {team.name}" if team else "New team", team=team, state=state,
                  period_kinds=[(k.value, k.value) for k in PeriodKind])


def _list_page(request: Request, uow: UnitOfWork, m: Any) -> HTMLResponse:
    teams = records.list_page(uow=uow, spec=team_service.SPEC, workspace_id=m.workspace_id, limit=LIMIT).items
    comps = records.list_page(uow=uow, spec=component_service.SPEC, workspace_id=m.workspace_id, limit=LIMIT).items
    return render(request, "delivery/setup.html", **ctx.page_context(uow, m, "components"),
                  page_title="Teams and components", teams=teams, components=comps,
                  team_names={t.id: t.name for t in teams}, technical=can(m, "technical"))


@router.get(f"{W}/teams", response_class=HTMLResponse)
def teams_page(request: Request, m: CurrentMember, uow: Uow) -> HTMLResponse:
    return _list_page(request, uow, m)


@router.get(f"{W}/components", response_class=HTMLResponse)
def components_page(request: Request, m: CurrentMember, uow: Uow) -> HTMLResponse:
    return _list_page(request, uow, m)


def _save(uow: UnitOfWork, state: FormState, known: set[str], write: Callable[[], Any]) -> Any:
    saved: list[Any] = []
    return saved[0] if save_or_errors(uow, state, known, lambda: saved.append(write())) else None


def _save_team(request: Request, form: FormData, m: Any, uow: UnitOfWork, team: Any) -> Response:
    m.require("technical")
    values = {k: field_text(form, k) for k in TEAM_KNOWN | {"version"}}
    state = FormState(values=values)
    if not values["name"]:
        state.add("name", "is required")
    body: dict[str, Any] = {k: values[k] for k in ("name", "description", "period_kind", "sprint_days", "wip_limit",
                                                   "tech_share") if values[k] or k == "description"}
    numbers: list[int] = []
    body["members"] = _parse_members(values["members"], state, numbers)
    data = _validated(TeamUpdate if team else TeamCreate, body, state, TEAM_KNOWN, {"members": numbers})
    if not state.ok or data is None:
        return _team_form(request, uow, m, state, team, 422)
    if team is None:
        saved = _save(uow, state, TEAM_KNOWN, lambda: team_service.create(
            uow=uow, workspace_id=m.workspace_id, actor=m.actor("web"), data=data))
    else:
        saved = _save(uow, state, TEAM_KNOWN, lambda: team_service.update(
            uow=uow, workspace_id=m.workspace_id, actor=m.actor("web"), record_id=team.id, data=data,
            if_match=_version(values)))
    if saved is None:
        return _team_form(request, uow, m, state, team, 422)
    return redirect(f"/w/{m.workspace_slug}/teams", request)


@router.get(f"{W}/teams/new", response_class=HTMLResponse)
def new_team_page(request: Request, m: CurrentMember, uow: Uow) -> HTMLResponse:
    m.require("technical")
    return _team_form(request, uow, m, _team_state(None), None)


@router.post(f"{W}/teams/new", response_class=HTMLResponse)
def create_team(request: Request, form: CheckedForm, m: CurrentMember, uow: Uow) -> Response:
    return _save_team(request, form, m, uow, None)


@router.get(f"{W}/teams/{{record_id:int}}/edit", response_class=HTMLResponse)
def edit_team_page(request: Request, m: CurrentMember, uow: Uow, record_id: int) -> HTMLResponse:
    team = records.get(uow=uow, spec=team_service.SPEC, workspace_id=m.workspace_id, record_id=record_id)
    m.require("technical")
    return _team_form(request, uow, m, _team_state(team), team)


@router.post(f"{W}/teams/{{record_id:int}}/edit", response_class=HTMLResponse)
def edit_team(request: Request, form: CheckedForm, m: CurrentMember, uow: Uow, record_id: int) -> Response:
    team = records.get(uow=uow, spec=team_service.SPEC, workspace_id=m.workspace_id, record_id=record_id)
    return _save_team(request, form, m, uow, team)


# ---------------------------------------------------------------------------------------------- components


COMP_KNOWN = {"name", "kind", "debt_level", "owner_team_id", "description"}


def _component_state(comp: Any) -> FormState:
    if comp is None:
        return FormState(values={"kind": "service", "debt_level": "0"})
    return FormState(values={"name": comp.name, "kind": comp.kind, "debt_level": str(comp.debt_level),
                             "owner_team_id": str(comp.owner_team_id or ""), "description": comp.description or "",
                             "version": str(comp.version)})


def _component_form(request: Request, uow: UnitOfWork, m: Any, state: FormState, comp: Any,
                    status_code: int = 200) -> HTMLResponse:
    teams = records.list_page(uow=uow, spec=team_service.SPEC, workspace_id=m.workspace_id, limit=LIMIT).items
    return render(request, "delivery/component_form.html", status_code, **ctx.page_context(uow, m, "components"),
                  page_title=f"Edit {comp.name}" if comp else "New component", comp=comp, state=state,
                  kinds=[(k.value, k.value) for k in ComponentKind],
                  teams=[("", "(no owner)")] + [(str(t.id), t.name) for t in teams])


def _save_component(request: Request, form: FormData, m: Any, uow: UnitOfWork, comp: Any) -> Response:
    m.require("technical")
    values = {k: field_text(form, k) for k in COMP_KNOWN | {"version"}}
    state = FormState(values=values)
    if not values["name"]:
        state.add("name", "is required")
    body: dict[str, Any] = {"name": values["name"], "description": values["description"],
                            "owner_team_id": values["owner_team_id"] or None}
    for k in ("kind", "debt_level"):
        if values[k]:
            body[k] = values[k]
    data = _validated(ComponentUpdate if comp else ComponentCreate, body, state, COMP_KNOWN, {})
    if not state.ok or data is None:
        return _component_form(request, uow, m, state, comp, 422)
    if comp is None:
        saved = _save(uow, state, COMP_KNOWN, lambda: component_service.create(
            uow=uow, workspace_id=m.workspace_id, actor=m.actor("web"), data=data))
    else:
        saved = _save(uow, state, COMP_KNOWN, lambda: component_service.update(
            uow=uow, workspace_id=m.workspace_id, actor=m.actor("web"), record_id=comp.id, data=data,
            if_match=_version(values)))
    if saved is None:
        return _component_form(request, uow, m, state, comp, 422)
    return redirect(f"/w/{m.workspace_slug}/components", request)


@router.get(f"{W}/components/new", response_class=HTMLResponse)
def new_component_page(request: Request, m: CurrentMember, uow: Uow) -> HTMLResponse:
    m.require("technical")
    return _component_form(request, uow, m, _component_state(None), None)


@router.post(f"{W}/components/new", response_class=HTMLResponse)
def create_component(request: Request, form: CheckedForm, m: CurrentMember, uow: Uow) -> Response:
    return _save_component(request, form, m, uow, None)


@router.get(f"{W}/components/{{record_id:int}}/edit", response_class=HTMLResponse)
def edit_component_page(request: Request, m: CurrentMember, uow: Uow, record_id: int) -> HTMLResponse:
    comp = records.get(uow=uow, spec=component_service.SPEC, workspace_id=m.workspace_id, record_id=record_id)
    m.require("technical")
    return _component_form(request, uow, m, _component_state(comp), comp)


@router.post(f"{W}/components/{{record_id:int}}/edit", response_class=HTMLResponse)
def edit_component(request: Request, form: CheckedForm, m: CurrentMember, uow: Uow, record_id: int) -> Response:
    comp = records.get(uow=uow, spec=component_service.SPEC, workspace_id=m.workspace_id, record_id=record_id)
    return _save_component(request, form, m, uow, comp)

