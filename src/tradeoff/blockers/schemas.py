from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field

from tradeoff.blockers.model import BlockerKind
from tradeoff.records.schemas import Input, LongText, RecordOut

Days = Annotated[float, Field(ge=0, le=10_000, description="person-days")]
Title = Annotated[str, Field(min_length=1, max_length=300)]
Likelihood = Annotated[float, Field(gt=0, le=1, description="The chance the extra work is needed (0-1): a blocker's "
                                    "is 1 (it must be done); a risk's is its chance of happening. Forecasts count a "
                                    "risk's work in that share of their trials")]


class BlockerCreate(Input):
    title: Title
    description: LongText = ""
    kind: BlockerKind = BlockerKind.blocker
    component_id: int | None = None
    extra_optimistic: Days
    extra_likely: Days
    extra_pessimistic: Days
    feature_ids: list[int] = Field(min_length=1, max_length=200)
    likelihood: Likelihood = 1.0


class BlockerUpdate(Input):
    """The fields to change (the others are kept): what engineering learns as it looks into it."""

    title: Title | None = None
    description: LongText | None = None
    kind: BlockerKind | None = None
    component_id: int | None = None
    extra_optimistic: Days | None = None
    extra_likely: Days | None = None
    extra_pessimistic: Days | None = None
    feature_ids: list[int] | None = Field(None, min_length=1, max_length=200)
    likelihood: Likelihood | None = None


class BlockerOut(RecordOut):
    title: str
    description: str
    kind: BlockerKind
    component_id: int | None
    extra_optimistic: float
    extra_likely: float
    extra_pessimistic: float
    feature_ids: list[int]
    likelihood: float
    recorded_by: str


class BlockerFilters(BaseModel):
    model_config = {"extra": "ignore"}
    feature_id: int | None = None
