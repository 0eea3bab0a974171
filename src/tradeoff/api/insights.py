"""Demand analytics routes: demand per problem/feature, top requested, close the loop, NPS by segment."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Query

from tradeoff.api.deps import CurrentMember, Uow, one_of
from tradeoff.api.exports import csv_twin
from tradeoff.api.responses.demand import (
    AttentionOut,
    CloseTheLoopOut,
    DemandSummaryOut,
    SurveysOut,
    TopRequestedOut,
)
from tradeoff.attention import service as attention_service
from tradeoff.comments import service as comment_service
from tradeoff.core.demand import csat_by_segment, nps_by_segment
from tradeoff.customers import service as customer_service
from tradeoff.customers.schemas import MoneySettingsIn, MoneySettingsOut
from tradeoff.exports import views as export_views
from tradeoff.features import service as feature_service
from tradeoff.insights import service as insights
from tradeoff.insights.schemas import ToldIn, demand_out, encode, nps_out
from tradeoff.records import service as records
from tradeoff.storage.base import utcnow

router = APIRouter(tags=["demand"])
W = "/workspaces/{workspace}"


@router.get(f"{W}/{{kind}}/{{record_id}}/demand", operation_id="getDemandSummary", response_model=DemandSummaryOut,
            response_model_exclude_unset=True,
            summary="Demand behind a problem or feature: customers, ARR by segment, new vs existing, trend, "
                    "sources, strongest quotes")
def demand(member: CurrentMember, uow: Uow, kind: Literal["problems", "features"], record_id: int) -> Any:
    records.get(uow=uow, spec=comment_service.TARGETS[kind[:-1]], workspace_id=member.workspace_id, record_id=record_id)
    d = insights.demand(uow=uow, workspace_id=member.workspace_id, kind=kind[:-1], target_id=record_id,  # type: ignore[arg-type]
                        now=utcnow())
    return encode(demand_out(d) | insights.demand_totals(uow=uow, workspace_id=member.workspace_id, d=d))


@csv_twin(router, f"{W}/top-requested.csv", operation_id="exportTopRequested", tags=["demand"],
          summary="Problems or features by demand, as CSV", to_table=export_views.top_requested)
@router.get(f"{W}/top-requested", operation_id="listTopRequested", response_model=TopRequestedOut,
            response_model_exclude_unset=True,
            summary="Problems or features ranked by evidence count, distinct customers or ARR")
def top_requested(
    member: CurrentMember, uow: Uow,
    kind: Annotated[Literal["problem", "feature"], Query()] = "feature",
    sort: Annotated[Literal["count", "customers", "arr", "deals"], Query()] = "arr",
    currency: Annotated[str | None, Query(pattern="^[A-Za-z]{3}$")] = None,
    status: Annotated[str | None, Query(max_length=20, description="Only features with this status (kind=feature)",
                                        json_schema_extra=one_of(insights.FEATURE_STATUSES))] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> Any:
    return encode(insights.top_requested(
        uow=uow, workspace_id=member.workspace_id, kind=kind, sort=sort,
        currency=currency.upper() if currency else None, status=status, limit=limit))


@csv_twin(router, f"{W}/features/{{record_id}}/close-the-loop.csv", operation_id="exportCloseTheLoop",
          tags=["demand"], summary="Who to tell that a feature shipped, one row per customer, as CSV",
          to_table=export_views.close_the_loop)
@router.get(f"{W}/features/{{record_id}}/close-the-loop", operation_id="getCloseTheLoop",
            response_model=CloseTheLoopOut, response_model_exclude_unset=True,
            summary="Customers and contacts who asked for a feature, with what they said")
def close_the_loop(member: CurrentMember, uow: Uow, record_id: int) -> Any:
    feature = records.get(uow=uow, spec=feature_service.SPEC, workspace_id=member.workspace_id, record_id=record_id)
    return encode(insights.close_the_loop(uow=uow, workspace_id=member.workspace_id, feature=feature))


@router.post(f"{W}/features/{{record_id}}/close-the-loop/told", operation_id="markCustomersTold",
             response_model=CloseTheLoopOut, response_model_exclude_unset=True,
             summary="Record that customers who asked for a shipped feature were told it shipped (or undo it); "
                     "answers the updated close-the-loop list")
def mark_told(member: CurrentMember, uow: Uow, record_id: int, body: Annotated[ToldIn, Body()]) -> Any:
    member.require("evidence")
    feature = records.get(uow=uow, spec=feature_service.SPEC, workspace_id=member.workspace_id, record_id=record_id)
    return encode(insights.mark_told(uow=uow, workspace_id=member.workspace_id, actor=member.actor("api"),
                                     feature=feature, customer_ids=body.customer_ids, feedback_ids=body.feedback_ids,
                                     told=body.told, now=utcnow()))


@router.get(f"{W}/surveys/nps", operation_id="getNpsBySegment", response_model=SurveysOut,
            response_model_exclude_unset=True, summary="NPS and CSAT per customer segment")
def nps(member: CurrentMember, uow: Uow) -> Any:
    scores = insights.survey_scores(uow=uow, workspace_id=member.workspace_id)
    return nps_out(nps_by_segment(scores), csat_by_segment(scores))


@router.get(f"{W}/attention", operation_id="getAttention", response_model=AttentionOut,
            response_model_exclude_unset=True,
            summary="What needs acting on, most urgent first: commitments past due, at risk or without a forecast, "
                    "a live plan unsolved or older than its estimates, planned work without an estimate, open "
                    "blockers, triage in progress, recent feedback linked to nothing")
def attention(member: CurrentMember, uow: Uow) -> Any:
    return attention_service.out(attention_service.attention(uow=uow, workspace_id=member.workspace_id, now=utcnow()))


@router.get(f"{W}/money-settings", operation_id="getMoneySettings", response_model=MoneySettingsOut,
            summary="The currency ARR is totalled in, and the exchange rates other currencies count at")
def get_money(member: CurrentMember, uow: Uow) -> Any:
    return customer_service.money_out(uow, member.workspace_id)


@router.put(f"{W}/money-settings", operation_id="setMoneySettings", response_model=MoneySettingsOut,
            summary="Set the currency ARR is totalled in and the rates of the others (owners and PMs)")
def set_money(member: CurrentMember, uow: Uow, body: Annotated[MoneySettingsIn, Body()]) -> Any:
    member.require("edit")
    return customer_service.set_money(uow=uow, workspace_id=member.workspace_id, actor=member.actor("api"), data=body)
