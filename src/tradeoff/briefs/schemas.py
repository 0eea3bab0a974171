from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from tradeoff.records.schemas import Input


class BriefSaveIn(Input):
    """Save the brief as it reads now, for this scope."""

    product: Annotated[str | None, Field(max_length=200, description="Product id or name; omit for the whole roadmap")] = None
    release: Annotated[str | None, Field(max_length=200)] = None
    customer_id: int | None = None
    note: Annotated[str, Field(max_length=500)] = ""


class BriefVersionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    audience: str
    scope_key: str
    number: int
    product_id: int | None
    release: str | None
    customer_id: int | None
    as_of: date
    fingerprint: str
    saved_by: str
    note: str
    created_at: datetime
