"""Roadmap pages: Now / Next / Later with the technology lane and releases, the timeline per team with
confidence bands, a plan with its greedy comparison and what-ifs, teams' capacity, and commitments at risk."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup
from pydantic import ValidationError

from tradeoff import charts
from tradeoff.commitments import service as commitment_service
from tradeoff.errors import FieldError, Infeasible, InvalidInput, TradeoffError
from tradeoff.exports import views as export_views
from tradeoff.features import service as feature_service
from tradeoff.forecasts import service as forecast_service
from tradeoff.plans import adopt
from tradeoff.plans import releases as release_watch
from tradeoff.plans import saved as saved_what_ifs
from tradeoff.plans import service as plan_service
from tradeoff.plans.schemas import AddPeople, CutScope, MoveDeadline, SolveIn, WhatIfIn
from tradeoff.records import service as records
from tradeoff.teams import service as team_service
from tradeoff.web import context as ctx
from tradeoff.web.render import csv_download, redirect, render
from tradeoff.web.session import CheckedForm, CurrentMember, Uow

router = APIRouter()
W = "/w/{slug}"


def _forecast(uow: Any, workspace_id: int, plan_id: int | None = None) -> dict[str, Any] | None:
    try:
        return forecast_service.forecast(uow=uow, workspace_id=workspace_id, today=date.today(), plan_id=plan_id,
                                         throughput=False, histograms=False)  # the board and timeline show dates
    except TradeoffError as exc:
        return {"status": "declined", "reason": exc.message, "features": [], "releases": [], "plan": None,
                "teams": [], "skipped": []}


@router.get(f"{W}/roadmap", response_class=HTMLResponse)
def roadmap(request: Request, m: CurrentMember, uow: Uow) -> HTMLResponse:
    plan = plan_service.live_plan(uow=uow, workspace_id=m.workspace_id)
    board = plan_service.board(uow=uow, workspace_id=m.workspace_id, plan=plan)
    fc = _forecast(uow, m.workspace_id)
    by_feature = {f["feature_id"]: f for f in (fc or {}).get("features", [])}
    limit = commitment_service.threshold(uow=uow, workspace_id=m.workspace_id)
    # the live plan's releases in the workspace forecast: the same numbers as the API's and the stored targets'
    releases = release_watch.in_forecast(fc or {}, limit)
    missing = feature_service.titles(uow=uow, workspace_id=m.workspace_id,
                                     ids=[i for r in releases for i in r["not_forecast"]])
    plans = records.list_page(uow=uow, spec=plan_service.SPEC, workspace_id=m.workspace_id, limit=50).items
    return render(request, "roadmap/board.html", **ctx.page_context(uow, m, "roadmap"), page_title="Roadmap",
                  board=board, plan=plan, forecast=fc, by_feature=by_feature, releases=releases, plans=plans,
                  risk_threshold=limit, missing=missing)


@router.get(f"{W}/roadmap/timeline", response_class=HTMLResponse)
def timeline(request: Request, m: CurrentMember, uow: Uow) -> HTMLResponse:
    plan = plan_service.live_plan(uow=uow, workspace_id=m.workspace_id)
    fc = _forecast(uow, m.workspace_id)
    today = date.today()
    planned = {r["feature_id"]: r for r in ((plan.result or {}).get("schedule", []) if plan else [])}

    def weeks(iso: str, *, end: bool = False) -> float:
        return ((date.fromisoformat(iso) - today).days + (1 if end else 0)) / 7

    rows = []
    # a feature shared between teams is drawn in each of their lanes, saying with whom
    lanes = [(team, f) for f in (fc or {}).get("features", []) for team in [f["team"], *f.get("shared_with", [])]]
    for team, f in sorted(lanes, key=lambda tf: tf[0]):  # stable: plan order within a team
        p = planned.get(f["feature_id"])
        others = [t for t in [f["team"], *f.get("shared_with", [])] if t != team]
        rows.append(charts.TimelineRow(
            f["title"], weeks(f["p50"]), weeks(f["p85"]), weeks(f["p95"]), group=team,
            planned_weeks=(weeks(p["period_start"]), weeks(p["period_end"], end=True)) if p else None,
            tech=f["category"] != "feature", shared_with=tuple(others)))
    svg = Markup(charts.roadmap_timeline(rows, today, width=960, horizon_weeks=90 / 7))
    return render(request, "roadmap/timeline.html", **ctx.page_context(uow, m, "roadmap"), page_title="Timeline",
                  svg=svg, forecast=fc, plan=plan)


def _plan_view(request: Request, uow: Any, m: Any, plan_id: int, status_code: int = 200, *,
               template: str = "roadmap/plan.html", scenario: Any = None, error: str = "",
               solve_error: str = "", asked: list[tuple[str, str]] | None = None,
               saved_error: str = "") -> HTMLResponse:
    """The plan page (or its what-if part) with its last answer, a what-if beside it and any message."""
    plan = plan_service.get(uow=uow, workspace_id=m.workspace_id, plan_id=plan_id)
    forecast: dict[int, dict[str, Any]] = {}
    paced_by_history = False
    if plan.result and template == "roadmap/plan.html":  # each scheduled feature's forecast beside its period
        try:
            fc = forecast_service.forecast(uow=uow, workspace_id=m.workspace_id, today=date.today(), plan_id=plan.id,
                                           throughput=False, histograms=False)
            forecast = {f["feature_id"]: f for f in fc["features"]}
            paced_by_history = forecast_service.paced_by_history(fc)
        except InvalidInput:
            forecast = {}
    return render(request, template, status_code, **ctx.page_context(uow, m, "roadmap"), page_title=plan.name,
                  plan=plan, r=plan.result, teams=team_service.active(uow=uow, workspace_id=m.workspace_id),
                  scenario=scenario, error=error, solve_error=solve_error, forecast=forecast,
                  late=forecast_service.later_than_planned(forecast.values()), paced_by_history=paced_by_history,
                  not_planned=adopt.chosen_not_planned(uow=uow, workspace_id=m.workspace_id, plan=plan)
                  if plan.result else [],
                  asked=asked or [], saved_error=saved_error,
                  saved=saved_what_ifs.side_by_side(uow=uow, workspace_id=m.workspace_id, plan_id=plan.id)
                  if plan.result and template == "roadmap/plan.html" else None,
                  since_last=plan_service.since_last_text(plan.result["since_last"])
                  if plan.result and plan.result.get("since_last") else "",
                  stale=plan_service.changed_since_solved(uow=uow, workspace_id=m.workspace_id, plan=plan)
                  if plan.result else [])


@router.get(f"{W}/plans/{{plan_id:int}}", response_class=HTMLResponse)
def plan_page(request: Request, m: CurrentMember, uow: Uow, plan_id: int) -> HTMLResponse:
    return _plan_view(request, uow, m, plan_id)


@router.post(f"{W}/plans/{{plan_id:int}}/solve")
def plan_solve(request: Request, form: CheckedForm, m: CurrentMember, uow: Uow, plan_id: int) -> Response:
    m.require("edit")
    try:
        plan_service.solve(uow=uow, workspace_id=m.workspace_id, actor=m.actor("web"), plan_id=plan_id,
                           data=SolveIn(fresh=form.get("fresh") == "1"))
    except (Infeasible, InvalidInput) as exc:  # shown on the plan page, which keeps its last answer
        uow.session.rollback()
        return _plan_view(request, uow, m, plan_id, 422, solve_error=f"Not solved: {exc.message}")
    return redirect(f"/w/{m.workspace_slug}/plans/{plan_id}", request)


@router.post(f"{W}/plans/{{plan_id:int}}/mark-planned")
def plan_mark_planned(request: Request, form: CheckedForm, m: CurrentMember, uow: Uow, plan_id: int) -> Response:
    """Adopt the plan: what it chooses that is still an idea or in discovery becomes planned."""
    m.require("edit")
    changed = adopt.mark_planned(uow=uow, workspace_id=m.workspace_id, actor=m.actor("web"), plan_id=plan_id)
    return redirect(f"/w/{m.workspace_slug}/plans/{plan_id}?marked={len(changed)}", request)


# the what-if form's fields: carried into "Save to compare" as they were typed
_WHAT_IF_FIELDS = ("name", "team_id", "people", "joins", "ramp_up_weeks", "cut_feature", "keep", "deadline_feature",
                   "deadline", "drop")


def _what_if_of(form: Any) -> WhatIfIn:
    """The what-if a plan page's form asks for. Raises InvalidInput naming what is missing or wrong."""
    def num(name: str) -> float | None:
        v = form.get(name)
        return float(v) if isinstance(v, str) and v.strip() else None

    try:
        people, team_id, cut_id, keep, due_id = (num("people"), num("team_id"), num("cut_feature"), num("keep"),
                                                 num("deadline_feature"))
        drop = [int(v) for v in form.getlist("drop") if isinstance(v, str) and v.strip()]
    except ValueError:
        raise InvalidInput("the what-if was not accepted: people and the share kept are numbers") from None
    due = str(form.get("deadline") or "").strip()
    joins, ramp = str(form.get("joins") or "").strip(), num("ramp_up_weeks")
    missing = [said for asked, needed, said in (
        (people, team_id, "choose the team the people join"), (team_id, people, "give how many people join"),
        (joins or ramp, people, "give how many people join"),
        (cut_id, keep, "give the share of the feature to keep"), (keep, cut_id, "choose the feature to cut"),
        (due_id, due, "give the new deadline"), (due, due_id, "choose the feature whose deadline moves"))
        if asked and not needed]
    if missing:
        raise InvalidInput("the what-if is not complete: " + "; ".join(missing))
    try:
        return WhatIfIn(
            name=str(form.get("name") or ""),
            add_people=[AddPeople.model_validate({"team_id": int(team_id), "people": people, "start": joins or None,
                                                  "ramp_up_weeks": ramp or 0})] if people and team_id else [],
            drop_features=drop,
            cut_scope=[CutScope(feature_id=int(cut_id), keep=keep)] if cut_id and keep else [],
            move_deadlines=[MoveDeadline.model_validate({"feature_id": int(due_id), "deadline": due})]
            if due_id and due else [])
    except ValidationError as exc:
        fields = {"people": "people", "start": "joining on", "ramp_up_weeks": "weeks to full pace",
                  "keep": "share kept", "team_id": "team", "feature_id": "feature", "name": "name",
                  "deadline": "new deadline"}
        raise InvalidInput("the what-if was not accepted: " + "; ".join(
            (f"{fields.get(str(e['loc'][-1]), str(e['loc'][-1]))}: " if e["loc"] else "")
            + e["msg"].removeprefix("Value error, ").lower() for e in exc.errors())) from None


