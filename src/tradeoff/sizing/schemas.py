"""Input and output shapes of problem sizes and business cases."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from tradeoff.records.schemas import Input, LongText, ShortText

# a trillion either way: more than any count of customers or yearly amount, and products of two stay finite
Finite = Annotated[float, Field(allow_inf_nan=False, ge=-1e12, le=1e12)]
Currency = Annotated[str, StringConstraints(strip_whitespace=True, to_upper=True, pattern=r"^[A-Za-z]{3}$")]


class RangeIn(Input):
    """An uncertain quantity: low ≤ likely ≤ high (checked by the service, which names the field)."""

    low: Finite
    likely: Finite
    high: Finite


class MoneyIn(RangeIn):
    """An uncertain amount of money in `currency` (three-letter code)."""

    currency: Currency = "USD"


class ProblemSizeIn(Input):
    """Give the customers affected as a range or as a segment rule (a segment, or "all"); and the cost of the
    problem to each per year directly (cost_per_customer) or as revenue_share of revenue_per_customer."""

    customers: RangeIn | None = None
    customers_segment: Annotated[str, StringConstraints(strip_whitespace=True, max_length=20)] | None = None
    cost_per_customer: MoneyIn | None = None
    revenue_share: RangeIn | None = None
    revenue_per_customer: MoneyIn | None = None
    capture: RangeIn
    notes: LongText = ""


class BusinessCaseIn(Input):
    """What the feature costs and the customers' cheapest credible alternative. problem_id: the problem whose
    size values the feature (default: the first problem it solves that has a size)."""

    problem_id: int | None = None
    effort_person_weeks: RangeIn
    cost_per_person_week: MoneyIn
    run_cost_per_year: MoneyIn | None = None
    alternative_name: ShortText | None = None
    alternative_cost: MoneyIn | None = None
    alternative_one_off: bool = False
    horizon_years: Annotated[int, Field(ge=1, le=30)] = 3
    discount_rate: Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)] = 0.10
    notes: LongText = ""


class ProblemSizeOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    problem_id: int
    version: int
    customers: dict[str, Any] | None
    customers_segment: str | None
    cost_per_customer: dict[str, Any] | None
    revenue_share: dict[str, Any] | None
    revenue_per_customer: dict[str, Any] | None
    capture: dict[str, Any]
    notes: str


class BusinessCaseOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    feature_id: int
    version: int
    problem_id: int | None
    effort_person_weeks: dict[str, Any]
    cost_per_person_week: dict[str, Any]
    run_cost_per_year: dict[str, Any]
    alternative_name: str | None
    alternative_cost: dict[str, Any] | None
    alternative_one_off: bool
    horizon_years: int
    discount_rate: float
    notes: str
