"""Scoring inputs per feature: the ones a PM enters, and the ones filled in from other records.

Inputs a PM enters win; missing ones are filled from other records and say where they came from:
reach ← distinct customers behind the feature (evidence links), impact ← the ARR of those customers,
effort and job size ← the engineers' estimate in person-weeks once there is one (person-days ÷ 5; story points ×
a plan's days per point ÷ 5), else the business case's effort (person-weeks), value ← the business case's annual
value P50 (else the ARR behind it). Entered inputs are checked against their scale (`core.scoring_fields`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from tradeoff.audit import service as audit
from tradeoff.core import scoring_fields
from tradeoff.core.formula import format_number
from tradeoff.core.scoring_effort import EstimateEffort, estimate_effort
from tradeoff.core.sizing import Range
from tradeoff.customers import service as customer_service
from tradeoff.features import service as feature_service
from tradeoff.features.model import Feature
from tradeoff.insights import service as insights
from tradeoff.records import service as records
from tradeoff.scoring.model import ScoringInput
from tradeoff.scoring.schemas import ScoringInputsIn
from tradeoff.scoring.service import DERIVED, ENTERED, _bad
from tradeoff.sizing import service as sizing_service
from tradeoff.sizing.model import BusinessCase
from tradeoff.storage.uow import Actor, UnitOfWork

# impact (RICE points) from the ARR behind a feature: ARR at or above the threshold gives the points
IMPACT_FROM_ARR = ((1_000_000, 3.0), (250_000, 2.0), (50_000, 1.0), (1, 0.5), (0, 0.25))


# ---------------------------------------------------------------------------------------------- inputs


def get_inputs(*, uow: UnitOfWork, workspace_id: int, feature_id: int) -> dict[str, Any]:
    row = uow.session.scalar(select(ScoringInput).where(ScoringInput.workspace_id == workspace_id,
                                                        ScoringInput.feature_id == feature_id))
    return dict(row.values) if row else {}


def _check_value(name: str, v: float | list[float]) -> None:
    """Refuse a value off the input's scale, naming the input and its range (and a range out of order)."""
    loc: list[str | int] = ["body", "values", name]
    triple = v if isinstance(v, list) else [v, v, v]
    low, likely, high = triple
    if isinstance(v, list) and not low <= likely <= high:
        raise _bad(loc, f"{scoring_fields.label(name)}: give [low, likely, high] in order, got {v}", v)
    for x in (low, high):
        message = scoring_fields.refusal(name, [x])
        if message is not None:
            raise _bad(loc, message, x)


def set_inputs(*, uow: UnitOfWork, workspace_id: int, actor: Actor, feature_id: int,
               data: ScoringInputsIn) -> dict[str, Any]:
    """Merge entered inputs into a feature's (null removes one). Unknown fields are refused by name."""
    records.get(uow=uow, spec=feature_service.SPEC, workspace_id=workspace_id, record_id=feature_id)
    for name, v in data.values.items():
        if name not in ENTERED:
            hint = f" ({name} is computed from other records)" if name in DERIVED else ""
            raise _bad(["body", "values", name], f"unknown scoring input '{name}'{hint}; use "
                       f"{', '.join(ENTERED)}", name)
        if v is not None:
            _check_value(name, v)
    row = uow.session.scalar(select(ScoringInput).where(ScoringInput.workspace_id == workspace_id,
                                                        ScoringInput.feature_id == feature_id))
    before = dict(row.values) if row else {}
    after = {**before, **{k: v for k, v in data.values.items() if v is not None}}
    for k, v in data.values.items():
        if v is None:
            after.pop(k, None)
    if row is None:
        row = ScoringInput(workspace_id=workspace_id, feature_id=feature_id, values=after)
        uow.session.add(row)
    else:
        row.values = after
    uow.session.flush()
    audit.record(uow=uow, workspace_id=workspace_id, actor=actor, action="update", record_type="scoring_input",
                 record_id=feature_id, before=before, after=after)
    return after

# ---------------------------------------------------------------------------------------------- feature rows