@router.post(f"{W}/plans/{{plan_id:int}}/what-if", response_class=HTMLResponse)
def plan_what_if(request: Request, form: CheckedForm, m: CurrentMember, uow: Uow, plan_id: int) -> HTMLResponse:
    plan_service.get(uow=uow, workspace_id=m.workspace_id, plan_id=plan_id)  # 404 before reading the form
    error = ""
    scenario = None
    try:
        scenario = plan_service.what_if(uow=uow, workspace_id=m.workspace_id, plan_id=plan_id,
                                        data=_what_if_of(form))
    except TradeoffError as exc:
        error = exc.message
    template = "roadmap/what_if.html" if request.headers.get("HX-Request") == "true" else "roadmap/plan.html"
    asked = [(k, v) for k in _WHAT_IF_FIELDS for v in form.getlist(k) if isinstance(v, str) and v.strip()]
    return _plan_view(request, uow, m, plan_id, 200 if not error else 422, template=template, scenario=scenario,
                      error=error, asked=asked)


@router.post(f"{W}/plans/{{plan_id:int}}/what-ifs")
def plan_save_what_if(request: Request, form: CheckedForm, m: CurrentMember, uow: Uow, plan_id: int) -> Response:
    m.require("edit")
    plan_service.get(uow=uow, workspace_id=m.workspace_id, plan_id=plan_id)
    try:
        saved_what_ifs.save(uow=uow, workspace_id=m.workspace_id, actor=m.actor("web"), plan_id=plan_id,
                            data=_what_if_of(form))
    except TradeoffError as exc:
        uow.session.rollback()
        return _plan_view(request, uow, m, plan_id, 422, saved_error=f"Not saved: {exc.message}")
    return redirect(f"/w/{m.workspace_slug}/plans/{plan_id}#saved-what-ifs", request)


