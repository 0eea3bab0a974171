"""Teams (with their members) and components as web forms. The same services and schemas as the API
(api/app.py RECORD_APIS) decide what is valid; this module only turns form text into those inputs and their
errors back into messages beside the fields."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from tradeoff.components import service as component_service
from tradeoff.components.model import ComponentKind
from tradeoff.components.schemas import ComponentCreate, ComponentUpdate
from tradeoff.records import service as records
from tradeoff.storage.uow import UnitOfWork
from tradeoff.teams import service as team_service
from tradeoff.teams.model import PeriodKind
from tradeoff.teams.schemas import TeamCreate, TeamUpdate
from tradeoff.web import context as ctx
from tradeoff.web.form_routes import add_form_routes, save_record
from tradeoff.web.forms import (
    FormState,
    field_text,
    fmt_number,
    numbered_lines,
)
from tradeoff.web.render import render
from tradeoff.web.session import CurrentMember, Uow, can

router = APIRouter()
W = "/w/{slug}"
MEMBER_PARTS = ("name", "availability", "holidays", "email")
LIMIT = 200


# ---------------------------------------------------------------------------------------------- teams


TEAM_KNOWN = {"name", "description", "period_kind", "sprint_days", "wip_limit", "tech_share", "members", "days_off"}


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
        "days_off": "; ".join(a if a == b else f"{a}..{b}" for a, b in team.days_off or []),
    })


def _parse_members(text: str, state: FormState, numbers: list[int]) -> list[dict[str, Any]]:
    """'name | availability | 2026-12-24..2026-12-31; 2027-01-02' per line (a holiday of one day needs no '..').
    Appends each member's line number to `numbers`."""
    out = []
    for n, parts in numbered_lines(text):
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
    return render(request, "delivery/team_form.html", status_code, **ctx.page_context(uow, m, "components"),
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
    body["days_off"] = [span.strip() for span in values["days_off"].split(";") if span.strip()]
    if team is not None:  # the form has no ids: a line that names a member is that member, kept
        body["members"] = team_service.by_name(team, body["members"])
    return save_record(request, uow, m, state, team, schema=TeamUpdate if team else TeamCreate, body=body,
                       known=TEAM_KNOWN, service=team_service, show=_team_form, lines={"members": numbers},
                       to=lambda _: f"/w/{m.workspace_slug}/teams")


add_form_routes(router, f"{W}/teams", need="technical",
                load=lambda uow, m, rid: records.get(uow=uow, spec=team_service.SPEC, workspace_id=m.workspace_id,
                                                     record_id=rid),
                state_of=lambda team, _request: _team_state(team), show=_team_form, save=_save_team)


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
    return save_record(request, uow, m, state, comp, schema=ComponentUpdate if comp else ComponentCreate,
                       body=body, known=COMP_KNOWN, service=component_service, show=_component_form,
                       to=lambda _: f"/w/{m.workspace_slug}/components")


add_form_routes(router, f"{W}/components", need="technical",
                load=lambda uow, m, rid: records.get(uow=uow, spec=component_service.SPEC,
                                                     workspace_id=m.workspace_id, record_id=rid),
                state_of=lambda comp, _request: _component_state(comp), show=_component_form, save=_save_component)
