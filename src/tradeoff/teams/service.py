"""Teams, members, availability and capacity per period."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from tradeoff.errors import FieldError, InvalidInput
from tradeoff.records import service as records
from tradeoff.records.service import RecordSpec
from tradeoff.storage.base import utcnow
from tradeoff.storage.uow import Actor, UnitOfWork
from tradeoff.teams.model import Team, TeamMember
from tradeoff.teams.schemas import HolidayIn, MemberIn, TeamCreate, TeamUpdate

SPEC = RecordSpec(
    name="team",
    plural="teams",
    model=Team,
    sorts={"name": Team.name, "created_at": Team.created_at, "id": Team.id},
    default_sort="name",
    searchable=False,
    snapshot_fields=("name", "description", "period_kind", "sprint_days", "wip_limit", "tech_share", "days_off"),
)


def _members(workspace_id: int, items: list[MemberIn]) -> list[TeamMember]:
    return [TeamMember(workspace_id=workspace_id, name=m.name, email=m.email, availability=m.availability,
                       holidays=[[h.start.isoformat(), h.end.isoformat()] for h in m.holidays]) for m in items]


def by_name(team: Team, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Members as a form without ids writes them (name, availability, ...), each given the id of the member of
    `team` it names (a name only one member has; each member once), so it is kept, changed in place."""
    names = [m.name.casefold() for m in team.members]
    ids = {m.name.casefold(): m.id for m in team.members if names.count(m.name.casefold()) == 1}
    out = []
    for item in items:
        name = item.get("name")
        out.append(item | {"id": ids.pop(name.casefold())} if isinstance(name, str) and name.casefold() in ids
                   else item)
    return out


def _days_off(items: list[HolidayIn]) -> list[list[str]]:
    return [[h.start.isoformat(), h.end.isoformat()] for h in items]


def _kept_members(team: Team, workspace_id: int, items: list[MemberIn]) -> list[TeamMember]:
    """The team's members as `items` says: one given with its id is that member, changed in place (its id is kept);
    one without an id is new; the members not given leave the team. An id of no member of this team is refused."""
    current = {m.id: m for m in team.members}
    strangers = [(i, m.id) for i, m in enumerate(items) if m.id is not None and m.id not in current]
    if strangers:
        raise InvalidInput("; ".join(f"members[{i}]: no member {mid} in team '{team.name}'" for i, mid in strangers),
                           [FieldError(["body", "members", i, "id"], "not a member of this team", mid)
                            for i, mid in strangers])
    out: list[TeamMember] = []
    for item in items:
        if item.id is None:
            out += _members(workspace_id, [item])
            continue
        m = current[item.id]
        m.name, m.email, m.availability = item.name, item.email, item.availability
        m.holidays = [[h.start.isoformat(), h.end.isoformat()] for h in item.holidays]
        out.append(m)
    return out


def _unique_name(uow: UnitOfWork, workspace_id: int, name: str, exclude: int | None = None) -> None:
    stmt = records.base_query(SPEC, workspace_id).where(Team.name == name)
    if exclude is not None:
        stmt = stmt.where(Team.id != exclude)
    if uow.session.scalars(stmt).first() is not None:
        raise InvalidInput(f"a team named '{name}' already exists", [FieldError(["body", "name"], "already exists", name)])


def _snapshot_members(team: Team) -> list[dict[str, Any]]:
    return [{"name": m.name, "availability": m.availability, "holidays": m.holidays} for m in team.members]


def create(*, uow: UnitOfWork, workspace_id: int, actor: Actor, data: TeamCreate) -> Team:
    _unique_name(uow, workspace_id, data.name)
    values = data.model_dump(exclude={"members", "days_off"})
    values["period_kind"] = data.period_kind.value
    values["members"] = _members(workspace_id, data.members)
    values["days_off"] = _days_off(data.days_off)
    team: Team = records.create(uow=uow, spec=SPEC, workspace_id=workspace_id, actor=actor, values=values)
    return team


