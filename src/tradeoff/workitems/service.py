"""Work history queries: lists, throughput per week and cycle times."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy import case, func, select

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


def team_pace(*, uow: UnitOfWork, workspace_id: int, today: date, weeks: int = 12,
              teams: Mapping[int, str] | None = None) -> list[dict[str, Any]]:
    """Each team's recent pace from its finished work (and "no team" for items without one), over the last `weeks`
    weeks before `today`: items and points finished, the median points a week (zero weeks counted), and the cycle
    time (days from start, else creation, to resolution) that half and 85% of those items took at most."""
    start = datetime(today.year, today.month, today.day, tzinfo=UTC) - timedelta(days=7 * weeks)
    rows = uow.session.execute(select(WorkItem).where(
        WorkItem.workspace_id == workspace_id, WorkItem.resolved_at >= start).order_by(WorkItem.id)).scalars()
    by_team: dict[int | None, list[WorkItem]] = {}
    for w in rows:
        by_team.setdefault(w.team_id, []).append(w)
    out = []
    for team_id, items in sorted(by_team.items(), key=lambda kv: (kv[0] is None, (teams or {}).get(kv[0] or 0, ""),
                                                                  kv[0] or 0)):
        per_week = weekly_points(uow=uow, workspace_id=workspace_id, team_id=team_id, today=today, weeks=weeks) \
            if team_id is not None else ()
        cycles = sorted(c for w in items if (c := w.cycle_days) is not None)
        name = "no team" if team_id is None else (teams or {}).get(team_id, f"team #{team_id}")
        out.append({"team_id": team_id, "team": name,
                    "finished": len(items), "points": sum(w.points or 0.0 for w in items),
                    "median_points_a_week": float(np.median(per_week)) if per_week else None,
                    "cycle_days_p50": _at(cycles, 0.5), "cycle_days_p85": _at(cycles, 0.85)})
    return out


def _at(values: list[float], level: float) -> float | None:
    """The value `level` of the sorted `values` fall at or under (None for none)."""
    if not values:
        return None
    return round(values[min(len(values) - 1, max(0, int(np.ceil(level * len(values))) - 1))], 1)


@dataclass(frozen=True)
class Progress:
    """How far a feature's linked work items are: items and points done of all linked. ``done_share`` is the
    share of the points done (of the items when none has points): the share of its estimate a plan and a forecast
    no longer count."""

    items: int
    done_items: int
    points: float
    done_points: float
    estimate_points: float = 0.0  # the feature's likely estimate in points, when known (`for_estimate`)

    def for_estimate(self, likely_points: float | None) -> Progress:
        """The same progress measured against the estimate too: linked work items that add up to less than the
        estimate do not cover the whole feature, and the rest is not done (13 of 18 linked points done on a
        30-point feature is 43% done, not 72%)."""
        return replace(self, estimate_points=float(likely_points or 0.0))

    @property
    def scope_points(self) -> float:
        return max(self.points, self.estimate_points)

    @property
    def done_share(self) -> float:
        if self.points > 0:
            return min(1.0, self.done_points / self.scope_points)
        return self.done_items / self.items if self.items else 0.0

    def describe(self) -> str:
        by = (f"{self.done_points:g} of {self.points:g} points" if self.points > 0
              else f"{self.done_items} of {self.items} work items")
        short = (f"; they cover {self.points:g} of the estimate's {self.estimate_points:g} points, and the rest counts"
                 " as not done" if self.points > 0 and self.estimate_points > self.points else "")
        return f"{self.done_share:.0%} done ({by} of its linked work items{short})"

    def out(self) -> dict[str, Any]:
        return {"items": self.items, "done_items": self.done_items, "points": self.points,
                "done_points": self.done_points, "estimate_points": self.estimate_points,
                "done_share": round(self.done_share, 4), "summary": self.describe()}


def progress(*, uow: UnitOfWork, workspace_id: int, feature_ids: list[int] | None = None) -> dict[int, Progress]:
    """feature id -> its linked work items' progress, for features with linked work items of which at least one
    is done (a feature whose work has not started has nothing to take off its estimate)."""
    done = WorkItem.resolved_at.is_not(None)
    stmt = select(WorkItem.feature_id, func.count(), func.sum(case((done, 1), else_=0)),
                  func.coalesce(func.sum(WorkItem.points), 0.0),
                  func.coalesce(func.sum(case((done, WorkItem.points), else_=0.0)), 0.0)).where(
        WorkItem.workspace_id == workspace_id, WorkItem.feature_id.is_not(None)).group_by(WorkItem.feature_id)
    if feature_ids is not None:
        stmt = stmt.where(WorkItem.feature_id.in_(feature_ids))
    out: dict[int, Progress] = {}
    for fid, items, done_items, points, done_points in uow.session.execute(stmt):
        if done_items:
            out[int(fid)] = Progress(int(items), int(done_items), float(points), float(done_points))
    return out


def left_share(progress: Mapping[int, Progress], feature_id: int, likely_points: float | None = None) -> float:
    """The share of a feature's estimate still to do: 1 minus the share of its linked work done (all of it when
    none is), the linked work measured against the estimate (`likely_points`, in points) when it adds up to less:
    what the plan and the forecast count."""
    done = progress.get(feature_id)
    return 1.0 - done.for_estimate(likely_points).done_share if done is not None else 1.0
