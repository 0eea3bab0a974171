"""A feature's numbers as web forms: its business case and scoring inputs (with its score under every framework,
explained), its engineers' estimate (with the explanation and the reference-class suggestion), and the ranking's
top-10 stability. The same services as the API (api/strategy.py, api/delivery.py) decide what is valid."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from tradeoff.components import service as component_service
from tradeoff.core.formula import format_number
from tradeoff.decisions import service as decision_service
from tradeoff.errors import TradeoffError
from tradeoff.estimates import service as estimate_service
from tradeoff.estimates import suggestions as suggestion_service
from tradeoff.estimates.model import DriverName, EffortUnit, WorkCategory
from tradeoff.estimates.schemas import EstimateIn
from tradeoff.features import service as feature_service
from tradeoff.plans import service as plan_service
from tradeoff.records import service as records
from tradeoff.scoring import inputs as scoring_inputs
from tradeoff.scoring import ranking
from tradeoff.scoring import scores as scoring_scores
from tradeoff.scoring import service as scoring
from tradeoff.scoring.schemas import ScoringInputsIn
from tradeoff.sizing import service as sizing
from tradeoff.sizing.schemas import BusinessCaseIn
from tradeoff.storage.uow import UnitOfWork
from tradeoff.teams import service as team_service
from tradeoff.web import context as ctx
from tradeoff.web.forms import RANGE_PARTS, FormState, field_text, fmt_number, int_or_none, save_or_errors
from tradeoff.web.render import redirect, render
from tradeoff.web.session import CheckedForm, CurrentMember, Uow, can

router = APIRouter()
W = "/w/{slug}"
RANGE_SEPARATORS = ("/", ";")


# ---------------------------------------------------------------------------------------------- business case


CASE_KNOWN = {"effort_low", "effort_likely", "effort_high", "effort_person_weeks", "cost_per_person_week",
              "run_cost_per_year", "alternative_name", "alternative_cost", "alternative_one_off", "currency",
              "horizon_years", "discount_rate", "problem_id", "notes"}


def _case_state(case: Any) -> FormState:
    if case is None:
        return FormState(values={"currency": "USD", "horizon_years": "3", "discount_rate": "0.1"})
    e = case.effort_person_weeks or {}
    money = case.cost_per_person_week or {}
    return FormState(values={
        "effort_low": fmt_number(e.get("low")), "effort_likely": fmt_number(e.get("likely")), "effort_high": fmt_number(e.get("high")),
        "cost_per_person_week": fmt_number(money.get("likely")), "currency": money.get("currency", "USD"),
        "run_cost_per_year": fmt_number((case.run_cost_per_year or {}).get("likely")),
        "alternative_name": case.alternative_name or "",
        "alternative_cost": fmt_number((case.alternative_cost or {}).get("likely")),
        "alternative_one_off": "on" if case.alternative_one_off else "",
        "horizon_years": str(case.horizon_years), "discount_rate": fmt_number(case.discount_rate),
        "problem_id": str(case.problem_id or ""), "notes": case.notes or "", "version": str(case.version),
    })


def _inputs_state(entered: dict[str, Any]) -> FormState:
    values = {}
    for name, v in entered.items():
        values[name] = " / ".join(fmt_number(x) for x in v) if isinstance(v, list) else fmt_number(v)
    return FormState(values=values)


def _input_help(scores: dict[str, Any]) -> dict[str, str]:
    """Each entered input's scale, and what an empty box uses now ('empty: 6 from the engineers' estimate …')."""
    out = {}
    for name, scale in scoring.SCALES.items():
        now = scores["inputs"].get(name)
        text = scale.hint[:1].upper() + scale.hint[1:] + "."
        if name not in scores["entered"] and now and now["value"] is not None:
            text += f" Empty: {format_number(float(now['value']))} from {now['source']}."
        out[name] = text
    return out


def _derived(scores: dict[str, Any]) -> list[tuple[str, float, str]]:
    """The inputs derived from other records (not entered by hand), in words: (label, value, source)."""
    return [(scoring.field_label(k), v["value"], v["source"]) for k, v in scores["inputs"].items()
            if k not in scoring.SCALES and v["value"] is not None]


def _case_view(request: Request, uow: UnitOfWork, m: Any, feature_id: int, case_state: FormState | None = None,
               inputs_state: FormState | None = None, status_code: int = 200) -> HTMLResponse:
    feature = records.get(uow=uow, spec=feature_service.SPEC, workspace_id=m.workspace_id, record_id=feature_id)
    scores = scoring_scores.feature_scores(uow=uow, workspace_id=m.workspace_id, feature_id=feature_id)
    money = sizing.feature_sizing(uow=uow, workspace_id=m.workspace_id, feature_id=feature_id)
    case = sizing.get_case(uow=uow, workspace_id=m.workspace_id, feature_id=feature_id)
    problems = ctx.problem_choices(uow, m.workspace_id)
    return render(request, "strategy/feature_case.html", status_code, **ctx.page_context(uow, m, "features"),
                  page_title=f"Business case · {feature.title[:40]}", feature=feature, scores=scores, money=money,
                  case_state=case_state or _case_state(case), inputs_state=inputs_state or _inputs_state(
                      scores["entered"]), fields=scoring.ENTERED, groups=scoring.FORM_GROUPS, scales=scoring.SCALES,
                  input_help=_input_help(scores), derived=_derived(scores), problems=problems,
                  fw_label=scoring.framework_label, field_label=scoring.field_label)


@router.get(f"{W}/features/{{feature_id:int}}/case", response_class=HTMLResponse)
def case_page(request: Request, m: CurrentMember, uow: Uow, feature_id: int) -> HTMLResponse:
    return _case_view(request, uow, m, feature_id)


def _money(amount: str, currency: str) -> dict[str, Any] | None:
    return {"low": amount, "likely": amount, "high": amount, "currency": currency} if amount else None


@router.post(f"{W}/features/{{feature_id:int}}/case", response_class=HTMLResponse)
def save_case(request: Request, form: CheckedForm, m: CurrentMember, uow: Uow, feature_id: int) -> Response:
    m.require("edit")
    values = {k: field_text(form, k) for k in (*CASE_KNOWN, "version")}
    state = FormState(values=values)
    currency = values["currency"] or "USD"
    effort = {p: values[f"effort_{p}"] or values["effort_likely"] or values["effort_low"] for p in RANGE_PARTS}
    for p in RANGE_PARTS:
        if not effort[p]:
            state.add(f"effort_{p}", "is required")
    if not values["cost_per_person_week"]:
        state.add("cost_per_person_week", "is required")
    if not state.ok:
        return _case_view(request, uow, m, feature_id, case_state=state, status_code=422)
    body: dict[str, Any] = {
        "effort_person_weeks": effort, "cost_per_person_week": _money(values["cost_per_person_week"], currency),
        "run_cost_per_year": _money(values["run_cost_per_year"], currency),
        "alternative_name": values["alternative_name"] or None,
        "alternative_cost": _money(values["alternative_cost"], currency),
        "alternative_one_off": values["alternative_one_off"] == "on",
        "problem_id": values["problem_id"] or None, "notes": values["notes"],
    }
    if values["horizon_years"]:
        body["horizon_years"] = values["horizon_years"]
    if values["discount_rate"]:
        body["discount_rate"] = values["discount_rate"]

    def action() -> None:
        sizing.set_case(uow=uow, workspace_id=m.workspace_id, actor=m.actor("web"), feature_id=feature_id,
                        data=BusinessCaseIn.model_validate(body), if_match=int_or_none(values["version"]))

    if not save_or_errors(uow, state, CASE_KNOWN, action):
        for msg in state.errors.pop("effort_person_weeks", []):  # the whole range: shown beside its inputs
            state.add("effort_likely", msg)
        return _case_view(request, uow, m, feature_id, case_state=state, status_code=422)
    return redirect(f"/w/{m.workspace_slug}/features/{feature_id}/case", request)


def _parse_one(text: str, scale: Any) -> float:
    """'2' → 2.0; on a scale with words, its word ('high' → 2 for impact); on a share, a percentage ('80%' → 0.8)."""
    text = text.strip()
    if scale is not None:
        said = text.lower()
        for c in scale.choices:
            if said in (c.word.lower(), c.word.split(" (")[0].lower()):
                return float(c.value)
        if said.endswith("%") and scale.high == 1:
            return float(said[:-1]) / 100
    return float(text)


def _parse_input(text: str, scale: Any = None) -> float | list[float] | None:
    """'40' → 40.0, '20 / 40 / 90' → [20, 40, 90], '' → None (removes it); words of the input's scale
    ('low / medium / high') and percentages of a share ('50% / 80% / 100%') too. ValueError when neither."""
    text = text.replace(",", "").strip()
    if not text:
        return None
    for sep in RANGE_SEPARATORS:
        if sep in text:
            parts = [_parse_one(p, scale) for p in text.split(sep)]
            if len(parts) != 3:
                raise ValueError("three numbers")
            return parts
    return _parse_one(text, scale)


def _unreadable(scale: Any) -> str:
    words = ", ".join(c.word.split(" (")[0] for c in scale.choices) if scale is not None else ""
    return "enter a number, or low / likely / high" + (f" (or a word of its scale: {words})" if words else "")


@router.post(f"{W}/features/{{feature_id:int}}/scoring-inputs", response_class=HTMLResponse)
def save_inputs(request: Request, form: CheckedForm, m: CurrentMember, uow: Uow, feature_id: int) -> Response:
    m.require("edit")
    known = set(scoring.ENTERED)
    state = FormState(values={k: field_text(form, k) for k in scoring.ENTERED})
    parsed: dict[str, Any] = {}
    for name in scoring.ENTERED:
        try:
            parsed[name] = _parse_input(state.values[name], scoring.SCALES.get(name))
        except ValueError:
            state.add(name, _unreadable(scoring.SCALES.get(name)))
    if not state.ok:
        return _case_view(request, uow, m, feature_id, inputs_state=state, status_code=422)

    def action() -> None:
        scoring_inputs.set_inputs(uow=uow, workspace_id=m.workspace_id, actor=m.actor("web"), feature_id=feature_id,
                           data=ScoringInputsIn.model_validate({"values": parsed}))
        decision_service.decision_prompt(uow=uow, workspace_id=m.workspace_id, feature_id=feature_id,
                                         change="scoring inputs changed, so may its priority")

    if not save_or_errors(uow, state, known, action):
        return _case_view(request, uow, m, feature_id, inputs_state=state, status_code=422)
    return redirect(f"/w/{m.workspace_slug}/features/{feature_id}/case", request)


# ---------------------------------------------------------------------------------------------- estimate


EST_KNOWN = {"optimistic", "likely", "pessimistic", "unit", "confidence", "drivers", "component_ids", "category",
             "notes", "team_id", "depends_on", "team_shares"}


def _estimate_state(est: dict[str, Any] | None) -> FormState:
    if est is None:
        return FormState(values={"unit": "days", "confidence": "0.8", "category": "feature", "drivers": [],
                                 "component_ids": [], "team_id": "", "depends_on": [], "shares": {}})
    return FormState(values={
        "optimistic": fmt_number(est["optimistic"]), "likely": fmt_number(est["likely"]), "pessimistic": fmt_number(est["pessimistic"]),
        "unit": str(est["unit"]), "confidence": fmt_number(est["confidence"]), "category": str(est["category"]),
        "notes": est["notes"], "drivers": [str(d.get("name")) for d in est["drivers"]],
        "refactor_component": next((str(d["component_id"]) for d in est["drivers"]
                                    if d.get("name") == "refactor" and d.get("component_id")), ""),
        "component_ids": [str(c) for c in est["component_ids"]], "version": str(est["version"]),
        "team_id": str(est["team_id"] or ""), "depends_on": [str(f) for f in est["depends_on"]],
        "shares": {str(t): fmt_number(round(v * 100, 2)) for t, v in est["team_shares"].items()},
    })


def _from_draft(state: FormState, draft: dict[str, Any]) -> FormState:
    """The form filled with a draft estimate (`suggestion_service.draft_from`) for the engineer to adjust; drivers,
    components, team and dependencies already entered are kept. Nothing is saved."""
    values = dict(state.values) | {k: fmt_number(draft[k]) for k in ("optimistic", "likely", "pessimistic",
                                                                     "confidence")} | {"unit": draft["unit"]}
    notes = str(values.get("notes", ""))
    values["notes"] = notes if draft["note"] in notes else f"{notes}\n{draft['note']}".strip()
    return FormState(values=values)


def _by_title(f: Any) -> tuple[str, int]:
    return f.title.casefold(), f.id


def _estimate_view(request: Request, uow: UnitOfWork, m: Any, feature_id: int, state: FormState | None = None,
                   status_code: int = 200, prefill: bool = False) -> HTMLResponse:
    feature = records.get(uow=uow, spec=feature_service.SPEC, workspace_id=m.workspace_id, record_id=feature_id)
    found = estimate_service.find(uow=uow, workspace_id=m.workspace_id, feature_id=feature_id)
    est = estimate_service.out(uow=uow, workspace_id=m.workspace_id, estimate=found) if found else None
    suggestion = suggestion_service.suggest(uow=uow, workspace_id=m.workspace_id, feature_id=feature_id)
    draft = suggestion_service.draft_from(suggestion)
    if prefill and draft:
        state = _from_draft(state or _estimate_state(est), draft)
    components = records.list_page(uow=uow, spec=component_service.SPEC, workspace_id=m.workspace_id, limit=200).items
    # open work may be waited for (shipped or dropped work holds nothing up); chosen ones stay to be unticked
    others = plan_service.open_features(uow=uow, workspace_id=m.workspace_id,
                                        including=est["depends_on"] if est else ())
    teams = team_service.active(uow=uow, workspace_id=m.workspace_id)
    return render(request, "strategy/feature_estimate.html", status_code, **ctx.page_context(uow, m, "features"),
                  teams=[("", "(no team)")] + [(str(t.id), t.name) for t in teams],
                  prerequisites=[(str(f.id), f"{f.title} (#{f.id})") for f in sorted(others, key=_by_title)
                                 if f.id != feature_id],
                  page_title=f"Estimate · {feature.title[:40]}", feature=feature, est=est, suggestion=suggestion,
                  draft=draft,
                  state=state or _estimate_state(est), components=components,
                  units=[u.value for u in EffortUnit], drivers=[d.value for d in DriverName],
                  categories=[c.value for c in WorkCategory], technical=can(m, "technical"))


@router.get(f"{W}/features/{{feature_id:int}}/estimate", response_class=HTMLResponse)
def estimate_page(request: Request, m: CurrentMember, uow: Uow, feature_id: int,
                  start: Annotated[str, Query(max_length=20)] = "") -> HTMLResponse:
    """`?start=suggestion` fills the form with the reference-class range instead of the saved estimate."""
    return _estimate_view(request, uow, m, feature_id, prefill=start == "suggestion")


@router.post(f"{W}/features/{{feature_id:int}}/estimate", response_class=HTMLResponse)
def save_estimate(request: Request, form: CheckedForm, m: CurrentMember, uow: Uow, feature_id: int) -> Response:
    m.require("technical")
    values: dict[str, Any] = {k: field_text(form, k) for k in ("optimistic", "likely", "pessimistic", "unit",
                                                          "confidence", "category", "notes", "version")}
    values["drivers"] = [str(v) for v in form.getlist("drivers")]
    values["refactor_component"] = field_text(form, "refactor_component")
    values["component_ids"] = [str(v) for v in form.getlist("component_ids")]
    values["team_id"] = field_text(form, "team_id")
    values["depends_on"] = [str(v) for v in form.getlist("depends_on")]
    values["shares"] = {k.removeprefix("share_"): str(v).strip() for k, v in form.items()
                        if k.startswith("share_") and k.removeprefix("share_").isdecimal() and str(v).strip()}
    state = FormState(values=values)
    for name in ("optimistic", "likely", "pessimistic"):
        if not values[name]:
            state.add(name, "is required")
    shares: dict[int, float] = {}
    for team, text in values["shares"].items():
        try:
            pct = float(text.rstrip("%"))
        except ValueError:
            state.add("team_shares", f"'{text}' is not a percentage")
            continue
        if pct:
            shares[int(team)] = pct / 100
    if not state.ok:
        return _estimate_view(request, uow, m, feature_id, state, 422)
    body: dict[str, Any] = {k: values[k] for k in ("optimistic", "likely", "pessimistic", "notes")}
    for k in ("unit", "confidence", "category"):
        if values[k]:
            body[k] = values[k]
    # a refactor names the component it is of ("a refactor of invoice-service"), so its debt explains the size
    of = int(values["refactor_component"]) if values["refactor_component"].isdecimal() else None
    body["drivers"] = [{"name": d, **({"component_id": of} if d == "refactor" and of else {})}
                       for d in values["drivers"]]
    body["component_ids"] = [c for c in values["component_ids"] if c.isdecimal()]
    body["team_id"] = int(values["team_id"]) if values["team_id"].isdecimal() else None
    body["depends_on"] = [int(f) for f in values["depends_on"] if f.isdecimal()]
    body["team_shares"] = shares
    version = int(values["version"]) if values["version"].isdecimal() else None

    def action() -> None:
        # a form opened before anyone estimated the feature creates, never replaces one made meanwhile
        estimate_service.save(uow=uow, workspace_id=m.workspace_id, actor=m.actor("web"), feature_id=feature_id,
                              data=EstimateIn.model_validate(body), if_match=version, only_new=version is None)

    if not save_or_errors(uow, state, EST_KNOWN, action):
        return _estimate_view(request, uow, m, feature_id, state, 422)
    return redirect(f"/w/{m.workspace_slug}/features/{feature_id}/estimate", request)


# ---------------------------------------------------------------------------------------------- stability


@router.get(f"{W}/ranking/stability", response_class=HTMLResponse)
def stability_page(request: Request, m: CurrentMember, uow: Uow) -> HTMLResponse:
    q = request.query_params
    frameworks = [fw for fw in scoring.frameworks(uow=uow, workspace_id=m.workspace_id) if fw != "weighted"]
    fw = q.get("framework") if q.get("framework") in frameworks else None
    k_text = q.get("k") or "10"
    k = int(k_text) if k_text.isdecimal() and 1 <= int(k_text) <= 100 else 10
    result, message = None, ""
    try:
        result = ranking.stability(uow=uow, workspace_id=m.workspace_id, framework=fw, k=k, draws=1000)
    except TradeoffError as exc:
        if exc.status != 422:
            raise
        message = exc.message
    return render(request, "strategy/stability.html", **ctx.page_context(uow, m, "ranking"),
                  page_title="Top-k stability", result=result, message=message, frameworks=frameworks, k=k,
                  framework=fw or (result or {}).get("framework", ""), fw_label=scoring.framework_label,
                  field_label=scoring.field_label)