@dataclass
class FeatureRow:
    """One feature's scoring inputs: likely values, ranges (uncertain ones) and where each came from."""

    feature: Feature
    values: dict[str, float | None] = field(default_factory=dict)
    ranges: dict[str, Range] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    sizing: dict[str, Any] | None = None


main_currency = customer_service.main_currency
Money = customer_service.Money


def demand_by_feature(uow: UnitOfWork, workspace_id: int, feature_ids: Sequence[int],
                      money: Money) -> dict[int, tuple[int, float, int, dict[str, float]]]:
    """feature id -> (distinct customers behind it, their ARR in the workspace's currency (others converted at its
    rates), pieces of evidence, ARR left out for want of a rate)."""
    if not feature_ids:
        return {}
    demand = insights.demand_by_target(uow=uow, workspace_id=workspace_id, kind="feature", ids=list(feature_ids))
    none: dict[str, Any] = {"customer_count": 0, "arr_by_currency": {}, "feedback_count": 0}
    out = {}
    for fid in feature_ids:
        d = demand.get(fid, none)
        arr, left_out = money.total(d["arr_by_currency"])
        out[fid] = (d["customer_count"], arr, d["feedback_count"], left_out)
    return out


def _impact_from_arr(arr: float) -> float:
    return next(points for threshold, points in IMPACT_FROM_ARR if arr >= threshold)


DaysPerPoint = tuple[float, str]  # person-days a story point takes, and where that figure comes from


def feature_rows(*, uow: UnitOfWork, workspace_id: int, features: Sequence[Feature],
                 with_sizing: bool = True, days_per_point: DaysPerPoint | None = None) -> dict[int, FeatureRow]:
    """Scoring inputs of each feature: entered values, then values derived from evidence, estimates and business
    cases. days_per_point: how to turn an estimate in story points into person-weeks (a plan scoring its own
    features passes its own); default: the live plan's, when there is one."""
    ids = [f.id for f in features]
    entered: dict[int, dict[str, Any]] = {}
    if ids:
        entered = {fid: vals for fid, vals in uow.session.execute(
            select(ScoringInput.feature_id, ScoringInput.values)
            .where(ScoringInput.workspace_id == workspace_id, ScoringInput.feature_id.in_(ids))).all()}
    money = customer_service.money(uow, workspace_id)
    currency = money.currency
    demand = demand_by_feature(uow, workspace_id, ids, money)
    estimates = _estimates(uow, workspace_id, ids, days_per_point)
    cases = {c.feature_id: c for c in uow.session.scalars(select(BusinessCase).where(
        BusinessCase.workspace_id == workspace_id, BusinessCase.feature_id.in_(ids)))} if ids and with_sizing else {}
    rows: dict[int, FeatureRow] = {}
    for f in features:
        row = FeatureRow(f)
        for name, v in entered.get(f.id, {}).items():
            if name not in ENTERED:
                continue
            if isinstance(v, list):
                row.ranges[name] = Range(float(v[0]), float(v[1]), float(v[2]))
                row.values[name] = float(v[1])
                row.sources[name] = "entered (likely of a range)"
            else:
                row.values[name] = float(v)
                row.sources[name] = "entered"
        customers, arr, evidence, left_out = demand.get(f.id, (0, 0.0, 0, {}))
        row.values.update(customers=float(customers), arr=arr, evidence=float(evidence))
        row.sources.update(customers="distinct customers behind it",
                           arr=f"ARR of those customers ({money.describe()}{customer_service.left_out_note(left_out)})",
                           evidence="pieces of evidence linked")
        if with_sizing and f.id in cases:
            _add_sizing(uow, workspace_id, row, cases[f.id])
        if f.id in estimates:
            est = estimates[f.id]
            key = "estimate_effort" if est.in_weeks else "estimate_points"
            row.values[key] = est.likely
            row.ranges[key] = Range(est.low, est.likely, est.high)
            row.sources[key] = est.source
        _fallbacks(row, currency)
        rows[f.id] = row
    return rows


