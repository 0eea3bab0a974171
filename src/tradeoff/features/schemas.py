from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from tradeoff.features.model import FeatureStatus
from tradeoff.records.schemas import Input, LongText, RecordOut, ShortText, Step

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
Steps = Annotated[list[Step], Field(max_length=50)]


class FeatureCreate(Input):
    title: Title
    description: LongText = ""
    status: FeatureStatus = FeatureStatus.idea
    persona: ShortText = ""
    user_flow: Steps = []
    acceptance_criteria: Steps = []
    owner: ShortText = ""
    product_id: int | None = None
    problem_ids: Annotated[list[int], Field(max_length=50)] = []


class FeatureUpdate(Input):
    title: Title | None = None
    description: LongText | None = None
    status: FeatureStatus | None = None
    persona: ShortText | None = None
    user_flow: Steps | None = None
    acceptance_criteria: Steps | None = None
    owner: ShortText | None = None
    product_id: int | None = None
    problem_ids: Annotated[list[int], Field(max_length=50)] | None = None


class FeatureOut(RecordOut):
    title: str
    description: str
    status: FeatureStatus
    persona: str
    user_flow: list[str]
    acceptance_criteria: list[str]
    owner: str
    product_id: int | None
    problem_ids: list[int]


class FeatureFilters(BaseModel):
    model_config = {"extra": "ignore"}
    status: FeatureStatus | None = None
    product_id: int | None = None
    owner: str | None = None
    persona: str | None = None
