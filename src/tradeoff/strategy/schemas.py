from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from tradeoff.records.schemas import Input, LongText, Name, RecordOut, ShortText

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
Ids = Annotated[list[int], Field(max_length=200)]
Finite = Annotated[float, Field(allow_inf_nan=False)]


class KeyResultIn(Input):
    """A measurable result: move `metric` from `baseline` to `target` by `due`."""

    metric: Name
    baseline: Finite
    target: Finite
    current: Finite | None = None
    unit: ShortText = ""
    due: date | None = None


class ObjectiveCreate(Input):
    title: Title
    description: LongText = ""
    product_id: int | None = None
    key_results: Annotated[list[KeyResultIn], Field(max_length=10)] = []
    problem_ids: Ids = []
    feature_ids: Ids = []


class ObjectiveUpdate(Input):
    title: Title | None = None
    description: LongText | None = None
    product_id: int | None = None
    key_results: Annotated[list[KeyResultIn], Field(max_length=10)] | None = None
    problem_ids: Ids | None = None
    feature_ids: Ids | None = None


class KeyResultOut(BaseModel):
    metric: str
    baseline: float
    target: float
    current: float | None = None
    unit: str = ""
    due: date | None = None


class ObjectiveOut(RecordOut):
    title: str
    description: str
    product_id: int | None
    key_results: list[KeyResultOut]
    problem_ids: list[int]
    feature_ids: list[int]


class ObjectiveFilters(BaseModel):
    model_config = {"extra": "ignore"}
    product_id: int | None = None