def _estimates(uow: UnitOfWork, workspace_id: int, ids: list[int],
               days_per_point: DaysPerPoint | None) -> dict[int, EstimateEffort]:
    """Engineers' estimates as effort in person-weeks (person-days ÷ 5; story points × days per point ÷ 5), or
    in points with the reason when no days per point is known."""
    if not ids:
        return {}
    from tradeoff.estimates.model import Estimate

    found = list(uow.session.scalars(select(Estimate).where(Estimate.workspace_id == workspace_id,
                                                            Estimate.feature_id.in_(ids))))
    if days_per_point is None and any(e.unit == "points" for e in found):
        days_per_point = _live_days_per_point(uow, workspace_id)
    dpp, where = days_per_point if days_per_point is not None else (None, "")
    return {e.feature_id: estimate_effort(e.optimistic, e.likely, e.pessimistic, e.unit, days_per_point=dpp,
                                          per_point_from=where) for e in found}


def _live_days_per_point(uow: UnitOfWork, workspace_id: int) -> DaysPerPoint | None:
    """The live plan's days per point (what it and the forecast count a point as), None without a plan."""
    from tradeoff.plans import service as plan_service  # plans score features: imported when needed

    plan = plan_service.live_plan(uow=uow, workspace_id=workspace_id)
    return None if plan is None else (float(plan.days_per_point), f"the plan '{plan.name}'")


def _add_sizing(uow: UnitOfWork, workspace_id: int, row: FeatureRow, case: BusinessCase) -> None:
    e = case.effort_person_weeks
    row.values["effort_weeks"] = float(e["likely"])
    row.ranges["effort_weeks"] = Range(float(e["low"]), float(e["likely"]), float(e["high"]))
    row.sources["effort_weeks"] = BUSINESS_CASE_EFFORT
    found = sizing_service.feature_result(uow=uow, workspace_id=workspace_id, feature_id=row.feature.id, case=case,
                                          feature=row.feature)
    if found is None:
        return
    _, res = found
    row.sizing = sizing_service.result_out(res)
    for name, p in (("annual_value", res.annual_value), ("total_cost", res.total_cost), ("npv", res.npv)):
        row.values[name] = p.p50 if math.isfinite(p.p50) else None
        row.sources[name] = f"business case {scoring_fields.label(name)} P50 ({res.currency})"
    roi = res.roi.p50
    row.values["roi"] = roi if math.isfinite(roi) else None
    row.sources["roi"] = (f"business case ROI P50, a ratio ({format_number(roi)} = {roi:.0%})" if math.isfinite(roi)
                          else "business case ROI P50 (no cost: infinite)")
    row.ranges["annual_value"] = Range(res.annual_value.p10, res.annual_value.p50, res.annual_value.p90)


BUSINESS_CASE_EFFORT = "business case effort (person-weeks)"


def _fallbacks(row: FeatureRow, currency: str) -> None:
    v, s = row.values, row.sources

    def fill(name: str, source: str, note: str) -> bool:
        if v.get(name) is None and v.get(source) is not None:
            v[name] = v[source]
            s[name] = note
            if source in row.ranges:
                row.ranges[name] = row.ranges[source]
            return True
        return False

    if v.get("reach") is None and v.get("customers"):
        fill("reach", "customers", "customers behind it (evidence)")
    # effort and job size: the engineers' estimate once there is one (they know the work better than the PM's
    # business case), else the business case's; story points without a days-per-point are the last resort
    points = s.get("estimate_points")
    for name in ("effort", "job_size"):
        if fill(name, "estimate_effort", s.get("estimate_effort", "engineers' estimate")):
            continue
        case_note = BUSINESS_CASE_EFFORT + (f"; the {points}" if points else "")
        if not fill(name, "effort_weeks", case_note) and points:
            fill(name, "estimate_points", f"{points}; the points are used as they are")
    if not fill("value", "annual_value", "business case annual value P50") and v.get("arr"):
        fill("value", "arr", f"ARR behind it ({currency})")
    if v.get("impact") is None and v.get("arr") is not None and v.get("customers"):
        v["impact"] = _impact_from_arr(float(v["arr"] or 0))
        s["impact"] = f"the ARR behind it ({format_number(float(v['arr'] or 0))} {currency})"
