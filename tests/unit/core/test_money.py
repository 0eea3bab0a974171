"""Totals across currencies: converted at the rates given, never guessed without one."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tradeoff.core.money import total_in

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
