"""Forecasts for briefs and blocker impact: when each roadmap feature is done, with probabilities.

With issue 5's forecast service installed, the backlog, team inputs, seed and trials are the service's own, so
the dates here match the Forecast screen (open blockers and risks counted); a blocker's impact is the same
simulation run without it. When the forecast service is not installed, the brief says forecasts are not available.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from tradeoff.briefs import facts
from tradeoff.core import forecasting_backlog_summary as fb_summary
from tradeoff.errors import TradeoffError
from tradeoff.features.model import Feature
from tradeoff.storage.uow import UnitOfWork

TABLES = ("estimates", "teams", "team_members", "plans", "work_items")


@dataclass(frozen=True)
class RoadmapForecast:
    """`features`: feature id → forecast (every estimated open feature of the workspace: they share the teams;
    open blockers and risks counted);
    `missing`: why there is no forecast at all; `skipped`: feature id → why that feature is not forecast."""

    start: date
    features: Mapping[int, fb_summary.FinishForecast] = field(default_factory=dict)
    missing: str = ""
    skipped: Mapping[int, str] = field(default_factory=dict)
    teams: tuple[str, ...] = ()
    blockers: tuple[dict[str, Any], ...] = ()  # the blockers and risks counted, each with when it is cleared

    def of(self, feature_id: int) -> fb_summary.FinishForecast | None:
        return self.features.get(feature_id)


def roadmap_forecast(uow: UnitOfWork, workspace_id: int, features: Sequence[Feature], start: date,
                     without_blockers: Collection[int] = (), adding_blockers: Sequence[Any] = ()) -> RoadmapForecast:
    """Forecast from `start` (today), counting the open blockers and risks but those in `without_blockers` (ids),
    and `adding_blockers` (closed ones, as records): a blocker's impact is the forecast with it against without it.
    `features`: the brief's features, used only to say what is missing."""
    svc = facts.optional("tradeoff.forecasts.service")
    if svc is None or not hasattr(svc, "simulate_roadmap") or not facts.has_tables(uow, *TABLES):
        return RoadmapForecast(start, missing="No forecasts yet: forecasting is not available in this install "
                                              "(it needs estimates, teams and work history).")
    if not any(f.status in facts.ROADMAP for f in features):
        return RoadmapForecast(start, missing="No forecasts yet: nothing in this scope is planned or in progress.")
    try:
        sim = svc.simulate_roadmap(uow=uow, workspace_id=workspace_id, start=start,
                                   without_blockers=without_blockers, adding_blockers=adding_blockers)
    except TradeoffError as exc:
        return RoadmapForecast(start, missing=f"No forecasts yet: {exc.message}")
    begins = sim.start or start  # the live plan's start, when later than today
    if sim.forecast is None:
        return RoadmapForecast(begins, missing=f"No forecasts yet: {sim.reason}", skipped=sim.skipped)
    return RoadmapForecast(begins, {int(f.name): f for f in sim.forecast.features}, "", sim.skipped, sim.teams,
                           sim.blockers)


def when(fc: fb_summary.FinishForecast) -> str:
    """'P50 3 Mar 2027 · P85 17 Mar 2027 · P95 31 Mar 2027': never a date without its probability."""
    return f"P50 {short(fc.p50)} · P85 {short(fc.p85)} · P95 {short(fc.p95)}"


def short(d: date) -> str:
    return f"{d.day} {d:%b %Y}"


def describe_missing(fc: RoadmapForecast, feature_id: int) -> str:
    if fc.missing:
        return "not yet forecast"
    reason = fc.skipped.get(feature_id)
    return f"not yet forecast ({reason})" if reason else "not yet forecast"


def as_dict(f: fb_summary.FinishForecast) -> dict[str, Any]:
    return {"p50": f.p50.isoformat(), "p85": f.p85.isoformat(), "p95": f.p95.isoformat(),
            "p50_weeks": round(f.p50_weeks, 2), "p85_weeks": round(f.p85_weeks, 2), "p95_weeks": round(f.p95_weeks, 2)}
