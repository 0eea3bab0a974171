"""Money sizing with ranges: the model by hand, the distributions, validation, displacement, tornado."""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from tradeoff.core.sizing import (
    Alternative,
    MoneyRange,
    ProblemValue,
    Range,
    SizingCase,
    SolutionCost,
    sample_ranges,
    scale_money,
    size_feature,
    size_features,
    tornado,
)
from tradeoff.errors import InvalidInput

P = Range.point
M = MoneyRange.point


def point_case(case_id: str = "F-1", **over: Any) -> SizingCase:
    """10 customers × 1,000/yr × 50% captured = 5,000/yr; build 4 pw × 2,000 = 8,000; run 1,000/yr."""
    problem = ProblemValue(customers=P(10), capture=P(0.5), cost_per_customer=M(1000))
    solution = SolutionCost(P(4), M(2000), M(1000))
    fields = {"problem": problem, "solution": solution, "alternative": None, **over}
    return SizingCase(case_id, **fields)


def rng(seed: int = 7) -> np.random.Generator:
    return np.random.default_rng(seed)


def test_point_inputs_give_the_model_by_hand() -> None:
    r = size_feature(point_case(), rng=rng(), draws=100)
    annuity = 1 / 1.1 + 1 / 1.1**2 + 1 / 1.1**3
    expected = {
        "annual_value": 5000,
        "total_cost": 8000 + 3 * 1000,
        "roi": (3 * 5000 - 11000) / 11000,
        "payback_months": 8000 / (5000 - 1000) * 12,
        "npv": -8000 + 4000 * annuity,
    }
    for name, want in expected.items():
        p = getattr(r, name)
        assert (p.p10, p.p50, p.p90) == pytest.approx((want, want, want), rel=1e-6), name
    assert r.currency == "USD" and r.horizon_years == 3 and r.draws == 100
    assert "payback 24.0 months" in r.summary()


def test_revenue_share_gives_cost_per_customer() -> None:
    # 10% of $100m revenue spent on order processing → $10m a year per customer
    problem = ProblemValue(customers=P(1), capture=P(1), revenue_share=P(0.1), revenue_per_customer=M(100e6))
    r = size_feature(point_case(problem=problem), rng=rng(), draws=50)
    assert r.annual_value.p50 == pytest.approx(10e6, rel=1e-6)


def test_never_paying_back_is_infinite() -> None:
    case = point_case(solution=SolutionCost(P(4), M(2000), M(6000)))  # run cost above the value
    r = size_feature(case, rng=rng(), draws=50)
    assert math.isinf(r.payback_months.p50)
    assert "payback never" in r.summary()
    assert r.npv.p50 < 0


def test_horizon_and_discount_rate() -> None:
    r = size_feature(point_case(), rng=rng(), draws=50, horizon_years=5, discount_rate=0.0)
    assert r.total_cost.p50 == pytest.approx(8000 + 5000)
    assert r.npv.p50 == pytest.approx(-8000 + 5 * 4000)


def test_triangular_draws_match_the_distribution() -> None:
    x = sample_ranges(rng(), [Range(0, 50, 100), Range(0, 0, 10)], 40_000)
    assert x.shape == (2, 40_000)
    assert x.min() >= 0 and x[0].max() <= 100 and x[1].max() <= 10
    # symmetric triangle: P10 = 100 × sqrt(0.1 × 0.5); left triangle (mode at low): P50 = 10 × (1 − sqrt(0.5))
    assert np.quantile(x[0], 0.1) == pytest.approx(100 * math.sqrt(0.05), abs=0.7)
    assert np.quantile(x[1], 0.5) == pytest.approx(10 * (1 - math.sqrt(0.5)), abs=0.07)
    assert x[1].mean() == pytest.approx(10 / 3, abs=0.05)  # triangle mean (low + likely + high) / 3


def test_pert_draws_match_the_beta_pert() -> None:
    x = sample_ranges(rng(), [Range(0, 20, 100)], 40_000, distribution="pert")[0]
    assert x.mean() == pytest.approx((0 + 4 * 20 + 100) / 6, abs=0.5)  # PERT mean
    assert np.quantile(x, 0.9) == pytest.approx(100 * stats.beta.ppf(0.9, 1.8, 4.2), abs=1.0)


