"""Totals across currencies: converted at the rates given, never guessed without one."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tradeoff.core.money import biggest_first, rates_for, total_in, value_in

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


@given(st.floats(0, 1e9, allow_nan=False), CODES, CODES, RATES)
def test_one_amounts_worth_is_its_total_or_none_without_a_rate(amount: float, of: str, currency: str,
                                                               rates: dict) -> None:
    worth = value_in(amount, of, currency, rates)
    total, left_out = total_in({of: amount}, currency, rates)
    assert (worth is None) == bool(left_out) and (worth is None or worth == total)
    if of == currency:
        assert worth == amount  # its own currency needs no rate


def test_one_amount_without_a_usable_rate_has_no_worth() -> None:
    assert value_in(100, "EUR", "USD", {"EUR": 1.5}) == 150.0
    assert value_in(100, "GBP", "USD", {"EUR": 1.5}) is None
    assert value_in(100, "EUR", "USD", {"EUR": 0.0}) is None


@given(st.lists(st.tuples(st.floats(0, 1e9, allow_nan=False), CODES), min_size=1, max_size=8), CODES, RATES)
def test_biggest_first_orders_by_worth_then_amounts_without_a_rate_then_nothing(amounts: list, currency: str,
                                                                                 rates: dict) -> None:
    ordered = sorted(amounts, key=lambda a: biggest_first(a[0], a[1], currency, rates))
    worths = [value_in(a, of, currency, rates) for a, of in ordered]
    group = [0 if w else 1 if w is None else 2 for w in worths]
    assert group == sorted(group)  # worth something, then without a rate, then worth nothing
    rated = [w for w in worths if w]
    assert rated == sorted(rated, reverse=True)  # biggest first
    unrated = [a for a, w in zip(ordered, worths, strict=True) if w is None]
    for (a1, c1), (a2, c2) in zip(unrated, unrated[1:], strict=False):
        assert (c1, -a1) <= (c2, -a2)  # by currency, biggest first


def test_a_smaller_amount_in_a_stronger_currency_comes_first() -> None:
    rows = [(0, "USD"), (120_000, "CAD"), (100_000, "EUR"), (200_000, "GBP")]
    key = {"CAD": 0.75, "EUR": 1.5}
    assert sorted(rows, key=lambda r: biggest_first(r[0], r[1], "USD", key)) == [
        (100_000, "EUR"), (120_000, "CAD"), (200_000, "GBP"), (0, "USD")]
