"""Pages for prioritisation: ranked backlog (framework picker, value/effort 2×2), problem sizing (P10/P50/P90,
tornado), stakeholder votes and the competitor matrix (the decision log is in routes_decisions)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup
from pydantic import ValidationError
from starlette.datastructures import FormData

from tradeoff import charts
from tradeoff.competitors import service as competitor_service
from tradeoff.competitors.schemas import CapabilityIn, CompetitorCreate
from tradeoff.errors import NotFound, TradeoffError
from tradeoff.exports import views as export_views
from tradeoff.features import service as feature_service
from tradeoff.problems import service as problem_service
from tradeoff.records import service as records
from tradeoff.scoring import ranking
from tradeoff.scoring import service as scoring
from tradeoff.scoring.schemas import FormulaIn, SettingsIn
from tradeoff.sizing import service as sizing
from tradeoff.sizing.schemas import ProblemSizeIn
from tradeoff.stakeholders import service as stakeholder_service
from tradeoff.stakeholders.schemas import VoteIn
from tradeoff.web import context as ctx
from tradeoff.web.forms import FormState, error_to_state, int_or_none, validation_to_state
from tradeoff.web.render import csv_download, redirect, render
from tradeoff.web.session import CheckedForm, CurrentMember, Uow

router = APIRouter()
W = "/w/{slug}"
STATUSES = ("idea", "discovery", "planned", "in_progress", "shipped", "wont_do")


def _status_filter(raw: str | None) -> str | None:
    """The ranking's status filter: open work unless asked otherwise ('any' = every status)."""
    if raw is None or raw == "":
        return ranking.OPEN
    return raw if raw in STATUSES or raw == ranking.OPEN else None


@router.get(f"{W}/ranking", response_class=HTMLResponse)
def ranking_page(request: Request, m: CurrentMember, uow: Uow) -> HTMLResponse:
    return _ranking_view(request, m, uow)


def _ranking_query(request: Request, m: Any, uow: Any) -> tuple[ranking.Filters, list[str], str | None]:
    """The ranking's filters, the frameworks to choose from, and the one chosen (None: the workspace's)."""
    q = request.query_params
    filters = ranking.Filters(product_id=int_or_none(q.get("product_id")), objective_id=int_or_none(q.get("objective_id")),
                              segment=q.get("segment") or None,
                              status=_status_filter(q.get("status")))
    frameworks = scoring.frameworks(uow=uow, workspace_id=m.workspace_id)
    return filters, frameworks, q.get("framework") if q.get("framework") in frameworks else None


@router.get(f"{W}/ranking.csv")
def ranking_csv(request: Request, m: CurrentMember, uow: Uow) -> Response:
    """The ranked backlog the Ranking page shows (same framework and filters), every input with its source."""
    filters, _, fw = _ranking_query(request, m, uow)
    return csv_download(export_views.ranking(ranking.ranked_backlog(uow=uow, workspace_id=m.workspace_id,
                                                                    framework=fw, filters=filters)), m)


def _ranking_view(request: Request, m: Any, uow: Any, formula_state: FormState | None = None,
                  status_code: int = 200) -> HTMLResponse:
    filters, frameworks, fw = _ranking_query(request, m, uow)
    prepared = ranking.prepare(uow=uow, workspace_id=m.workspace_id, filters=filters)  # read once, shown thrice
    backlog = ranking.ranked_backlog(uow=uow, workspace_id=m.workspace_id, framework=fw, filters=filters,
                                     prepared=prepared)
    matrix = ranking.value_effort(uow=uow, workspace_id=m.workspace_id, filters=filters, prepared=prepared)
    compare = (ranking.compare(uow=uow, workspace_id=m.workspace_id, frameworks=["rice", "ice", "wsjf", "value_effort"],
                               filters=filters, prepared=prepared) if backlog["count"] >= 2 else None)
    return render(request, "strategy/ranking.html", status_code, **ctx.page_context(uow, m, "ranking"),
                  page_title="Ranking", formula_state=formula_state or FormState(values={}),
                  formulas=scoring.formulas(uow=uow, workspace_id=m.workspace_id),
                  default_framework=scoring.default_framework(uow=uow, workspace_id=m.workspace_id),
                  backlog=backlog, frameworks=frameworks, filters=filters, statuses=STATUSES,
                  products=ctx.product_choices(uow, m.workspace_id), compare=compare,
                  chart=_value_effort_chart(matrix), formula_help=scoring.formula_help(),
                  fw_label=scoring.framework_label, field_label=scoring.field_label)