def test_uncertain_customers_spread_the_value() -> None:
    problem = ProblemValue(customers=Range(0, 50, 100), capture=P(1), cost_per_customer=M(1000))
    r = size_feature(point_case(problem=problem), rng=rng(), draws=20_000)
    assert r.annual_value.p10 == pytest.approx(1000 * 100 * math.sqrt(0.05), rel=0.03)
    assert r.annual_value.p50 == pytest.approx(50_000, rel=0.02)
    assert r.annual_value.p90 == pytest.approx(1000 * (100 - 100 * math.sqrt(0.05)), rel=0.02)


# ---------------------------------------------------------------------------------------------- validation


@pytest.mark.parametrize(
    ("over", "message"),
    [
        (
            {"problem": ProblemValue(Range(50, 60, 10), P(0.5), M(1000))},
            "feature F-1: problem.customers low 50 is above high 10",
        ),
        (
            {"problem": ProblemValue(Range(5, 60, 10), P(0.5), M(1000))},
            "problem.customers likely 60 is outside low–high 5–10",
        ),
        (
            {"problem": ProblemValue(P(5), Range(0.1, 0.5, 1.5), M(1000))},
            "problem.capture is a share and must be within 0–1",
        ),
        (
            {"problem": ProblemValue(P(5), P(0.5), MoneyRange(-5, 1, 2))},
            "problem.cost_per_customer is a cost and cannot be negative",
        ),
        (
            {"solution": SolutionCost(P(4), M(2000), MoneyRange(-1, 0, 10))},
            "solution.run_cost_per_year is a cost and cannot be negative",
        ),
        (
            {"solution": SolutionCost(Range(-1, 2, 3), M(2000), M(0))},
            "solution.effort_person_weeks is a quantity and cannot be negative",
        ),
        ({"problem": ProblemValue(P(5), P(0.5))}, "problem.cost_per_customer is missing"),
        (
            {"problem": ProblemValue(P(5), P(0.5), M(1), revenue_share=P(0.1), revenue_per_customer=M(9))},
            "give one or the other",
        ),
        (
            {"alternative": Alternative("Excel", MoneyRange(10, 5, 1))},
            "alternative.cost low 10 is above high 1",
        ),
        ({"problem": ProblemValue(Range(1, math.nan, 2), P(0.5), M(1))}, "likely must be a finite number"),
    ],
)
def test_bad_inputs_name_the_field(over: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        size_feature(point_case(**over), rng=rng(), draws=50)


def test_mixing_currencies_names_the_fields() -> None:
    case = point_case(solution=SolutionCost(P(4), MoneyRange(2000, 2000, 2000, "EUR"), M(1000)))
    with pytest.raises(InvalidInput) as info:
        size_feature(case, rng=rng(), draws=50)
    msg = str(info.value)
    assert "one currency" in msg
    assert "solution.cost_per_person_week (EUR)" in msg and "problem.cost_per_customer (USD)" in msg
    eur = SizingCase(
        "F-2",
        ProblemValue(P(1), P(1), MoneyRange(1, 1, 1, "EUR")),
        SolutionCost(P(1), MoneyRange(1, 1, 1, "EUR"), MoneyRange(0, 0, 0, "EUR")),
    )
    with pytest.raises(InvalidInput, match=r"one currency; got F-1 \(USD\), F-2 \(EUR\)"):
        size_features([point_case(), eur], rng=rng(), draws=50)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"draws": 5}, "draws must be"),
        ({"horizon_years": 0}, "horizon_years must be"),
        ({"discount_rate": -1.5}, "discount_rate must be above -1"),
        ({"distribution": "normal"}, "distribution must be"),
    ],
)
def test_bad_parameters(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        size_features([point_case()], rng=rng(), **kwargs)


def test_duplicate_ids_are_rejected() -> None:
    with pytest.raises(InvalidInput, match="unique"):
        size_features([point_case(), point_case()], rng=rng(), draws=50)


# ---------------------------------------------------------------------------------------------- displacement


def test_cheap_alternative_flags_displacement() -> None:
    # we capture 500/customer/yr; a 60/yr tool is 12% of that
    r = size_feature(point_case(alternative=Alternative("Zapier", M(60))), rng=rng(), draws=50)
    d = r.displacement
    assert d is not None and d.at_risk
    assert d.ratio == pytest.approx(600 / 5000)
    assert d.message.startswith("Displacement risk: Zapier solves this for about 60 USD a year per customer")
    assert "really worth about the alternative's cost" in d.message


def test_dear_or_one_off_alternative() -> None:
    r = size_feature(point_case(alternative=Alternative("Consultant", M(400))), rng=rng(), draws=50)
    assert r.displacement is not None and not r.displacement.at_risk
    assert "no displacement risk" in r.displacement.message
    # a one-off 1,500 spread over 3 years is 500 a year
    r = size_feature(
        point_case(alternative=Alternative("Script", M(1500), one_off=True)), rng=rng(), draws=50
    )
    assert r.displacement is not None and r.displacement.cost_per_customer_per_year.p50 == pytest.approx(500)


def test_a_dear_alternative_is_said_as_a_multiple_without_contradiction() -> None:
    """The audit read "210.1% of the value we would capture — no displacement risk (the flag is below 20%)"."""
    # 10 customers × 1,050/yr = 10,500 a year against the 5,000 we capture: 2.1 times, not "210% of"
    d = size_feature(point_case(alternative=Alternative("Consultant", M(1050))), rng=rng(), draws=50).displacement
    assert d is not None and not d.at_risk and d.ratio == pytest.approx(2.1)
    assert d.message == ("Consultant costs about 1,050 USD a year per customer (P50), 10,500 USD a year across 10 "
                         "customers — 2.1 times the 5,000 USD a year we would capture (P50): no displacement risk, "
                         "which is flagged only when the alternative costs customers less than 20% of what we would "
                         "capture.")
    one = point_case(problem=ProblemValue(customers=P(1), capture=P(0.5), cost_per_customer=M(1000)),
                     alternative=Alternative("Zapier", M(60)))
    d = size_feature(one, rng=rng(), draws=50).displacement
    assert d is not None and d.at_risk and "across 1 customer —" in d.message and "customer(s)" not in d.message


@settings(max_examples=60, deadline=None)
@given(st.floats(min_value=0, max_value=1e6, allow_nan=False), st.floats(min_value=0.01, max_value=0.99))
def test_the_displacement_sentence_never_contradicts_its_figure(cost: float, threshold: float) -> None:
    r = size_feature(point_case(alternative=Alternative("Tool", M(cost))), rng=rng(), draws=20,
                     displacement_threshold=threshold)
    d = r.displacement
    assert d is not None and d.at_risk == (d.ratio < threshold)
    shares = [float(x) for x in re.findall(r"([\d.]+)% of the", d.message)]
    assert all(x < 100 for x in shares)  # a share above the whole is said as "n times"
    assert ("times the" in d.message) == (d.ratio >= 1)
    assert d.message.startswith("Displacement risk:") == d.at_risk and ("no displacement risk" in d.message) != d.at_risk
    assert d.message in r.summary()


def test_the_summary_names_what_was_sized_by_its_id() -> None:
    r = size_feature(point_case("'Invoice OCR' (#51)"), rng=rng(), draws=20)
    assert r.summary().startswith("'Invoice OCR' (#51): annual value 5,000 / 5,000 / 5,000 USD")


def test_no_alternative_no_flag() -> None:
    assert size_feature(point_case(), rng=rng(), draws=50).displacement is None


# ---------------------------------------------------------------------------------------------- tornado


def test_tornado_sorts_inputs_by_swing() -> None:
    problem = ProblemValue(
        customers=Range(5, 10, 20), capture=Range(0.4, 0.5, 0.6), cost_per_customer=M(1000)
    )
    case = point_case(problem=problem, solution=SolutionCost(Range(2, 4, 10), M(2000), M(1000)))
    t = tornado(case, output="annual_value")
    assert t.base == pytest.approx(5000)
    bars = {b.input: b for b in t.bars}
    assert (
        bars["problem.customers"].output_at_low,
        bars["problem.customers"].output_at_high,
    ) == pytest.approx((2500, 10000))
    assert bars["problem.capture"].swing == pytest.approx(6000 - 4000)
    assert bars["solution.effort_person_weeks"].swing == 0
    assert [b.input for b in t.bars][:2] == ["problem.customers", "problem.capture"]
    assert t.biggest_driver() == "problem.customers"
    npv = tornado(case)  # default output: NPV
    annuity = 1 / 1.1 + 1 / 1.1**2 + 1 / 1.1**3
    effort = next(b for b in npv.bars if b.input == "solution.effort_person_weeks")
    assert effort.output_at_low == pytest.approx(-4000 + 4000 * annuity)
    assert effort.output_at_high == pytest.approx(-20000 + 4000 * annuity)
    assert [b.swing for b in npv.bars] == sorted((b.swing for b in npv.bars), reverse=True)
    with pytest.raises(InvalidInput, match="output must be one of"):
        tornado(case, output="irr")


# ---------------------------------------------------------------------------------------------- batch and properties


def test_batch_handles_mixed_problem_kinds() -> None:
    share = ProblemValue(
        customers=P(1), capture=P(1), revenue_share=Range(0.05, 0.1, 0.2), revenue_per_customer=M(1e6)
    )
    cases = [point_case("A"), point_case("B", problem=share), point_case("C")]
    out = size_features(cases, rng=rng(), draws=2000, chunk=2)
    assert [r.id for r in out] == ["A", "B", "C"]
    assert out[0].annual_value.p50 == pytest.approx(5000) and out[2].npv == out[0].npv
    assert 50_000 < out[1].annual_value.p10 < out[1].annual_value.p50 < out[1].annual_value.p90 < 200_000
    assert size_features([], rng=rng()) == []


def ranges(lo: float, hi: float) -> st.SearchStrategy[tuple[float, float, float]]:
    # 0 or at least 0.001: amounts below a tenth of a cent (or subnormal floats) mean nothing here
    x = st.one_of(st.just(0.0), st.floats(min_value=max(lo, 1e-3), max_value=hi))
    return st.lists(x, min_size=3, max_size=3).map(lambda v: tuple(sorted(v)))  # type: ignore[arg-type,return-value]


cases = st.builds(
    lambda c, k, cost, e, rate, run, alt: SizingCase(
        "F",
        ProblemValue(Range(*c), Range(*k), MoneyRange(*cost)),
        SolutionCost(Range(*e), MoneyRange(*rate), MoneyRange(*run)),
        Alternative("alt", MoneyRange(*alt)),
    ),
    ranges(0, 500),
    ranges(0, 1),
    ranges(0, 1e5),
    ranges(0, 50),
    ranges(0, 5000),
    ranges(0, 1e5),
    ranges(0, 1e4),
)


@settings(max_examples=60, deadline=None)
@given(cases, st.sampled_from(["triangular", "pert"]))
def test_percentiles_are_ordered(case: SizingCase, distribution: str) -> None:
    r = size_feature(case, rng=rng(), draws=300, distribution=distribution)
    for p in (r.annual_value, r.total_cost, r.roi, r.payback_months, r.npv):
        assert not any(math.isnan(x) for x in (p.p10, p.p50, p.p90))
        assert p.p10 <= p.p50 <= p.p90


@settings(max_examples=60, deadline=None)
@given(cases, st.sampled_from([0.01, 3.0, 1000.0]))
def test_scaling_all_money_scales_value_and_cost_but_not_roi(case: SizingCase, factor: float) -> None:
    a = size_feature(case, rng=rng(1), draws=300)
    b = size_feature(scale_money(case, factor), rng=rng(1), draws=300)
    # draws are float32: a difference of two large flows (NPV, ROI's numerator) is exact to ~1e-7 of the
    # flows, not of the result
    flows = max(1.0, 3 * a.annual_value.p90, a.total_cost.p90)
    for name in ("annual_value", "total_cost", "npv"):
        pa, pb = getattr(a, name), getattr(b, name)
        for x, y in ((pa.p10, pb.p10), (pa.p50, pb.p50), (pa.p90, pb.p90)):
            assert math.isclose(x * factor, y, rel_tol=1e-4, abs_tol=1e-5 * flows * factor), name
    for x, y in ((a.roi.p10, b.roi.p10), (a.roi.p50, b.roi.p50), (a.roi.p90, b.roi.p90)):
        assert (math.isinf(x) and x == y) or math.isclose(
            x, y, rel_tol=1e-4, abs_tol=1e-5 * flows / max(a.total_cost.p10, 1e-9)
        )


@settings(max_examples=60, deadline=None)
@given(cases, st.sampled_from([0.25, 4.0, 1024.0]))
def test_power_of_two_scaling_is_exact(case: SizingCase, factor: float) -> None:
    # multiplying by a power of two is exact in floating point, so every draw scales exactly
    a = size_feature(case, rng=rng(2), draws=300)
    b = size_feature(scale_money(case, factor), rng=rng(2), draws=300)
    for name in ("annual_value", "total_cost", "npv", "roi", "payback_months"):
        pa, pb = getattr(a, name), getattr(b, name)
        k = factor if name in ("annual_value", "total_cost", "npv") else 1.0
        assert (pa.p10 * k, pa.p50 * k, pa.p90 * k) == (pb.p10, pb.p50, pb.p90), name
