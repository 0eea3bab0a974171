"""Shared pydantic building blocks: strict input shapes and the read envelope."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Generic, TypeVar

from fastapi.encoders import jsonable_encoder
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from tradeoff.storage.base import iso_utc

T = TypeVar("T")

ShortText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
LongText = Annotated[str, StringConstraints(max_length=20_000)]
Tag = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50)]
Step = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1_000)]


DB_INT = 2**31 - 1  # the largest whole number an integer column holds (PostgreSQL's `integer`: ids, counts)


def fits_db_int(value: object) -> bool:
    """Every whole number in `value` (itself, or inside a list or mapping) fits a database integer column."""
    if isinstance(value, bool):
        return True
    if isinstance(value, int):
        return -DB_INT - 1 <= value <= DB_INT
    if isinstance(value, (list, tuple, set, frozenset)):
        return all(fits_db_int(v) for v in value)
    if isinstance(value, dict):
        return all(fits_db_int(k) and fits_db_int(v) for k, v in value.items())
    return True


def too_large(value: object) -> bool:
    """Text of a whole number (ASCII digits, optional sign) beyond what an integer column holds: an id or count
    given in an address or a query."""
    text = str(value).strip().lstrip("+-")
    return text.isascii() and text.isdigit() and int(text) > DB_INT


def has_nul(value: object) -> bool:
    """A NUL character anywhere in `value` (PostgreSQL stores none, in text or JSON)."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, (list, tuple, set, frozenset)):
        return any(has_nul(v) for v in value)
    if isinstance(value, dict):
        return any(has_nul(k) or has_nul(v) for k, v in value.items())
    return False


class Input(BaseModel):
    """Every write body: unknown fields are refused, strings are trimmed, whole numbers and text fit the
    database (on PostgreSQL as on SQLite)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="after")
    @classmethod
    def _fits_the_database(cls, value: object) -> object:
        if not fits_db_int(value):
            raise ValueError(f"a whole number here must lie between {-DB_INT - 1} and {DB_INT}")
        if has_nul(value):
            raise ValueError("text cannot contain a NUL character (\\x00)")
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


def to_json(obj: Any) -> Any:
    """JSON-able, every moment written as the API's models write it (UTC with a Z): for answers built as dicts."""
    return jsonable_encoder(obj, custom_encoder={datetime: iso_utc})
