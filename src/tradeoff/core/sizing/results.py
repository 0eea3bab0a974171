"""What sizing reports: annual value, total cost, ROI, payback and NPV (computed from value, build and run
cost, for draws or single points), their P10/P50/P90, and the displacement verdict."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from tradeoff.core.formula import format_number
from tradeoff.core.sizing.sampling import F32, F64

Output = Literal["annual_value", "total_cost", "roi", "payback_months", "npv"]
OUTPUTS: tuple[Output, ...] = ("annual_value", "total_cost", "roi", "payback_months", "npv")


@dataclass(frozen=True)
class Percentiles:
    p10: float
    p50: float
    p90: float


@dataclass(frozen=True)
class Displacement:
    """Whether the customers' alternative makes the problem worth far less than our sizing says.

    ratio: the alternative's P50 yearly cost across the affected customers ÷ our captured annual value P50.
    at_risk: ratio < the threshold (default 0.2).
    """

    at_risk: bool
    alternative: str
    cost_per_customer_per_year: Percentiles
    cost_all_customers_p50: float
    captured_value_p50: float
    ratio: float
    message: str


@dataclass(frozen=True)
class SizingResult:
    """P10/P50/P90 of the annual value (money/year), total cost over the horizon (money), ROI (ratio),
    payback (months; inf = never) and NPV (money) of one feature."""

    id: str
    currency: str
    annual_value: Percentiles
    total_cost: Percentiles
    roi: Percentiles
    payback_months: Percentiles
    npv: Percentiles
    displacement: Displacement | None
    horizon_years: int
    discount_rate: float
    draws: int
    distribution: str

    def summary(self) -> str:
        """The result in words, naming what was sized by its id (give the case an id people read: a title)."""
        c = self.currency
        lines = [
            f"{self.id}: annual value {_money(self.annual_value, c)}; total cost over {self.horizon_years} years "
            f"{_money(self.total_cost, c)}",
            f"ROI {_pct(self.roi.p10)} / {_pct(self.roi.p50)} / {_pct(self.roi.p90)} (P10/P50/P90); NPV at "
            f"{self.discount_rate:.0%} {_money(self.npv, c)}; payback {_months(self.payback_months.p50)} (P50)",
        ]
        if self.displacement is not None:
            lines.append(self.displacement.message)
        return "\n".join(lines)


def _money(p: Percentiles, currency: str) -> str:
    return (
        f"{format_number(p.p10)} / {format_number(p.p50)} / {format_number(p.p90)} {currency} (P10/P50/P90)"
    )


def _pct(x: float) -> str:
    return "∞" if math.isinf(x) else f"{x:.0%}"


def _months(x: float) -> str:
    return "never" if math.isinf(x) else f"{x:.1f} months"


def _annuity(horizon: int, rate: float) -> float:
    return float(sum((1 + rate) ** -t for t in range(1, horizon + 1)))


def _outputs(
    value: F32 | F64, build: F32 | F64, run: F32 | F64, horizon: int, annuity: float
) -> list[NDArray[np.floating]]:
    """annual value, total cost, ROI, payback months, NPV — for draws or for single points (same arrays shape)."""
    dt = value.dtype.type
    total = run * dt(horizon)
    total += build
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        roi = value * dt(horizon)
        roi -= total
        roi /= total
        if not total.all():
            roi[total == 0] = np.where(value[total == 0] > 0, np.inf, 0.0)
        net = value - run
        payback = np.full(net.shape, np.inf, dtype=value.dtype)
        np.divide(build * dt(12), net, out=payback, where=net > 0)
    npv = net * dt(annuity)
    npv -= build
    return [value, total, roi, payback, npv]
