from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, StringConstraints

from tradeoff.competitors.model import CapabilityStatus
from tradeoff.records.schemas import Input, LongText, Name, RecordOut

Website = Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)]


class CompetitorCreate(Input):
    name: Name
    website: Website = ""
    notes: LongText = ""


class CompetitorUpdate(Input):
    name: Name | None = None
    website: Website | None = None
    notes: LongText | None = None


class CompetitorOut(RecordOut):
    name: str
    website: str
    notes: str


class CompetitorFilters(BaseModel):
    model_config = {"extra": "ignore"}


class CapabilityIn(Input):
    """Whether the competitor has one of our features: have, planned or gap."""

    status: CapabilityStatus
    note: LongText = ""
