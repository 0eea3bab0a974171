"""Delivery routes: capacity, estimates and suggestions, work history import, solving plans and what-ifs,
the roadmap board, forecasts and commitments at risk.

Teams, components, plans and commitments themselves are plain records (RECORD_APIS in api/app.py)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, File, Form, Header, Query, Response, UploadFile
from fastapi.responses import JSONResponse

from tradeoff.api.deps import CurrentMember, IfMatch, Uow, etag
from tradeoff.api.exports import csv_twin
from tradeoff.api.responses.delivery import (
    EstimateListOut,
    EstimateSuggestionOut,
    TeamCapacityOut,
    WorkHistorySummaryOut,
)
from tradeoff.api.responses.forecasts import (
    CommitmentEventsOut,
    CommitmentOverviewOut,
    DeliverySettingsOut,
    FeatureDeliveryOut,
    FeatureForecastOut,
    ForecastOut,
    RecomputeOut,
)
from tradeoff.api.responses.imports import WorkItemImportPreview, WorkItemImportSummary
from tradeoff.api.responses.plans import MarkedPlannedOut, RoadmapBoardOut, WhatIfOut
from tradeoff.commitments import service as commitment_service
from tradeoff.commitments.schemas import RecomputeIn, SettingsIn
from tradeoff.customers import service as customer_service
from tradeoff.customers.schemas import CustomerOut, DealIn
from tradeoff.errors import FieldError, InvalidInput
from tradeoff.estimates import service as estimate_service
from tradeoff.estimates import suggestions as suggestion_service
from tradeoff.estimates.schemas import EstimateIn, EstimateOut
from tradeoff.exports import views as export_views
from tradeoff.forecasts import service as forecast_service
from tradeoff.plans import adopt
from tradeoff.plans import saved as saved_service
from tradeoff.plans import service as plan_service
from tradeoff.plans.schemas import PlanOut, SavedWhatIfOut, SolveIn, WhatIfIn, WhatIfsOut
from tradeoff.records import service as records
from tradeoff.records.schemas import ListOut, to_json
from tradeoff.teams import service as team_service
from tradeoff.workitems import service as workitem_service
from tradeoff.workitems.importer import MAX_BYTES, WorkItemOptions, run_import
from tradeoff.workitems.schemas import WorkItemOut

router = APIRouter()
W = "/workspaces/{workspace}"
Column = Annotated[str | None, Form(max_length=200, description="CSV column for this field; empty turns the guess off.")]


def _today() -> date:
    return date.today()


# ---------------------------------------------------------------------------------------------- capacity


@router.get(f"{W}/teams/{{record_id}}/capacity", operation_id="getTeamCapacity", tags=["teams"],
            response_model=TeamCapacityOut, response_model_exclude_unset=True,
            summary="A team's capacity in person-days per period (members' availability minus holidays)")
def capacity(member: CurrentMember, uow: Uow, record_id: int,
             start: Annotated[date | None, Query(description="First day (default today)")] = None,
             periods: Annotated[int, Query(ge=1, le=104)] = 6,
             period_days: Annotated[int | None, Query(ge=1, le=56, description="Default: the team's")] = None) -> Any:
    team = records.get(uow=uow, spec=team_service.SPEC, workspace_id=member.workspace_id, record_id=record_id)
    return team_service.capacity(team=team, start=start or _today(), periods=periods, period_days=period_days)


# ---------------------------------------------------------------------------------------------- estimates


@router.get(f"{W}/features/{{feature_id}}/estimate", operation_id="getEstimate", response_model=EstimateOut,
            tags=["estimates"], summary="A feature's estimate and why it is that big")
def get_estimate(member: CurrentMember, uow: Uow, feature_id: int, response: Response) -> Any:
    est = estimate_service.get(uow=uow, workspace_id=member.workspace_id, feature_id=feature_id)
    response.headers["ETag"] = etag(est.version)
    return estimate_service.out(uow=uow, workspace_id=member.workspace_id, estimate=est)


@router.put(f"{W}/customers/{{record_id}}/deal", operation_id="setCustomerDeal", response_model=CustomerOut,
            tags=["customers"], summary="Keep a customer's or prospect's open deal up to date (Sales may): value and "
                                        "expected close; 0 clears it")
def set_deal(member: CurrentMember, uow: Uow, record_id: int, body: Annotated[DealIn, Body()], version: IfMatch,
             response: Response) -> Any:
    member.require("promise")
    c = customer_service.set_deal(uow=uow, workspace_id=member.workspace_id, actor=member.actor("api"),
                                  record_id=record_id, deal_value=body.deal_value, deal_close=body.deal_close,
                                  if_match=version)
    response.headers["ETag"] = etag(c.version)
    return CustomerOut.model_validate(c)


@router.put(f"{W}/features/{{feature_id}}/estimate", operation_id="setEstimate", response_model=EstimateOut,
            tags=["estimates"], summary="Estimate a feature as a range with drivers and components (engineers may)")
def set_estimate(member: CurrentMember, uow: Uow, feature_id: int, body: Annotated[EstimateIn, Body()],
                 version: IfMatch, response: Response,
                 if_none_match: Annotated[str | None, Header(
                     alias="If-None-Match", description="'*': create only; 412 if the feature has been estimated "
                                                        "meanwhile")] = None) -> Any:
    member.require("technical")
    est = estimate_service.save(uow=uow, workspace_id=member.workspace_id, actor=member.actor("api"),
                                feature_id=feature_id, data=body, if_match=version,
                                only_new=(if_none_match or "").strip() == "*")
    response.headers["ETag"] = etag(est.version)
    return estimate_service.out(uow=uow, workspace_id=member.workspace_id, estimate=est)


@router.delete(f"{W}/features/{{feature_id}}/estimate", operation_id="deleteEstimate", status_code=204,
               tags=["estimates"], summary="Remove a feature's estimate")
def delete_estimate(member: CurrentMember, uow: Uow, feature_id: int, version: IfMatch) -> Response:
    member.require("technical")
    estimate_service.remove(uow=uow, workspace_id=member.workspace_id, actor=member.actor("api"),
                            feature_id=feature_id, if_match=version)
    return Response(status_code=204)


@router.get(f"{W}/features/{{feature_id}}/estimate-suggestion", operation_id="suggestEstimate",
            response_model=EstimateSuggestionOut, response_model_exclude_unset=True, tags=["estimates"],
            summary="Similar sized work and a suggested P10/P50/P90 in story points, before estimating",
            description="No range (`status` declined, with `reason`) when the history is too thin, holds no story "
                        "points, or holds nothing similar enough (`best_similarity` below `similarity_floor`).")
def suggest(member: CurrentMember, uow: Uow, feature_id: int,
            show: Annotated[int, Query(ge=0, le=20)] = 5,
            team_id: Annotated[int | None, Query(description="The team doing the work: its own items are compared "
                                                             "first (default: the team the estimate names)")] = None,
            ) -> Any:
    return suggestion_service.suggest(uow=uow, workspace_id=member.workspace_id, feature_id=feature_id, show=show,
                                      team_id=team_id)


@router.get(f"{W}/estimates", operation_id="listEstimates", tags=["estimates"], response_model=EstimateListOut,
            response_model_exclude_unset=True,
            summary="Every feature's estimate with its explanation, by feature id, a page at a time",
            description="`next`: the cursor of the next page (pass it as `cursor`), null on the last page.")
def list_estimates(member: CurrentMember, uow: Uow, cursor: Annotated[str | None, Query(max_length=500)] = None,
                   limit: Annotated[int, Query(ge=1, le=200)] = 50,
                   team_id: Annotated[int | None, Query(description="Only estimates led by this team")] = None) -> Any:
    page = estimate_service.page(uow=uow, workspace_id=member.workspace_id, cursor=cursor, limit=limit,
                                 team_id=team_id)
    return to_json({"items": estimate_service.outs(uow=uow, workspace_id=member.workspace_id, estimates=page.items),
                    "next": page.next})


# ---------------------------------------------------------------------------------------------- work history


@router.get(f"{W}/workitems", operation_id="listWorkItems", tags=["work history"], response_model=ListOut[WorkItemOut],
            response_model_exclude_unset=True,
            summary="Imported work items, the most recently imported first")
def list_workitems(
    member: CurrentMember, uow: Uow,
    done: Annotated[bool | None, Query(description="Only finished (true) or open (false) items")] = None,
    feature_id: int | None = None, team_id: int | None = None,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Any:
    page = records.list_page(uow=uow, spec=workitem_service.SPEC, workspace_id=member.workspace_id, cursor=cursor,
                             limit=limit, archived=None,
                             filters={"done": done, "feature_id": feature_id, "team_id": team_id})
    return to_json({"items": [WorkItemOut.model_validate(w).model_dump() for w in page.items],
                             "next": page.next})


@router.get(f"{W}/workitems/summary", operation_id="getWorkHistorySummary", tags=["work history"],
            response_model=WorkHistorySummaryOut, response_model_exclude_unset=True,
            summary="How much work history there is, and the throughput forecast it supports")
def workitems_summary(member: CurrentMember, uow: Uow) -> Any:
    import numpy as np

    out = workitem_service.summary(uow=uow, workspace_id=member.workspace_id)
    out["throughput"] = forecast_service.throughput_forecast(uow=uow, workspace_id=member.workspace_id,
                                                             today=_today(), rng=np.random.default_rng(0))
    return to_json(out)


@router.post(
    f"{W}/imports/workitems", operation_id="importWorkItems", tags=["imports"],
    summary="Import work history from a CSV export (Jira, Azure DevOps, GitHub), or preview it with dry_run=true",
    description=(
        "Send `multipart/form-data` with the CSV as `file`. Columns are guessed from the header (Jira's `Issue key`/"
        "`Issue id`, `Summary`, `Created`, `Resolved`, `Story Points`; Azure DevOps' `ID`, `Title`, `Work Item "
        "Type`, `State`, `Closed Date`; GitHub's `number`, `title`, `closed_at`) or named with `key_column`, "
        "`title_column`, …. Items are matched on their key, so importing a newer export updates them; a key that is "
        "another tracker's or team's item is refused (give `key_prefix`, e.g. `GH-`). "
        "`dry_run=true` previews (200) and writes nothing; otherwise all rows are imported in one transaction "
        "(201) or none (422, each bad row in `errors` as `[\"row\", N, field]`). Needs the `technical` role."),
    response_model=WorkItemImportPreview,
    responses={200: {"description": "Preview (dry run)"},
               201: {"description": "Import summary", "model": WorkItemImportSummary}},
)
def import_workitems(
    member: CurrentMember, uow: Uow,
    file: Annotated[UploadFile, File(description="The CSV file.")],
    key_column: Column = None, title_column: Column = None, description_column: Column = None,
    type_column: Column = None, status_column: Column = None, created_column: Column = None,
    started_column: Column = None, resolved_column: Column = None, points_column: Column = None,
    feature_column: Column = None, resolution_column: Column = None,
    team_id: Annotated[int | None, Form()] = None,
    date_format: Annotated[str | None, Form(max_length=50)] = None,
    skip_bad_rows: Annotated[bool, Form()] = False,
    dry_run: Annotated[bool, Form()] = False,
    key_prefix: Annotated[str, Form(max_length=20)] = "",
) -> Any:
    member.require("technical")
    filename = file.filename or "upload.csv"
    data = file.file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise InvalidInput(f"{filename} is larger than {MAX_BYTES // 1_000_000} MB; split it and import the parts",
                           [FieldError(["body", "file"], "file too large", filename)])
    columns = {"key": key_column, "title": title_column, "description": description_column, "type": type_column,
               "status": status_column, "created": created_column, "started": started_column,
               "resolved": resolved_column, "points": points_column, "feature": feature_column,
               "resolution": resolution_column}
    options = WorkItemOptions(filename=filename, mapping={f: c for f, c in columns.items() if c is not None},
                              date_format=date_format or None, skip_bad_rows=skip_bad_rows, team_id=team_id,
                              key_prefix=key_prefix)
    result = run_import(uow=uow, workspace_id=member.workspace_id, actor=member.actor("api"), data=data,
                        options=options, dry_run=dry_run)
    return JSONResponse(result, status_code=200 if dry_run else 201)


# ---------------------------------------------------------------------------------------------- plans


@router.post(f"{W}/plans/{{record_id}}/solve", operation_id="solvePlan", response_model=PlanOut, tags=["plans"],
             summary="Choose and schedule features for the most value; the greedy plan beside it, and the gap")
def solve(member: CurrentMember, uow: Uow, record_id: int,
          body: Annotated[SolveIn | None, Body()] = None) -> Any:
    member.require("edit")
    return plan_service.solve(uow=uow, workspace_id=member.workspace_id, actor=member.actor("api"),
                              plan_id=record_id, data=body)


@router.post(f"{W}/plans/{{record_id}}/mark-planned", operation_id="markPlanFeaturesPlanned", tags=["plans"],
             response_model=MarkedPlannedOut,
             summary="Adopt the plan: the features it chooses that are still ideas or in discovery become planned")
def mark_planned(member: CurrentMember, uow: Uow, record_id: int) -> Any:
    member.require("edit")
    changed = adopt.mark_planned(uow=uow, workspace_id=member.workspace_id, actor=member.actor("api"),
                                 plan_id=record_id)
    return {"plan_id": record_id, "marked": [{"id": f.id, "title": f.title, "version": f.version} for f in changed]}


@router.post(f"{W}/plans/{{record_id}}/what-if", operation_id="comparePlanScenario", tags=["plans"],
             response_model=WhatIfOut, response_model_exclude_unset=True,
             summary="Solve a what-if scenario (add people, drop features, move deadlines, cut scope) beside the "
                     "plan, without changing it")
def what_if(member: CurrentMember, uow: Uow, record_id: int, body: Annotated[WhatIfIn, Body()]) -> Any:
    return to_json(plan_service.what_if(uow=uow, workspace_id=member.workspace_id, plan_id=record_id,
                                                 data=body))


@router.get(f"{W}/plans/{{record_id}}/what-ifs", operation_id="listSavedWhatIfs", response_model=WhatIfsOut,
            tags=["plans"], summary="The plan's saved what-ifs side by side: value, difference, features added, left "
                                    "out and moved, each promise's chance, P85 dates that differ")
def saved_what_ifs(member: CurrentMember, uow: Uow, record_id: int) -> Any:
    return saved_service.side_by_side(uow=uow, workspace_id=member.workspace_id, plan_id=record_id)


@router.post(f"{W}/plans/{{record_id}}/what-ifs", operation_id="saveWhatIf", response_model=SavedWhatIfOut,
             status_code=201, tags=["plans"],
             summary="Solve a what-if beside the plan and keep it, to compare side by side with others")
def save_what_if(member: CurrentMember, uow: Uow, record_id: int, body: Annotated[WhatIfIn, Body()]) -> Any:
    member.require("edit")
    row = saved_service.save(uow=uow, workspace_id=member.workspace_id, actor=member.actor("api"),
                             plan_id=record_id, data=body)
    return saved_service.as_dict(plan_service.get(uow=uow, workspace_id=member.workspace_id, plan_id=record_id), row)


@router.get(f"{W}/plans/{{record_id}}/what-ifs/{{what_if_id}}", operation_id="getSavedWhatIf",
            response_model=SavedWhatIfOut, tags=["plans"], summary="One saved what-if")
def saved_what_if(member: CurrentMember, uow: Uow, record_id: int, what_if_id: int) -> Any:
    plan = plan_service.get(uow=uow, workspace_id=member.workspace_id, plan_id=record_id)
    return saved_service.as_dict(plan, saved_service.get(uow=uow, workspace_id=member.workspace_id,
                                                         plan_id=record_id, what_if_id=what_if_id))


@router.post(f"{W}/plans/{{record_id}}/what-ifs/{{what_if_id}}/compare-again", operation_id="compareWhatIfAgain",
             response_model=SavedWhatIfOut, tags=["plans"],
             summary="Solve a saved what-if again against the plan's answer as it is now")
def compare_what_if_again(member: CurrentMember, uow: Uow, record_id: int, what_if_id: int) -> Any:
    member.require("edit")
    row = saved_service.compare_again(uow=uow, workspace_id=member.workspace_id, actor=member.actor("api"),
                                      plan_id=record_id, what_if_id=what_if_id)
    return saved_service.as_dict(plan_service.get(uow=uow, workspace_id=member.workspace_id, plan_id=record_id), row)


@router.delete(f"{W}/plans/{{record_id}}/what-ifs/{{what_if_id}}", operation_id="deleteSavedWhatIf",
               status_code=204, tags=["plans"], summary="Delete a saved what-if")
def delete_what_if(member: CurrentMember, uow: Uow, record_id: int, what_if_id: int) -> Response:
    member.require("edit")
    saved_service.delete(uow=uow, workspace_id=member.workspace_id, actor=member.actor("api"), plan_id=record_id,
                         what_if_id=what_if_id)
    return Response(status_code=204)


@router.get(f"{W}/roadmap", operation_id="getRoadmapBoard", tags=["plans"], response_model=RoadmapBoardOut,
            response_model_exclude_unset=True,
            summary="Now / Next / Later from the live plan, with the technology lane")
def roadmap(member: CurrentMember, uow: Uow, plan_id: int | None = None) -> Any:
    plan = plan_service.get(uow=uow, workspace_id=member.workspace_id, plan_id=plan_id) if plan_id else \
        plan_service.live_plan(uow=uow, workspace_id=member.workspace_id)
    return plan_service.board(uow=uow, workspace_id=member.workspace_id, plan=plan)


# ---------------------------------------------------------------------------------------------- forecasts

SourceQ = Annotated[Literal["auto", "capacity", "history"], Query(
    description="Team pace from members' capacity, from finished story points, or auto (history when there is "
                "enough)")]


@csv_twin(router, f"{W}/forecast.csv", operation_id="exportForecast", tags=["forecasts"],
          summary="Each feature's P50/P85/P95 dates (and chance by target) as CSV; features not forecast say why",
          to_table=export_views.forecast)
@router.get(f"{W}/forecast", operation_id="getForecast", tags=["forecasts"], response_model=ForecastOut,
            response_model_exclude_unset=True,
            summary="P50/P85/P95 dates per feature, release and the whole plan, P(done by target), histograms")
def forecast(member: CurrentMember, uow: Uow, plan_id: int | None = None,
             target: Annotated[date | None, Query(description="Give the probability of being done by this date")]
             = None, source: SourceQ = "auto", trials: Annotated[int, Query(ge=100, le=50_000)] = 2000) -> Any:
    return to_json(forecast_service.forecast(uow=uow, workspace_id=member.workspace_id, today=_today(),
                                                      plan_id=plan_id, target=target, source=source, trials=trials))


@router.get(f"{W}/features/{{feature_id}}/forecast", operation_id="getFeatureForecast", tags=["forecasts"],
            response_model=FeatureForecastOut, response_model_exclude_unset=True,
            summary="When one feature will be done (in the live plan's order), and P(done by target)")
def feature_forecast(member: CurrentMember, uow: Uow, feature_id: int,
                     target: Annotated[date | None, Query()] = None, source: SourceQ = "auto") -> Any:
    return to_json(forecast_service.feature_forecast(uow=uow, workspace_id=member.workspace_id,
                                                              feature_id=feature_id, today=_today(), target=target,
                                                              source=source))


@router.get(f"{W}/features/{{feature_id}}/delivery", operation_id="getFeatureDelivery", tags=["forecasts"],
            response_model=FeatureDeliveryOut, response_model_exclude_unset=True,
            summary="Where a feature stands on its way to customers: estimate, place in the live plan, "
                    "P50/P85/P95 dates and the commitments that depend on it")
def feature_delivery(member: CurrentMember, uow: Uow, feature_id: int,
                     by: Annotated[date | None, Query(description="Give the chance of being done by this date")]
                     = None) -> Any:
    from tradeoff.forecasts import delivery

    return to_json(delivery.feature_delivery(uow=uow, workspace_id=member.workspace_id,
                                                      feature_id=feature_id, today=_today(), by=by))


# ---------------------------------------------------------------------------------------------- commitments


@csv_twin(router, f"{W}/commitment-overview.csv", operation_id="exportCommitmentOverview", tags=["commitments"],
          summary="Every commitment with its chance of being kept and the ARR at stake, as CSV",
          to_table=export_views.commitments)
@router.get(f"{W}/commitment-overview", operation_id="getCommitmentOverview", tags=["commitments"],
            response_model=CommitmentOverviewOut, response_model_exclude_unset=True,
            summary="Every commitment with its chance of being kept and the ARR at stake; at_risk=true lists only "
                    "those below the workspace threshold")
def commitment_overview(member: CurrentMember, uow: Uow, at_risk: bool = False,
                        customer_id: Annotated[int | None, Query(description="Only promises to this customer")]
                        = None) -> Any:
    if customer_id is not None:
        from tradeoff.customers import service as customer_service

        records.get(uow=uow, spec=customer_service.SPEC, workspace_id=member.workspace_id, record_id=customer_id)
    return to_json(commitment_service.overview(uow=uow, workspace_id=member.workspace_id,
                                                        at_risk_only=at_risk, customer_id=customer_id))


@router.post(f"{W}/commitment-forecasts", operation_id="recomputeCommitments", tags=["commitments"],
             response_model=RecomputeOut, response_model_exclude_unset=True,
             summary="Re-forecast every commitment now; crossings of the threshold are recorded as events")
def recompute(member: CurrentMember, uow: Uow, body: Annotated[RecomputeIn | None, Body()] = None) -> Any:
    member.require("edit")
    return to_json(commitment_service.recompute(uow=uow, workspace_id=member.workspace_id, today=_today(),
                                                         trials=body.trials if body else 2000))


@router.get(f"{W}/commitment-events", operation_id="listCommitmentEvents", tags=["commitments"],
            response_model=CommitmentEventsOut, response_model_exclude_unset=True,
            summary="When commitments crossed the risk threshold, newest first")
def commitment_events(member: CurrentMember, uow: Uow, commitment_id: int | None = None,
                      limit: Annotated[int, Query(ge=1, le=500)] = 100) -> Any:
    return to_json({"items": commitment_service.events(uow=uow, workspace_id=member.workspace_id,
                                                                commitment_id=commitment_id, limit=limit)})


@router.get(f"{W}/delivery-settings", operation_id="getDeliverySettings", tags=["commitments"],
            response_model=DeliverySettingsOut, response_model_exclude_unset=True,
            summary="The workspace's risk threshold for commitments")
def get_settings(member: CurrentMember, uow: Uow) -> Any:
    return {"risk_threshold": commitment_service.threshold(uow=uow, workspace_id=member.workspace_id)}


@router.put(f"{W}/delivery-settings", operation_id="setDeliverySettings", tags=["commitments"],
            response_model=DeliverySettingsOut, response_model_exclude_unset=True,
            summary="Change the risk threshold (default 0.7)")
def set_settings(member: CurrentMember, uow: Uow, body: Annotated[SettingsIn, Body()]) -> Any:
    member.require("edit")
    return {"risk_threshold": commitment_service.set_threshold(uow=uow, workspace_id=member.workspace_id,
                                                               actor=member.actor("api"), value=body.risk_threshold)}
