from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field

from tradeoff.blockers.model import BlockerKind
from tradeoff.records.schemas import Input, LongText, RecordOut

Days = Annotated[float, Field(ge=0, le=10_000, description="person-days")]
Title = Annotated[str, Field(min_length=1, max_length=300)]


class BlockerCreate(Input):
    title: Title
    description: LongText = ""
    kind: BlockerKind = BlockerKind.blocker
    component_id: int | None = None
    extra_optimistic: Days
    extra_likely: Days
    extra_pessimistic: Days
    feature_ids: list[int] = Field(min_length=1, max_length=200)


class BlockerOut(RecordOut):
    title: str
    description: str
    kind: BlockerKind
    component_id: int | None
    extra_optimistic: float
    extra_likely: float
    extra_pessimistic: float
    feature_ids: list[int]
    recorded_by: str


class BlockerFilters(BaseModel):
    model_config = {"extra": "ignore"}
    feature_id: int | None = None
