from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, Field, field_validator

from tradeoff.estimates.model import DriverName, EffortUnit, WorkCategory
from tradeoff.records.schemas import Input, LongText

Effort = Annotated[float, Field(ge=0, le=100_000)]


class DriverIn(Input):
    name: DriverName
    component_id: int | None = Field(None, description="The component a refactor is of")


class EstimateIn(Input):
    """An engineer's range estimate of a feature (person-days or points)."""

    optimistic: Effort
    likely: Effort
    pessimistic: Effort
    unit: EffortUnit = EffortUnit.days
    confidence: Annotated[float, Field(gt=0, le=1, description="How sure the actual lands in the range")] = 0.8
    drivers: Annotated[list[DriverIn], Field(max_length=20)] = []
    component_ids: Annotated[list[int], Field(max_length=50)] = []
    team_id: int | None = Field(None, description="The team doing the work (the lead team when it is shared)")
    team_shares: Annotated[dict[int, Annotated[float, Field(gt=0, lt=1)]], Field(
        max_length=20, description="Work done by other teams: team id -> its share of the effort (0-1, e.g. 0.3); "
                                   "the lead team (`team_id`) does the rest")] = {}
    depends_on: Annotated[list[int], Field(max_length=50, description="Features that must be done first")] = []
    category: WorkCategory = WorkCategory.feature
    notes: LongText = ""

    @field_validator("drivers")
    @classmethod
    def _each_driver_once(cls, drivers: list[DriverIn]) -> list[DriverIn]:
        """A driver counts once: named twice it would multiply the estimate twice (a refactor may name several
        components, each once)."""
        seen: set[tuple[str, int | None]] = set()
        for d in drivers:
            key = (d.name.value, d.component_id)
            if key in seen:
                of = f" of component {d.component_id}" if d.component_id is not None else ""
                raise ValueError(f"driver '{d.name.value}'{of} is given twice: name each driver once")
            seen.add(key)
        return drivers


class AttributionOut(BaseModel):
    source: str
    label: str
    likely_factor: float
    range_factor: float
    likely_share: float
    range_share: float


class TeamShareOut(BaseModel):
    team_id: int
    team: str
    share: float


class EstimateOut(BaseModel):
    id: int
    version: int
    feature_id: int
    feature_title: str
    team_id: int | None
    team_shares: dict[int, float]
    split: list[TeamShareOut] = Field(description="Shared work: each team's share, lead team first; [] when one "
                                                  "team does it all")
    optimistic: float
    likely: float
    pessimistic: float
    unit: EffortUnit
    confidence: float
    drivers: list[dict[str, Any]]
    component_ids: list[int]
    depends_on: list[int]
    category: WorkCategory
    notes: str
    estimated_by: str
    updated_at: datetime
    explanation: str
    baseline_likely: float
    attributions: list[AttributionOut]
