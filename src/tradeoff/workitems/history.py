"""What is computed from a workspace's work history, remembered per process while that history stays the same.

The throughput forecast's walk-forward calibration replays its sampler at every past week (a second or more for a
few years of history), and every forecast reads each team's weekly points and each feature's progress from all
the work items. All of them are pure functions of the work history (and the day asked about), so they are kept
here, keyed by a fingerprint of the history read in one aggregate query: how many items, the newest id, the last
change, how many are finished, have a team, have a feature. An import, or any change to a work item, changes the
fingerprint, so every process sees it on its next read and nothing stale is served; the same history is
calibrated once however many pages, processes' requests and commitments ask about it.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import func, select

from tradeoff.storage.uow import UnitOfWork
from tradeoff.workitems import service as workitem_service
from tradeoff.workitems.model import WorkItem
from tradeoff.workitems.service import Progress

T = TypeVar("T")

ANSWERS_KEPT = 256  # per process; the largest answer (every feature's progress) is a few hundred kB at 1,000 features


class HistoryCache:
    """A bounded map (least recently used out first) that threads share. `get` computes a missing answer once even
    when several threads ask for it at the same time: the others wait for it rather than repeat the work."""

    def __init__(self, maxsize: int = ANSWERS_KEPT) -> None:
        self.maxsize = maxsize
        self._answers: OrderedDict[Hashable, Any] = OrderedDict()
        self._computing: dict[Hashable, threading.Lock] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        with self._lock:
            if key in self._answers:
                self._answers.move_to_end(key)
                return self._answers[key]  # type: ignore[no-any-return]
            gate = self._computing.setdefault(key, threading.Lock())
        with gate:
            with self._lock:  # another thread may have computed it while this one waited
                if key in self._answers:
                    self._answers.move_to_end(key)
                    return self._answers[key]  # type: ignore[no-any-return]
            try:
                value = compute()
            finally:
                with self._lock:
                    self._computing.pop(key, None)
            with self._lock:
                self._answers[key] = value
                while len(self._answers) > self.maxsize:
                    self._answers.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._answers.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._answers)


CACHE = HistoryCache()


def fingerprint(*, uow: UnitOfWork, workspace_id: int) -> tuple[Any, ...]:
    """What identifies the workspace's work history as it is now, cheaply. An import stamps `updated_at` on every
    row it writes and the ORM on every change, a deletion lowers the count, and a team or feature deleted (its
    items' reference set to NULL by the database, without a stamp) lowers the count of items with one."""
    row = uow.session.execute(
        select(func.count(), func.max(WorkItem.id), func.max(WorkItem.updated_at), func.count(WorkItem.resolved_at),
               func.count(WorkItem.team_id), func.count(WorkItem.feature_id))
        .where(WorkItem.workspace_id == workspace_id)).one()
    return tuple(row)


@dataclass(frozen=True)
class WorkHistory:
    """A workspace's work history as one unit of work sees it (read its fingerprint once with `of`, then ask):
    the answers come from `CACHE` when this very history was asked about before."""

    workspace_id: int
    key: tuple[Any, ...]

    @classmethod
    def of(cls, *, uow: UnitOfWork, workspace_id: int) -> WorkHistory:
        # the database too: a process may serve more than one (tests do), each with its own workspace ids
        database = uow.session.get_bind().engine.url.render_as_string(hide_password=True)
        return cls(workspace_id, (database, *fingerprint(uow=uow, workspace_id=workspace_id)))

    def remember(self, question: str, args: Hashable, compute: Callable[[], T], *,
                 cache: HistoryCache | None = None) -> T:
        """The answer to `question` about this history with `args` (everything else it depends on: the day, a
        team, a random generator's state), computed by `compute` the first time. It must be immutable, as every
        caller gets the same object. `cache`: where to keep it when not in `CACHE` (large answers, such as fitted
        text indexes, go to a cache that keeps fewer)."""
        return (CACHE if cache is None else cache).get((self.workspace_id, self.key, question, args), compute)

    def weekly_points(self, *, uow: UnitOfWork, team_id: int | None, today: date,
                      weeks: int = 52) -> tuple[float, ...]:
        """`workitem_service.weekly_points`, remembered."""
        return self.remember("weekly_points", (team_id, today, weeks), lambda: workitem_service.weekly_points(
            uow=uow, workspace_id=self.workspace_id, team_id=team_id, today=today, weeks=weeks))

    def progress(self, *, uow: UnitOfWork, feature_ids: Iterable[int] | None = None) -> dict[int, Progress]:
        """`workitem_service.progress`, remembered for every feature and narrowed to `feature_ids` (a new dict,
        the caller's to change)."""
        every = self.remember("progress", None, lambda: tuple(workitem_service.progress(
            uow=uow, workspace_id=self.workspace_id).items()))
        if feature_ids is None:
            return dict(every)
        wanted = set(feature_ids)
        return {fid: p for fid, p in every if fid in wanted}
