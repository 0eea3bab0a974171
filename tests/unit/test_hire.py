"""People a what-if adds to a team: the person-days they give from the day they join, ramping up to full pace."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tradeoff.teams.model import Hire, working_days

DAY = st.dates(min_value=date(2026, 1, 1), max_value=date(2028, 12, 31))


def test_a_hire_joining_mid_period_ramping_over_two_weeks() -> None:
    # Monday 2027-02-01 to Friday 2027-02-12: ten working days; joining Wednesday 2027-02-03 leaves eight
    a, b = date(2027, 2, 1), date(2027, 2, 13)
    assert Hire(1, date(2027, 2, 3)).days(a, b) == 8
    assert Hire(2, date(2027, 2, 3)).days(a, b) == 16
    # ramping over 2 weeks from Monday: day k (calendar days after joining) at k/14 of full pace
    ramped = Hire(1, a, ramp_weeks=2).days(a, b)
    assert ramped == pytest.approx(sum(k / 14 for k in (0, 1, 2, 3, 4, 7, 8, 9, 10, 11)))
    # the team's days off are theirs too
    assert Hire(1, a).days(a, b, [(date(2027, 2, 8), date(2027, 2, 9))]) == 8
    assert Hire(1, date(2027, 3, 1)).days(a, b) == 0  # joins after the period
    assert Hire(1, a, 4).full_pace == date(2027, 3, 1)
    assert Hire(1, date(2027, 2, 3), 4).describe(a) == "joining 2027-02-03, 4 weeks to full pace"
    assert Hire(1, a, 4).describe(a) == "4 weeks to full pace" and Hire(1, a).describe(a) == ""  # from the start


@given(DAY, st.integers(0, 120), DAY, st.integers(0, 12), st.floats(0.5, 5))
def test_a_hire_gives_at_most_their_working_days_and_less_the_later_or_slower_they_start(
        start: date, length: int, joins: date, ramp: int, people: float) -> None:
    end = start + timedelta(days=length)
    full = Hire(people, joins).days(start, end)
    given_days = Hire(people, joins, ramp).days(start, end)
    assert 0 <= given_days <= full + 1e-9
    assert full == pytest.approx(people * working_days(max(start, joins), end))
    assert Hire(people, joins, ramp + 1).days(start, end) <= given_days + 1e-9  # a longer ramp gives no more
    assert Hire(people, joins + timedelta(days=1), ramp).days(start, end) <= given_days + 1e-9  # nor joining later
    if joins <= start - timedelta(weeks=ramp):  # at full pace throughout
        assert given_days == pytest.approx(people * working_days(start, end))
