"""Answers of the plan routes (api/delivery.py): a solved plan beside a what-if scenario, and the roadmap board."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from tradeoff.api.responses.base import Answer, Day, Number


class ScheduledFeature(Answer):
    """A feature the plan chose, and when it is worked on."""

    feature_id: int
    title: str
    period: int = Field(description="The period it is done in, 0 for the first")
    first_period: int = Field(description="The period work on it starts in, 0 for the first")
    period_start: Day = Field(description="The first day of `first_period`")
    period_end: Day = Field(description="The last day of `period`: when it is planned to be done")
    team: str = Field(description="The lead team")
    effort_days: Number = Field(description="Person-days of work left (the PERT mean of its estimate)")
    value: Number = Field(description="Its value under the plan's value source (see value_unit)")
    category: str = Field(description="feature, tech_debt, platform, ...")
    committed_to: list[str] = Field(description="Customers it is promised to")
    effort_by_team: dict[str, Number] = Field(description="Person-days per team, lead first")
    in_progress: bool
    done_share: Number = Field(description="Share of its linked work already done (0-1)")


class Delivered(Answer):
    period: int = Field(description="1 for the first period")
    end: Day
    value: Number = Field(description="Value delivered by the end of the period, cumulative")


class GreedyPlan(Answer):
    """The "sort by value/effort and fill" plan, for comparison."""

    value: Number
    feasible: bool = Field(description="False when it could not place every must-have")
    schedule: list[ScheduledFeature]
    delivered: list[Delivered]


class PlanPeriod(Answer):
    period: int = Field(description="1 for the first period")
    start: Day
    end: Day


class NotChosen(Answer):
    feature_id: int
    title: str
    value: Number
    effort_days: Number
    reason: str


class Excluded(Answer):
    feature_id: int
    title: str
    reason: str = Field(description="Why it could not be planned, e.g. 'no estimate'")


class PlanResult(Answer):
    """A solved plan: the features chosen and when, the value delivered, and what was left out with why."""

    status: Literal["optimal", "time_limit", "feasible"] = Field(
        description="optimal, or the best found when the time limit ended the search (time_limit, feasible)")
    value: Number = Field(description="Total value of the chosen features")
    bound: Number = Field(description="A proven upper bound on the best value")
    gap: Number = Field(description="(bound - value) / bound: how far from the best it may be")
    seconds: Number = Field(description="Time spent solving")
    value_source: str = Field(description="What a feature's value is: score, arr, arr_deals (ARR and open deals) or manual")
    value_note: str = Field(description="The value source in words")
    value_unit: str = Field(description="The values' currency when they are ARR; '' for scores and manual values")
    schedule: list[ScheduledFeature] = Field(description="In the order work starts")
    greedy: GreedyPlan
    value_difference: Number = Field(description="value − the greedy plan's value")
    value_difference_pct: Number | None = Field(description="value_difference / the greedy plan's value; null "
                                                            "when that is 0")
    periods: list[PlanPeriod]
    delivered: list[Delivered]
    milestones: list[int] = Field(description="Periods (0-based) to show value delivered by: a quarter, half, "
                                              "three quarters and all of the plan")
    capacity: dict[str, list[Number]] = Field(description="Person-days per period, per team")
    load: dict[str, list[Number]] = Field(description="Person-days planned per period, per team")
    kept_for_tech: dict[str, Number] = Field(description="Each team's share kept for tech and platform work")
    not_chosen: list[NotChosen]
    excluded: list[Excluded] = Field(description="Features that could not be candidates")
    notes: list[str]


class _ScenarioName(Answer):
    name: str = Field(description="The scenario's name, or its changes in words ('+1 person on Payments')")


class ScenarioResult(PlanResult, _ScenarioName):
    """The what-if scenario, solved (its name first)."""


class InfeasibleScenario(Answer):
    """A what-if with no feasible plan."""

    name: str
    infeasible: str = Field(description="Why no plan fits")


class AddedFeature(Answer):
    feature_id: int
    title: str


class RemovedFeature(Answer):
    feature_id: int
    title: str
    reason: str


class MovedFeature(Answer):
    feature_id: int
    title: str
    from_period: int = Field(description="1 for the first period")
    to_period: int


class PlanDiff(Answer):
    added: list[AddedFeature] = Field(description="Chosen in the scenario, not in the plan")
    removed: list[RemovedFeature] = Field(description="Chosen in the plan, not in the scenario")
    moved: list[MovedFeature]
    value_difference: Number = Field(description="The scenario's value − the plan's")


class FeatureDates(Answer):
    feature_id: int
    title: str
    plan_p85: Day | None = Field(description="P85 date with the plan's schedule")
    what_if_p85: Day | None = Field(description="P85 date with the scenario's")


class PromiseChances(Answer):
    commitment_id: int
    feature_id: int
    customer: str
    due: Day
    title: str = Field(description="The feature's title")
    plan_probability: Number | None = Field(description="Chance of keeping it with the plan (0-1)")
    what_if_probability: Number | None = Field(description="Chance of keeping it with the scenario (0-1), by "
                                                           "`what_if_due`")
    what_if_due: Day = Field(description="The day it is due in the scenario: `due`, or the deadline the scenario "
                                         "moves it to")


class FeatureMove(FeatureDates):
    sooner: bool = Field(description="The what-if's P85 date is earlier than the plan's")


class ScenarioDates(Answer):
    """The forecast of the plan's schedule and of the scenario's, side by side."""

    status: Literal["ok", "declined"]
    reason: str
    features: list[FeatureDates]
    moves: list[FeatureMove] = Field(description="The features whose P85 date the what-if moves")
    commitments: list[PromiseChances]


class WhatIfOut(Answer):
    plan: PlanResult
    scenario: ScenarioResult | InfeasibleScenario
    diff: PlanDiff | None = Field(description="What the scenario changes; null when either has nothing planned "
                                              "or the scenario is infeasible")
    dates: ScenarioDates


class BoardItem(Answer):
    feature_id: int
    title: str
    status: str
    period: int | None = Field(description="The period the plan finishes it in, 1 for the first; null: not "
                                           "scheduled")
    first_period: int | None = Field(description="The period work on it starts in, 1 for the first")
    team: str | None
    category: str = Field(description="feature, tech_debt, platform, ...")
    estimated: bool


class RoadmapBoardOut(Answer):
    """Now / Next / Later from a solved plan (the live one unless plan_id says)."""

    plan_id: int | None
    plan_name: str | None
    solved: bool
    now: list[BoardItem] = Field(description="Work starting in the first period, or in progress")
    next: list[BoardItem] = Field(description="Work starting in periods 2-3")
    later: list[BoardItem] = Field(description="Work starting later, or planned but not scheduled")
    technology: list[BoardItem] = Field(description="Tech-debt and platform work, from all three lanes")
    ideas: int = Field(description="Ideas nobody has planned or estimated (not on the board)")


class MarkedFeature(Answer):
    id: int
    title: str
    version: int = Field(description="Its version after the change (for If-Match)")


class MarkedPlannedOut(Answer):
    """The features a plan chose that were still ideas or in discovery, now planned ([] when none was)."""

    plan_id: int
    marked: list[MarkedFeature]