def _value_effort_chart(matrix: dict[str, Any]) -> Markup:
    """The service's 2×2 drawn by the shared chart (the same picture as in the briefs)."""
    points = [charts.ValueEffortPoint(i["title"], float(i["value"]), float(i["effort"])) for i in matrix["items"]
              if i["value"] is not None and i["effort"] is not None]
    return Markup(charts.value_effort(points, effort_unit="person-weeks", value_threshold=matrix["value_threshold"],
                                      effort_threshold=matrix["effort_threshold"]))


def _tornado_chart(t: dict[str, Any]) -> Markup:
    bars = [charts.TornadoBar(b["label"], float(b["at_low"]), float(b["at_high"])) for b in t["bars"]
            if b["at_low"] is not None and b["at_high"] is not None]
    base = float(t["base"]) if t["base"] is not None else 0.0
    output = t["output_label"] if t["output_label"].isupper() else t["output_label"].lower()  # NPV, annual value
    return Markup(charts.tornado(bars if t["base"] is not None else [], base, output, t["currency"]))


@router.post(f"{W}/ranking/formulas", response_class=HTMLResponse)
def save_formula(request: Request, form: CheckedForm, m: CurrentMember, uow: Uow) -> Response:
    """Save a custom formula; a mistake is shown under the field with the column it is at."""
    m.require("edit")
    values = {k: str(form.get(k) or "").strip() for k in ("name", "text", "description")}
    state = FormState(values=values)
    try:
        scoring.save_formula(uow=uow, workspace_id=m.workspace_id, actor=m.actor("web"), name=values["name"],
                             data=FormulaIn(text=values["text"], description=values["description"]))
    except ValidationError as exc:
        validation_to_state(exc, state, {"text", "description"})
        return _ranking_view(request, m, uow, state, 422)
    except TradeoffError as exc:
        if exc.status != 422:
            raise
        uow.session.rollback()
        for e in exc.errors or []:
            state.add("name" if "name" in e.loc else "text", e.msg)
        if not exc.errors:
            state.message = exc.message
        return _ranking_view(request, m, uow, state, 422)
    return redirect(f"/w/{m.workspace_slug}/ranking?framework={values['name']}")


@router.post(f"{W}/ranking/formulas/{{name}}/delete", response_class=HTMLResponse)
def delete_formula(request: Request, form: CheckedForm, m: CurrentMember, uow: Uow, name: str) -> Response:
    m.require("edit")
    scoring.delete_formula(uow=uow, workspace_id=m.workspace_id, actor=m.actor("web"), name=name)
    return redirect(f"/w/{m.workspace_slug}/ranking")


@router.post(f"{W}/ranking/default", response_class=HTMLResponse)
def set_default(request: Request, form: CheckedForm, m: CurrentMember, uow: Uow) -> Response:
    m.require("edit")
    fw = str(form.get("default_framework") or "")
    scoring.set_default_framework(uow=uow, workspace_id=m.workspace_id, actor=m.actor("web"),
                                  data=SettingsIn(default_framework=fw))
    return redirect(f"/w/{m.workspace_slug}/ranking")


def _size_state(size: Any) -> FormState:
    values: dict[str, Any] = {}
    if size is not None:
        for name in ("customers", "cost_per_customer", "capture"):
            r = getattr(size, name) or {}
            for part in ("low", "likely", "high"):
                values[f"{name}_{part}"] = "" if r.get(part) is None else f"{r[part]:g}"
        values["currency"] = (size.cost_per_customer or {}).get("currency", "USD")
        values["customers_segment"] = size.customers_segment or ""
        values["version"] = str(size.version)  # sent back: a save over someone else's newer one is refused
    return FormState(values=values)


def _sizing_view(request: Request, uow: Any, m: Any, problem_id: int, state: FormState | None = None,
                 status_code: int = 200) -> HTMLResponse:
    problem = records.get(uow=uow, spec=problem_service.SPEC, workspace_id=m.workspace_id, record_id=problem_id)
    size = sizing.get_size(uow=uow, workspace_id=m.workspace_id, problem_id=problem_id)
    result = sizing.problem_sizing(uow=uow, workspace_id=m.workspace_id, problem_id=problem_id) if size else None
    return render(request, "strategy/sizing.html", status_code, **ctx.page_context(uow, m, "problems"),
                  page_title="Sizing", problem=problem, result=result, state=state or _size_state(size),
                  tornado=_tornado_chart(result["tornado"]) if result else None)


