from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, Field, field_validator, model_validator

from tradeoff.records.schemas import Input, LongText, Name, Output, RecordOut, ShortText
from tradeoff.teams.model import PeriodKind


def _percent(value: Any) -> Any:
    """'20%' as 0.2: a share may be written as a percentage (the web form, the command line)."""
    if isinstance(value, str) and value.strip().endswith("%"):
        number = value.strip()[:-1].strip()
        try:
            return float(number) / 100
        except ValueError:
            raise ValueError(f"'{value}' is not a share: write 0.2 or 20%") from None
    return value


Share = BeforeValidator(_percent)


class HolidayIn(Input):
    """A holiday or leave, both days included."""

    start: date
    end: date

    @model_validator(mode="before")
    @classmethod
    def _pair(cls, value: Any) -> Any:
        """[start, end], the shape a team's members are read back in; or "2026-12-24..2026-12-26" (one day:
        "2026-12-25"), as the command line and the web form write it."""
        if isinstance(value, str):
            start, sep, end = value.strip().partition("..")
            try:
                return {"start": date.fromisoformat(start.strip()),
                        "end": date.fromisoformat((end if sep else start).strip())}
            except ValueError:
                raise ValueError(f"'{value}' is not a day (2026-12-24) or days (2026-12-24..2026-12-26)") from None
        if isinstance(value, list | tuple):
            if len(value) != 2:
                raise ValueError(f"a holiday is [start, end] or {{start, end}}, got {len(value)} values")
            return {"start": value[0], "end": value[1]}
        return value

    @model_validator(mode="after")
    def _ordered(self) -> HolidayIn:
        if self.end < self.start:
            raise ValueError(f"holiday ends ({self.end}) before it starts ({self.start})")
        return self


class MemberIn(Input):
    id: int | None = Field(None, description="As read back from the team: that member, changed in place (its id "
                                             "is kept); without an id, a new member; members left out leave the team")
    name: Name
    email: ShortText = ""
    availability: Annotated[float, Share, Field(gt=0, le=1, description="Share of full time, e.g. 0.5 or 50% for half "
                                                                         "time")] = 1.0
    holidays: Annotated[list[HolidayIn], Field(max_length=100)] = []

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        """'Ana', 'Ana:0.5' (name and availability) or 'Ana:1:2026-12-24..2026-12-31,2027-01-04' (and her days
        off, each a day or a span), as the command line sends it."""
        if isinstance(value, str):
            name, _, rest = value.partition(":")
            share, _, days = rest.partition(":")
            out: dict[str, Any] = {"name": name}
            if share.strip():
                out["availability"] = share.strip()
            if days.strip():
                out["holidays"] = [d.strip() for d in days.split(",") if d.strip()]
            return out
        return value


def _distinct(members: list[MemberIn]) -> list[MemberIn]:
    seen: set[str] = set()
    for m in members:
        key = m.name.strip().lower()
        if key in seen:
            raise ValueError(f"'{m.name}' is listed twice: each member once (their availability covers part-time)")
        seen.add(key)
    return members


Members = Annotated[list[MemberIn], Field(max_length=100), AfterValidator(_distinct)]
DaysOff = Annotated[list[HolidayIn], Field(max_length=100, description="Days the whole team is off (public holidays, "
                                                                       "a shutdown), [start, end] both included")]


class TeamCreate(Input):
    name: Name
    description: LongText = ""
    period_kind: PeriodKind = PeriodKind.sprint
    sprint_days: Annotated[int, Field(ge=1, le=56)] = 14
    wip_limit: Annotated[int, Field(ge=1, le=50, description="Features in progress at once")] = 3
    tech_share: Annotated[float, Share, Field(ge=0, le=0.9, description="Share of each period kept for tech-debt and "
                                                                  "platform work")] = 0.0
    members: Members = []
    days_off: DaysOff = []


class TeamUpdate(Input):
    name: Name | None = None
    description: LongText | None = None
    period_kind: PeriodKind | None = None
    sprint_days: Annotated[int, Field(ge=1, le=56)] | None = None
    wip_limit: Annotated[int, Field(ge=1, le=50)] | None = None
    tech_share: Annotated[float, Share, Field(ge=0, le=0.9)] | None = None
    members: Members | None = Field(None, description="Replaces the whole list")
    days_off: DaysOff | None = None


class MemberOut(Output):
    id: int
    name: str
    email: str
    availability: float
    holidays: list[list[str]]


class TeamOut(RecordOut):
    name: str
    description: str
    period_kind: PeriodKind
    sprint_days: int
    period_days: int
    wip_limit: int
    tech_share: float
    members: list[MemberOut]
    days_off: list[list[str]] = []

    @field_validator("members", mode="before")
    @classmethod
    def _list(cls, v: Any) -> Any:
        return list(v)


class TeamFilters(BaseModel):
    model_config = {"extra": "ignore"}
