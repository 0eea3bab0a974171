from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from tradeoff.records.schemas import Input, LongText, Name, RecordOut, ShortText, Step

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
Points = Annotated[list[Step], Field(max_length=20)]
Ids = Annotated[list[int], Field(max_length=100)]


class OptionIn(Input):
    """One option considered: its pros and cons, and what it costs and is worth (in words or numbers)."""

    name: Name
    pros: Points = []
    cons: Points = []
    cost: ShortText = ""
    value: ShortText = ""


class DisappointedIn(Input):
    who: Name
    why: LongText = ""


class DecisionCreate(Input):
    title: Title
    context: LongText = ""
    options: Annotated[list[OptionIn], Field(max_length=12)] = []
    choice: ShortText = ""
    rationale: LongText = ""
    disappointed: Annotated[list[DisappointedIn], Field(max_length=30)] = []
    decided_by: ShortText = ""
    decided_on: date | None = None
    product_id: int | None = None
    problem_ids: Ids = []
    feature_ids: Ids = []
    feedback_ids: Ids = []


class DecisionUpdate(Input):
    title: Title | None = None
    context: LongText | None = None
    options: Annotated[list[OptionIn], Field(max_length=12)] | None = None
    choice: ShortText | None = None
    rationale: LongText | None = None
    disappointed: Annotated[list[DisappointedIn], Field(max_length=30)] | None = None
    decided_by: ShortText | None = None
    decided_on: date | None = None
    product_id: int | None = None
    problem_ids: Ids | None = None
    feature_ids: Ids | None = None
    feedback_ids: Ids | None = None


class OptionOut(BaseModel):
    name: str
    pros: list[str] = []
    cons: list[str] = []
    cost: str = ""
    value: str = ""


class DisappointedOut(BaseModel):
    who: str
    why: str = ""


class DecisionOut(RecordOut):
    title: str
    context: str
    options: list[OptionOut]
    choice: str
    rationale: str
    disappointed: list[DisappointedOut]
    decided_by: str
    decided_on: date | None
    product_id: int | None
    problem_ids: list[int]
    feature_ids: list[int]
    feedback_ids: list[int]


class DecisionFilters(BaseModel):
    model_config = {"extra": "ignore"}
    product_id: int | None = None
    feature_id: int | None = None
    problem_id: int | None = None
    feedback_id: int | None = None
