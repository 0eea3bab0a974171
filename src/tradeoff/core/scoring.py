"""Prioritisation frameworks: RICE, ICE, WSJF, value vs. effort (with its 2×2) and weighted criteria.

Every framework returns a `Score` that explains itself ("42.67 = reach 800 × impact 2 × confidence 0.8 ÷
effort 30") or says why the item is not scored ("effort is 0 (division by zero)", "missing confidence").
The fixed frameworks are formulas of `tradeoff.core.formula`, so a team's custom formula behaves the same way.
The 2×2 is in `tradeoff.core.scoring_matrix`, weighted criteria and business stages in
`tradeoff.core.scoring_weighted`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from tradeoff.core.formula import (
    Formula,
    VectorResult,
    compile_formula,
    evaluate,
    evaluate_many,
)
from tradeoff.errors import FieldError, InvalidInput

Number = float | int | None


@dataclass(frozen=True)
class Score:
    """One item's score.

    value: the score (None when not scored); explanation: the formula with the item's values filled in;
    not_scored_reason: why there is no value (e.g. "missing confidence"); inputs: the values used.
    """

    value: float | None
    explanation: str
    not_scored_reason: str | None
    inputs: dict[str, float | None]


# name -> (formula, {field: (minimum, maximum or None)})
_FRAMEWORKS: dict[str, tuple[str, dict[str, tuple[float, float | None]]]] = {
    "rice": (
        "reach * impact * confidence / effort",
        {"reach": (0, None), "impact": (0, None), "confidence": (0, 1), "effort": (0, None)},
    ),
    "ice": ("impact * confidence * ease", {"impact": (0, None), "confidence": (0, 1), "ease": (0, None)}),
    "wsjf": (
        "(business_value + time_criticality + risk_reduction) / job_size",
        {
            "business_value": (0, None),
            "time_criticality": (0, None),
            "risk_reduction": (0, None),
            "job_size": (0, None),
        },
    ),
    "value_effort": ("value / effort", {"value": (0, None), "effort": (0, None)}),
}
FRAMEWORKS: dict[str, Formula] = {
    name: compile_formula(text, list(bounds), name=name) for name, (text, bounds) in _FRAMEWORKS.items()
}


def framework_formula(framework: str) -> Formula:
    """The compiled formula behind a built-in framework ("rice", "ice", "wsjf", "value_effort")."""
    if framework not in FRAMEWORKS:
        raise InvalidInput(
            f"unknown framework '{framework}'; choose one of {', '.join(FRAMEWORKS)}",
            [FieldError(["framework"], "unknown", framework)],
        )
    return FRAMEWORKS[framework]


def _check_bounds(field: str, value: float, lo: float, hi: float | None, where: str = "") -> None:
    if value < lo or (hi is not None and value > hi):
        allowed = f"between {lo:g} and {hi:g}" if hi is not None else f"≥ {lo:g}"
        raise InvalidInput(
            f"{field}{where} must be {allowed}, got {value:g}",
            [FieldError([field], f"must be {allowed}", value)],
        )


def score(framework: str, values: Mapping[str, Number]) -> Score:
    """Score one item with a built-in framework; values: field -> number (None = missing).

    Raises InvalidInput naming the field for a negative input or a confidence outside [0, 1].
    """
    formula = framework_formula(framework)
    for field, (lo, hi) in _FRAMEWORKS[framework][1].items():
        v = values.get(field)
        if v is not None and not (isinstance(v, float) and math.isnan(v)):
            if not isinstance(v, int | float | np.integer | np.floating):
                raise InvalidInput(
                    f"{field} must be a number, got {v!r}", [FieldError([field], "not a number")]
                )
            _check_bounds(field, float(v), lo, hi)
    return custom_score(formula, values)


def custom_score(formula: Formula, values: Mapping[str, Number]) -> Score:
    """Score one item with any compiled formula (a team's custom one or a built-in)."""
    ev = evaluate(formula, values)
    return Score(ev.value, ev.explanation, ev.not_scored_reason, ev.inputs)


def score_many(
    framework: str | Formula, columns: Mapping[str, Any], ids: Sequence[str] | None = None
) -> VectorResult:
    """Score many items at once (framework name or compiled formula); columns: field -> one value per item.

    For built-in frameworks the inputs are validated; an error names the field and the item (its id when
    `ids` is given, else its position).
    """
    formula = framework if isinstance(framework, Formula) else framework_formula(framework)
    if isinstance(framework, str):
        for field, (lo, hi) in _FRAMEWORKS[framework][1].items():
            if field not in columns:
                continue
            arr = np.atleast_1d(np.asarray(columns[field], dtype=np.float64))
            bad = (arr < lo) | (arr > hi) if hi is not None else arr < lo
            if bad.any():
                i = int(np.argmax(bad))
                who = f" (item {ids[i]})" if ids is not None and i < len(ids) else f" (item {i})"
                _check_bounds(field, float(arr[i]), lo, hi, who)
    return evaluate_many(formula, columns)


def rice(*, reach: Number, impact: Number, confidence: Number, effort: Number) -> Score:
    """RICE = reach × impact × confidence ÷ effort.

    reach: people or accounts affected per period (e.g. per quarter); impact: points (0.25 minimal, 0.5 low,
    1 medium, 2 high, 3 massive); confidence: fraction 0–1; effort: person-months (or any effort unit, used
    consistently). Effort 0 leaves the item not scored.
    """
    return score("rice", {"reach": reach, "impact": impact, "confidence": confidence, "effort": effort})


def ice(*, impact: Number, confidence: Number, ease: Number) -> Score:
    """ICE = impact × confidence × ease. impact and ease: points 1–10; confidence: fraction 0–1."""
    return score("ice", {"impact": impact, "confidence": confidence, "ease": ease})


def wsjf(
    *, business_value: Number, time_criticality: Number, risk_reduction: Number, job_size: Number
) -> Score:
    """WSJF = (business value + time criticality + risk reduction/opportunity enablement) ÷ job size.

    All four in relative points (e.g. modified Fibonacci 1, 2, 3, 5, 8, 13, 20); job size 0 is not scored.
    """
    return score(
        "wsjf",
        {
            "business_value": business_value,
            "time_criticality": time_criticality,
            "risk_reduction": risk_reduction,
            "job_size": job_size,
        },
    )


def value_effort(*, value: Number, effort: Number) -> Score:
    """Value ÷ effort. value: money per year or points; effort: person-weeks or points (consistently)."""
    return score("value_effort", {"value": value, "effort": effort})
