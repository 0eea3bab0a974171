"""Demand views: the top-requested problems and features, and NPS / CSAT per segment."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from tradeoff.core.demand import csat_by_segment, nps_by_segment
from tradeoff.exports import views as export_views
from tradeoff.insights import service as insights
from tradeoff.web import context as ctx
from tradeoff.web.render import csv_download, render
from tradeoff.web.session import CurrentMember, Uow

router = APIRouter()
W = "/w/{slug}"
TOP_LIMIT = 100
KINDS = (("feature", "Features"), ("problem", "Problems"))
SORTS = (("count", "Feedback"), ("customers", "Customers"), ("arr", "ARR"))


def _top(request: Request, m: CurrentMember, uow: Uow) -> tuple[str, str, dict[str, Any]]:
    params = request.query_params
    kind = params.get("kind", "")
    kind = kind if kind in dict(KINDS) else "feature"
    sort = params.get("sort", "")
    sort = sort if sort in dict(SORTS) else "arr"
    code = params.get("currency", "").strip().upper()
    currency = code if len(code) == 3 and code.isalpha() else None
    return kind, sort, insights.top_requested(uow=uow, workspace_id=m.workspace_id, kind=kind,  # type: ignore[arg-type]
                                              sort=sort, currency=currency, limit=TOP_LIMIT)


@router.get(f"{W}/top-requested.csv")
def top_requested_csv(request: Request, m: CurrentMember, uow: Uow) -> Response:
    return csv_download(export_views.top_requested(_top(request, m, uow)[2]), m)


@router.get(f"{W}/top-requested", response_class=HTMLResponse)
def top_requested(request: Request, m: CurrentMember, uow: Uow) -> HTMLResponse:
    kind, sort, result = _top(request, m, uow)
    return render(request, "insights/top.html", **ctx.page_context(uow, m, "top"), page_title="Top requested",
                  result=result, kind=kind, sort=sort, kinds=KINDS, sorts=SORTS)


@router.get(f"{W}/nps", response_class=HTMLResponse)
def nps(request: Request, m: CurrentMember, uow: Uow) -> HTMLResponse:
    scores = insights.survey_scores(uow=uow, workspace_id=m.workspace_id)
    return render(request, "insights/nps.html", **ctx.page_context(uow, m, "nps"), page_title="NPS and CSAT",
                  nps=nps_by_segment(scores), csat=csat_by_segment(scores), responses=len(scores))
