"""Throughput forecasting: "how many items by then?" and "when will the next N be done?", with probabilities.

The model, in two layers (details in the two modules it is built from):

1. **Sampler** (``forecasting_sampler``, ``method="block"``): Monte Carlo over weekly throughput (items finished
   per 7-day week, zero weeks kept). Each trial strings together blocks of 4 consecutive real weeks drawn from a
   recent window (a mixture of 13-104 weeks, stretched back until it holds at least 20 finished items), with its
   own Dirichlet weights over the blocks (the pace itself is uncertain when the history is short) and a random
   walk of the log pace (the further ahead, the less the recent pace is trusted). ``method="naive"`` is the
   classic uniform resampling of single weeks from the last 26 weeks, kept as the baseline.
2. **Adaptive calibration** (``forecasting_calibration``): the sampler is replayed at weekly cuts through the
   team's own past (from 26 weeks after its first finished item, at most 10 years back), each cut using only
   what was finished before it. Each time a past promise turns out kept or broken, the probability level that
   question is asked at is nudged (adaptive conformal inference), so P85 promises end up kept 85% of the time.
   ``forecast_throughput`` is the last cut of that replay: the product and ``tradeoff eval forecast`` run the
   same code.

Dates are continuous: within a simulated week the items are assumed evenly spread, so the date of the N-th item
is interpolated inside the week it is reached in. All times are in days (floats); ``forecast_throughput`` takes
and returns datetimes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

import numpy as np

from tradeoff.core.forecasting_calibration import CALIBRATED_LEVELS, WalkForward, walk_forward
from tradeoff.core.forecasting_sampler import (
    COUNT_WEEKS,
    DATE_ITEMS,
    DEFAULT_TRIALS,
    LEVELS,
    QUESTIONS,
    WEEK,
    FloatArray,
    ForecastSettings,
    IntArray,
    Method,
    apply_pace_drift,
    base_promises,
    decline_reason,
    finish_days,
    history_weeks,
    promises_at,
    question_samples,
    simulate_weeks,
)

__all__ = [
    "COUNT_WEEKS",
    "DATE_ITEMS",
    "DEFAULT_TRIALS",
    "LEVELS",
    "QUESTIONS",
    "CountForecast",
    "DateForecast",
    "FloatArray",
    "ForecastSettings",
    "IntArray",
    "Method",
    "ThroughputForecast",
    "CALIBRATED_LEVELS",
    "WalkForward",
    "apply_pace_drift",
    "base_promises",
    "decline_reason",
    "finish_days",
    "forecast_throughput",
    "history_weeks",
    "promises_at",
    "question_samples",
    "replay_cuts",
    "simulate_weeks",
    "walk_forward",
]


# ---------------------------------------------------------------------------------------------------------
# The app-facing forecast


@dataclass(frozen=True)
class CountForecast:
    """How many items will be finished in the next ``weeks`` weeks. ``p50``/``p85``/``p95``: the number of items
    reached or exceeded with that probability (so p50 >= p85 >= p95)."""

    weeks: int
    p50: int
    p85: int
    p95: int
    levels: tuple[float, ...]
    items: tuple[int, ...]  # items reached or exceeded with probability levels[i]

    def probability_at_least(self, items: int) -> float:
        """Probability (0..1) of finishing at least ``items`` items within the period."""
        if items <= 0:
            return 1.0
        ok = [lv for lv, n in zip(self.levels, self.items, strict=True) if n >= items]
        return max(ok) if ok else 0.0


@dataclass(frozen=True)
class DateForecast:
    """When the next ``items`` items will be finished. ``p50``/``p85``/``p95`` are dates by which they are done
    with that probability (None = not within the simulated horizon)."""

    items: int
    now: datetime
    p50: datetime | None
    p85: datetime | None
    p95: datetime | None
    levels: tuple[float, ...]
    days: tuple[
        float, ...
    ]  # days after ``now`` by which done with probability levels[i] (inf = beyond horizon)

    def probability_by(self, when: datetime) -> float:
        """Probability (0..1) that the items are finished on or before ``when``.

        Interpolated on the calibrated quantile function; 0 at ``now``; beyond the top level (97.5%) it stays
        at that level, because the history cannot support a stronger promise.
        """
        d = (when - self.now).total_seconds() / 86400.0
        if d <= 0:
            return 0.0
        xs = [0.0] + [x for x in self.days if math.isfinite(x)]
        ys = [0.0] + [lv for lv, x in zip(self.levels, self.days, strict=True) if math.isfinite(x)]
        return float(np.interp(d, xs, ys))


@dataclass(frozen=True)
class ThroughputForecast:
    """The answer to "when will it be done?" from a history of finished items. ``status`` "declined" means the
    history is too thin or stale: ``reason`` says what it needs, and counts/dates are empty."""

    status: Literal["ok", "declined"]
    reason: str
    now: datetime
    method: str
    weekly_throughput: tuple[
        int, ...
    ]  # items finished per week before ``now``, oldest first (up to 104 weeks)
    counts: tuple[CountForecast, ...] = field(default=())
    dates: tuple[DateForecast, ...] = field(default=())


def replay_cuts(first_day: float, *, now_day: float = 0.0, calibrate: bool = True,
                settings: ForecastSettings | None = None) -> FloatArray:
    """The weekly cuts (days) the forecast at ``now_day`` replays: every 7 days back from ``now_day`` to
    ``warmup_weeks`` after the first finished item (``first_day``), at most ``max_replay_weeks`` back, oldest
    first, ending with ``now_day`` itself. ``tradeoff eval forecast`` cuts at the same weeks."""
    s = settings or ForecastSettings()
    back = math.floor((now_day - first_day - WEEK * s.warmup_weeks) / WEEK + 1e-9) if calibrate else 0
    back = max(0, min(back, s.max_replay_weeks))
    cuts: FloatArray = now_day - WEEK * np.arange(back, -1, -1, dtype=np.float64)
    return cuts


def forecast_throughput(
    completed_at: Sequence[datetime],
    *,
    now: datetime,
    rng: np.random.Generator,
    trials: int = DEFAULT_TRIALS,
    method: Method = "block",
    calibrate: bool = True,
    settings: ForecastSettings | None = None,
) -> ThroughputForecast:
    """Forecast items finished in the next 2/4/8 weeks and the dates of the next 10/25/50 items.

    ``completed_at``: when each finished item was finished (all naive or all timezone-aware, same as ``now``);
    items finished at or after ``now`` are ignored. ``now``: the forecast date. ``rng``: randomness source.
    ``trials``: Monte Carlo trials per replayed week. ``calibrate``: replay the model over the team's past weeks
    and adapt each promise's level to what the team really kept (see module docstring); without it, the
    sampler's own promises.
    """
    s = settings or ForecastSettings()
    days = np.sort(np.array([(t - now).total_seconds() / 86400.0 for t in completed_at], dtype=np.float64))
    days = days[days < 0.0]
    weekly: tuple[int, ...] = ()
    if len(days):
        span = max(1, math.ceil(-days[0] / WEEK))
        weekly = tuple(int(x) for x in history_weeks(days, 0.0, 104))[-span:]
    label = f"{method} bootstrap" + (
        " (uncertain pace, pace drift) + adaptive walk-forward calibration" if calibrate else ""
    )
    reason = (
        decline_reason(days, 0.0, s)
        if len(days)
        else f"needs at least {s.min_items} finished items before the forecast date; has 0"
    )
    if reason:
        return ThroughputForecast("declined", reason, now, label, weekly)
    cuts = replay_cuts(float(days[0]), calibrate=calibrate, settings=s)
    wf = walk_forward(
        days, cuts, end_day=0.0, rng=rng, trials=trials, method=method, calibrate=calibrate, settings=s
    )
    promise = wf.promise[-1]
    lv = LEVELS
    i50, i85, i95 = lv.index(0.5), lv.index(0.85), lv.index(0.95)
    counts = tuple(
        CountForecast(w, int(p[i50]), int(p[i85]), int(p[i95]), lv, tuple(int(x) for x in p))
        for w, p in zip(COUNT_WEEKS, promise[: len(COUNT_WEEKS)], strict=True)
    )

    def at(d: float) -> datetime | None:
        return now + timedelta(days=float(d)) if math.isfinite(d) else None

    dates = tuple(
        DateForecast(n, now, at(p[i50]), at(p[i85]), at(p[i95]), lv, tuple(float(x) for x in p))
        for n, p in zip(DATE_ITEMS, promise[len(COUNT_WEEKS) :], strict=True)
    )
    return ThroughputForecast("ok", "", now, label, weekly, counts, dates)
