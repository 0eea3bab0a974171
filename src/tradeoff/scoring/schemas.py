"""Input shapes for scoring inputs, custom formulas and the workspace's scoring settings."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, StringConstraints

from tradeoff.core import scoring_fields
from tradeoff.core.formula import FUNCTIONS
from tradeoff.records.schemas import Input, LongText

FieldName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]
Number = Annotated[float, Field(allow_inf_nan=False)]
# a known number, or [low, likely, high] when uncertain; null removes the field
InputValue = Number | Annotated[list[Number], Field(min_length=3, max_length=3)] | None



def _number_on(scale: scoring_fields.Scale) -> dict[str, Any]:
    number: dict[str, Any] = {"type": "number", "minimum": scale.low}
    if scale.high is not None:
        number["maximum"] = scale.high
    return number


def _input_schema(scale: scoring_fields.Scale) -> dict[str, Any]:
    """One entered input in the API schema: its unit and range in words and as bounds, its standard values."""
    number = _number_on(scale)
    schema: dict[str, Any] = {
        "description": f"{scale.label}: {scale.hint}. Read by {', '.join(scoring_fields.framework_label(f) for f in scale.used_by)}.",
        "anyOf": [number, {"type": "array", "items": number, "minItems": 3, "maxItems": 3,
                           "description": "[low, likely, high] when unsure"}, {"type": "null"}],
    }
    if scale.choices:
        schema["examples"] = [c.value for c in scale.choices]
    return schema


def _values_schema(schema: dict[str, Any]) -> None:
    # the inputs are a map (unknown names are refused by the service, naming the known ones); the schema names
    # each with its scale so clients and their docs show the same unit and range as the web form
    schema["properties"] = {name: _input_schema(scale) for name, scale in scoring_fields.SCALES.items()}


class ScoringInputsIn(Input):
    """Entered scoring inputs: a number on the input's scale, [low, likely, high] when unsure, or null to remove
    it (it is then derived from other records again where it can be). A value off its scale is refused with the
    input's name and range."""

    values: Annotated[dict[FieldName, InputValue], Field(
        max_length=60, json_schema_extra=_values_schema,
        description="Input name -> value. " + "; ".join(f"{s.name}: {s.hint}" for s in scoring_fields.SCALES.values()))]


_FIELDS_HELP = "; ".join(f"{n}: {scoring_fields.meaning(n)}" for n in (*scoring_fields.SCALES, *scoring_fields.DERIVED))


class FormulaIn(Input):
    text: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000), Field(
        description=f"The formula, e.g. 'arr * confidence / max(effort, 1)'. Fields: {_FIELDS_HELP}. Functions: "
                    f"{', '.join(FUNCTIONS)}; other formulas by name.")]
    description: LongText = ""


class SettingsIn(Input):
    default_framework: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]
