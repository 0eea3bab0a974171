"""Answers of the forecast and commitment routes (api/delivery.py): P50/P85/P95 dates per feature, release and
plan, one feature's way to customers, commitments at risk."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from tradeoff.api.responses.base import Answer, Day, Moment, Number, absent
from tradeoff.api.responses.delivery import ThroughputOut


class TeamPace(Answer):
    """A team as the simulation sees it."""

    team: str
    wip_limit: int = Field(description="Features it works on at once, at most")
    capacity_per_week: Number = Field(description="Person-days a usual week from its members' availability")
    history_weeks: int = Field(description="Weeks of finished work history it has")
    weeks_with_people_away: int = Field(description="Weeks ahead with members away (holidays, days off)")
    kept_for_tech: Number = absent("Share of its pace kept for tech and platform work; only when there is one")
    source: Literal["history", "capacity"] = Field(description="Pace from finished story points, or from capacity")
    mean_per_week: Number = absent("Mean person-days a week of its history (source history only)")
    explanation: str


class Skipped(Answer):
    feature_id: int
    title: str
    reason: str = Field(description="Why it is not forecast, e.g. 'no estimate'")


class HistogramBin(Answer):
    from_: Day = Field(alias="from")
    to: Day
    probability: Number = Field(description="Chance of finishing between `from` and `to`")


class Finish(Answer):
    """When something is done: dates by which it is done with a 50/85/95% chance, and its distribution."""

    p50: Day
    p85: Day
    p95: Day
    p50_weeks: Number = Field(description="Weeks from the forecast's start to the P50 date")
    p85_weeks: Number
    p95_weeks: Number
    probability_by_target: Number | None = Field(description="Chance of being done by `target`; null without one")
    levels: list[Number] = Field(description="Chance levels (0-1) of the finish-time distribution, with `weeks`")
    weeks: list[Number] = Field(description="Weeks from the start by which it is done with the chance in `levels`")
    max_weeks: Number = Field(description="The latest finish of all trials, in weeks")
    histogram: list[HistogramBin] = absent("Chance of finishing in each window; left out where not asked for")


class _FeatureHead(Answer):
    feature_id: int
    title: str
    team: str = Field(description="The lead team")
    category: str = Field(description="feature, tech_debt, platform, ...")
    shared_with: list[str] = Field(description="Other teams with a share of the work")
    planned_from: Day | None = Field(description="First day of work in the plan; null when the plan does not "
                                                 "schedule it")
    planned_to: Day | None = Field(description="The plan's last day to be done")
    against_plan: Literal["later", "sooner", "in window"] | None = Field(
        description="The P50 date against the plan's window: after it (later), before it opens (sooner), in it")


class FeatureFinish(Finish, _FeatureHead):
    """When one feature is done (its keys first, then its dates)."""


class ReleaseFeature(Answer):
    feature_id: int
    title: str
    team: str
    p50: Day
    p85: Day


class ReleaseFinish(Answer):
    """A release of the plan: when all its forecast features are done. A release none of whose features is
    forecast has null dates and no distribution."""

    name: str
    p50: Day | None
    p85: Day | None
    p95: Day | None
    p50_weeks: Number = absent()
    p85_weeks: Number = absent()
    p95_weeks: Number = absent()
    probability_by_target: Number | None = absent("Chance of being done by the query's `target`")
    levels: list[Number] = absent()
    weeks: list[Number] = absent()
    max_weeks: Number = absent()
    histogram: list[HistogramBin] = absent()
    target: Day | None = Field(description="The release's own target date")
    target_probability: Number | None = Field(description="Chance of making its target (0-1)")
    features: list[ReleaseFeature] = Field(description="Its forecast features, latest P85 first")
    not_forecast: list[int] = Field(description="Its features that are not forecast")
    planned_end: Day | None = absent("When the plan finishes its forecast features")
    unplanned: list[int] = absent("Its forecast features the plan does not schedule")
    plan_misses_target: bool = absent("The plan finishes it after its target, or leaves some of it out")
    plan_note: str = absent("The plan's answer in words")


class PlannedFinish(Finish):
    count: int = Field(description="The plan's own features")


class HeldUp(Answer):
    feature_id: int
    title: str


class BlockerCounted(Answer):
    """An open blocker or risk as the forecast counts it: its extra work is done before the features it holds up,
    on their team (its component's owner when that team works on them); a risk's in its likelihood's share of the
    trials."""

    blocker_id: int
    title: str
    kind: Literal["blocker", "risk"]
    likelihood: Number = Field(description="The chance its work is needed (0-1]; 1 for a blocker")
    extra: list[Number] = Field(description="Extra person-days: optimistic, likely, pessimistic")
    team: str | None = Field(description="The team that does its work; null when it is not counted")
    feature_ids: list[int] = Field(description="The features it holds up")
    held_up: list[HeldUp] = Field(description="Those of them that are forecast, in backlog order")
    counted: bool = Field(description="False when none of its features is forecast, so it moves no date")
    p50: Day | None = Field(description="When its work is done, with a 50% chance; null when not counted")
    p85: Day | None
    p95: Day | None
    reason: str = Field(description="Why it is not counted; '' when it is")


class ForecastOut(Answer):
    """P50/P85/P95 dates per feature, release and the whole plan, from a Monte Carlo simulation of the backlog
    (effort ranges × team pace, WIP limits and dependencies)."""

    start: Day = Field(description="The day the simulation starts from")
    today: Day
    target: Day | None
    trials: int
    plan_id: int | None
    plan_name: str | None
    source: str = Field(description="auto, capacity or history, as asked")
    teams: list[TeamPace]
    skipped: list[Skipped] = Field(description="Features that cannot be forecast, with why")
    unit: str = Field(description="The unit of effort: person-days")
    status: Literal["ok", "declined"]
    reason: str = Field(description="Why it is declined; '' when ok")
    features: list[FeatureFinish] = Field(description="In the plan's order, then other estimated features")
    releases: list[ReleaseFinish]
    plan: Finish | None = Field(description="When everything forecast is done")
    blockers: list[BlockerCounted] = Field(description="Open blockers and risks, counted in every date above")
    planned_features: PlannedFinish | None = absent(
        "When the plan's own features are done, when others are forecast after them; null when all are the plan's")
    throughput: ThroughputOut = absent("Items finished from the work history")


class FeatureForecastOut(Answer):
    feature_id: int
    status: Literal["ok", "declined"]
    reason: str = Field(description="Why it is not forecast; '' when it is")
    start: Day
    target: Day | None
    trials: int
    teams: list[TeamPace]
    forecast: FeatureFinish | None
    held_up_by: list[BlockerCounted] = Field(description="Open blockers and risks whose work comes before it, "
                                                         "counted in its dates")


class TeamShare(Answer):
    team_id: int
    team: str
    share: Number = Field(description="Its share of the work (0-1)")


class Progress(Answer):
    """How far the feature's linked work items are."""

    items: int
    done_items: int
    points: Number
    done_points: Number
    estimate_points: Number = Field(description="The feature's likely estimate in points, when known (else 0)")
    done_share: Number = Field(description="Share of it done (0-1): what plans and forecasts no longer count")
    summary: str


class DeliveryEstimate(Answer):
    optimistic: Number
    likely: Number
    pessimistic: Number
    unit: str = Field(description="days (person-days) or points")
    confidence: Number
    team_id: int | None
    split: list[TeamShare] = Field(description="Shared work: each team's share, lead first; [] for one team")
    category: str
    explanation: str
    progress: Progress | None = Field(description="Null until some of its linked work is done")


class Placement(Answer):
    """The feature's place in the live plan, or why it has none."""

    plan_id: int | None
    plan_name: str | None
    scheduled: bool
    reason: str = Field(description="Why it is not scheduled; '' when it is")
    period: int = absent("The period it is done in, 1 for the first")
    after_by: bool = absent("The plan finishes it after the query's `by`")
    first_period: int = absent("The period work on it starts in, 1 for the first")
    period_start: Day = absent()
    period_end: Day = absent()
    team: str = absent()
    effort_days: Number = absent()
    effort_by_team: dict[str, Number] = absent()


class DeliveryForecast(Answer):
    p50: Day
    p85: Day
    p95: Day
    p50_weeks: Number
    p85_weeks: Number
    p95_weeks: Number
    histogram: list[HistogramBin]
    team: str
    shared_with: list[str]
    planned_from: Day | None
    planned_to: Day | None
    against_plan: Literal["later", "sooner", "in window"] | None
    start: Day
    trials: int
    by: Day | None = Field(description="The query's `by`")
    probability_by: Number | None = Field(description="Chance of being done by `by`")
    threshold: Number = Field(description="The workspace's risk threshold")
    likely_enough_by: Day | None = Field(description="The first day with at least the threshold's chance")
    at_risk_by: bool | None = Field(description="A promise for `by` would be at risk from the start")
    held_up_by: list[BlockerCounted] = Field(description="Open blockers and risks whose work comes first")


class PlanCheck(Answer):
    """Whether the live plan keeps a promise."""

    status: str = Field(description="in plan, after due, not planned, beyond plan or plan older")
    conflict: bool = Field(description="The plan does not keep it as it stands")
    planned_end: Day | None
    plan_id: int
    detail: str


class CommitmentRow(Answer):
    id: int
    feature_id: int
    feature: str = Field(description="The feature's title")
    customer_id: int
    customer: str
    arr_at_stake: Number = Field(description="The customer's ARR (0 for a prospect)")
    currency: str
    prospect: bool = Field(description="Promised to a prospect: not a customer yet")
    deal_at_stake: Number = Field(description="The customer's or prospect's open deal (expected ARR; 0: none)")
    deal_close: Day | None = Field(description="When that deal is expected to close")
    due_after_deal_close: bool = Field(description="The promise is due after the open deal is expected to close")
    not_planned: Literal["idea", "discovery"] | None = Field(
        description="The feature is still an idea or in discovery: not marked planned, so the briefs give it no date "
                    "and its chance is only the live plan's order")
    due: Day
    promised_by: str
    probability: Number | None = Field(description="Chance of keeping it, from the last forecast (0-1)")
    at_risk: bool = Field(description="Its chance is below the threshold (and the feature has not shipped)")
    shipped: bool
    forecast_reason: str = Field(description="Why there is no chance; or how a shipped feature settled it")
    forecast_at: Moment | None
    kept_by: Day | None = Field(description="The first day the last forecast gives the threshold's chance")
    plan_check: PlanCheck | None = Field(description="Null without a solved live plan, or once shipped")


class ReleaseWatch(Answer):
    name: str
    target: Day | None
    features: int = Field(description="How many features the release has")
    probability: Number | None = Field(description="Last forecast chance of making its target")
    kept_by: Day | None
    forecast_reason: str | None
    at_risk: bool
    missed: bool
    made: bool


class FeatureDeliveryOut(Answer):
    """Where a feature stands on its way to customers."""

    feature_id: int
    title: str
    status: str
    estimate: DeliveryEstimate | None
    plan: Placement | None = Field(description="Null once shipped or won't do")
    forecast: DeliveryForecast | None
    forecast_reason: str = Field(description="Why there is no forecast; '' when there is")
    commitments: list[CommitmentRow]
    releases: list[ReleaseWatch] = Field(description="The live plan's releases it is in")


class MoneyTotal(Answer):
    amount: Number
    currency: str
    how: str = Field(description="The rates used")
    left_out: str = Field(description="What had no exchange rate, in words; '' when nothing")


class CommitmentOverviewOut(Answer):
    threshold: Number = Field(description="The workspace's risk threshold (0-1)")
    items: list[CommitmentRow] = Field(description="By due date")
    at_risk_count: int
    arr_at_risk: dict[str, Number] = Field(description="ARR of customers with a promise at risk, per currency "
                                                       "(each customer once)")
    arr_at_risk_total: MoneyTotal | None = Field(description="That ARR in the workspace's currency; null when none")
    deals_at_risk: dict[str, Number] = Field(description="Open deals (expected ARR) of customers and prospects with a "
                                                         "promise at risk, per currency (each once)")


class CommitmentEvent(Answer):
    id: int
    commitment_id: int
    kind: Literal["at_risk", "back_on_track"]
    probability_before: Number | None
    probability_after: Number | None
    threshold: Number
    created_at: Moment


class ReleaseEvent(Answer):
    release: str
    kind: str = Field(description="at_risk or back_on_track")
    probability_before: Number | None
    probability_after: Number | None


class RecomputeOut(Answer):
    threshold: Number
    recomputed: int = Field(description="Commitments forecast again")
    reason: str = Field(description="Why they could not be forecast; '' when they were")
    events: list[CommitmentEvent] = Field(description="Threshold crossings recorded now")
    release_events: list[ReleaseEvent]


class CommitmentEventsOut(Answer):
    items: list[CommitmentEvent] = Field(description="Newest first")


class DeliverySettingsOut(Answer):
    risk_threshold: Number = Field(description="Commitments below this chance are at risk")
