"""Release targets watched like promises. A release of the live plan that has a target date keeps, on the plan,
its last forecast chance of making the target, the first day likely enough (the workspace's risk threshold) and
when that was forecast. Whenever the promises are re-forecast (an estimate, a team's capacity or the live plan
changed), so are the targets, and a target falling below the threshold is published as `release.at_risk`.
"Needs attention" reads these stored facts; it never runs a forecast."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from tradeoff.features.model import Feature, FeatureStatus
from tradeoff.plans.model import Plan
from tradeoff.storage.base import iso_utc, store_derived
from tradeoff.storage.uow import UnitOfWork

TRACKED = ("probability", "kept_by", "forecast_at", "forecast_reason", "made")


def carry(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`after` (releases as the user just wrote them) with each one's last forecast kept from the release of the
    same name in `before`, so a crossing of the threshold is still seen when a release is edited."""
    old = {r["name"]: r for r in before}
    return [{**r, **{k: old[r["name"]][k] for k in TRACKED if k in old.get(r["name"], {})}} if r.get("target")
            else r for r in after]


def watched(plan: Plan | None) -> list[dict[str, Any]]:
    """The releases with a target date: the ones whose chance is kept."""
    return [r for r in (plan.releases if plan else []) if r.get("target")]


def at_risk(release: dict[str, Any], threshold: float) -> bool:
    """Forecast below the threshold, or not forecastable at all (nobody can vouch for the date)."""
    return release.get("probability") is None or float(release["probability"]) < threshold


@dataclass(frozen=True)
class Crossing:
    name: str
    kind: str  # "at_risk" | "back_on_track"
    probability_before: float | None
    probability: float | None


def _shipped(uow: UnitOfWork, workspace_id: int, ids: set[int]) -> set[int]:
    return set(uow.session.scalars(select(Feature.id).where(
        Feature.workspace_id == workspace_id, Feature.id.in_(ids), Feature.status == FeatureStatus.shipped.value)))


def track(*, uow: UnitOfWork, workspace_id: int, plan: Plan, fc: dict[str, Any] | None, reason: str,
          threshold: float, now: datetime, threshold_before: float | None = None) -> list[Crossing]:
    """Store each targeted release's chance from the workspace forecast `fc` (None: it could not be made, `reason`
    says why) and return the threshold crossings (against `threshold_before` when the threshold was just changed
    from it). A release whose features have all shipped is made (chance 1)."""
    from tradeoff.forecasts import service as forecast_service

    forecast = {r["name"]: r for r in (fc or {}).get("releases", [])}
    shipped = _shipped(uow, workspace_id, {int(i) for r in watched(plan) for i in r["feature_ids"]})
    crossings: list[Crossing] = []
    out = []
    for r in plan.releases:
        if not r.get("target"):
            out.append({k: v for k, v in r.items() if k not in TRACKED})
            continue
        before = r.get("probability")
        was = r.get("forecast_at") is not None and at_risk(r, threshold if threshold_before is None else threshold_before)
        row = forecast.get(r["name"])
        new = dict(r, forecast_at=iso_utc(now))
        if r["feature_ids"] and set(map(int, r["feature_ids"])) <= shipped:
            new |= {"probability": 1.0, "kept_by": None, "forecast_reason": "every feature has shipped", "made": True}
        elif fc is not None and row is not None and row["target_probability"] is not None:
            new |= {"probability": round(float(row["target_probability"]), 4),
                    "kept_by": (d.isoformat() if (d := forecast_service.release_date_at(fc, r["name"], threshold))
                                else None),
                    "forecast_reason": "", "made": False}
        else:
            new |= {"probability": None, "kept_by": None,
                    "forecast_reason": reason or "none of its features is forecast (estimate them, with a team)",
                    "made": False}
        now_at_risk = at_risk(new, threshold)
        if now_at_risk != was and (r.get("forecast_at") is not None or now_at_risk):
            crossings.append(Crossing(r["name"], "at_risk" if now_at_risk else "back_on_track", before,
                                      new["probability"]))
        out.append(new)
    store_derived(uow.session, plan, releases=out)  # derived facts: the plan's version (its ETag) stays
    _notify(uow, workspace_id, plan, crossings, threshold)
    return crossings


def _notify(uow: UnitOfWork, workspace_id: int, plan: Plan, crossings: list[Crossing], threshold: float) -> None:
    from tradeoff.accounts.model import Workspace
    from tradeoff.notifications import service as notifications

    falling = [c for c in crossings if c.kind == "at_risk"]
    if not falling:
        return
    ws = uow.session.get(Workspace, workspace_id)
    by_name = {r["name"]: r for r in plan.releases}
    for c in falling:
        r = by_name[c.name]
        pct = "unknown" if c.probability is None else f"{c.probability:.0%}"
        notifications.publish(
            uow, workspace_id, "release.at_risk",
            {"plan_id": plan.id, "release": c.name, "target": r["target"], "probability": c.probability,
             "probability_before": c.probability_before, "threshold": threshold, "kept_by": r.get("kept_by"),
             "feature_ids": r["feature_ids"]},
            subject=f"plan:{plan.id}",
            summary=f"Release '{c.name}' is at risk: {pct} chance of making its target {r['target']}"
            + (f"; {threshold:.0%} chance by {r['kept_by']}" if r.get("kept_by") else ""),
            link=f"/w/{ws.slug if ws else ''}/roadmap#releases")


def status(plan: Plan | None, threshold: float, today: date) -> list[dict[str, Any]]:
    """The live plan's targeted releases as last forecast (stored facts only), each with `at_risk` and
    `missed` (the target has passed and it is not made)."""
    out = []
    for r in watched(plan):
        made = bool(r.get("made"))
        out.append({**r, "forecast": r.get("forecast_at") is not None, "made": made,
                    "missed": not made and date.fromisoformat(r["target"]) < today,
                    "at_risk": r.get("forecast_at") is not None and not made and at_risk(r, threshold)})
    return out


def in_forecast(fc: dict[str, Any], threshold: float) -> list[dict[str, Any]]:
    """The releases of a forecast() answer, each with `at_risk` (its target's chance below the threshold) and
    `likely_by` (the first day with the threshold's chance): the roadmap's release view."""
    from tradeoff.forecasts import service as forecast_service

    return [r | {"at_risk": r["target_probability"] is not None and r["target_probability"] < threshold,
                 "likely_by": forecast_service.release_date_at(fc, r["name"], threshold) if r["target"] else None}
            for r in fc.get("releases", [])]
