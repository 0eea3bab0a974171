from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from tradeoff.records.schemas import Input, LongText

Group = Literal["sales", "support", "engineering", "marketing", "executive"]


class VoteIn(Input):
    """A stakeholder's score for a feature (0–10, higher = more important) and why."""

    group: Group
    score: Annotated[float, Field(ge=0, le=10, allow_inf_nan=False)]
    reason: LongText = ""


class VoteOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    feature_id: int
    user_id: int
    voter: str
    group: str
    score: float
    reason: str
