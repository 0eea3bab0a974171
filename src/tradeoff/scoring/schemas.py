"""Input shapes for scoring inputs, custom formulas and the workspace's scoring settings."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints

from tradeoff.records.schemas import Input, LongText

FieldName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]
Number = Annotated[float, Field(allow_inf_nan=False)]
# a known number, or [low, likely, high] when uncertain; null removes the field
InputValue = Number | Annotated[list[Number], Field(min_length=3, max_length=3)] | None


class ScoringInputsIn(Input):
    values: Annotated[dict[FieldName, InputValue], Field(max_length=60)]


class FormulaIn(Input):
    text: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
    description: LongText = ""


class SettingsIn(Input):
    default_framework: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]
