"""The throughput forecast ("how many items in the next weeks, when the next N") of a workspace's work history.

Its walk-forward calibration replays the sampler at every past week, which costs far more than anything else on
the pages that show it; the answer is a pure function of the finished work, the day and the random generator's
state, so it is remembered with the work history (`workitems.history`) and computed again only when one of them
changes.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

import numpy as np

from tradeoff.core.forecasting import ThroughputForecast, forecast_throughput
from tradeoff.storage.uow import UnitOfWork
from tradeoff.workitems import service as workitem_service
from tradeoff.workitems.history import WorkHistory


def throughput_forecast(*, uow: UnitOfWork, workspace_id: int, today: date, rng: np.random.Generator,
                        team_id: int | None = None, work: WorkHistory | None = None) -> dict[str, Any]:
    """Items finished in the next 2/4/8 weeks and when the next 10/25/50 will be, from the work history.
    Declines, saying what it needs, when the history is too thin or stale. `work`: the history's fingerprint
    when the caller has read it already.

    Remembered per history, day, team and state of `rng`: the answer, and the state `rng` is left in, are those
    of computing it again."""
    now = datetime(today.year, today.month, today.day, tzinfo=UTC)

    def compute() -> tuple[ThroughputForecast, int, datetime | None, Mapping[str, Any]]:
        times = workitem_service.finished_times(uow=uow, workspace_id=workspace_id, team_id=team_id, before=now)
        # core default trials and settings: what `tradeoff eval forecast` measures
        return (forecast_throughput(times, now=now, rng=rng), len(times), times[-1] if times else None,
                rng.bit_generator.state)

    state = _state_key(rng)
    if state is None:  # a generator whose state cannot be a key: computed every time
        t, finished, newest, _ = compute()
    else:
        work = work or WorkHistory.of(uow=uow, workspace_id=workspace_id)
        t, finished, newest, after = work.remember("throughput", (team_id, today, state), compute)
        rng.bit_generator.state = after  # where computing it would have left the caller's generator
    if t.status == "ok" and newest is not None and (now - newest).days > 7 * STALE_WEEKS:
        # an export from months ago: its pace says nothing of the team's now (it reads as "≥ 0 items")
        return {"status": "declined", "method": t.method, "history_weeks": len(t.weekly_throughput),
                "finished_items": finished, "counts": [], "dates": [],
                "reason": f"the work history ends on {newest.date().isoformat()}, "
                          f"{(now - newest).days // 7} weeks ago: a pace that old says little about now. "
                          "Import your tracker's recent work (tradeoff import workitems, or Work history → Import); "
                          "until then, dates go by the teams' capacity"}
    return {"status": t.status, "reason": t.reason, "method": t.method, "history_weeks": len(t.weekly_throughput),
            "finished_items": finished,
            "counts": [{"weeks": c.weeks, "p50": c.p50, "p85": c.p85, "p95": c.p95} for c in t.counts],
            "dates": [{"items": d.items, "p50": d.p50.date().isoformat() if d.p50 else None,
                       "p85": d.p85.date().isoformat() if d.p85 else None,
                       "p95": d.p95.date().isoformat() if d.p95 else None} for d in t.dates]}


STALE_WEEKS = 13  # a quarter with nothing finished: the history is an old export, not the team's pace now


def _state_key(rng: np.random.Generator) -> str | None:
    """The generator's whole state as text (the bit generator's name and numbers), or None when it holds more
    than numbers (an array: not worth keying on)."""
    try:
        return json.dumps(rng.bit_generator.state, sort_keys=True)
    except (TypeError, ValueError):
        return None
