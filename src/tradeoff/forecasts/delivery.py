"""Where one feature stands on its way to customers, in one answer: its estimate, its place in the live plan,
when the forecast says it will be done, the releases it is in, and who was promised it. Every part comes from its
own domain service; this module only puts them side by side (the feature page, the API and `tradeoff delivery`
show the same)."""

from __future__ import annotations

from datetime import date
from typing import Any

from tradeoff.commitments import service as commitment_service
from tradeoff.errors import FieldError, InvalidInput
from tradeoff.estimates import service as estimate_service
from tradeoff.features import service as feature_service
from tradeoff.features.model import FeatureStatus
from tradeoff.forecasts import service as forecast_service
from tradeoff.plans import releases as release_watch
from tradeoff.plans import service as plan_service
from tradeoff.records import service as records
from tradeoff.storage.uow import UnitOfWork
from tradeoff.workitems import service as workitem_service


def _placement(uow: UnitOfWork, workspace_id: int, feature_id: int, by: date | None = None) -> dict[str, Any]:
    """The feature's row in the live plan, or why there is none; `after_by`: the plan finishes it after `by` (a
    date someone is about to promise), so such a promise would conflict with the plan."""
    plan = plan_service.live_plan(uow=uow, workspace_id=workspace_id)
    if plan is None:
        return {"plan_id": None, "plan_name": None, "scheduled": False, "reason": "no live plan"}
    head: dict[str, Any] = {"plan_id": plan.id, "plan_name": plan.name}
    if not plan.result:
        return head | {"scheduled": False, "reason": f"the live plan '{plan.name}' is not solved yet"}
    row = next((r for r in plan.result.get("schedule", []) if r["feature_id"] == feature_id), None)
    if row is not None:
        return head | {"scheduled": True, "reason": "", "period": row["period"] + 1,
                       "after_by": by is not None and date.fromisoformat(row["period_end"]) > by,
                       "first_period": row.get("first_period", row["period"]) + 1,
                       "period_start": row["period_start"], "period_end": row["period_end"], "team": row["team"],
                       "effort_days": row["effort_days"], "effort_by_team": row.get("effort_by_team", {})}
    left = next((r for r in plan.result.get("not_chosen", []) if r["feature_id"] == feature_id), None)
    if left is not None:
        why = ("not chosen: no value under the plan's value source, and no room left for it" if not left.get("value")
               else "not chosen: no room for it beside more valuable work")
    else:
        excluded = next((r for r in plan.result.get("excluded", []) if r.get("feature_id") == feature_id), None)
        why = (f"left out: {excluded['reason']}" if excluded and excluded.get("reason") else
               "not a candidate when the plan was solved (estimate it, then solve the plan again)")
    return head | {"scheduled": False, "reason": why}


def feature_delivery(*, uow: UnitOfWork, workspace_id: int, feature_id: int, today: date,
                     by: date | None = None) -> dict[str, Any]:
    """`by`: a date to give the chance of being done by (not in the past)."""
    if by is not None and by < today:
        raise InvalidInput(f"by: {by} is in the past (today is {today}); ask about a future date",
                           [FieldError(["query", "by"], "in the past", by.isoformat())])
    feature = records.get(uow=uow, spec=feature_service.SPEC, workspace_id=workspace_id, record_id=feature_id)
    est = estimate_service.find(uow=uow, workspace_id=workspace_id, feature_id=feature_id)
    estimate = None
    if est is not None:
        full = estimate_service.out(uow=uow, workspace_id=workspace_id, estimate=est)
        estimate = {k: full[k] for k in ("optimistic", "likely", "pessimistic", "unit", "confidence", "team_id",
                                         "split", "category", "explanation")}
    done = feature.status in (FeatureStatus.shipped.value, FeatureStatus.wont_do.value)
    if done:
        fc: dict[str, Any] = {"status": "declined", "reason": f"the feature is {feature.status.replace('_', ' ')}",
                              "forecast": None}
    elif est is None:
        fc = {"status": "declined", "reason": "not estimated yet", "forecast": None}
    else:
        fc = forecast_service.feature_forecast(uow=uow, workspace_id=workspace_id, feature_id=feature_id,
                                               today=today, target=by)
    row = fc["forecast"]
    forecast = None if row is None else {k: row[k] for k in ("p50", "p85", "p95", "p50_weeks", "p85_weeks",
                                                             "p95_weeks", "histogram", "team", "shared_with",
                                                             "planned_from", "planned_to", "against_plan")}
    if forecast is not None:
        limit = commitment_service.threshold(uow=uow, workspace_id=workspace_id)
        one = {"start": fc["start"], "features": [row]}
        safe = forecast_service.feature_date_at(one, feature_id, limit)
        # the chance by `by` read from the same quantile function as the "likely enough by" date, so promising
        # that date is never shown at risk by a hair
        chance = forecast_service.feature_probability(one, feature_id, by) if by else None
        forecast |= {"start": fc["start"], "trials": fc["trials"], "by": by.isoformat() if by else None,
                     "probability_by": chance, "threshold": limit,
                     "likely_enough_by": safe.isoformat() if safe else None,
                     # a promise for `by` would be at risk from the start (the commitments' rule)
                     "at_risk_by": chance < limit if chance is not None else None,
                     "held_up_by": fc["held_up_by"]}
    promised = [c for c in commitment_service.overview(uow=uow, workspace_id=workspace_id)["items"]
                if c["feature_id"] == feature_id]
    progress = workitem_service.progress(uow=uow, workspace_id=workspace_id, feature_ids=[feature_id]).get(feature_id)
    if progress is not None and est is not None:  # measured against the estimate, as the plan and forecast do
        live = plan_service.live_plan(uow=uow, workspace_id=workspace_id)
        dpp = live.days_per_point if live is not None else 1.0
        progress = progress.for_estimate(estimate_service.likely_points(est, dpp))
    if estimate is not None:  # what the plan and the forecast count of it
        estimate["progress"] = progress.out() if progress is not None and not done else None
    return {"feature_id": feature.id, "title": feature.title, "status": feature.status, "estimate": estimate,
            "plan": None if done else _placement(uow, workspace_id, feature_id, by),
            "forecast": forecast, "forecast_reason": fc["reason"] if row is None else "",
            "commitments": promised, "releases": _releases(uow, workspace_id, feature_id, today)}


def _releases(uow: UnitOfWork, workspace_id: int, feature_id: int, today: date) -> list[dict[str, Any]]:
    """The live plan's releases this feature is in, each with its target and its last forecast chance of making
    it (stored with the promises, so this reads no new forecast)."""
    plan = plan_service.live_plan(uow=uow, workspace_id=workspace_id)
    mine = [r for r in (plan.releases if plan else []) if feature_id in {int(i) for i in r["feature_ids"]}]
    if not mine:
        return []
    limit = commitment_service.threshold(uow=uow, workspace_id=workspace_id)
    watched = {r["name"]: r for r in release_watch.status(plan, limit, today)}
    return [{"name": r["name"], "target": r.get("target"), "features": len(r["feature_ids"]),
             **{k: watched.get(r["name"], {}).get(k) for k in ("probability", "kept_by", "forecast_reason")},
             **{k: bool(watched.get(r["name"], {}).get(k)) for k in ("at_risk", "missed", "made")}} for r in mine]
