"""Work history queries: lists, throughput per week and cycle times."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from tradeoff.records.service import RecordSpec
from tradeoff.storage.uow import UnitOfWork
from tradeoff.workitems.model import WorkItem

SPEC = RecordSpec(
    name="work item",
    plural="workitems",
    model=WorkItem,
    sorts={"resolved_at": WorkItem.resolved_at, "id": WorkItem.id, "key": WorkItem.key},
    default_sort="-id",
    filters={
        "done": lambda v: WorkItem.resolved_at.is_not(None) if str(v).lower() in ("true", "1") else
        WorkItem.resolved_at.is_(None),
        "feature_id": lambda v: WorkItem.feature_id == int(v),
        "team_id": lambda v: WorkItem.team_id == int(v),
    },
    searchable=False,
)


def finished_times(*, uow: UnitOfWork, workspace_id: int, team_id: int | None = None,
                   before: datetime | None = None) -> list[datetime]:
    """When each finished work item was resolved (oldest first), for one team or the whole workspace."""
    stmt = select(WorkItem.resolved_at).where(WorkItem.workspace_id == workspace_id, WorkItem.resolved_at.is_not(None))
    if team_id is not None:
        stmt = stmt.where(WorkItem.team_id == team_id)
    if before is not None:
        stmt = stmt.where(WorkItem.resolved_at < before)
    times = uow.session.scalars(stmt.order_by(WorkItem.resolved_at))
    return [t if t.tzinfo else t.replace(tzinfo=UTC) for t in times if t is not None]


def weekly_points(*, uow: UnitOfWork, workspace_id: int, team_id: int | None, today: date,
                  weeks: int = 52) -> tuple[float, ...]:
    """Story points finished in each of the last `weeks` 7-day weeks before `today`, oldest first, starting at
    the first week with any finished item (zero weeks after it are kept: pauses are real)."""
    end = datetime(today.year, today.month, today.day, tzinfo=UTC)
    start = end - timedelta(days=7 * weeks)
    stmt = select(WorkItem.resolved_at, WorkItem.points).where(
        WorkItem.workspace_id == workspace_id, WorkItem.resolved_at >= start, WorkItem.resolved_at < end,
        WorkItem.points.is_not(None))
    if team_id is not None:
        stmt = stmt.where(WorkItem.team_id == team_id)
    out = [0.0] * weeks
    seen = False
    for resolved, pts in uow.session.execute(stmt):
        if resolved is None or pts is None:  # excluded by the query; narrows the types
            continue
        t = resolved if resolved.tzinfo else resolved.replace(tzinfo=UTC)
        i = int((t - start).total_seconds() // (7 * 86400))
        if 0 <= i < weeks:
            out[i] += float(pts)
            seen = True
    if not seen:
        return ()
    first = next(i for i, v in enumerate(out) if v > 0)
    return tuple(out[first:])


def summary(*, uow: UnitOfWork, workspace_id: int) -> dict[str, Any]:
    total, done, pointed = uow.session.execute(
        select(func.count(), func.count(WorkItem.resolved_at), func.count(WorkItem.points))
        .where(WorkItem.workspace_id == workspace_id)).one()
    first, last = uow.session.execute(select(func.min(WorkItem.resolved_at), func.max(WorkItem.resolved_at))
                                      .where(WorkItem.workspace_id == workspace_id)).one()
    return {"items": int(total), "finished": int(done), "with_points": int(pointed),
            "first_finished": first, "last_finished": last}
