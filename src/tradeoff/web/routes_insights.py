"""Demand views: the top-requested problems and features, NPS / CSAT per segment, and the currencies ARR is
totalled in."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from tradeoff.accounts.service import Member
from tradeoff.core.demand import csat_by_segment, nps_by_segment
from tradeoff.customers import service as customer_service
from tradeoff.customers.schemas import MoneySettingsIn
from tradeoff.exports import views as export_views
from tradeoff.insights import service as insights
from tradeoff.storage.uow import UnitOfWork
from tradeoff.web import context as ctx
from tradeoff.web.forms import FormState
from tradeoff.web.render import csv_download, render
from tradeoff.web.session import CheckedForm, CurrentMember, Uow

router = APIRouter()
W = "/w/{slug}"
TOP_LIMIT = 100
KINDS = (("feature", "Features"), ("problem", "Problems"))
SORTS = (("count", "Feedback"), ("customers", "Customers"), ("arr", "ARR"), ("deals", "Open deals"))


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


def _currencies_view(request: Request, uow: UnitOfWork, m: Member, state: FormState | None = None,
                     flash: str = "", status_code: int = 200) -> HTMLResponse:
    money = customer_service.money_out(uow, m.workspace_id)
    shown = sorted(set(money.rates) | set(money.unconverted))
    if state is None:
        state = FormState(values={"currency": money.currency, "new_code": "", "new_rate": "",
                                  **{f"rate_{c}": f"{money.rates[c]:g}" if c in money.rates else "" for c in shown}})
    return render(request, "insights/currencies.html", status_code, **ctx.page_context(uow, m, "currencies"),
                  page_title="Currencies", money=money, shown=shown, state=state, flash=flash)


@router.get(f"{W}/currencies", response_class=HTMLResponse)
def currencies(request: Request, m: CurrentMember, uow: Uow) -> HTMLResponse:
    return _currencies_view(request, uow, m)


@router.post(f"{W}/currencies", response_class=HTMLResponse)
def save_currencies(request: Request, form: CheckedForm, m: CurrentMember, uow: Uow) -> HTMLResponse:
    """Rates left empty are not set (that currency's ARR stays out of totals); a new currency can be added."""
    m.require("edit")
    values = {k: v.strip() for k, v in form.items() if isinstance(v, str) and k != "csrf_token"}
    state = FormState(values=values)
    rates = {k[5:]: v for k, v in values.items() if k.startswith("rate_") and v}
    if values.get("new_code") or values.get("new_rate"):
        rates[values.get("new_code", "").upper()] = values.get("new_rate", "")
    try:
        body = MoneySettingsIn.model_validate({"currency": values.get("currency", ""), "rates": rates})
        customer_service.set_money(uow=uow, workspace_id=m.workspace_id, actor=m.actor("web"), data=body)
    except ValidationError as exc:
        for e in exc.errors():
            state.add(_rate_field(e["loc"], values), str(e["msg"]).removeprefix("Value error, "))
        return _currencies_view(request, uow, m, state, status_code=422)
    return _currencies_view(request, uow, m, flash="Saved: totals are now counted at these rates.")


def _rate_field(loc: tuple[int | str, ...], values: dict[str, str]) -> str:
    """The input a refused value came from: a rate's own box, the "another currency" box, or the currency."""
    if len(loc) > 1 and loc[0] == "rates":
        return f"rate_{loc[1]}" if f"rate_{loc[1]}" in values else "new_rate"
    return "currency"  # the currency itself, or a rate given for it (the model's own check)
