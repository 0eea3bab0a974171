"""The value vs. effort 2×2: each item's value ÷ effort score and its quadrant (quick win, big bet, fill-in,
money pit)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from tradeoff.core.scoring import Number, Score, value_effort


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
