"""The web UI's display filters: numbers and amounts read as people write them, never in exponent notation."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tradeoff.web.render import ENV, amount, number


@pytest.mark.parametrize(("value", "shown"), [(12345.6, "12,346"), (0.5, "0.5"), (1_000_000, "1,000,000"),
                                              (Decimal("2.50"), "2.5"), (None, "—"), (-42.674, "-42.67")])
def test_number(value: float | Decimal | None, shown: str) -> None:
    assert number(value) == shown


def test_amount_in_its_unit() -> None:
    assert amount(8_209_390.0, "USD") == "USD 8,209,390"
    assert amount(34_300, "USD", True) == "+USD 34,300"
    assert amount(12.5, "") == "12.5" and amount(None, "EUR") == "—"


@given(st.floats(min_value=-1e14, max_value=1e14, allow_nan=False))
def test_templates_never_show_exponents(x: float) -> None:
    shown = ENV.from_string("{{ x|number }} {{ x|amount('USD') }}").render(x=x)
    assert "e+" not in shown and "e-" not in shown or abs(x) < 1e-4
