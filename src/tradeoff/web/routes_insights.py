"""Demand views: the top-requested problems and features, and NPS / CSAT per segment."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from tradeoff.core.demand import csat_by_segment, nps_by_segment
from tradeoff.insights import service as insights
from tradeoff.web import context as ctx
from tradeoff.web.render import render
from tradeoff.web.session import CurrentMember, Uow

router = APIRouter()
W = "/w/{slug}"
TOP_LIMIT = 100
KINDS = (("feature", "Features"), ("problem", "Problems"))
SORTS = (("count", "Feedback"), ("customers", "Customers"), ("arr", "ARR"))


@router.get(f"{W}/top-requested", response_class=HTMLResponse)
def top_requested(request: Request, m: CurrentMember, uow: Uow) -> HTMLResponse:
    params = request.query_params
    kind = params.get("kind", "")
    kind = kind if kind in dict(KINDS) else "feature"
    sort = params.get("sort", "")
    sort = sort if sort in dict(SORTS) else "arr"
    code = params.get("currency", "").strip().upper()
    currency = code if len(code) == 3 and code.isalpha() else None
    result = insights.top_requested(uow=uow, workspace_id=m.workspace_id, kind=kind,  # type: ignore[arg-type]
                                    sort=sort, currency=currency, limit=TOP_LIMIT)
    return render(request, "insights/top.html", **ctx.page_context(uow, m, "top"), page_title="Top requested",
                  result=result, kind=kind, sort=sort, kinds=KINDS, sorts=SORTS)


@router.get(f"{W}/nps", response_class=HTMLResponse)
def nps(request: Request, m: CurrentMember, uow: Uow) -> HTMLResponse:
    scores = insights.survey_scores(uow=uow, workspace_id=m.workspace_id)
    return render(request, "insights/nps.html", **ctx.page_context(uow, m, "nps"), page_title="NPS and CSAT",
                  nps=nps_by_segment(scores), csat=csat_by_segment(scores), responses=len(scores))
