from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field, StringConstraints

from tradeoff.records.schemas import Input, Output

Body = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=10_000)]


class CommentCreate(Input):
    body: Body


class CommentOut(Output):
    id: int
    version: int = Field(description="The comment's ETag: send it as If-Match to PATCH or DELETE it")
    problem_id: int | None
    feature_id: int | None
    author: str
    body: str
    created_at: datetime
