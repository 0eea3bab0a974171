"""Monte Carlo sizing of features.

Displacement risk: when the customers' cheapest credible alternative costs them, across all affected
customers (alternative P50 per customer per year × customers P50; a one-off cost is spread over the horizon),
less than 20% (a parameter) of the annual value we would capture (P50), the problem is really worth about the
alternative's cost, and the result says so in words.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from tradeoff.core.formula import format_number
from tradeoff.core.sizing.cases import SizingCase, _check_params, _currency, _Inputs, _inputs, _triple
from tradeoff.core.sizing.results import (
    OUTPUTS,
    Displacement,
    Percentiles,
    SizingResult,
    _annuity,
    _outputs,
)
from tradeoff.core.sizing.sampling import F32, F64, Distribution, _draw, _quantile
from tradeoff.errors import FieldError, InvalidInput


def size_features(
    cases: Sequence[SizingCase],
    *,
    rng: np.random.Generator,
    draws: int = 10_000,
    horizon_years: int = 3,
    discount_rate: float = 0.10,
    distribution: Distribution = "triangular",
    displacement_threshold: float = 0.2,
    chunk: int = 8,
) -> list[SizingResult]:
    """Monte Carlo sizing of many features at once (vectorised across features and draws).

    rng: the random generator (pass a seeded one for repeatable results). draws: Monte Carlo draws per
    feature. horizon_years: years of value and run cost counted in ROI and NPV. discount_rate: yearly rate
    for NPV (0.1 = 10%). distribution: "triangular" (default) or "pert" over each range.
    displacement_threshold: flag displacement risk when the alternative's P50 yearly cost across the
    affected customers is below this share of our captured annual value P50. chunk: features processed
    together (memory/speed trade-off only; results do not depend on it beyond the random stream).
    All features must use one currency. Raises InvalidInput naming the feature and field.
    """
    _check_params(draws, horizon_years, discount_rate, distribution)
    if chunk < 1:
        raise InvalidInput(f"chunk must be at least 1, got {chunk}", [FieldError(["chunk"], "too small")])
    ids = [c.id for c in cases]
    if len(set(ids)) != len(ids):
        raise InvalidInput(
            "feature ids must be unique in one sizing batch", [FieldError(["id"], "duplicate")]
        )
    inputs = [_inputs(c) for c in cases]
    currencies = {_currency(c) for c in cases}
    if len(currencies) > 1:
        by = ", ".join(f"{c.id} ({_currency(c)})" for c in cases[:10])
        raise InvalidInput(
            f"all features in one sizing must use one currency; got {by}", [FieldError(["currency"], "mixed")]
        )
    if not cases:
        return []
    annuity = _annuity(horizon_years, discount_rate)
    k = [max(0, math.ceil(q * draws) - 1) for q in (0.1, 0.5, 0.9)]  # inverted-CDF order statistics
    n = len(cases)
    table = np.empty((n, len(OUTPUTS), 3))
    for start in range(0, n, chunk):
        part = inputs[start : start + chunk]

        def rows(field: str, which: Sequence[int] | None = None, part: list[_Inputs] = part) -> F64:
            chosen = part if which is None else [part[i] for i in which]
            return np.array([_triple(r[field]) for r in chosen], dtype=np.float64)

        def sample(field: str, which: Sequence[int] | None = None) -> F32:
            return _draw(rng, rows(field, which), draws, distribution)

        # the cost of the problem to each customer: given directly, or as a share of a revenue figure
        direct = [i for i, r in enumerate(part) if "problem.cost_per_customer" in r]
        shares = [i for i, r in enumerate(part) if "problem.cost_per_customer" not in r]
        cost_pc = np.empty((len(part), draws), np.float32)
        if direct:
            cost_pc[direct] = sample("problem.cost_per_customer", direct)
        if shares:
            cost_pc[shares] = sample("problem.revenue_share", shares) * sample(
                "problem.revenue_per_customer", shares
            )
        value = cost_pc
        value *= sample("problem.customers")
        value *= sample("problem.capture")
        build = sample("solution.effort_person_weeks") * sample("solution.cost_per_person_week")
        run = sample("solution.run_cost_per_year")
        run = np.broadcast_to(run, value.shape)
        for j, out in enumerate(_outputs(value, build, run, horizon_years, annuity)):
            out.sort(axis=1)
            table[start : start + len(part), j] = out[:, k]
    alt_q = np.full((n, 4), np.nan)  # alternative cost per customer per year P10/P50/P90, customers P50
    with_alt = [i for i, c in enumerate(cases) if c.alternative is not None]
    if with_alt:
        alt_rows = np.array([_triple(cases[i].alternative.cost) for i in with_alt], dtype=np.float64)  # type: ignore[union-attr]
        per_year = np.array([1.0 / horizon_years if cases[i].alternative.one_off else 1.0 for i in with_alt])  # type: ignore[union-attr]
        for j, level in enumerate((0.1, 0.5, 0.9)):
            alt_q[with_alt, j] = _quantile(alt_rows, level, distribution) * per_year
        customers = np.array([_triple(cases[i].problem.customers) for i in with_alt], dtype=np.float64)
        alt_q[with_alt, 3] = _quantile(customers, 0.5, distribution)
    results = []
    for i, case in enumerate(cases):
        pct = {name: Percentiles(*(float(x) for x in table[i, j])) for j, name in enumerate(OUTPUTS)}
        displacement = None
        if case.alternative is not None:
            q = [float(x) for x in alt_q[i]]
            displacement = _displacement(
                case,
                pct["annual_value"],
                Percentiles(q[0], q[1], q[2]),
                q[3],
                horizon_years,
                displacement_threshold,
            )
        results.append(
            SizingResult(
                case.id,
                _currency(case),
                pct["annual_value"],
                pct["total_cost"],
                pct["roi"],
                pct["payback_months"],
                pct["npv"],
                displacement,
                horizon_years,
                discount_rate,
                draws,
                distribution,
            )
        )
    return results


def _displacement(
    case: SizingCase,
    value: Percentiles,
    alt_pct: Percentiles,
    customers_p50: float,
    horizon: int,
    threshold: float,
) -> Displacement:
    alt = case.alternative
    assert alt is not None
    alt_total = alt_pct.p50 * customers_p50
    ratio = alt_total / value.p50 if value.p50 > 0 else math.inf
    at_risk = ratio < threshold
    cur = alt.cost.currency
    how = f"{format_number(alt_pct.p50)} {cur} a year per customer" + (
        f" (one-off {format_number(alt.cost.likely)}, spread over {horizon} years)" if alt.one_off else ""
    )
    n = round(customers_p50)
    across = f"{format_number(alt_total)} {cur} a year across {n:,} customer{'' if n == 1 else 's'}"
    # the alternative's cost against our captured value: a share below 1, a multiple above (never "210% of")
    compared = f"{ratio:.1%} of" if ratio < 1 else f"{ratio:,.1f} times"
    captured = f"the {format_number(value.p50)} {cur} a year we would capture (P50)"
    if at_risk:
        message = (
            f"Displacement risk: {alt.name} solves this for about {how} (P50), {across} — {compared} {captured}. "
            f"Customers can switch to it, so the problem is really worth about the alternative's cost, not our sizing."
        )
    elif math.isinf(ratio):
        message = f"{alt.name} costs about {how} (P50); our captured value P50 is 0, so there is nothing to displace."
    else:
        message = (
            f"{alt.name} costs about {how} (P50), {across} — {compared} {captured}: no displacement risk, which "
            f"is flagged only when the alternative costs customers less than {threshold:.0%} of what we would capture."
        )
    return Displacement(at_risk, alt.name, alt_pct, alt_total, value.p50, ratio, message)


def size_feature(
    case: SizingCase,
    *,
    rng: np.random.Generator,
    draws: int = 10_000,
    horizon_years: int = 3,
    discount_rate: float = 0.10,
    distribution: Distribution = "triangular",
    displacement_threshold: float = 0.2,
) -> SizingResult:
    """Monte Carlo sizing of one feature; see `size_features` for the parameters."""
    return size_features(
        [case],
        rng=rng,
        draws=draws,
        horizon_years=horizon_years,
        discount_rate=discount_rate,
        distribution=distribution,
        displacement_threshold=displacement_threshold,
    )[0]
