"""A work-history CSV's rows as work items: each row's values checked, every problem of a bad row named. No
database here."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from tradeoff.core.dates import DateReader
from tradeoff.feedback.import_rows import BadRow, CsvTable
from tradeoff.workitems.trackers import cancel_reason

DATES = ("created", "started", "resolved")
Problems = list[tuple[str, str, str]]  # field, value, reason


@dataclass(frozen=True)
class ItemRow:
    """One valid row. `cancelled`: why the work was not done (Won't Do, Removed, not_planned), or None; a
    cancelled item is not finished, so its `resolved_at` is None."""

    row: int
    key: str
    title: str
    description: str
    type: str
    status: str
    opened_at: datetime | None
    started_at: datetime | None
    resolved_at: datetime | None
    points: float | None
    feature: str | None
    cancelled: str | None = None


def date_reader(table: CsvTable, fields: Mapping[str, int], date_format: str | None) -> DateReader:
    """A reader for the file's dates, with the day/month order its unambiguous dates tell."""
    return DateReader.for_values(table.values_of(fields, DATES), date_format)


def parse_rows(table: CsvTable, fields: Mapping[str, int], reader: DateReader, key_prefix: str = "") -> tuple[
        list[ItemRow], list[BadRow], int]:
    """(valid rows, problems of bad rows, number of blank rows); `key_prefix` goes before every key."""
    good: list[ItemRow] = []
    bad: list[BadRow] = []
    seen: dict[str, int] = {}
    records, blank = table.mapped_rows(fields)
    for row, line, cell in records:
        problems: Problems = []
        raw_key, title = cell("key"), " ".join(cell("title").split())
        key = key_prefix + raw_key if raw_key else ""
        _check_key(key, seen, problems)
        if not title:
            problems.append(("title", title, "title is empty"))
        elif len(title) > 500:
            problems.append(("title", title, "title is longer than 500 characters"))
        dates = _dates(cell, reader, problems)
        points = _points(cell("points"), problems)
        if problems:
            bad.extend(table.bad_row(row, line, fields, problems))
            continue
        seen[key] = row
        status, cancelled = _status(cell("status"), cell("resolution"))
        good.append(ItemRow(row=row, key=key, title=title, description=cell("description")[:20_000],
                            type=cell("type")[:50], status=status, opened_at=dates["created"],
                            started_at=dates["started"], resolved_at=None if cancelled else dates["resolved"],
                            points=points, feature=cell("feature") or None, cancelled=cancelled))
    return good, bad, blank


def _check_key(key: str, seen: Mapping[str, int], problems: Problems) -> None:
    if not key:
        problems.append(("key", key, "key is empty"))
    elif len(key) > 100:
        problems.append(("key", key, "key is longer than 100 characters"))
    elif key in seen:
        problems.append(("key", key, f"key {key} appears again (first in row {seen[key]})"))


def _dates(cell: Callable[[str], str], reader: DateReader, problems: Problems) -> dict[str, datetime | None]:
    soon = datetime.now(UTC) + timedelta(days=1)  # a day's slack for time zones
    dates: dict[str, datetime | None] = {}
    for name in DATES:
        raw = cell(name)
        dates[name] = None
        if raw:
            try:
                dates[name] = reader.read(raw)
            except ValueError as exc:
                problems.append((name, raw, f"'{raw}': {exc}"))
        if (when := dates[name]) is not None and when > soon:
            problems.append((name, raw, f"{name} {raw} is in the future: history is what already happened"))
    if dates["created"] and dates["resolved"] and dates["resolved"] < dates["created"]:
        problems.append(("resolved", cell("resolved"), "resolved before it was created"))
    return dates


def _points(raw: str, problems: Problems) -> float | None:
    if not raw:
        return None
    try:
        points = float(raw.replace(",", "."))
    except ValueError:
        problems.append(("points", raw, "points is not a number"))
        return None
    if not 0 <= points <= 10_000:
        problems.append(("points", raw, "points must be between 0 and 10000"))
    return points


def _status(status: str, resolution: str) -> tuple[str, str | None]:
    """(the status to keep, why the work was cancelled or None): a status that does not say the work was
    cancelled ('Done', 'closed') keeps its resolution beside it ('Done (Won't Do)')."""
    cancelled = cancel_reason(status, resolution)
    if cancelled and cancelled != status:
        status = f"{status} ({cancelled})" if status else cancelled
    return status[:50], cancelled
