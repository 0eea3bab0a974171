"""Creating and editing a plan from the web UI: horizon, value source, teams, must-haves, deadlines and manual
values. The plan service and its schemas decide what is valid (as for the API); this module turns form text into
those inputs and the errors back into messages beside the fields."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from tradeoff.plans import service as plan_service
from tradeoff.plans.model import Plan
from tradeoff.plans.schemas import PlanCreate, PlanUpdate
from tradeoff.scoring import service as scoring
from tradeoff.storage.uow import UnitOfWork
from tradeoff.teams import service as team_service
from tradeoff.web import context as ctx
from tradeoff.web.form_routes import add_form_routes, save_record
from tradeoff.web.forms import (
    FormState,
    field_text,
    fmt_number,
    numbered_lines,
)
from tradeoff.web.render import render

router = APIRouter()
W = "/w/{slug}"
TEXT = ("name", "description", "start", "periods", "period_days", "value_source", "framework", "time_limit",
        "days_per_point", "deadlines", "values", "releases")
KNOWN = set(TEXT) | {"team_ids", "must_have", "live"}
SOURCES = [("arr", "ARR of the customers who asked"),
           ("arr_deals", "ARR of the customers who asked, and their open deals"),
           ("score", "Score (the ranking's framework)"),
           ("manual", "Values entered below")]


def _state(plan: Plan | None) -> FormState:
    if plan is None:
        return FormState(values={"start": date.today().isoformat(), "periods": "13", "period_days": "14",
                                 "value_source": "arr", "time_limit": "10", "days_per_point": "1", "team_ids": [],
                                 "must_have": []})
    return FormState(values={
        "name": plan.name, "description": plan.description or "", "start": plan.start.isoformat(),
        "periods": str(plan.periods), "period_days": str(plan.period_days), "value_source": plan.value_source,
        "framework": plan.framework or "", "time_limit": fmt_number(plan.time_limit),
        "days_per_point": fmt_number(plan.days_per_point), "team_ids": [str(i) for i in plan.team_ids],
        "must_have": [str(i) for i in plan.must_have], "live": "on" if plan.live else "",
        "deadlines": "\n".join(f"#{k} | {v}" for k, v in plan.deadlines.items()),
        "values": "\n".join(f"#{k} | {fmt_number(v)}" for k, v in plan.values.items()),
        "releases": "\n".join(" | ".join([r["name"], *([r["target"]] if r.get("target") else []),
                                          ", ".join(f"#{i}" for i in r["feature_ids"])]) for r in plan.releases),
        "version": str(plan.version),
    })


def _form(request: Request, uow: UnitOfWork, m: Any, state: FormState, plan: Plan | None,
          status_code: int = 200) -> HTMLResponse:
    teams = team_service.active(uow=uow, workspace_id=m.workspace_id)
    features = sorted(plan_service.open_features(uow=uow, workspace_id=m.workspace_id, estimated_only=True),
                      key=lambda f: f.title)
    frameworks = [("", "the workspace's default")] + [(f, f) for f in scoring.frameworks(uow=uow,
                                                                                      workspace_id=m.workspace_id)]
    return render(request, "roadmap/plan_form.html", status_code, **ctx.page_context(uow, m, "roadmap"),
                  page_title=f"Edit {plan.name}" if plan else "New plan", plan=plan, state=state,
                  sources=SOURCES, frameworks=frameworks, teams=[(t.id, t.name) for t in teams],
                  features=[(f.id, f"{f.title} (#{f.id})") for f in features])


def _pairs(text: str, field: str, state: FormState, parse: Any, what: str) -> dict[str, Any]:
    """'#12 | value' per line into {"12": parse(value)}; a bad line is reported by its number."""
    out: dict[str, Any] = {}
    for n, parts in numbered_lines(text):
        ref = parts[0].lstrip("#").strip()
        if len(parts) != 2 or not ref.isdecimal():
            state.add(field, f"line {n}: write #feature | {what}")
            continue
        try:
            out[ref] = parse(parts[1])
        except ValueError:
            state.add(field, f"line {n}: '{parts[1]}' is not {what}")
    return out


def _releases(text: str, state: FormState) -> list[dict[str, Any]]:
    """'Name | 2027-03-31 | #12, #15' per line (the date may be left out); a bad line is reported by its number."""
    out: list[dict[str, Any]] = []
    for n, parts in numbered_lines(text):
        ids = re.findall(r"#?(\d+)", parts[-1]) if len(parts) in (2, 3) else []
        if not parts[0] or not ids or re.sub(r"[#\d,\s]", "", parts[-1]):
            state.add("releases", f"line {n}: write name | YYYY-MM-DD (optional) | #feature, #feature")
            continue
        release: dict[str, Any] = {"name": parts[0], "feature_ids": [int(i) for i in ids]}
        if len(parts) == 3:
            try:
                release["target"] = date.fromisoformat(parts[1]).isoformat()
            except ValueError:
                state.add("releases", f"line {n}: '{parts[1]}' is not a date (YYYY-MM-DD)")
                continue
        out.append(release)
    return out


def _save(request: Request, form: FormData, m: Any, uow: UnitOfWork, plan: Plan | None) -> Response:
    m.require("edit")
    values: dict[str, Any] = {k: field_text(form, k) for k in (*TEXT, "live", "version")}
    values["team_ids"] = [str(v) for v in form.getlist("team_ids")]
    values["must_have"] = [str(v) for v in form.getlist("must_have")]
    state = FormState(values=values)
    if not values["name"]:
        state.add("name", "is required")
    body: dict[str, Any] = {k: values[k] for k in TEXT if values[k] and k not in ("deadlines", "values", "releases")}
    body["description"] = values["description"]
    body["framework"] = values["framework"]
    body["team_ids"] = [int(v) for v in values["team_ids"] if v.isdecimal()]
    body["must_have"] = [int(v) for v in values["must_have"] if v.isdecimal()]
    body["live"] = values["live"] == "on"
    body["deadlines"] = _pairs(values["deadlines"], "deadlines", state, date.fromisoformat, "a date (YYYY-MM-DD)")
    body["values"] = _pairs(values["values"], "values", state, float, "a number")
    body["releases"] = _releases(values["releases"], state)
    return save_record(request, uow, m, state, plan, schema=PlanUpdate if plan else PlanCreate, body=body,
                       known=KNOWN, service=plan_service, show=_form,
                       to=lambda saved: f"/w/{m.workspace_slug}/plans/{saved.id}")


add_form_routes(router, f"{W}/plans", need="edit",
                load=lambda uow, m, rid: plan_service.get(uow=uow, workspace_id=m.workspace_id, plan_id=rid),
                state_of=lambda plan, _request: _state(plan), show=_form, save=_save)
