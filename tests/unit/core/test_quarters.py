from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from tradeoff.core.quarters import Quarter, Work, by_quarter, quarter_of


def test_quarters_have_their_calendar_bounds_and_names() -> None:
    q = quarter_of(date(2026, 12, 7))
    assert q == Quarter(2026, 4) and q.start == date(2026, 10, 1) and q.end == date(2026, 12, 31)
    assert q.next() == Quarter(2027, 1) and q.next().label == "Q1 2027" and q.next().months == "January to March"
    assert Quarter(2027, 2).end == date(2027, 6, 30) and Quarter(2024, 1).end == date(2024, 3, 31)


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2999, 12, 31)))
def test_every_day_lies_in_its_quarter_and_quarters_follow_each_other(day: date) -> None:
    q = quarter_of(day)
    assert q.start <= day <= q.end
    assert q.next().start == q.end + timedelta(days=1)


def test_a_schedule_is_read_by_the_quarter_each_period_ends_in() -> None:
    """Two-week periods from 7 Dec 2026: the one ending 3 Jan 2027 is a January period. Work done in it is next
    quarter's; work started in March and done in April is carried past next quarter into the one after."""
    work = [Work(1, date(2026, 12, 20), date(2026, 12, 20)),  # done this quarter
            Work(2, date(2027, 1, 3), date(2027, 1, 3)),  # a period straddling the new year: next quarter
            Work(3, date(2027, 3, 14), date(2027, 4, 11)),  # started next quarter, done the one after
            Work(4, date(2027, 4, 25), date(2027, 6, 30)),
            Work(5, date(2027, 7, 4), date(2027, 7, 18)),  # after the quarter after
            Work(6, date(2027, 2, 28), date(2027, 3, 31))]
    bq = by_quarter(work, date(2026, 12, 7))
    assert (bq.current.label, bq.next.label, bq.after.label) == ("Q4 2026", "Q1 2027", "Q2 2027")
    assert bq.before == (1,) and bq.next_quarter == (2, 6) and bq.quarter_after == (3, 4) and bq.later == (5,)
    assert bq.carried == (3,)


@given(st.lists(st.tuples(st.integers(0, 800), st.integers(0, 200)), max_size=30),
       st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)))
def test_each_scheduled_feature_is_placed_once(spans: list[tuple[int, int]], today: date) -> None:
    work = [Work(i, today + timedelta(days=a), today + timedelta(days=a + b)) for i, (a, b) in enumerate(spans)]
    bq = by_quarter(work, today)
    placed = bq.before + bq.next_quarter + bq.quarter_after + bq.later
    assert sorted(placed) == list(range(len(work)))
    assert set(bq.carried) <= set(bq.quarter_after + bq.later)
