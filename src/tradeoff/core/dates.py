"""Dates in an imported file (feedback, work history, customers), read with what the whole file says about them.
Pure: text in, UTC datetimes out; no clock (a caller that refuses future dates passes its own today).

ISO 8601 and Jira's 30/Sep/21 17:20 read one way only. A numeric date such as 5/3/2026 is day/month or
month/day; one row cannot tell, but the file usually can: Azure DevOps writes 5/28/2026 5:00:00 PM in the same
column, which reads only as month/day. Dates written with dots (03.02.2026) are day.month.year wherever they are
used. A person can always give the file's date format (strftime codes) instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from tradeoff.errors import FieldError, InvalidInput

_MONTHS = {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct",
                                         "nov", "dec"), start=1)}
_JIRA = re.compile(r"^(\d{1,2})/([A-Za-z]{3})/(\d{2}|\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?$")
_NUMERIC_DATE = re.compile(r"^\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}\b")
_YMD_SLASH = re.compile(r"^\d{4}/\d{2}/\d{2}")
_NUMERIC = re.compile(r"^(\d{1,2})([/.\-])(\d{1,2})\2(\d{4}|\d{2})(?P<time>[ T]+.*)?$")
_TIME = re.compile(r"^[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?$")
_TRAILING_TIME = re.compile(r"[ T]+\d{1,2}:\d{2}(?::\d{2})?\s*(?:[AaPp][Mm])?$")
_TIME_CODES = ("%H", "%I", "%M", "%X", "%c", "%T", "%R")


def check_date_format(date_format: str | None) -> None:
    """Refuse, naming it, a date format Python cannot read dates with (a repeated or unknown %-code)."""
    if not date_format:
        return
    try:
        datetime.strptime("", date_format)
    except re.error as exc:
        reason = f"it repeats a code ({exc.msg})"
    except ValueError as exc:
        if "does not match format" in str(exc):
            return
        reason = str(exc)
    else:
        return
    raise InvalidInput(f"date_format '{date_format}' cannot be read: {reason}",
                       [FieldError(["body", "date_format"], "not a date format", date_format)])


def parse_date(value: str, date_format: str | None = None) -> datetime:
    """A UTC datetime from `date_format` (strftime codes) when given, else Jira's `30/Sep/21 17:20`; ISO 8601 always.
    Times without a zone are taken as UTC. A numeric date without a format is refused as ambiguous: read a file's
    dates with `DateReader`, which settles their order. Raises ValueError with the reason."""
    v = value.strip()
    if date_format:
        try:
            parsed = datetime.strptime(v, date_format)
        except ValueError:
            try:  # ISO 8601 is never ambiguous, so it is read whatever the format
                parsed = datetime.fromisoformat(v[:-1] + "+00:00" if v.endswith(("Z", "z")) else v)
            except ValueError:
                raise ValueError(f"not a date in the format {date_format}") from None
    else:
        parsed = _parse_auto(v)
    if not 1900 <= parsed.year <= 2200:
        raise ValueError(f"year {parsed.year} is out of range")
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _parse_auto(v: str) -> datetime:
    iso = v[:-1] + "+00:00" if v.endswith(("Z", "z")) else v
    if _YMD_SLASH.match(iso):  # 2024/03/07 is not ambiguous
        iso = iso[:10].replace("/", "-") + iso[10:]
    try:
        return datetime.fromisoformat(iso)
    except ValueError:
        pass
    m = _JIRA.match(v)
    if m and m.group(2).lower() in _MONTHS:
        day, mon, year, hour, minute, second, ampm = m.groups()
        y = int(year) + (2000 if len(year) == 2 else 0)
        h = int(hour or 0)
        if ampm:
            if not 1 <= h <= 12:
                raise ValueError("hour out of range for AM/PM")
            h = h % 12 + (12 if ampm.lower() == "pm" else 0)
        try:
            return datetime(y, _MONTHS[mon.lower()], int(day), h, int(minute or 0), int(second or 0))
        except ValueError as exc:
            raise ValueError(f"not a valid date ({exc})") from None
    if _NUMERIC_DATE.match(v):
        a, b = (int(x) for x in re.split(r"[/.\-]", v, maxsplit=2)[:2])
        if not (a <= 12 and b <= 31) and not (b <= 12 and a <= 31):
            raise ValueError("not a valid date: no month in it (neither day/month nor month/day)")
        only = "day/month" if a > 12 else "month/day" if b > 12 else None
        reads = f"; this one reads only as {only}" if only else ""
        raise ValueError(f"dates like this one are ambiguous (day/month order unknown{reads}); give the file's date "
                         "format, e.g. %d/%m/%Y or %m/%d/%Y")
    raise ValueError("not a date; use ISO 8601 (2024-03-07 or 2024-03-07 14:05), Jira's 30/Sep/21 17:20, "
                     "or give the file's date format")


def own_order(value: str) -> bool | None:
    """True when `value` is a numeric date that reads only as day/month (31/12/2026), False when only as month/day
    (12/31/2026), None otherwise (it reads both ways or neither, or it is not a numeric date)."""
    m = _NUMERIC.match(value.strip())
    if m and int(m[1]) > 12 >= int(m[3]):
        return True
    if m and int(m[3]) > 12 >= int(m[1]):
        return False
    return None


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
        orders = {o for o in map(own_order, values) if o is not None}
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


def formats_for(value: str) -> tuple[str, str] | None:
    """(day/month, month/day) strftime formats for a numeric date, or None when `value` is not one."""
    m = _NUMERIC.match(value.strip())
    return suggested_formats(m) if m else None


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
