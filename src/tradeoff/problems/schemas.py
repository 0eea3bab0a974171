from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, StringConstraints

from tradeoff.records.schemas import Input, RecordOut, ShortText

Statement = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5_000)]


class ProblemCreate(Input):
    statement: Statement
    persona: ShortText = ""
    segment: ShortText = ""
    product_id: int | None = None


class ProblemUpdate(Input):
    statement: Statement | None = None
    persona: ShortText | None = None
    segment: ShortText | None = None
    product_id: int | None = None


class ProblemOut(RecordOut):
    statement: str
    persona: str
    segment: str
    product_id: int | None


class ProblemFilters(BaseModel):
    model_config = {"extra": "ignore"}
    product_id: int | None = None
    segment: str | None = None
    persona: str | None = None
