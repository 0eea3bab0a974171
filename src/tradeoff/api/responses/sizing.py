"""Answers of the money-sizing routes (api/strategy.py): what a problem is worth, and a feature's business case."""

from __future__ import annotations

from pydantic import Field

from tradeoff.api.responses.base import Answer, Number, Percentiles, absent


class RangeOut(Answer):
    """An uncertain quantity as entered: low ≤ likely ≤ high."""

    low: Number
    likely: Number
    high: Number


class MoneyRangeOut(RangeOut):
    """An uncertain amount of money a year (or a week, or once) in `currency`."""

    currency: str = absent("Three-letter code (USD when not given)")


class ProblemSizeSnapshot(Answer):
    """The size as entered: customers as a range or a segment rule; the cost to each directly or as a share of
    their revenue; the share of it a solution captures."""

    customers: RangeOut | None
    customers_segment: str | None = Field(description="A segment (or 'all') whose customers are counted instead")
    cost_per_customer: MoneyRangeOut | None = Field(description="What the problem costs each customer a year")
    revenue_share: RangeOut | None = Field(description="Else: the share of their revenue it costs them")
    revenue_per_customer: MoneyRangeOut | None = Field(description="With revenue_share: each customer's revenue")
    capture: RangeOut = Field(description="The share of that cost a solution captures (0-1)")
    notes: str


class CustomersAffected(RangeOut):
    from_segment: str | None = Field(description="The segment counted, when customers are a segment rule")


class TornadoBar(Answer):
    input: str = Field(description="The input moved, e.g. problem.cost_per_customer")
    label: str = Field(description="The input in words, e.g. Cost per customer")
    at_low: Number | None = Field(description="The output with the input at its low end")
    at_high: Number | None = Field(description="The output with the input at its high end")
    swing: Number | None = Field(description="|at_high − at_low|")


class TornadoOut(Answer):
    """How much each input moves the output, biggest first."""

    output: str = Field(description="The output moved: annual_value or npv")
    output_label: str = Field(description="The output in words, e.g. Annual value")
    currency: str
    base: Number | None = Field(description="The output with every input at its likely value")
    biggest_driver: str | None = Field(description="The input that moves it most (null: none moves it)")
    biggest_driver_label: str | None = Field(description="That input in words")
    bars: list[TornadoBar]


class DisplacementOut(Answer):
    """Whether customers' cheapest alternative makes the feature hard to sell."""

    at_risk: bool
    alternative: str
    ratio: Number | None = Field(description="The alternative's yearly cost for all customers ÷ the value captured "
                                             "a year (P50); below the threshold: at risk")
    message: str
    cost_all_customers_p50: Number | None
    captured_value_p50: Number | None


class SizingResultOut(Answer):
    """A business case sized with Monte Carlo: P10/P50/P90 of each outcome, in `currency`."""

    currency: str
    annual_value: Percentiles = Field(description="Value captured a year")
    total_cost: Percentiles = Field(description="Build cost plus run cost over the horizon")
    roi: Percentiles = Field(description="(annual value × horizon − total cost) ÷ total cost, a ratio (0.5 = 50%)")
    payback_months: Percentiles = Field(description="Months until the net value repays the build cost; null "
                                                    "where it never does")
    npv: Percentiles = Field(description="Net present value over the horizon at the discount rate")
    horizon_years: int
    discount_rate: Number
    draws: int = Field(description="Monte Carlo draws")
    distribution: str = Field(description="How ranges are sampled, e.g. triangular")
    summary: str
    displacement: DisplacementOut | None = Field(description="Null without an alternative")


class SolvingFeature(Answer):
    id: int
    title: str
    status: str
    result: SizingResultOut | None
    missing: str | None = Field(description="Why it has no result")
    valued_on: int | None = Field(description="The problem its business case is valued on (another one when it "
                                              "solves several)")


class ProblemSizingOut(Answer):
    """What a problem is worth a year, what drives that, and the features that would solve it."""

    problem_id: int
    statement: str
    size: ProblemSizeSnapshot
    customers: CustomersAffected = Field(description="Customers affected, as sized")
    currency: str
    annual_value: Percentiles = Field(description="What solving it is worth a year")
    draws: int
    tornado: TornadoOut
    features: list[SolvingFeature]


class BusinessCaseSnapshot(Answer):
    """The business case as entered."""

    problem_id: int | None = Field(description="The problem whose size values it; null: the first sized one")
    effort_person_weeks: RangeOut
    cost_per_person_week: MoneyRangeOut
    run_cost_per_year: MoneyRangeOut
    alternative_name: str | None = Field(description="Customers' cheapest credible alternative")
    alternative_cost: MoneyRangeOut | None
    alternative_one_off: bool = Field(description="The alternative costs once, not every year")
    horizon_years: int
    discount_rate: Number
    notes: str


class FeatureSizingOut(Answer):
    """A feature's business case and what it returns; `missing` says what is needed when there is no result."""

    feature_id: int
    title: str
    business_case: BusinessCaseSnapshot | None
    result: SizingResultOut | None
    tornado: TornadoOut | None = Field(description="How each input moves the NPV")
    missing: str | None
    problem_id: int | None = absent("The problem it is valued on (with a result)")
