"""The inputs of a sizing: ranges (counts, shares, person-weeks) and money ranges, the problem's value, the
solution's cost and the customers' alternative, with their validation."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from tradeoff.errors import FieldError, InvalidInput


@dataclass(frozen=True)
class Range:
    """An uncertain quantity: low ≤ likely ≤ high (a count, a share 0–1, person-weeks...)."""

    low: float
    likely: float
    high: float

    @classmethod
    def point(cls, value: float) -> Range:
        return cls(value, value, value)


@dataclass(frozen=True)
class MoneyRange:
    """An uncertain amount of money in `currency` (ISO code): low ≤ likely ≤ high, all ≥ 0."""

    low: float
    likely: float
    high: float
    currency: str = "USD"

    @classmethod
    def point(cls, value: float, currency: str = "USD") -> MoneyRange:
        return cls(value, value, value, currency)


@dataclass(frozen=True)
class ProblemValue:
    """What a problem costs the customers who have it.

    customers: number of customers affected. capture: share of the problem's cost we could capture (0–1).
    Give either cost_per_customer (money per customer per year) or revenue_share (0–1) of
    revenue_per_customer (money per customer per year), e.g. 10% of $100m revenue spent on order processing.
    """

    customers: Range
    capture: Range
    cost_per_customer: MoneyRange | None = None
    revenue_share: Range | None = None
    revenue_per_customer: MoneyRange | None = None


@dataclass(frozen=True)
class SolutionCost:
    """What building and running the feature costs: effort in person-weeks × loaded cost per person-week
    (one-off), plus run cost per year (hosting, licences, support)."""

    effort_person_weeks: Range
    cost_per_person_week: MoneyRange
    run_cost_per_year: MoneyRange


@dataclass(frozen=True)
class Alternative:
    """The cheapest credible alternative a customer has (a tool, a workaround, a consultant).

    cost: what it costs one affected customer, per year, or once when one_off is True.
    """

    name: str
    cost: MoneyRange
    one_off: bool = False


@dataclass(frozen=True)
class SizingCase:
    """One feature to size: the problem it solves, its cost, and the customers' alternative (optional)."""

    id: str
    problem: ProblemValue
    solution: SolutionCost
    alternative: Alternative | None = None


# ---------------------------------------------------------------------------------------------- validation


def _bad(case_id: str, field: str, message: str, value: object = None) -> InvalidInput:
    return InvalidInput(
        f"feature {case_id}: {field} {message}", [FieldError([case_id, *field.split(".")], message, value)]
    )


def _check_range(
    case_id: str, field: str, r: Range | MoneyRange, lo: float = 0.0, hi: float | None = None
) -> None:
    for part in ("low", "likely", "high"):
        v = getattr(r, part)
        if not isinstance(v, int | float) or not math.isfinite(v):
            raise _bad(case_id, field, f"{part} must be a finite number, got {v!r}", v)
    if r.low > r.high:
        raise _bad(case_id, field, f"low {r.low:g} is above high {r.high:g}", r.low)
    if not r.low <= r.likely <= r.high:
        raise _bad(case_id, field, f"likely {r.likely:g} is outside low–high {r.low:g}–{r.high:g}", r.likely)
    if r.low < lo:
        what = "a cost" if isinstance(r, MoneyRange) else "a quantity"
        raise _bad(case_id, field, f"is {what} and cannot be negative (low {r.low:g})", r.low)
    if hi is not None and r.high > hi:
        raise _bad(case_id, field, f"is a share and must be within 0–1 (high {r.high:g})", r.high)


_Inputs = dict[str, Range | MoneyRange]


def _inputs(case: SizingCase) -> _Inputs:
    """The case's uncertain inputs by field name, validated."""
    p, s, cid = case.problem, case.solution, case.id
    out: dict[str, Range | MoneyRange] = {"problem.customers": p.customers}
    if p.cost_per_customer is not None:
        if p.revenue_share is not None or p.revenue_per_customer is not None:
            raise _bad(
                cid,
                "problem.cost_per_customer",
                "is given together with a revenue share; give one or the other",
            )
        out["problem.cost_per_customer"] = p.cost_per_customer
    elif p.revenue_share is not None and p.revenue_per_customer is not None:
        out["problem.revenue_share"] = p.revenue_share
        out["problem.revenue_per_customer"] = p.revenue_per_customer
    else:
        raise _bad(
            cid, "problem.cost_per_customer", "is missing: give it, or revenue_share and revenue_per_customer"
        )
    out["problem.capture"] = p.capture
    out["solution.effort_person_weeks"] = s.effort_person_weeks
    out["solution.cost_per_person_week"] = s.cost_per_person_week
    out["solution.run_cost_per_year"] = s.run_cost_per_year
    for field, r in out.items():
        share = field in ("problem.capture", "problem.revenue_share")
        _check_range(cid, field, r, 0.0, 1.0 if share else None)
    money = {f: r.currency for f, r in out.items() if isinstance(r, MoneyRange)}
    if case.alternative is not None:
        _check_range(cid, "alternative.cost", case.alternative.cost)
        money["alternative.cost"] = case.alternative.cost.currency
    if len(set(money.values())) > 1:
        listed = ", ".join(f"{f} ({c})" for f, c in money.items())
        raise InvalidInput(
            f"feature {cid}: all money must be in one currency; got {listed}",
            [FieldError([cid, *f.split(".")], f"currency {c}", c) for f, c in money.items()],
        )
    return out


def _currency(case: SizingCase) -> str:
    return case.solution.run_cost_per_year.currency


def _check_params(draws: int, horizon_years: int, discount_rate: float, distribution: str) -> None:
    if not isinstance(draws, int) or draws < 10:
        raise InvalidInput(
            f"draws must be a whole number ≥ 10, got {draws!r}", [FieldError(["draws"], "too few")]
        )
    if not isinstance(horizon_years, int) or horizon_years < 1:
        raise InvalidInput(
            f"horizon_years must be a whole number of years ≥ 1, got {horizon_years!r}",
            [FieldError(["horizon_years"], "bad")],
        )
    if not math.isfinite(discount_rate) or discount_rate <= -1:
        raise InvalidInput(
            f"discount_rate must be above -1 (e.g. 0.1 for 10%), got {discount_rate!r}",
            [FieldError(["discount_rate"], "bad")],
        )
    if distribution not in ("triangular", "pert"):
        raise InvalidInput(
            f"distribution must be 'triangular' or 'pert', got {distribution!r}",
            [FieldError(["distribution"], "bad")],
        )


def _triple(r: Range | MoneyRange) -> tuple[float, float, float]:
    return (r.low, r.likely, r.high)


def scale_money(case: SizingCase, factor: float) -> SizingCase:
    """The same case with every amount of money multiplied by `factor` (e.g. a currency conversion)."""

    def m(x: MoneyRange) -> MoneyRange:
        return MoneyRange(x.low * factor, x.likely * factor, x.high * factor, x.currency)

    p, s, a = case.problem, case.solution, case.alternative
    problem = replace(
        p,
        cost_per_customer=m(p.cost_per_customer) if p.cost_per_customer else None,
        revenue_per_customer=m(p.revenue_per_customer) if p.revenue_per_customer else None,
    )
    solution = SolutionCost(s.effort_person_weeks, m(s.cost_per_person_week), m(s.run_cost_per_year))
    alternative = replace(a, cost=m(a.cost)) if a is not None else None
    return SizingCase(case.id, problem, solution, alternative)
