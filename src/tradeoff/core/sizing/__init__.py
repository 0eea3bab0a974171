"""Money sizing with ranges: what a problem is worth, what a feature costs, and what the bet returns.

Model, per Monte Carlo draw (all money in one currency):

* annual value = customers affected × cost of the problem to each per year × share we capture
  (the cost per customer is given directly, or as a share of a revenue figure: 10% of $100m → $10m a year);
* build cost = engineering effort (person-weeks) × loaded cost per person-week, spent once at the start;
* total cost = build cost + run cost per year × horizon years;
* ROI = (annual value × horizon − total cost) ÷ total cost (a ratio: 0.5 = 50%, undiscounted);
* payback = build cost ÷ ((annual value − run cost) ÷ 12) months; infinite when the net never turns positive;
* NPV = −build cost + Σ over years t = 1..horizon of (annual value − run cost) ÷ (1 + discount rate)^t.

Each range is drawn from a triangular or Beta-PERT distribution (`sampling`); the customers' alternative may
flag a displacement risk (`monte_carlo`); a tornado shows which input moves the result most (`sensitivity`).
The inputs and their validation are in `cases`, the outputs and their percentiles in `results`.
"""

from __future__ import annotations

from tradeoff.core.sizing.cases import (
    Alternative,
    MoneyRange,
    ProblemValue,
    Range,
    SizingCase,
    SolutionCost,
    scale_money,
)
from tradeoff.core.sizing.monte_carlo import size_feature, size_features
from tradeoff.core.sizing.results import OUTPUTS, Displacement, Output, Percentiles, SizingResult
from tradeoff.core.sizing.sampling import F32, F64, Distribution, sample_ranges
from tradeoff.core.sizing.sensitivity import Tornado, TornadoBar, tornado

__all__ = [
    "F32",
    "F64",
    "OUTPUTS",
    "Alternative",
    "Displacement",
    "Distribution",
    "MoneyRange",
    "Output",
    "Percentiles",
    "ProblemValue",
    "Range",
    "SizingCase",
    "SizingResult",
    "SolutionCost",
    "Tornado",
    "TornadoBar",
    "sample_ranges",
    "scale_money",
    "size_feature",
    "size_features",
    "tornado",
]
