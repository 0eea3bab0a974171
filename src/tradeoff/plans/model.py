"""Plans: which features go into which period for which team, solved for the most value."""

from __future__ import annotations

import enum
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Boolean, Date, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from tradeoff.storage.base import (
    Archivable,
    Base,
    JSONType,
    Timestamps,
    UTCDateTime,
    Versioned,
    WorkspaceScoped,
)


class ValueSource(enum.StrEnum):
    score = "score"  # the workspace's scoring framework (or `framework`)
    arr = "arr"  # ARR of the customers who asked for the feature
    arr_deals = "arr_deals"  # that, and the expected ARR of their open deals (prospects' and expansions)
    manual = "manual"  # the numbers in `values`


class Plan(Versioned, Archivable, Timestamps, WorkspaceScoped, Base):
    __tablename__ = "plans"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    start: Mapped[date] = mapped_column(Date, nullable=False)
    periods: Mapped[int] = mapped_column(Integer, nullable=False, default=6)
    period_days: Mapped[int] = mapped_column(Integer, nullable=False, default=14)
    value_source: Mapped[str] = mapped_column(String(10), nullable=False, default=ValueSource.score.value)
    framework: Mapped[str] = mapped_column(String(60), nullable=False, default="")
    team_ids: Mapped[list[int]] = mapped_column(JSONType, nullable=False, default=list)  # empty: every team
    feature_ids: Mapped[list[int]] = mapped_column(JSONType, nullable=False, default=list)  # empty: every estimated
    must_have: Mapped[list[int]] = mapped_column(JSONType, nullable=False, default=list)
    deadlines: Mapped[dict[str, str]] = mapped_column(JSONType, nullable=False, default=dict)  # feature id -> ISO
    values: Mapped[dict[str, float]] = mapped_column(JSONType, nullable=False, default=dict)  # feature id -> value
    releases: Mapped[list[Any]] = mapped_column(JSONType, nullable=False, default=list)  # [{name, feature_ids}]
    days_per_point: Mapped[float] = mapped_column(Float, nullable=False, default=1.0)
    time_limit: Mapped[float] = mapped_column(Float, nullable=False, default=10.0)
    live: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSONType, nullable=True)
    solved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    @property
    def end(self) -> date:
        """The last day of the last period."""
        return self.start + timedelta(days=self.periods * self.period_days - 1)

    def period_bounds(self) -> list[tuple[date, date]]:
        """(first day, last day) of each period."""
        d = self.period_days
        return [(self.start + timedelta(days=p * d), self.start + timedelta(days=(p + 1) * d - 1))
                for p in range(self.periods)]

    def deadline_period(self, due: date) -> int:
        """The last period (0-based) that ends on or before `due`; -1 when even the first ends after it."""
        return ((due - self.start).days + 1) // self.period_days - 1

    @property
    def schedule(self) -> dict[int, int]:
        """feature id -> period (0-based) of the last solved plan."""
        if not self.result:
            return {}
        return {int(r["feature_id"]): int(r["period"]) for r in self.result.get("schedule", [])}

    def planned_windows(self) -> dict[int, tuple[date, date]]:
        """feature id -> (first day of the first period it is worked on, last day of the period it is done in),
        in the order work starts (first period, then the period it is done in, then the plan's own order)."""
        if not self.result:
            return {}
        bounds = self.period_bounds()
        rows = sorted(self.result.get("schedule", []),
                      key=lambda r: (int(r.get("first_period", r["period"])), int(r["period"])))
        return {int(r["feature_id"]): (bounds[min(int(r.get("first_period", r["period"])), len(bounds) - 1)][0],
                                       bounds[min(int(r["period"]), len(bounds) - 1)][1]) for r in rows}


class SavedWhatIf(Timestamps, WorkspaceScoped, Base):
    """A what-if kept to be compared side by side with others: its changes, and its answer against the plan's
    answer of `plan_solved_at` (compared again when the plan has been solved since)."""

    __tablename__ = "saved_what_ifs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), nullable=False, index=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    changes: Mapped[dict[str, Any]] = mapped_column(JSONType, nullable=False)  # a WhatIfIn, without its name
    result: Mapped[dict[str, Any]] = mapped_column(JSONType, nullable=False)  # as `plans.service.what_if` gives it
    plan_solved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    compared_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    saved_by: Mapped[str] = mapped_column(String(254), nullable=False, default="")
