"""The engineers' estimate as scoring effort: person-days and story points to person-weeks, said in words."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tradeoff.core.formula import format_number
from tradeoff.core.scoring_effort import DAYS_PER_WEEK, estimate_effort, quantity
from tradeoff.errors import InvalidInput

amount = st.floats(min_value=0, max_value=1e6, allow_nan=False)
triples = st.tuples(amount, amount, amount).map(sorted)


def test_the_audits_example() -> None:
    e = estimate_effort(15, 30, 60, "days")
    assert (e.low, e.likely, e.high, e.in_weeks) == (3, 6, 12, True)
    assert e.source == "engineers' estimate (30 person-days = 6 person-weeks)"


def test_one_is_singular() -> None:
    assert quantity(1, "person-day", "person-days") == "1 person-day"
    assert quantity(1.5, "person-day", "person-days") == "1.5 person-days"
    assert quantity(0, "point", "points") == "0 points"
    assert estimate_effort(1, 5, 9, "days").source == "engineers' estimate (5 person-days = 1 person-week)"


@given(triples)
def test_person_days_are_fifths_of_person_weeks_in_order(t: list[float]) -> None:
    e = estimate_effort(t[0], t[1], t[2], "days")
    assert e.in_weeks and e.low <= e.likely <= e.high
    assert e.likely == pytest.approx(t[1] / DAYS_PER_WEEK)
    assert f"{format_number(t[1])} person-day" in e.source and f"{format_number(e.likely)} person-week" in e.source


@given(triples, st.floats(min_value=0.05, max_value=100))
def test_points_become_weeks_at_the_plans_days_per_point(t: list[float], dpp: float) -> None:
    e = estimate_effort(t[0], t[1], t[2], "points", days_per_point=dpp, per_point_from="the plan 'Q3'")
    assert e.in_weeks and e.low <= e.likely <= e.high
    assert e.likely == pytest.approx(t[1] * dpp / DAYS_PER_WEEK)
    assert "story point" in e.source and "a point" in e.source and "the plan 'Q3'" in e.source


@given(triples)
def test_points_without_days_per_point_stay_points_and_say_why(t: list[float]) -> None:
    e = estimate_effort(t[0], t[1], t[2], "points")
    assert not e.in_weeks and (e.low, e.likely, e.high) == (t[0], t[1], t[2])
    assert "no days per point is known" in e.source


def test_points_with_a_rate_spell_out_the_conversion() -> None:
    e = estimate_effort(8, 12, 20, "points", days_per_point=2.5, per_point_from="the plan 'Q3'")
    assert (e.low, e.likely, e.high) == (4, 6, 10)
    assert e.source == ("engineers' estimate (12 story points × 2.5 person-days a point = 30 person-days = "
                        "6 person-weeks; days per point from the plan 'Q3')")


@pytest.mark.parametrize(("unit", "dpp"), [("hours", None), ("points", 0.0), ("points", float("nan"))])
def test_bad_units_and_rates_are_refused(unit: str, dpp: float | None) -> None:
    with pytest.raises(InvalidInput):
        estimate_effort(1, 2, 3, unit, days_per_point=dpp)
