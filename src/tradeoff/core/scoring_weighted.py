"""Weighted scoring with the team's own criteria, and the default criteria and weights of a business stage."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from tradeoff.core.formula import format_number
from tradeoff.core.scoring import Number, Score
from tradeoff.errors import FieldError, InvalidInput


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
