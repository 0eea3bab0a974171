"""What the answer models share: a base that lets unnamed keys through, and the JSON types services write.

An answer built as a dict passes through its model on the way out (FastAPI validates and serialises it), so the
models are written to change nothing:

- every key an endpoint writes is named (tests/integration/test_api_response_schemas.py checks it), and
  `Answer` lets any other key through as it is (`extra="allow"`) rather than drop it;
- routes set `response_model_exclude_unset=True`, so a key an answer leaves out (a declined forecast has no
  `planned_features`) is not added as null;
- a number keeps its JSON type (`Number`: 3 stays 3, 2.5 stays 2.5; a plain `float` field would write 3.0);
- dates, moments and money arrive already written as text by the services and stay that text (`Day`, `Moment`,
  `Amount`): their format is documented, not parsed again.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema


def _keys_may_be_added(schema: dict[str, Any]) -> None:
    # without "additionalProperties", JSON Schema already allows keys it does not name; `true` says nothing more
    # and makes some client generators give the answer a map type instead of a class
    schema.pop("additionalProperties", None)


class Answer(BaseModel):
    """Base of the answers services build as dicts: documents their keys, and lets a key it does not name pass
    through unchanged."""

    model_config = ConfigDict(extra="allow", json_schema_extra=_keys_may_be_added)


def _no_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


def absent(description: str | None = None) -> Any:
    """A key some answers of an endpoint leave out (a declined forecast has no dates): not required, and never
    null where it is given. Not added to an answer without it (`response_model_exclude_unset`)."""
    return Field(None, description=description, json_schema_extra=_no_default)


Number = Annotated[int | float, WithJsonSchema({"type": "number"})]
"""A JSON number written as the service wrote it: a whole number stays whole (3), a fraction stays one (2.5)."""

Day = Annotated[str, WithJsonSchema({"type": "string", "format": "date"})]
"""A calendar day, ISO 8601 ("2027-03-01")."""

Moment = Annotated[str, WithJsonSchema({"type": "string", "format": "date-time"})]
"""A moment, RFC 3339: in UTC with a Z ("2026-12-06T18:29:46.853596Z") as the API writes moments."""

Amount = Annotated[str, WithJsonSchema({
    "type": "string", "pattern": r"^-?[0-9]+\.[0-9]{2}$",
    "description": "An amount of money as a decimal string to the cent (\"660000.00\")"})]
"""Money as `insights.schemas.encode` writes it (demand, blockers, themes): a decimal string to the cent."""

ByCurrency = dict[str, Amount]
"""Amounts (ARR) per three-letter currency code: {"EUR": "660000.00"}."""


class Ref(Answer):
    """A record an answer points at."""

    id: int
    title: str


class Percentiles(Answer):
    """P10/P50/P90 of a Monte Carlo outcome; null where it is infinite (a payback that never comes)."""

    p10: Number | None
    p50: Number | None
    p90: Number | None
