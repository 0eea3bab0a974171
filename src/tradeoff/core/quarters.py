"""Calendar quarters, and a plan's schedule read by quarter: what it finishes before the next quarter, in it, in the
one after and later, and what it starts in the next quarter but finishes after it. Pure: plain data in and out.

A plan counts in periods; people plan in quarters. A period belongs to the quarter its last day falls in (work done
in a period is done by its end), so a period running from late December into January is a January period.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")


@dataclass(frozen=True, order=True)
class Quarter:
    """A calendar quarter: `number` 1 (January to March) to 4 (October to December) of `year`."""

    year: int
    number: int

    @property
    def start(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> date:
        """Its last day."""
        return self.next().start - timedelta(days=1)

    @property
    def label(self) -> str:
        """'Q1 2027'."""
        return f"Q{self.number} {self.year}"

    @property
    def months(self) -> str:
        """'January to March'."""
        return f"{_MONTHS[3 * self.number - 3]} to {_MONTHS[3 * self.number - 1]}"

    def next(self) -> Quarter:
        return Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)


def quarter_of(day: date) -> Quarter:
    return Quarter(day.year, (day.month - 1) // 3 + 1)


@dataclass(frozen=True)
class Work:
    """One feature as a plan schedules it: the last day of the first period it is worked on and of the period it
    is done in (the days that place those periods in quarters)."""

    feature_id: int
    first_period_ends: date
    done_period_ends: date


@dataclass(frozen=True)
class ByQuarter:
    """A schedule read by quarter from `today`'s: feature ids, each list in the schedule's order.

    `before`: done in the current quarter (or earlier); `next_quarter` / `quarter_after`: done in those;
    `carried`: worked on in the next quarter (or before) but done after it; `later`: done after the quarter after."""

    current: Quarter
    next: Quarter
    after: Quarter
    before: tuple[int, ...]
    next_quarter: tuple[int, ...]
    carried: tuple[int, ...]
    quarter_after: tuple[int, ...]
    later: tuple[int, ...]


def by_quarter(schedule: Sequence[Work], today: date) -> ByQuarter:
    """Place each scheduled feature in the quarter its done period ends in, relative to the quarter of `today`."""
    current = quarter_of(today)
    nxt = current.next()
    after = nxt.next()
    before: list[int] = []
    in_next: list[int] = []
    carried: list[int] = []
    in_after: list[int] = []
    later: list[int] = []
    for w in schedule:
        done = quarter_of(w.done_period_ends)
        if done <= current:
            before.append(w.feature_id)
        elif done == nxt:
            in_next.append(w.feature_id)
        else:
            if quarter_of(w.first_period_ends) <= nxt:
                carried.append(w.feature_id)
            (in_after if done == after else later).append(w.feature_id)
    return ByQuarter(current, nxt, after, tuple(before), tuple(in_next), tuple(carried), tuple(in_after),
                     tuple(later))
