from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import AliasChoices, BaseModel, Field, StringConstraints, field_validator, model_validator

from tradeoff.plans.model import ValueSource
from tradeoff.records.schemas import Input, LongText, Name, RecordOut

Ids = Annotated[list[int], Field(max_length=2000)]
FrameworkName = Annotated[str, StringConstraints(strip_whitespace=True, max_length=60)]


class ReleaseIn(Input):
    name: Name
    feature_ids: Annotated[list[int], Field(min_length=1, max_length=500)]
    target: date | None = None  # the date the release is aimed at: the forecast gives the chance of making it


class PlanCreate(Input):
    name: Name
    description: LongText = ""
    start: date
    periods: Annotated[int, Field(ge=1, le=52)] = 6
    period_days: Annotated[int, Field(ge=1, le=56)] = 14
    value_source: ValueSource = ValueSource.score
    framework: FrameworkName = ""
    team_ids: Ids = []
    feature_ids: Ids = []
    must_have: Ids = []
    deadlines: Annotated[dict[int, date], Field(max_length=2000)] = {}
    values: Annotated[dict[int, Annotated[float, Field(ge=0, le=1e12)]], Field(max_length=2000)] = {}
    releases: Annotated[list[ReleaseIn], Field(max_length=50)] = []
    days_per_point: Annotated[float, Field(gt=0, le=100)] = 1.0
    time_limit: Annotated[float, Field(gt=0, le=600)] = 10.0
    live: bool = False


class PlanUpdate(Input):
    name: Name | None = None
    description: LongText | None = None
    start: date | None = None
    periods: Annotated[int, Field(ge=1, le=52)] | None = None
    period_days: Annotated[int, Field(ge=1, le=56)] | None = None
    value_source: ValueSource | None = None
    framework: FrameworkName | None = None
    team_ids: Ids | None = None
    feature_ids: Ids | None = None
    must_have: Ids | None = None
    deadlines: Annotated[dict[int, date], Field(max_length=2000)] | None = None
    values: Annotated[dict[int, Annotated[float, Field(ge=0, le=1e12)]], Field(max_length=2000)] | None = None
    releases: Annotated[list[ReleaseIn], Field(max_length=50)] | None = None
    days_per_point: Annotated[float, Field(gt=0, le=100)] | None = None
    time_limit: Annotated[float, Field(gt=0, le=600)] | None = None
    live: bool | None = None


class PlanOut(RecordOut):
    name: str
    description: str
    start: date
    end: date
    periods: int
    period_days: int
    value_source: ValueSource
    framework: str
    team_ids: list[int]
    feature_ids: list[int]
    must_have: list[int]
    deadlines: dict[str, str]
    values: dict[str, float]
    releases: list[dict[str, Any]]
    days_per_point: float
    time_limit: float
    live: bool
    solved_at: datetime | None
    result: dict[str, Any] | None


class PlanFilters(BaseModel):
    model_config = {"extra": "ignore"}
    live: bool | None = None


class AddPeople(Input):
    team_id: int
    people: Annotated[float, Field(gt=0, le=50, description="Full-time people added")] = 1.0
    start: date | None = Field(None, validation_alias=AliasChoices("start", "joins"),
                               description="The day they join (default: the plan's start); also read as `joins`, "
                                           "the web form's name for it")
    ramp_up_weeks: Annotated[int, Field(ge=0, le=52, description=(
        "Weeks until they work at full pace: their pace rises evenly from nothing on the day they join "
        "(default 0: full pace at once)"))] = 0


class MoveDeadline(Input):
    feature_id: int
    deadline: date


class CutScope(Input):
    feature_id: int
    keep: Annotated[float, Field(gt=0, lt=1, description="Share of the effort kept, e.g. 0.6")]