@router.get(f"{W}/problems/{{problem_id:int}}/sizing", response_class=HTMLResponse)
def sizing_page(request: Request, m: CurrentMember, uow: Uow, problem_id: int) -> HTMLResponse:
    return _sizing_view(request, uow, m, problem_id)


def _range_from(form: FormData, name: str, currency: str | None = None) -> dict[str, Any] | None:
    parts = {p: form.get(f"{name}_{p}") for p in ("low", "likely", "high")}
    if all(not v for v in parts.values()):
        return None
    out: dict[str, Any] = {p: (v if isinstance(v, str) and v.strip() else parts["likely"] or parts["low"])
                           for p, v in parts.items()}
    if currency:
        out["currency"] = currency
    return out


@router.post(f"{W}/problems/{{problem_id:int}}/sizing", response_class=HTMLResponse)
def save_sizing(request: Request, form: CheckedForm, m: CurrentMember, uow: Uow, problem_id: int) -> Response:
    m.require("edit")
    state = FormState(values={k: v for k, v in form.items() if isinstance(v, str) and k != "csrf_token"})
    currency = str(form.get("currency") or "USD")
    segment = str(form.get("customers_segment") or "") or None
    body = {"customers": None if segment else _range_from(form, "customers"), "customers_segment": segment,
            "cost_per_customer": _range_from(form, "cost_per_customer", currency),
            "capture": _range_from(form, "capture")}
    known = {"customers", "customers_segment", "cost_per_customer", "capture"}
    try:
        data = ProblemSizeIn.model_validate(body)
        sizing.set_size(uow=uow, workspace_id=m.workspace_id, actor=m.actor("web"), problem_id=problem_id, data=data,
                        if_match=int_or_none(str(form.get("version") or "")))
    except ValidationError as exc:
        validation_to_state(exc, state, known)
        return _sizing_view(request, uow, m, problem_id, state, 422)
    except TradeoffError as exc:
        if exc.status not in (412, 422):  # 412: someone saved a newer size since this page was opened
            raise
        uow.session.rollback()
        error_to_state(exc, state, known)
        state.message = state.message or exc.message
        return _sizing_view(request, uow, m, problem_id, state, 422)
    return redirect(f"/w/{m.workspace_slug}/problems/{problem_id}/sizing", request)


# ---------------------------------------------------------------------------------------------- stakeholders


def _stakeholders_view(request: Request, uow: Any, m: Any, state: FormState | None = None,
                       status_code: int = 200) -> HTMLResponse:
    res = stakeholder_service.analysis(uow=uow, workspace_id=m.workspace_id)
    voted = request.query_params.get("voted", "")
    mine = stakeholder_service.vote_of(uow=uow, workspace_id=m.workspace_id, feature_id=int(voted),
                                       user_id=m.user_id) if voted.isdecimal() and len(voted) < 12 else None
    group_was, _, score_was = request.query_params.get("was", "").partition(":")
    return render(request, "strategy/stakeholders.html", status_code, **ctx.page_context(uow, m, "stakeholders"),
                  page_title="Stakeholders", res=res, features=ctx.feature_choices(uow, m.workspace_id),
                  mine=mine, mine_title=feature_service.titles(uow=uow, workspace_id=m.workspace_id,
                                                               ids=[mine.feature_id]).get(mine.feature_id, "")
                  if mine else "", group_was=group_was[:40], score_was=score_was[:10],
                  state=state or FormState(values={"group": "sales", "score": "5"}),
                  groups=("sales", "support", "engineering", "marketing", "executive"))


@router.get(f"{W}/stakeholders", response_class=HTMLResponse)
def stakeholders_page(request: Request, m: CurrentMember, uow: Uow) -> HTMLResponse:
    return _stakeholders_view(request, uow, m)


@router.post(f"{W}/stakeholders", response_class=HTMLResponse)
def cast_vote(request: Request, form: CheckedForm, m: CurrentMember, uow: Uow) -> Response:
    m.require("evidence")
    values = {k: v for k in ("feature_id", "group", "score", "reason") if isinstance(v := form.get(k), str)}
    state = FormState(values=values)
    try:
        fid = int(values.get("feature_id", ""))
    except ValueError:
        state.add("feature_id", "choose a feature")
        return _stakeholders_view(request, uow, m, state, 422)
    try:
        data = VoteIn.model_validate({k: values.get(k, "") for k in ("group", "score", "reason")})
        was = stakeholder_service.vote_of(uow=uow, workspace_id=m.workspace_id, feature_id=fid, user_id=m.user_id)
        before = (was.group, was.score) if was else None
        stakeholder_service.vote(uow=uow, workspace_id=m.workspace_id, actor=m.actor("web"), user_id=m.user_id,
                                 feature_id=fid, data=data)
    except ValidationError as exc:
        validation_to_state(exc, state, {"group", "score", "reason"})
        return _stakeholders_view(request, uow, m, state, 422)
    said = f"?voted={fid}" + (f"&was={before[0]}:{before[1]:g}" if before else "")
    return redirect(f"/w/{m.workspace_slug}/stakeholders{said}", request)


