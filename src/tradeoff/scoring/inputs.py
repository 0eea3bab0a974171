"""Scoring inputs per feature: the ones a PM enters, and the ones filled in from other records.

Inputs a PM enters win; missing ones are filled from other records and say where they came from:
reach ← distinct customers behind the feature (evidence links), impact ← the ARR of those customers,
effort and job size ← the business case's effort (person-weeks), else the engineering estimate (person-days / 5),
value ← the business case's annual value
P50 (else the ARR behind it).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from tradeoff.audit import service as audit
from tradeoff.core.formula import format_number
from tradeoff.core.sizing import Range
from tradeoff.customers import service as customer_service
from tradeoff.features import service as feature_service
from tradeoff.features.model import Feature
from tradeoff.insights import service as insights
from tradeoff.records import service as records
from tradeoff.scoring.model import ScoringInput
from tradeoff.scoring.schemas import ScoringInputsIn
from tradeoff.scoring.service import CRITERIA, DERIVED, ENTERED, _bad
from tradeoff.sizing import service as sizing_service
from tradeoff.storage.uow import Actor, UnitOfWork

# impact (RICE points) from the ARR behind a feature: ARR at or above the threshold gives the points
IMPACT_FROM_ARR = ((1_000_000, 3.0), (250_000, 2.0), (50_000, 1.0), (1, 0.5), (0, 0.25))


# ---------------------------------------------------------------------------------------------- inputs


def get_inputs(*, uow: UnitOfWork, workspace_id: int, feature_id: int) -> dict[str, Any]:
    row = uow.session.scalar(select(ScoringInput).where(ScoringInput.workspace_id == workspace_id,
                                                        ScoringInput.feature_id == feature_id))
    return dict(row.values) if row else {}


def _check_value(name: str, v: float | list[float]) -> None:
    loc: list[str | int] = ["body", "values", name]
    triple = v if isinstance(v, list) else [v, v, v]
    low, likely, high = triple
    if isinstance(v, list) and not low <= likely <= high:
        raise _bad(loc, f"{name}: give [low, likely, high] in order, got {v}", v)
    if low < 0:
        raise _bad(loc, f"{name} cannot be negative, got {format_number(low)}", low)
    if name == "confidence" and high > 1:
        raise _bad(loc, f"confidence is a share between 0 and 1 (0.8 = 80%), got {format_number(high)}", high)
    if name in CRITERIA and name != "reach" and high > 10:
        raise _bad(loc, f"{name} is a criterion scored 0–10 points, got {format_number(high)}", high)


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


def feature_rows(*, uow: UnitOfWork, workspace_id: int, features: Sequence[Feature],
                 with_sizing: bool = True) -> dict[int, FeatureRow]:
    """Scoring inputs of each feature: entered values, then values derived from evidence and business cases."""
    ids = [f.id for f in features]
    entered: dict[int, dict[str, Any]] = {}
    if ids:
        entered = {fid: vals for fid, vals in uow.session.execute(
            select(ScoringInput.feature_id, ScoringInput.values)
            .where(ScoringInput.workspace_id == workspace_id, ScoringInput.feature_id.in_(ids))).all()}
    money = customer_service.money(uow, workspace_id)
    currency = money.currency
    demand = demand_by_feature(uow, workspace_id, ids, money)
    estimates = _estimates(uow, workspace_id, ids)
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
        if with_sizing:
            _add_sizing(uow, workspace_id, row)
        if f.id in estimates:
            low, likely, high, unit = estimates[f.id]
            row.values["estimate_effort"] = likely
            row.ranges["estimate_effort"] = Range(low, likely, high)
            row.sources["estimate_effort"] = f"engineering estimate ({unit})"
        _fallbacks(row, currency)
        rows[f.id] = row
    return rows


def _estimates(uow: UnitOfWork, workspace_id: int, ids: list[int]) -> dict[int, tuple[float, float, float, str]]:
    """Engineering estimates as effort in person-weeks (person-days / 5; points are kept as points)."""
    if not ids:
        return {}
    from tradeoff.estimates.model import Estimate

    out = {}
    for e in uow.session.scalars(select(Estimate).where(Estimate.workspace_id == workspace_id,
                                                        Estimate.feature_id.in_(ids))):
        per = 5.0 if e.unit == "days" else 1.0
        unit = "person-weeks" if e.unit == "days" else "points"
        out[e.feature_id] = (e.optimistic / per, e.likely / per, e.pessimistic / per, unit)
    return out


def _add_sizing(uow: UnitOfWork, workspace_id: int, row: FeatureRow) -> None:
    case = sizing_service.get_case(uow=uow, workspace_id=workspace_id, feature_id=row.feature.id)
    if case is None:
        return
    e = case.effort_person_weeks
    row.values["effort_weeks"] = float(e["likely"])
    row.ranges["effort_weeks"] = Range(float(e["low"]), float(e["likely"]), float(e["high"]))
    row.sources["effort_weeks"] = "business case effort (person-weeks)"
    found = sizing_service.feature_result(uow=uow, workspace_id=workspace_id, feature_id=row.feature.id, case=case)
    if found is None:
        return
    _, res = found
    row.sizing = sizing_service.result_out(res)
    for name, p in (("annual_value", res.annual_value), ("total_cost", res.total_cost), ("npv", res.npv),
                    ("roi", res.roi)):
        row.values[name] = p.p50 if math.isfinite(p.p50) else None
        row.sources[name] = f"business case {name.replace('_', ' ')} P50 ({res.currency})"
    row.ranges["annual_value"] = Range(res.annual_value.p10, res.annual_value.p50, res.annual_value.p90)


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
    # effort: the business case's, else the engineers' estimate once there is one
    if not fill("effort", "effort_weeks", "business case effort (person-weeks)"):
        fill("effort", "estimate_effort", s.get("estimate_effort", "engineering estimate"))
    if not fill("job_size", "effort_weeks", "business case effort (person-weeks)"):
        fill("job_size", "estimate_effort", s.get("estimate_effort", "engineering estimate"))
    if not fill("value", "annual_value", "business case annual value P50") and v.get("arr"):
        fill("value", "arr", f"ARR behind it ({currency})")
    if v.get("impact") is None and v.get("arr") is not None and v.get("customers"):
        v["impact"] = _impact_from_arr(float(v["arr"] or 0))
        s["impact"] = f"from the ARR behind it ({format_number(float(v['arr'] or 0))} {currency})"