class WhatIfIn(Input):
    """A what-if scenario, solved beside the plan without changing it."""

    # empty: named after its changes ("+1 person on Payments, without Dunning")
    name: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] = ""
    add_people: Annotated[list[AddPeople], Field(max_length=20)] = []
    drop_features: Annotated[list[int], Field(max_length=500)] = []
    move_deadlines: Annotated[list[MoveDeadline], Field(max_length=500)] = []
    cut_scope: Annotated[list[CutScope], Field(max_length=500)] = []
    time_limit: Annotated[float, Field(gt=0, le=600)] | None = None

    @field_validator("drop_features")
    @classmethod
    def _unique(cls, v: list[int]) -> list[int]:
        return list(dict.fromkeys(v))

    @model_validator(mode="after")
    def _changes_something(self) -> WhatIfIn:
        if not (self.add_people or self.drop_features or self.move_deadlines or self.cut_scope):
            raise ValueError("choose a change to try: people added, a feature dropped, a deadline moved or scope cut")
        for what, ids in (("cut_scope", [c.feature_id for c in self.cut_scope]),
                          ("move_deadlines", [d.feature_id for d in self.move_deadlines])):
            twice = sorted({i for i in ids if ids.count(i) > 1})
            if twice:  # which one would hold is anyone's guess: said, not chosen silently
                raise ValueError(f"{what}: feature {', '.join(map(str, twice))} is given twice; give each once")
        return self


class SolveIn(Input):
    time_limit: Annotated[float, Field(gt=0, le=600)] | None = None
    # solved again, a plan stays close to its last answer (only what its changed inputs move moves); fresh: from scratch
    fresh: bool = False


class FeatureMention(BaseModel):
    feature_id: int
    title: str


class LeftOut(FeatureMention):
    reason: str = Field(description="why the what-if leaves it out")


class MovedFeature(FeatureMention):
    from_period: int = Field(description="the plan's period (1 is the first)")
    to_period: int = Field(description="the what-if's period (1 is the first)")


class PromiseChance(BaseModel):
    commitment_id: int
    probability: float | None = Field(description="chance of keeping it with the what-if; null when the what-if "
                                                   "leaves its feature out")


class FeatureP85(BaseModel):
    feature_id: int
    p85: date | None = Field(description="the P85 date with the what-if; null when it leaves the feature out")


class SavedWhatIfOut(BaseModel):
    """A saved what-if and its answer against the plan's answer of `plan_solved_at`."""

    id: int
    plan_id: int
    name: str
    changes: dict[str, Any] = Field(description="the what-if's changes, as sent to POST /plans/{id}/what-if")
    saved_by: str
    created_at: datetime
    compared_at: datetime
    plan_solved_at: datetime | None
    outdated: bool = Field(description="the plan has been solved again since: POST …/compare-again")
    infeasible: str | None = Field(description="why the what-if has no feasible plan; null when it has one")
    plan_value: float | None
    value: float | None
    value_difference: float | None = Field(description="what-if value minus plan value")
    value_unit: str = Field(description="the currency when value is money, empty for a score")
    added: list[FeatureMention]
    removed: list[LeftOut]
    moved: list[MovedFeature]
    promises: list[PromiseChance]
    p85: list[FeatureP85]
    dates_declined: str | None = Field(description="why the what-if has no dates; null when it has them")


class PromiseSideBySide(BaseModel):
    commitment_id: int
    feature_id: int
    title: str
    customer: str
    due: date
    plan_probability: float | None
    what_ifs: list[float | None] = Field(description="the chance with each saved what-if, in their order")
    what_if_dues: list[date | None] = Field(description="the day it is due in each saved what-if when that what-if "
                                                        "moves its deadline (its chance is by then); null otherwise")


class P85SideBySide(BaseModel):
    feature_id: int
    title: str
    plan_p85: date | None
    what_ifs: list[date | None] = Field(description="the P85 date with each saved what-if, in their order")


class WhatIfsOut(BaseModel):
    """A plan's saved what-ifs side by side (oldest first), with one row per promise and per feature whose P85
    date differs from the plan's in at least one of them."""

    plan_id: int
    plan_name: str
    plan_value: float | None
    value_unit: str
    plan_solved_at: datetime | None
    what_ifs: list[SavedWhatIfOut]
    promises: list[PromiseSideBySide]
    features: list[P85SideBySide]