# ---------------------------------------------------------------------------------------------- competitors


CAPABILITY_CHOICES = ("have", "planned", "gap", "none")


def _competitors_view(request: Request, uow: Any, m: Any, product_id: int | None, state: FormState | None = None,
                      status_code: int = 200) -> HTMLResponse:
    res = competitor_service.matrix(uow=uow, workspace_id=m.workspace_id, product_id=product_id)
    return render(request, "strategy/competitors.html", status_code, **ctx.page_context(uow, m, "competitors"),
                  page_title="Competitors", res=res, product_id=product_id, state=state or FormState(values={}),
                  products=ctx.product_choices(uow, m.workspace_id), capability_choices=CAPABILITY_CHOICES)


@router.get(f"{W}/competitors", response_class=HTMLResponse)
def competitors_page(request: Request, m: CurrentMember, uow: Uow) -> HTMLResponse:
    return _competitors_view(request, uow, m, int_or_none(request.query_params.get("product_id")))


def _back_to_matrix(m: Any, product_id: int | None) -> str:
    return f"/w/{m.workspace_slug}/competitors" + (f"?product_id={product_id}" if product_id else "")


@router.post(f"{W}/competitors", response_class=HTMLResponse)
def add_competitor(request: Request, form: CheckedForm, m: CurrentMember, uow: Uow) -> Response:
    m.require("edit")
    values = {k: v for k in ("name", "website", "notes") if isinstance(v := form.get(k), str)}
    state = FormState(values=values)
    product_id = int_or_none(str(form.get("product_id") or ""))
    known = {"name", "website", "notes"}
    try:
        competitor_service.create(uow=uow, workspace_id=m.workspace_id, actor=m.actor("web"),
                                  data=CompetitorCreate.model_validate(values))
    except ValidationError as exc:
        validation_to_state(exc, state, known)
        return _competitors_view(request, uow, m, product_id, state, 422)
    except TradeoffError as exc:
        if exc.status not in (409, 422):
            raise
        uow.session.rollback()
        error_to_state(exc, state, known)
        return _competitors_view(request, uow, m, product_id, state, exc.status)
    return redirect(_back_to_matrix(m, product_id), request)


@router.post(f"{W}/competitors/{{competitor_id:int}}/capabilities/{{feature_id:int}}", response_class=HTMLResponse)
def save_capability(request: Request, form: CheckedForm, m: CurrentMember, uow: Uow, competitor_id: int,
                    feature_id: int) -> Response:
    """One matrix cell: have / planned / gap saves it, none clears it. htmx gets the cell back, a form the page."""
    m.require("edit")
    status = str(form.get("status") or "")
    product_id = int_or_none(str(form.get("product_id") or ""))
    if status not in CAPABILITY_CHOICES:
        state = FormState(message=f"status must be one of {', '.join(CAPABILITY_CHOICES)}, not '{status[:40]}'")
        return _competitors_view(request, uow, m, product_id, state, 422)
    if status == "none":
        try:
            competitor_service.remove_capability(uow=uow, workspace_id=m.workspace_id, actor=m.actor("web"),
                                                 competitor_id=competitor_id, feature_id=feature_id)
        except NotFound:  # nothing recorded: already "none", once both records are known to exist here
            records.get(uow=uow, spec=competitor_service.SPEC, workspace_id=m.workspace_id, record_id=competitor_id)
            records.get(uow=uow, spec=feature_service.SPEC, workspace_id=m.workspace_id, record_id=feature_id)
        cell = None
    else:
        cap = competitor_service.set_capability(uow=uow, workspace_id=m.workspace_id, actor=m.actor("web"),
                                                competitor_id=competitor_id, feature_id=feature_id,
                                                data=CapabilityIn.model_validate({"status": status}))
        cell = {"status": cap.status, "note": cap.note}
    if request.headers.get("HX-Request"):
        return render(request, "strategy/_capability_cell.html", **ctx.page_context(uow, m, "competitors"),
                      cell=cell, competitor_id=competitor_id, feature_id=feature_id, product_id=product_id,
                      capability_choices=CAPABILITY_CHOICES)
    return redirect(_back_to_matrix(m, product_id), request)
