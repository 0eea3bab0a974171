from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints, field_validator

from tradeoff.customers.schemas import CustomerRef
from tradeoff.feedback.model import Source
from tradeoff.records.schemas import Input, RecordOut, ShortText, Tag

Verbatim = Annotated[str, StringConstraints(max_length=20_000)]


def _not_blank(v: str | None) -> str | None:
    if v is not None and not v.strip():
        raise ValueError("text is empty; paste what the customer said")
    if v is not None and "\x00" in v:
        raise ValueError("text contains binary data (NUL bytes)")
    return v


class FeedbackCreate(Input):
    model_config = Input.model_config | {"str_strip_whitespace": False}
    text: Verbatim
    source: Source = Source.other
    customer_id: int | None = None
    reporter: ShortText = ""
    reported_at: datetime | None = None
    tags: Annotated[list[Tag], Field(max_length=20)] = []

    _text = field_validator("text")(_not_blank)


class FeedbackUpdate(Input):
    model_config = Input.model_config | {"str_strip_whitespace": False}
    text: Verbatim | None = None
    source: Source | None = None
    customer_id: int | None = None
    reporter: ShortText | None = None
    reported_at: datetime | None = None
    tags: Annotated[list[Tag], Field(max_length=20)] | None = None

    _text = field_validator("text")(_not_blank)


class FeedbackOut(RecordOut):
    text: str
    source: Source
    customer_id: int | None
    customer: CustomerRef | None
    reporter: str
    reported_at: datetime
    tags: list[str]


class FeedbackFilters(BaseModel):
    model_config = {"extra": "ignore"}
    source: Source | None = None
    customer_id: int | None = None
    reporter: str | None = None
    since: datetime | None = None
    until: datetime | None = None