@router.post(f"{W}/plans/{{plan_id:int}}/what-ifs/{{what_if_id:int}}/compare-again")
def plan_compare_what_if_again(request: Request, form: CheckedForm, m: CurrentMember, uow: Uow, plan_id: int,
                               what_if_id: int) -> Response:
    m.require("edit")
    try:
        saved_what_ifs.compare_again(uow=uow, workspace_id=m.workspace_id, actor=m.actor("web"), plan_id=plan_id,
                                     what_if_id=what_if_id)
    except (Infeasible, InvalidInput) as exc:
        uow.session.rollback()
        return _plan_view(request, uow, m, plan_id, 422, saved_error=f"Not compared again: {exc.message}")
    return redirect(f"/w/{m.workspace_slug}/plans/{plan_id}#saved-what-ifs", request)


@router.post(f"{W}/plans/{{plan_id:int}}/what-ifs/{{what_if_id:int}}/delete")
def plan_delete_what_if(request: Request, form: CheckedForm, m: CurrentMember, uow: Uow, plan_id: int,
                        what_if_id: int) -> Response:
    m.require("edit")
    saved_what_ifs.delete(uow=uow, workspace_id=m.workspace_id, actor=m.actor("web"), plan_id=plan_id,
                          what_if_id=what_if_id)
    return redirect(f"/w/{m.workspace_slug}/plans/{plan_id}#saved-what-ifs", request)


