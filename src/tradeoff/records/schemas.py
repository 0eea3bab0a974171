"""Shared pydantic building blocks: strict input shapes and the read envelope."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

T = TypeVar("T")

ShortText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
LongText = Annotated[str, StringConstraints(max_length=20_000)]
Tag = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50)]
Step = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1_000)]


INT64 = 2**63 - 1  # the largest whole number either database stores (ids, counts)


def fits_int64(value: object) -> bool:
    """Every whole number in `value` (itself, or inside a list or mapping) fits a 64-bit database integer."""
    if isinstance(value, bool):
        return True
    if isinstance(value, int):
        return -INT64 - 1 <= value <= INT64
    if isinstance(value, (list, tuple, set, frozenset)):
        return all(fits_int64(v) for v in value)
    if isinstance(value, dict):
        return all(fits_int64(k) and fits_int64(v) for k, v in value.items())
    return True


class Input(BaseModel):
    """Every write body: unknown fields are refused, strings are trimmed, whole numbers fit the database."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="after")
    @classmethod
    def _fits_the_database(cls, value: object) -> object:
        if not fits_int64(value):
            raise ValueError(f"a whole number here must lie between {-INT64 - 1} and {INT64}")
        return value


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
