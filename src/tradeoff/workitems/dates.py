"""Dates in a tracker export, read with what the whole file says about them.

A numeric date such as 5/3/2026 is day/month or month/day; one row cannot tell, but the file usually can:
Azure DevOps writes 5/28/2026 5:00:00 PM in the same column, which reads only as month/day. Dates written
with dots (03.02.2026) are day.month.year wherever they are used. Every other form (ISO 8601, Jira's
30/Sep/21 17:20, a given date format) is the feedback importer's `parse_date`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from tradeoff.feedback.import_rows import parse_date

_NUMERIC = re.compile(r"^(\d{1,2})([/.\-])(\d{1,2})\2(\d{4}|\d{2})(?P<time>[ T]+.*)?$")
_TIME = re.compile(r"^[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?$")
_TRAILING_TIME = re.compile(r"[ T]+\d{1,2}:\d{2}(?::\d{2})?\s*(?:[AaPp][Mm])?$")
_TIME_CODES = ("%H", "%I", "%M", "%X", "%c", "%T", "%R")


@dataclass(frozen=True)
class DateReader:
    """Reads one file's dates. `day_first`: True when the file's numeric dates read only as day/month, False when
    only as month/day, None when none tells (or they disagree). A date that reads only one way (31/12/2026) is read
    that way whatever the others say; the order settles only the dates that read both ways (04/05/2026)."""

    date_format: str | None = None
    day_first: bool | None = None
    disagree: bool = False  # some dates read only as day/month, others only as month/day

    @classmethod
    def for_values(cls, values: Iterable[str], date_format: str | None = None) -> DateReader:
        orders = set()
        for v in values:
            m = _NUMERIC.match(v.strip())
            if m and int(m[1]) > 12 >= int(m[3]):
                orders.add(True)
            elif m and int(m[3]) > 12 >= int(m[1]):
                orders.add(False)
        return cls(date_format, orders.pop() if len(orders) == 1 else None, len(orders) > 1)

    def read(self, value: str) -> datetime:
        """A UTC datetime; ValueError with the reason (without the value: the caller names it)."""
        v = value.strip()
        if self.date_format:
            return _with_format(v, self.date_format)
        m = _NUMERIC.match(v)
        if m is None:
            return parse_date(v)
        first, second = int(m[1]), int(m[3])
        if first > 12 and second > 12:
            raise ValueError("not a valid date: no month in it (neither day/month nor month/day)")
        # a date with one valid reading is read that way: only the others need the file to settle their order
        own = True if first > 12 else False if second > 12 else None
        day_first = next((o for o in (own, self.day_first, True if m[2] == "." else None) if o is not None), None)
        if day_first is None:
            dm, md = suggested_formats(m)
            why = ("the file's dates disagree (some read only as day/month, others only as month/day)"
                   if self.disagree else "no date in the file has a day above 12 to settle it")
            raise ValueError(f"ambiguous: day/month or month/day, and {why}; give the file's date format, "
                             f"e.g. {dm} or {md}")
        day, month = (first, second) if day_first else (second, first)
        year = int(m[4]) + (2000 if len(m[4]) == 2 else 0)
        try:
            when = datetime(year, month, day) + _clock(m["time"] or "")
        except ValueError as exc:
            order = "day/month" if day_first else "month/day"
            why = "the only way it reads" if own is not None else "as the file's other dates are"
            raise ValueError(f"not a valid date read as {order}, {why} ({exc})") from None
        return parse_date(when.isoformat())  # its checks: the year's range, UTC


def suggested_formats(m: re.Match[str]) -> tuple[str, str]:
    """(day/month, month/day) strftime formats for a numeric date, its time part included."""
    sep, year = m[2], "%Y" if len(m[4]) == 4 else "%y"
    t = _TIME.match(m["time"] or "")
    clock = ""
    if t:
        clock = (" %I:%M" if t[4] else " %H:%M") + (":%S" if t[3] else "") + (" %p" if t[4] else "")
    return f"%d{sep}%m{sep}{year}{clock}", f"%m{sep}%d{sep}{year}{clock}"


def _with_format(v: str, date_format: str) -> datetime:
    """`date_format`; a time after a date-only format is read too (Azure DevOps adds one to every date)."""
    try:
        return parse_date(v, date_format)
    except ValueError:
        if any(code in date_format for code in _TIME_CODES):
            raise
    t = _TRAILING_TIME.search(v)
    if t is None:
        raise ValueError(f"not a date in the format {date_format}")
    try:
        return parse_date(v[:t.start()], date_format) + _clock(t[0])
    except ValueError:
        raise ValueError(f"not a date in the format {date_format} (with a time after it or not)") from None


def _clock(text: str) -> timedelta:
    """The time of day in ' 5:00:00 PM', ' 17:00' or '' (midnight)."""
    if not text.strip():
        return timedelta()
    t = _TIME.match(text)
    if t is None:
        raise ValueError(f"'{text.strip()}' is not a time of day")
    hour, minute, second = int(t[1]), int(t[2]), int(t[3] or 0)
    if t[4]:
        if not 1 <= hour <= 12:
            raise ValueError("hour out of range for AM/PM")
        hour = hour % 12 + (12 if t[4].lower() == "pm" else 0)
    if hour > 23 or minute > 59 or second > 59:
        raise ValueError(f"'{text.strip()}' is not a time of day")
    return timedelta(hours=hour, minutes=minute, seconds=second)
