"""Prioritisation frameworks: RICE, ICE, WSJF, value vs. effort (with its 2×2) and weighted criteria.

Every framework returns a `Score` that explains itself ("42.67 = reach 800 × impact 2 × confidence 0.8 ÷
effort 30") or says why the item is not scored ("effort is 0 (division by zero)", "missing confidence").
The fixed frameworks are formulas of `tradeoff.core.formula`, so a team's custom formula behaves the same way.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import numpy as np

from tradeoff.core.formula import (
    Formula,
    VectorResult,
    compile_formula,
    evaluate,
    evaluate_many,
    format_number,
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


# ---------------------------------------------------------------------------------------------- the 2×2


class Quadrant(StrEnum):
    QUICK_WIN = "quick win"  # high value, low effort
    BIG_BET = "big bet"  # high value, high effort
    FILL_IN = "fill-in"  # low value, low effort
    MONEY_PIT = "money pit"  # low value, high effort


def quadrant(value: float, effort: float, *, value_threshold: float, effort_threshold: float) -> Quadrant:
    """Place an item in the value/effort 2×2. Value ≥ value_threshold is high; effort > effort_threshold is high."""
    high_value = value >= value_threshold
    high_effort = effort > effort_threshold
    if high_value:
        return Quadrant.BIG_BET if high_effort else Quadrant.QUICK_WIN
    return Quadrant.MONEY_PIT if high_effort else Quadrant.FILL_IN


@dataclass(frozen=True)
class Placement:
    """An item in the 2×2: its value ÷ effort score and its quadrant (None when value or effort is missing)."""

    id: str
    value: float | None
    effort: float | None
    quadrant: Quadrant | None
    score: Score


@dataclass(frozen=True)
class ValueEffortMatrix:
    value_threshold: float
    effort_threshold: float
    placements: tuple[Placement, ...]

    def in_quadrant(self, q: Quadrant) -> list[str]:
        return [p.id for p in self.placements if p.quadrant == q]


def value_effort_matrix(
    items: Mapping[str, tuple[Number, Number]],
    *,
    value_threshold: float | None = None,
    effort_threshold: float | None = None,
) -> ValueEffortMatrix:
    """Value vs. effort for many items: the value ÷ effort score and the 2×2 quadrant of each.

    items: id -> (value, effort), in the units of `value_effort`. Thresholds default to the medians over the
    items with both numbers (so about half are "high"). Missing numbers give no quadrant.
    """
    known = [(float(v), float(e)) for v, e in items.values() if v is not None and e is not None]
    if value_threshold is None:
        value_threshold = float(np.median([v for v, _ in known])) if known else 0.0
    if effort_threshold is None:
        effort_threshold = float(np.median([e for _, e in known])) if known else 0.0
    placements = []
    for item_id, (v, e) in items.items():
        s = value_effort(value=v, effort=e)
        q = None
        if v is not None and e is not None:
            q = quadrant(
                float(v), float(e), value_threshold=value_threshold, effort_threshold=effort_threshold
            )
        placements.append(
            Placement(item_id, None if v is None else float(v), None if e is None else float(e), q, s)
        )
    return ValueEffortMatrix(value_threshold, effort_threshold, tuple(placements))


# ---------------------------------------------------------------------------------------------- weighted criteria


@dataclass(frozen=True)
class Criterion:
    """One of the team's criteria.

    weight: relative importance (≥ 0; weights are normalised to sum to 1). lower_is_better: for cost-like
    criteria (effort, cost). scale: the points scale, e.g. (0, 10); None normalises over the items scored
    together (lowest → 0, highest → 1; all equal → 0.5).
    """

    name: str
    weight: float
    lower_is_better: bool = False
    scale: tuple[float, float] | None = None


def _check_criteria(criteria: Sequence[Criterion]) -> list[float]:
    if not criteria:
        raise InvalidInput(
            "weighted scoring needs at least one criterion", [FieldError(["criteria"], "empty")]
        )
    names = [c.name for c in criteria]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise InvalidInput(
            f"criteria names must be unique; repeated: {', '.join(dupes)}",
            [FieldError(["criteria"], "dupes")],
        )
    for c in criteria:
        if not math.isfinite(c.weight) or c.weight < 0:
            raise InvalidInput(
                f"criterion '{c.name}' weight must be ≥ 0, got {c.weight}",
                [FieldError(["criteria", c.name, "weight"], "negative")],
            )
        if c.scale is not None and not c.scale[0] < c.scale[1]:
            raise InvalidInput(
                f"criterion '{c.name}' scale must run from low to high, got {c.scale}",
                [FieldError(["criteria", c.name, "scale"], "reversed")],
            )
    total = sum(c.weight for c in criteria)
    if total <= 0:
        raise InvalidInput(
            "at least one criterion needs a weight above 0", [FieldError(["criteria"], "zero weights")]
        )
    return [c.weight / total for c in criteria]


def weighted_scores(
    items: Mapping[str, Mapping[str, Number]], criteria: Sequence[Criterion]
) -> dict[str, Score]:
    """Weighted scoring with the team's own criteria: 0–100 points per item.

    items: id -> {criterion name: the item's points on it (None = missing)}. Each criterion value is
    normalised to 0–1 (by its scale, or over these items), flipped when lower is better, and the normalised
    values are averaged with the normalised weights, × 100. An item missing a criterion is not scored.
    """
    weights = _check_criteria(criteria)
    for item_id, vals in items.items():
        for c in criteria:
            v = vals.get(c.name)
            if v is not None and (
                isinstance(v, bool) or not isinstance(v, int | float | np.integer | np.floating)
            ):
                raise InvalidInput(
                    f"item {item_id}: {c.name} must be a number, got {v!r}",
                    [FieldError([item_id, c.name], "not a number")],
                )
    ranges: dict[str, tuple[float, float]] = {}
    for c in criteria:
        if c.scale is not None:
            ranges[c.name] = (float(c.scale[0]), float(c.scale[1]))
            for item_id, vals in items.items():
                v = vals.get(c.name)
                if v is not None and not math.isnan(v) and not (c.scale[0] <= v <= c.scale[1]):
                    raise InvalidInput(
                        f"item {item_id}: {c.name} must be on its scale {c.scale[0]:g}–{c.scale[1]:g}, got {v:g}",
                        [FieldError([item_id, c.name], "off scale", v)],
                    )
        else:
            present = [
                float(v)
                for vals in items.values()
                if (v := vals.get(c.name)) is not None and not math.isnan(v)
            ]
            ranges[c.name] = (min(present), max(present)) if present else (0.0, 0.0)
    out: dict[str, Score] = {}
    for item_id, vals in items.items():
        out[item_id] = _weighted_one(vals, criteria, weights, ranges)
    return out


def weighted_score(values: Mapping[str, Number], criteria: Sequence[Criterion]) -> Score:
    """Weighted score of one item (0–100 points); every criterion needs a `scale` to normalise against."""
    missing_scale = [c.name for c in criteria if c.scale is None]
    if missing_scale:
        raise InvalidInput(
            f"scoring one item alone needs a scale on every criterion; missing for: {', '.join(missing_scale)}",
            [FieldError(["criteria", n, "scale"], "missing") for n in missing_scale],
        )
    return weighted_scores({"item": values}, criteria)["item"]


def _weighted_one(
    vals: Mapping[str, Number],
    criteria: Sequence[Criterion],
    weights: list[float],
    ranges: Mapping[str, tuple[float, float]],
) -> Score:
    inputs: dict[str, float | None] = {}
    parts: list[str] = []
    total = 0.0
    missing: list[str] = []
    for c, w in zip(criteria, weights, strict=True):
        raw = vals.get(c.name)
        if raw is None or math.isnan(raw):
            inputs[c.name] = None
            missing.append(c.name)
            parts.append(f"{c.name} ?")
            continue
        x = float(raw)
        inputs[c.name] = x
        lo, hi = ranges[c.name]
        norm = 0.5 if hi == lo else (x - lo) / (hi - lo)
        if c.lower_is_better:
            norm = 1.0 - norm
        total += w * norm
        flip = ", lower is better" if c.lower_is_better else ""
        parts.append(f"{c.name} {format_number(x)} (→ {norm:.2f}{flip}) × {w:.2f}")
    body = " + ".join(parts)
    if missing:
        reason = f"missing {', '.join(missing)}"
        return Score(None, f"not scored: {reason} — {body}", reason, inputs)
    value = 100.0 * total
    return Score(value, f"{format_number(value)} of 100 = 100 × ({body})", None, inputs)


# ---------------------------------------------------------------------------------------------- business stage

STAGE_CRITERIA = (
    "new_customer_demand",  # demand from prospects and lost deals
    "reach",  # share of customers or users touched
    "arr_at_risk",  # recurring revenue of customers who may leave without it
    "existing_customer_demand",  # demand from current customers
    "cost_reduction",  # cost it takes out of running the business
    "margin",  # gross-margin improvement
    "strategic_fit",
)
_STAGE_WEIGHTS: dict[str, tuple[float, ...]] = {
    # new_demand, reach, arr_at_risk, existing_demand, cost_reduction, margin, strategic_fit
    "growth": (0.30, 0.25, 0.10, 0.10, 0.05, 0.05, 0.15),
    "retention": (0.10, 0.10, 0.30, 0.25, 0.05, 0.10, 0.10),
    "profitability": (0.05, 0.05, 0.10, 0.10, 0.30, 0.30, 0.10),
}


def default_weights(stage: str) -> dict[str, float]:
    """Default criterion weights (summing to 1) for a business stage: growth, retention or profitability.

    Growth favours new-customer demand and reach; retention favours ARR at risk and existing customers;
    profitability favours cost reduction and margin.
    """
    key = stage.strip().lower()
    if key not in _STAGE_WEIGHTS:
        raise InvalidInput(
            f"unknown business stage '{stage}'; choose one of {', '.join(_STAGE_WEIGHTS)}",
            [FieldError(["stage"], "unknown", stage)],
        )
    return dict(zip(STAGE_CRITERIA, _STAGE_WEIGHTS[key], strict=True))


def default_criteria(stage: str, scale: tuple[float, float] = (0.0, 10.0)) -> list[Criterion]:
    """The stage's default criteria, each on `scale` points (0–10 by default), higher is better."""
    return [Criterion(name, w, scale=scale) for name, w in default_weights(stage).items()]
