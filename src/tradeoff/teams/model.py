"""Teams and their members: who is available when, in person-days."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tradeoff.storage.base import Archivable, Base, JSONType, Timestamps, Versioned, WorkspaceScoped


class PeriodKind(enum.StrEnum):
    sprint = "sprint"  # a sprint of `sprint_days` calendar days
    week = "week"


class Team(Versioned, Archivable, Timestamps, WorkspaceScoped, Base):
    __tablename__ = "teams"
    __table_args__ = (UniqueConstraint("workspace_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    period_kind: Mapped[str] = mapped_column(String(10), nullable=False, default=PeriodKind.sprint.value)
    sprint_days: Mapped[int] = mapped_column(Integer, nullable=False, default=14)
    wip_limit: Mapped[int] = mapped_column(Integer, nullable=False, default=3)
    # allocation rule: at least this share (0-1) of every period is kept for tech-debt and platform work
    tech_share: Mapped[float] = mapped_column(Float, nullable=False, default=0.0)
    # days the whole team is off (public holidays, a shutdown): [[start, end], ...] ISO, both days included
    days_off: Mapped[list[Any]] = mapped_column(JSONType, nullable=False, default=list, server_default="[]")

    members: Mapped[list[TeamMember]] = relationship(
        back_populates="team", cascade="all, delete-orphan", order_by="TeamMember.id", lazy="selectin")

    @property
    def period_days(self) -> int:
        """Calendar days in one of the team's periods."""
        return 7 if self.period_kind == PeriodKind.week.value else int(self.sprint_days)

    def capacity(self, start: date, periods: int, period_days: int | None = None) -> tuple[float, ...]:
        """Person-days the team can give in each of `periods` periods from `start` (periods of `period_days`
        calendar days, the team's own length by default): every member's working days times availability."""
        days = period_days or self.period_days
        off = self.days_off_ranges()
        return tuple(
            sum(m.person_days(start + timedelta(days=p * days), start + timedelta(days=(p + 1) * days), off)
                for m in self.members)
            for p in range(periods)
        )

    def days_off_ranges(self) -> list[tuple[date, date]]:
        return [(date.fromisoformat(a), date.fromisoformat(b)) for a, b in self.days_off or []]

    def usual_week(self) -> float:
        """Person-days in a week with nobody away: five working days times each member's availability."""
        return 5.0 * sum(float(m.availability) for m in self.members)

    def calendar(self, start: date, max_weeks: int = 156) -> tuple[float, ...]:
        """Each week's capacity from `start` as a share of a usual week, up to the last week anyone is away
        (at most `max_weeks`); () when nobody is away from `start` on, or the team has no capacity."""
        usual = self.usual_week()
        last_off = max([b for m in self.members for _a, b in m.holiday_ranges()]
                       + [b for _a, b in self.days_off_ranges()], default=None)
        if usual <= 0 or last_off is None or last_off < start:
            return ()
        weeks = min(max_weeks, (last_off - start).days // 7 + 1)
        return tuple(round(c / usual, 4) for c in self.capacity(start, weeks, 7))


class TeamMember(Timestamps, WorkspaceScoped, Base):
    __tablename__ = "team_members"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), nullable=False, index=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    email: Mapped[str] = mapped_column(String(254), nullable=False, default="")
    availability: Mapped[float] = mapped_column(Float, nullable=False, default=1.0)  # 0.5 = half time
    holidays: Mapped[list[Any]] = mapped_column(JSONType, nullable=False, default=list)  # [[start, end], ...] ISO

    team: Mapped[Team] = relationship(back_populates="members")

    def holiday_ranges(self) -> list[tuple[date, date]]:
        return [(date.fromisoformat(a), date.fromisoformat(b)) for a, b in self.holidays or []]

    def person_days(self, start: date, end: date, team_off: list[tuple[date, date]] | None = None) -> float:
        """Working days (Monday-Friday, outside holidays and the team's days off) in [start, end), times
        availability."""
        return working_days(start, end, self.holiday_ranges() + list(team_off or [])) * float(self.availability)


@dataclass(frozen=True)
class Hire:
    """People a what-if adds to a team: how many (full-time), the day they join, and the weeks until they work at
    full pace (their pace rises evenly from nothing on the day they join; 0: full pace from that day)."""

    people: float
    joins: date
    ramp_weeks: int = 0

    def days(self, start: date, end: date, off: list[tuple[date, date]] | None = None) -> float:
        """Person-days they give in [start, end): their working days outside `off`, from the day they join, each
        at the share of full pace reached by then."""
        total = 0.0
        d = max(start, self.joins)
        while d < end:
            if d.weekday() < 5 and not any(a <= d <= b for a, b in off or ()):
                total += min(1.0, (d - self.joins).days / (7 * self.ramp_weeks)) if self.ramp_weeks else 1.0
            d += timedelta(days=1)
        return total * self.people

    @property
    def full_pace(self) -> date:
        """The first day they work at full pace."""
        return self.joins + timedelta(weeks=self.ramp_weeks)

    def describe(self, start: date) -> str:
        """'joining 2027-02-01, 4 weeks to full pace' ("" for full pace from `start`, the plan's or forecast's)."""
        return ", ".join(x for x in (f"joining {self.joins.isoformat()}" if self.joins > start else "",
                                     f"{self.ramp_weeks} week{'s' if self.ramp_weeks != 1 else ''} to full pace"
                                     if self.ramp_weeks else "") if x)


def working_days(start: date, end: date, off: list[tuple[date, date]] | None = None) -> int:
    """Monday-Friday days in [start, end) outside the `off` ranges (inclusive)."""
    n = 0
    d = start
    while d < end:
        if d.weekday() < 5 and not any(a <= d <= b for a, b in off or ()):
            n += 1
        d += timedelta(days=1)
    return n
