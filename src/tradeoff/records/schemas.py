"""Shared pydantic building blocks: strict input shapes and the read envelope."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

T = TypeVar("T")

ShortText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
LongText = Annotated[str, StringConstraints(max_length=20_000)]
Tag = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50)]
Step = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1_000)]


class Input(BaseModel):
    """Every write body: unknown fields are refused, strings are trimmed."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Output(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class RecordOut(Output):
    id: int
    version: int
    archived: bool
    created_at: datetime
    updated_at: datetime


class ListOut(BaseModel, Generic[T]):
    items: list[T]
    next: str | None = Field(description="Cursor for the next page, or null on the last page.")


class BatchIn(BaseModel, Generic[T]):
    model_config = ConfigDict(extra="forbid")
    items: list[T] = Field(min_length=1, max_length=1000)


class BatchOut(BaseModel, Generic[T]):
    items: list[T]
