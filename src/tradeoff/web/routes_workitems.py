"""Work history in the browser: each team's recent pace and cycle times, and the imported work items themselves
(filtered by team and done or open, the most recently imported first), so an engineering manager can see what the forecasts and
reference classes are built from."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from tradeoff.records import service as records
from tradeoff.teams import service as team_service
from tradeoff.web import context as ctx
from tradeoff.web.forms import int_or_none
from tradeoff.web.render import render
from tradeoff.web.session import CurrentMember, Uow
from tradeoff.workitems import service as workitem_service

router = APIRouter()
W = "/w/{slug}"
PACE_WEEKS = 12


@router.get(f"{W}/workitems", response_class=HTMLResponse)
def workitems_page(request: Request, m: CurrentMember, uow: Uow) -> HTMLResponse:
    q = request.query_params
    done = {"done": True, "open": False}.get(q.get("state", ""))
    team_id = int_or_none(q.get("team_id"))
    teams = {t.id: t.name for t in team_service.active(uow=uow, workspace_id=m.workspace_id)}
    page = records.list_page(uow=uow, spec=workitem_service.SPEC, workspace_id=m.workspace_id, limit=50,
                             cursor=q.get("cursor") or None, archived=None,
                             filters={"done": done, "team_id": team_id})
    features = ctx.feature_choices(uow, m.workspace_id)
    return render(request, "delivery/workitems.html", **ctx.page_context(uow, m, "workitems"),
                  page_title="Work history", page=page, teams=teams, team_id=team_id, state=q.get("state", ""),
                  features={int(v): t for v, t in features}, weeks=PACE_WEEKS,
                  summary=workitem_service.summary(uow=uow, workspace_id=m.workspace_id),
                  pace=workitem_service.team_pace(uow=uow, workspace_id=m.workspace_id, today=date.today(),
                                                  weeks=PACE_WEEKS, teams=teams))
