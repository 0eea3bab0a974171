"""Totals across currencies: converted at the rates given, never guessed without one."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tradeoff.core.money import rates_for, total_in

CODES = st.sampled_from(["USD", "EUR", "GBP", "JPY", "CHF"])
AMOUNTS = st.dictionaries(CODES, st.floats(0, 1e9, allow_nan=False))
RATES = st.dictionaries(CODES, st.floats(1e-4, 1e4, allow_nan=False))


@given(AMOUNTS, CODES, RATES)
def test_every_amount_is_counted_once_or_named_as_left_out(amounts: dict, currency: str, rates: dict) -> None:
    total, left_out = total_in(amounts, currency, rates)
    expected = sum(a * (1.0 if c == currency else rates[c]) for c, a in amounts.items()
                   if a and (c == currency or c in rates))
    assert total == pytest.approx(expected)
    assert left_out == {c: a for c, a in amounts.items() if a and c != currency and c not in rates}
    assert currency not in left_out and all(c not in rates for c in left_out)


@given(AMOUNTS, CODES, RATES, st.floats(0.5, 2))
def test_the_total_grows_with_a_rate_and_never_with_a_left_out_amount(amounts: dict, currency: str, rates: dict,
                                                                      factor: float) -> None:
    total, left_out = total_in(amounts, currency, rates)
    scaled, _ = total_in(amounts, currency, {c: r * factor for c, r in rates.items()})
    assert (scaled >= total * (1 - 1e-9)) == (factor >= 1) or scaled == pytest.approx(total)
    without = {c: a for c, a in amounts.items() if c not in left_out}
    assert total_in(without, currency, rates)[0] == pytest.approx(total)


def test_a_rate_of_zero_or_not_a_number_is_no_rate() -> None:
    assert total_in({"EUR": 10, "USD": 5}, "USD", {"EUR": 0.0}) == (5.0, {"EUR": 10.0})
    assert total_in({"EUR": 10}, "USD", {"EUR": float("nan")}) == (0.0, {"EUR": 10.0})
    assert total_in({"EUR": 10, "GBP": 0}, "USD", {"EUR": 1.5}) == (15.0, {})


@given(AMOUNTS, RATES, st.floats(0.01, 100))
def test_a_total_in_another_currency_is_the_base_total_at_that_currencys_rate(amounts: dict, rates: dict,
                                                                            own: float) -> None:
    base, other = "USD", "ZZZ"  # ZZZ: a currency the amounts are not in, with a rate to the base
    every = {c: r for c, r in rates.items() if c not in (base, other)} | {other: own}
    in_base, left_base = total_in(amounts, base, every)
    restated = rates_for(other, base, every)
    assert restated is not None
    in_other, left_other = total_in(amounts, other, restated)
    assert in_other == pytest.approx(in_base / own, rel=1e-9, abs=1e-6) and left_other == left_base
    assert rates_for("NOPE", base, every) is None and rates_for(base, base, every) == every
