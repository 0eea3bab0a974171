from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from tradeoff.records.schemas import Input, ShortText

Statement = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5_000)]


class DismissIn(Input):
    kind: Literal["feedback", "problem", "feature"]
    target_id: int


class MergeIn(Input):
    into_id: int = Field(description="The feedback item that stays; this one is archived as its duplicate.")


class NotesIn(Input):
    text: Annotated[str, StringConstraints(max_length=100_000)]


class ThemeToProblemIn(Input):
    statement: Statement
    feedback_ids: Annotated[list[int], Field(min_length=1, max_length=5_000)]
    persona: ShortText = ""
    segment: ShortText = ""
    product_id: int | None = None
