from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from tradeoff.features.model import FeatureStatus
from tradeoff.records.schemas import Input, LongText, RecordOut, ShortText, Step

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
Steps = Annotated[list[Step], Field(max_length=50)]
PublicTitle = Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)]
PublicText = Annotated[str, StringConstraints(max_length=5_000)]


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
    public: bool | None = Field(None, description="Show on the public roadmap and changelog of its product.")
    public_title: PublicTitle | None = Field(None, description="Customer-facing title (default: the title).")
    public_description: PublicText | None = Field(None, description="Customer-facing description; the internal one "
                                                                      "is never shown publicly.")


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
    public: bool | None = None
    public_title: PublicTitle | None = None
    public_description: PublicText | None = None


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
    public: bool | None = None
    public_title: str | None = None
    public_description: str | None = None
    shipped_at: datetime | None = None
    decision_prompt: str | None = Field(None, description="Set when this change should be written down as a decision")


class FeatureFilters(BaseModel):
    model_config = {"extra": "ignore"}
    status: FeatureStatus | None = None
    product_id: int | None = None
    owner: str | None = None
    persona: str | None = None
