"""Shared pydantic building blocks: strict input shapes and the read envelope."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from functools import cache
from typing import Annotated, Any, Generic, TypeVar, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationInfo, field_validator

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


NUMBERS = (int, float, Decimal)


def leaf_types(annotation: Any) -> frozenset[Any]:
    """The plain types a field's annotation allows, through Optional, unions, Annotated and lists
    (`list[int] | None` -> {int, NoneType})."""
    if get_origin(annotation) is Annotated:
        return leaf_types(get_args(annotation)[0])
    args = get_args(annotation)
    if not args:
        return frozenset({annotation})
    return frozenset().union(*(leaf_types(a) for a in args if a is not ...))


@cache
def field_types(model: type[BaseModel], name: str) -> frozenset[Any]:
    field = model.model_fields.get(name)
    return leaf_types(field.annotation) if field else frozenset()


def wrong_json_type(value: object, allowed: frozenset[Any]) -> str | None:
    """Why a JSON value the schema would otherwise convert is refused: true is not 1, and 12345 is not a moment.
    Text stays welcome ("14", "2026-01-31"): web forms and CSV imports send it through the same schemas."""
    if isinstance(value, list):
        return next(filter(None, (wrong_json_type(v, allowed) for v in value)), None)
    if isinstance(value, bool) and bool not in allowed and allowed & set(NUMBERS):
        return "a number is needed here, not true or false"
    if (isinstance(value, NUMBERS) and not isinstance(value, bool) and allowed & {datetime, date}
            and not allowed & {*NUMBERS, str}):
        return "a date (2026-01-31) or moment (2026-01-31T09:00:00Z) is needed here as text, not a number"
    return None


class Input(BaseModel):
    """Every write body: unknown fields are refused, strings are trimmed, whole numbers and text fit the
    database (on PostgreSQL as on SQLite), JSON types are not coerced into others (true into 1, a number into a
    date), and moments are in UTC, so a write answers them as a GET then does."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="before")
    @classmethod
    def _no_coercion(cls, value: object, info: ValidationInfo) -> object:
        why = wrong_json_type(value, field_types(cls, info.field_name or ""))
        if why:
            raise ValueError(why)
        return value

    @field_validator("*", mode="after")
    @classmethod
    def _in_utc(cls, value: object) -> object:
        if isinstance(value, datetime):  # a moment without an offset is taken as UTC, as the database stores it
            return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return value

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
    # FastAPI only when an answer is encoded, not for a CLI start
    from fastapi.encoders import jsonable_encoder

    return jsonable_encoder(obj, custom_encoder={datetime: iso_utc})