@router.get(f"{W}/capacity", response_class=HTMLResponse)
def capacity(request: Request, m: CurrentMember, uow: Uow) -> HTMLResponse:
    plan, teams = plan_service.capacity_overview(uow=uow, workspace_id=m.workspace_id, today=date.today())
    rows = [cap | {"team_obj": team} for team, cap in teams]
    return render(request, "roadmap/capacity.html", **ctx.page_context(uow, m, "capacity"), page_title="Capacity",
                  rows=rows, plan=plan)


@router.get(f"{W}/commitments.csv")
def commitments_csv(request: Request, m: CurrentMember, uow: Uow) -> Response:
    """The promises as the Commitments page lists them (only those at risk with ?at_risk=1)."""
    ov = commitment_service.overview(uow=uow, workspace_id=m.workspace_id,
                                     at_risk_only=request.query_params.get("at_risk") == "1")
    return csv_download(export_views.commitments(ov), m)


@router.get(f"{W}/roadmap/forecast.csv")
def forecast_csv(request: Request, m: CurrentMember, uow: Uow) -> Response:
    """The dates the timeline draws (every estimated feature in the live plan's order), and what is not forecast."""
    return csv_download(export_views.forecast(_forecast(uow, m.workspace_id) or {}), m)


@router.get(f"{W}/commitments", response_class=HTMLResponse)
def commitments(request: Request, m: CurrentMember, uow: Uow) -> HTMLResponse:
    ov = commitment_service.overview(uow=uow, workspace_id=m.workspace_id)
    named = {c["id"]: c for c in ov["items"]}
    if request.query_params.get("at_risk") == "1":
        ov["items"] = [c for c in ov["items"] if c["at_risk"]]
    events = commitment_service.events(uow=uow, workspace_id=m.workspace_id, limit=20)
    return render(request, "roadmap/commitments.html", **ctx.page_context(uow, m, "commitments"),
                  page_title="Commitments", ov=ov, events=events, named=named)


@router.post(f"{W}/commitments/threshold")
def commitments_threshold(request: Request, form: CheckedForm, m: CurrentMember, uow: Uow) -> Response:
    """The workspace's risk threshold, as a percentage: promises below it are at risk."""
    m.require("edit")
    raw = str(form.get("percent") or "").strip().rstrip("%")
    try:
        value = float(raw) / 100
    except ValueError:
        raise InvalidInput(f"threshold: '{raw}' is not a number; give a percentage such as 70",
                           [FieldError(["body", "percent"], "not a number", raw)]) from None
    if not 0 < value < 1:
        raise InvalidInput(f"threshold: {raw}% is not between 1% and 99%",
                           [FieldError(["body", "percent"], "out of range", raw)])
    commitment_service.set_threshold(uow=uow, workspace_id=m.workspace_id, actor=m.actor("web"), value=value)
    return redirect(f"/w/{m.workspace_slug}/commitments", request)


@router.post(f"{W}/commitments/recompute")
def commitments_recompute(request: Request, form: CheckedForm, m: CurrentMember, uow: Uow) -> Response:
    m.require("edit")
    commitment_service.recompute(uow=uow, workspace_id=m.workspace_id, today=date.today())
    return redirect(f"/w/{m.workspace_slug}/commitments", request)
