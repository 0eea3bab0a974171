"""The engineers' estimate as the effort scoring reads: person-weeks, whatever unit the engineers estimated in.

Scoring's effort (RICE, value / effort, WSJF's job size when none is entered) is in person-weeks, the business
case's unit. An estimate in person-days is divided by 5 working days a week; one in story points needs a number
of person-days per point (a plan's): without one it cannot be turned into weeks, and the result says so.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from tradeoff.core.formula import format_number
from tradeoff.errors import FieldError, InvalidInput

DAYS_PER_WEEK = 5.0  # working days in a person-week

EstimateUnit = Literal["days", "points"]


@dataclass(frozen=True)
class EstimateEffort:
    """An estimate as scoring effort.

    low / likely / high: person-weeks when `in_weeks`, else the estimate's story points unchanged.
    source: where the number comes from, with the conversion ("engineers' estimate (30 person-days =
    6 person-weeks)"), or why there is none.
    """

    low: float
    likely: float
    high: float
    in_weeks: bool
    source: str


def quantity(n: float, one: str, many: str) -> str:
    """'1 person-day', '2.5 person-days', '0 points': the number and its unit, singular only for exactly 1."""
    return f"{format_number(n)} {one if n == 1 else many}"


def estimate_effort(low: float, likely: float, high: float, unit: str, *, days_per_point: float | None = None,
                    per_point_from: str = "") -> EstimateEffort:
    """An engineers' estimate (optimistic, likely, pessimistic in `unit`: "days" = person-days, "points" =
    story points) as effort in person-weeks.

    days_per_point: person-days one story point takes (a plan's), None when unknown; per_point_from: where it
    comes from, named in the source ("the live plan 'Q3'"). Points without days_per_point stay points
    (in_weeks False) and the source says why.
    """
    if unit not in ("days", "points"):
        raise InvalidInput(f"estimate unit must be 'days' or 'points', got {unit!r}",
                           [FieldError(["unit"], "unknown unit", unit)])
    if days_per_point is not None and not (math.isfinite(days_per_point) and days_per_point > 0):
        raise InvalidInput(f"days per point must be a number above 0, got {days_per_point!r}",
                           [FieldError(["days_per_point"], "not above 0", days_per_point)])
    if unit == "days":
        weeks = likely / DAYS_PER_WEEK
        source = (f"engineers' estimate ({quantity(likely, 'person-day', 'person-days')} = "
                  f"{quantity(weeks, 'person-week', 'person-weeks')})")
        return EstimateEffort(low / DAYS_PER_WEEK, weeks, high / DAYS_PER_WEEK, True, source)
    points = quantity(likely, "story point", "story points")
    if days_per_point is None:
        return EstimateEffort(low, likely, high, False,
                              f"engineers' estimate of {points}: no days per point is known to turn points into "
                              "person-weeks (a plan's days per point does)")
    def weeks_of(x: float) -> float:
        return x * days_per_point / DAYS_PER_WEEK

    days = likely * days_per_point
    where = f"; days per point from {per_point_from}" if per_point_from else ""
    source = (f"engineers' estimate ({points} × {quantity(days_per_point, 'person-day', 'person-days')} a point = "
              f"{quantity(days, 'person-day', 'person-days')} = "
              f"{quantity(weeks_of(likely), 'person-week', 'person-weeks')}{where})")
    return EstimateEffort(weeks_of(low), weeks_of(likely), weeks_of(high), True, source)
