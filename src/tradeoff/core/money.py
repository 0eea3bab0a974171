"""Totals of amounts held in several currencies, in one reporting currency, at rates the workspace sets.

Pure: no I/O. An amount in a currency with no rate is never guessed at: it is left out of the total and returned
beside it, so every screen can say what the total does not include."""

from __future__ import annotations

import math
from collections.abc import Mapping
from decimal import Decimal


def total_in(amounts: Mapping[str, Decimal | float], currency: str,
             rates: Mapping[str, float]) -> tuple[float, dict[str, float]]:
    """(the amounts' total in `currency`, the amounts left out for want of a rate). `rates[c]` is what one unit of
    currency c is worth in `currency`; amounts already in `currency` count as they are."""
    total = 0.0
    left_out: dict[str, float] = {}
    for cur, amount in amounts.items():
        value = float(amount)
        if not value:
            continue
        if cur == currency:
            total += value
        elif cur in rates and math.isfinite(rates[cur]) and rates[cur] > 0:
            total += value * rates[cur]
        else:
            left_out[cur] = left_out.get(cur, 0.0) + value
    return total, left_out


def rates_for(currency: str, base: str, rates: Mapping[str, float]) -> dict[str, float] | None:
    """The workspace's rates (each currency's worth in `base`) restated in `currency`: what one unit of each is
    worth in `currency` (`base` included). None when `currency` has no rate to `base`."""
    if currency == base:
        return dict(rates)
    own = rates.get(currency)
    if own is None or not math.isfinite(own) or own <= 0:
        return None
    return {c: r / own for c, r in [(base, 1.0), *rates.items()] if c != currency}


def value_in(amount: Decimal | float, of: str, currency: str, rates: Mapping[str, float]) -> float | None:
    """What `amount` of currency `of` is worth in `currency` at `rates` (read as `total_in` reads them); None when
    `of` is not `currency` and has no usable rate: the worth is never guessed."""
    total, left_out = total_in({of: amount}, currency, rates)
    return None if left_out else total


def biggest_first(amount: Decimal | float, of: str, currency: str,
                  rates: Mapping[str, float]) -> tuple[int, float, str, float]:
    """A sort key putting the amount worth most in `currency` first; then the amounts whose currency has no rate
    (comparing them with the others would mean guessing a rate), by currency, biggest first; then those worth
    nothing, in any currency."""
    worth = value_in(amount, of, currency, rates)
    if worth is None:
        return 1, 0.0, of, -float(amount)
    return (0, -worth, "", 0.0) if worth else (2, 0.0, "", 0.0)
