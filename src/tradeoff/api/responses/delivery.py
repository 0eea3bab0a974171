"""Answers of the capacity, estimate and work-history routes (api/delivery.py)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from tradeoff.api.responses.base import Answer, Day, Moment, Number, absent
from tradeoff.estimates.schemas import EstimateOut


class CapacityPeriod(Answer):
    period: int = Field(description="1 for the first period")
    start: Day
    end: Day = Field(description="The period's last day")
    person_days: Number = Field(description="The members' availability minus holidays and days off")
    for_features: Number = Field(description="What is left for feature work after the tech share")
    kept_for_tech: Number = Field(description="The team's tech share of it, for tech debt and platform work")


class TeamCapacityOut(Answer):
    """A team's capacity in person-days per period."""

    team_id: int
    team: str
    period_days: int
    wip_limit: int = Field(description="Features the team works on at once, at most")
    tech_share: Number = Field(description="Share of capacity kept for tech debt and platform work (0-1)")
    members: int
    periods: list[CapacityPeriod]
    total_person_days: Number
    note: str = Field(description="Why the capacity is zero, when it is; '' otherwise")


class Neighbour(Answer):
    """A finished feature (or sized work item) like the one being estimated."""

    key: str = Field(description="'#12' for a feature, the tracker's key for a work item")
    title: str
    actual: Number = Field(description="Its size, in story points")
    similarity: Number = Field(description="How alike the texts are, 0-1, counting every word of the feature's text")


class CycleTimeContext(Answer):
    """What similar finished work items took in elapsed days: context for the estimate, never the estimate (it
    includes waiting, and is not effort)."""

    items: int = Field(description="Similar finished items (similarity at least the floor)")
    low: Number = Field(description="Fewest elapsed days (their 10th percentile from 10 items on)")
    median: Number
    high: Number = Field(description="Most elapsed days (their 90th percentile from 10 items on)")
    measured_from: str = Field(description="'start', 'creation' (the tracker gave no start date) or both")
    team_id: int | None = Field(description="The team whose items these are; null for every team's")
    text: str


class EstimateSuggestionOut(Answer):
    """A suggested range in story points from similar sized work; `status` declined (with `reason`) when there is
    too little history, no story points, or nothing similar enough, and then no figures."""

    feature_id: int
    feature_title: str
    unit: Literal["points"] = Field(description="The range's unit: story points, which the estimate form takes")
    history_items: int = Field(description="Finished features, or work items sized in story points, compared with")
    reference: Literal["features", "work items"] = Field(description="What the feature is compared with")
    status: Literal["ok", "declined"]
    reason: str
    similarity_floor: Number = Field(description="Similarity from which an item counts as similar")
    best_similarity: Number = absent("Similarity of the most similar item")
    similar_items: int = absent("Items at least `similarity_floor` alike (a range needs 3)")
    team_id: int = absent("The team whose own items were compared (absent: every team's)")
    team: str = absent("That team's name")
    p10: Number = absent("Optimistic end (10th percentile of like work)")
    p50: Number = absent("Likely size (median of like work)")
    p90: Number = absent("Pessimistic end (90th percentile of like work)")
    calibrated: bool = absent("P10-P90 adjusted by how past suggestions fared")
    calibration_coverage: Number | None = absent("Share of past work the calibrated range held; null when not "
                                                 "calibrated")
    history_median: Number = absent("Median size of all the work compared with")
    explanation: str = absent()
    neighbours: list[Neighbour] = absent("The most similar work, most alike first (also when none is alike "
                                         "enough: the closest)")
    cycle_time: CycleTimeContext = absent("What similar finished items took from start to done, as context")


class EstimateListOut(Answer):
    items: list[EstimateOut]
    next: str | None = Field(description="Cursor for the next page, or null on the last page.")


class ThroughputCount(Answer):
    weeks: int
    p50: int = Field(description="Items finished in the next `weeks` weeks, at least, with a 50% chance")
    p85: int
    p95: int


class ThroughputDate(Answer):
    items: int
    p50: Day | None = Field(description="The next `items` items are done by then with a 50% chance; null: not "
                                         "within the simulated horizon")
    p85: Day | None
    p95: Day | None


class ThroughputOut(Answer):
    """How many work items the workspace finishes, from its finished work (declined when the history is too thin
    or stale)."""

    status: str = Field(description="ok or declined")
    reason: str = Field(description="Why it is declined; '' when ok")
    method: str = Field(description="How it is simulated")
    history_weeks: int
    finished_items: int
    counts: list[ThroughputCount] = Field(description="Items finished in the next 2, 4 and 8 weeks")
    dates: list[ThroughputDate] = Field(description="When the next 10, 25 and 50 items will be done")


class WorkHistorySummaryOut(Answer):
    items: int = Field(description="Work items imported")
    finished: int
    with_points: int
    first_finished: Moment | None
    last_finished: Moment | None
    throughput: ThroughputOut
