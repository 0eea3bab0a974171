"""Search everything: the sidebar's search box, results grouped by kind, each linking to its record."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from tradeoff.errors import InvalidInput
from tradeoff.records import everywhere
from tradeoff.web import context as ctx
from tradeoff.web.render import render
from tradeoff.web.session import CurrentMember, Uow

router = APIRouter()
W = "/w/{slug}"


@router.get(f"{W}/search", response_class=HTMLResponse)
def search_page(request: Request, m: CurrentMember, uow: Uow) -> HTMLResponse:
    q = (request.query_params.get("q") or "").strip()[:200]
    groups: list[everywhere.Group] = []
    problem = ""
    if q:
        try:
            groups = everywhere.search_everywhere(uow=uow, workspace_id=m.workspace_id, q=q)
        except InvalidInput as exc:
            problem = exc.message
    return render(request, "search.html", **ctx.page_context(uow, m, "search"), page_title="Search", q=q,
                  groups=groups, problem=problem)
