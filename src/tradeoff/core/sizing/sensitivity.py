"""Which input moves the result most.

Tornado: the output (NPV by default) with one input at its low and then its high, every other input at its
likely value (a deterministic one-at-a-time sweep), sorted by swing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from tradeoff.core.sizing.cases import SizingCase, _check_params, _currency, _inputs
from tradeoff.core.sizing.results import OUTPUTS, Output, _annuity, _outputs
from tradeoff.errors import FieldError, InvalidInput


@dataclass(frozen=True)
class TornadoBar:
    """The output with one input at its low and at its high (every other input at its likely value)."""

    input: str
    output_at_low: float
    output_at_high: float
    swing: float


@dataclass(frozen=True)
class Tornado:
    output: str
    currency: str
    base: float  # the output with every input at its likely value
    bars: tuple[TornadoBar, ...]  # sorted by swing, largest first

    def biggest_driver(self) -> str | None:
        return self.bars[0].input if self.bars and self.bars[0].swing > 0 else None


def tornado(
    case: SizingCase, *, output: Output = "npv", horizon_years: int = 3, discount_rate: float = 0.10
) -> Tornado:
    """Which input moves the result most: `output` ("npv", "roi", "annual_value", "total_cost",
    "payback_months") with each input at its low and its high, others at likely; bars sorted by swing."""
    if output not in OUTPUTS:
        raise InvalidInput(
            f"output must be one of {', '.join(OUTPUTS)}, got {output!r}", [FieldError(["output"], "bad")]
        )
    _check_params(10, horizon_years, discount_rate, "triangular")
    inputs = _inputs(case)
    names = list(inputs)
    # row 0: all likely; rows 2i+1 / 2i+2: input i at low / high
    points = {f: np.full(1 + 2 * len(names), r.likely, dtype=np.float64) for f, r in inputs.items()}
    for i, f in enumerate(names):
        points[f][2 * i + 1] = inputs[f].low
        points[f][2 * i + 2] = inputs[f].high
    if "problem.cost_per_customer" in points:
        cost_pc = points["problem.cost_per_customer"]
    else:
        cost_pc = points["problem.revenue_share"] * points["problem.revenue_per_customer"]
    value = points["problem.customers"] * cost_pc * points["problem.capture"]
    build = points["solution.effort_person_weeks"] * points["solution.cost_per_person_week"]
    outs = _outputs(
        value,
        build,
        points["solution.run_cost_per_year"],
        horizon_years,
        _annuity(horizon_years, discount_rate),
    )
    y = np.asarray(outs[OUTPUTS.index(output)], dtype=np.float64)
    bars = []
    for i, f in enumerate(names):
        lo, hi = float(y[2 * i + 1]), float(y[2 * i + 2])
        swing = abs(hi - lo) if not (math.isinf(lo) and math.isinf(hi) and lo == hi) else 0.0
        bars.append(TornadoBar(f, lo, hi, swing))
    bars.sort(key=lambda b: (-b.swing, b.input))
    return Tornado(output, _currency(case), float(y[0]), tuple(bars))