def update(*, uow: UnitOfWork, workspace_id: int, actor: Actor, record_id: int, data: TeamUpdate,
           if_match: int | None) -> Team:
    team: Team = records.get(uow=uow, spec=SPEC, workspace_id=workspace_id, record_id=record_id)
    values: dict[str, Any] = data.model_dump(exclude_unset=True)
    for required in ("name", "period_kind", "sprint_days", "wip_limit", "tech_share", "members", "days_off"):
        if required in values and values[required] is None:
            raise InvalidInput(f"{required} cannot be null", [FieldError(["body", required], "cannot be null")])
    if "name" in values:
        _unique_name(uow, workspace_id, values["name"], exclude=team.id)
    before = _snapshot_members(team)
    if "members" in values:
        values["members"] = _kept_members(team, workspace_id, data.members or [])
        values["updated_at"] = utcnow()  # a change of members alone would not bump the version
    if "period_kind" in values:
        values["period_kind"] = str(values["period_kind"])
    if "days_off" in values:
        values["days_off"] = _days_off(data.days_off or [])
    records.check_version(SPEC, team, if_match)
    updated: Team = records.update(
        uow=uow, spec=SPEC, workspace_id=workspace_id, actor=actor, obj=team, values=values,
        if_match=if_match, extra_before={"members": before},
        extra_after={"members": _snapshot_members(team) if "members" not in values else
                     [{"name": m.name, "availability": m.availability, "holidays": m.holidays}
                      for m in values["members"]]})
    if values.keys() & {"members", "sprint_days", "period_kind", "wip_limit", "tech_share", "days_off"}:
        # capacity feeds every promise's forecast
        from tradeoff.commitments import service as commitment_service

        commitment_service.refresh(uow=uow, workspace_id=workspace_id)
    return updated


def active(*, uow: UnitOfWork, workspace_id: int, ids: list[int] | None = None) -> list[Team]:
    """Teams not archived (of `ids` when given, which must exist: an archived one among them is left out, as the
    forecast leaves it out), by name."""
    if ids:
        return [t for t in records.get_many(uow=uow, spec=SPEC, workspace_id=workspace_id, ids=ids,
                                            field_name="team_ids") if t.archived_at is None]
    stmt = records.base_query(SPEC, workspace_id).where(Team.archived_at.is_(None)).order_by(Team.name)
    return list(uow.session.scalars(stmt))


def names(*, uow: UnitOfWork, workspace_id: int, ids: list[int]) -> list[str]:
    """The names of teams `ids` (archived ones too), in that order; "team #id" for an id not in the workspace."""
    found = {t.id: t.name for t in uow.session.scalars(records.base_query(SPEC, workspace_id).where(Team.id.in_(ids)))}
    return [found.get(i, f"team #{i}") for i in ids]


def capacity(*, team: Team, start: date, periods: int, period_days: int | None = None) -> dict[str, Any]:
    """Capacity of `team` in person-days per period, and what reduces it."""
    if periods < 1 or periods > 104:
        raise InvalidInput(f"periods must be between 1 and 104, got {periods}",
                           [FieldError(["query", "periods"], "out of range", periods)])
    days = period_days or team.period_days
    per = team.capacity(start, periods, days)
    rows = []
    from datetime import timedelta
    for p, cap in enumerate(per):
        s = start + timedelta(days=p * days)
        rows.append({"period": p + 1, "start": s.isoformat(), "end": (s + timedelta(days=days - 1)).isoformat(),
                     "person_days": round(cap, 2),
                     "for_features": round(cap * (1 - team.tech_share), 2),
                     "kept_for_tech": round(cap * team.tech_share, 2)})
    return {"team_id": team.id, "team": team.name, "period_days": days, "wip_limit": team.wip_limit,
            "tech_share": team.tech_share, "members": len(team.members), "periods": rows,
            "total_person_days": round(sum(per), 2),
            "note": "" if sum(per) > 0 else f"team {team.name} has zero capacity: add members or check their "
                                             "availability and holidays"}


def usual_weeks(*, uow: UnitOfWork, workspace_id: int, team: Team, week_starts: list[datetime]) -> list[float]:
    """The team's usual week (person-days with nobody away) as it was in each week starting at `week_starts`,
    rebuilt from the audit trail of its member changes: a week before a change counts the members from before
    it. Weeks before the first recorded change count the earliest members known."""
    from tradeoff.audit.model import AuditEvent

    changes = [(at, ch["members"]["before"]) for at, ch in uow.session.execute(
        select(AuditEvent.at, AuditEvent.changes).where(
            AuditEvent.workspace_id == workspace_id, AuditEvent.record_type == SPEC.name,
            AuditEvent.record_id == team.id, AuditEvent.action == "update").order_by(AuditEvent.at, AuditEvent.id))
        if isinstance(ch, dict) and isinstance(ch.get("members"), dict) and isinstance(ch["members"].get("before"), list)]
    now = team.usual_week()

    def usual(members: list[Any]) -> float:
        return 5.0 * sum(float(m.get("availability", 1.0)) for m in members if isinstance(m, dict))

    out = []
    for start in week_starts:
        later = next((before for at, before in changes if at > start), None)  # the first change after that week
        out.append(usual(later) if later is not None else now)
    return out
