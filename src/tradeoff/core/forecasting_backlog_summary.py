"""Summaries of simulated finish weeks: dates with probabilities (P50, P85, P95), the quantile function, a
histogram and the chance of being done by a target date.

The simulation that produces the finish weeks is `tradeoff.core.forecasting_backlog.simulate_backlog`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.floating[Any]]  # float32 in the hot path, float64 accepted

#: probability levels of the stored quantile function of every finish distribution
FINISH_LEVELS: tuple[float, ...] = tuple(round(0.05 * i, 2) for i in range(1, 20)) + (0.99,)
HISTOGRAM_BINS = 20
#: days: a finish this little past a day's end counts as done that day (about 9 s: more than float32's rounding
#: of finish weeks, which puts the many trials that finish as a period ends a hair either side of midnight)
_DAY_TOLERANCE = 1e-4


@dataclass(frozen=True)
class FinishForecast:
    """When something finishes. ``p50``/``p85``/``p95``: dates by which it is done with that probability.
    ``weeks[i]``: weeks after start by which it is done with probability ``levels[i]``. ``histogram``: (from_week,
    to_week, probability) bins. ``probability_by_target``: chance of being done by the target date, if given."""

    name: str
    p50: date
    p85: date
    p95: date
    p50_weeks: float
    p85_weeks: float
    p95_weeks: float
    levels: tuple[float, ...]
    weeks: tuple[float, ...]
    histogram: tuple[tuple[float, float, float], ...]
    probability_by_target: float | None = None

    def probability_by(self, start: date, when: date) -> float:
        """Probability (0..1) of being done on or before ``when`` (interpolated on the quantile function). A
        finish within ``_DAY_TOLERANCE`` of a day's end counts as done that day, as the P-dates count it."""
        w = ((when - start).days + _DAY_TOLERANCE) / 7.0
        if w < self.weeks[0]:
            return float(np.interp(w, [0.0, self.weeks[0]], [0.0, self.levels[0]])) if w > 0 else 0.0
        if w >= self.weeks[-1]:
            return 1.0 if w >= self.histogram[-1][1] else self.levels[-1]
        return float(np.interp(w, self.weeks, self.levels))

    def date_at(self, start: date, level: float) -> date:
        """The first day by which it is done with at least probability ``level`` (the inverse of
        ``probability_by``, rounded up to a whole day): the date to promise for that chance."""
        if level <= 0:
            return start
        if level <= self.levels[0]:
            w = self.weeks[0] * level / self.levels[0]
        elif level <= self.levels[-1]:
            w = float(np.interp(level, self.levels, self.weeks))
        else:
            w = self.histogram[-1][1]
        when = start + timedelta(days=max(math.ceil(w * 7.0 - _DAY_TOLERANCE), 0))
        last = start + timedelta(days=math.ceil(self.histogram[-1][1] * 7.0))
        while self.probability_by(start, when) < level - 1e-9 and when < last:  # flat stretches of the curve
            when += timedelta(days=1)
        return when


def summarise(name: str, weeks: FloatArray, start: date, target: date | None = None) -> FinishForecast:
    """FinishForecast from finish weeks of one thing over all trials (1-D array, weeks after start)."""
    return summarise_many([name], weeks[None, :], start, target)[0]


def summarise_many(
    names: Sequence[str], weeks: FloatArray, start: date, target: date | None = None
) -> list[FinishForecast]:
    """One FinishForecast per row of ``weeks`` (things, trials): quantiles, histogram, P(done by target)."""
    things, trials = weeks.shape
    lv = np.asarray(FINISH_LEVELS)
    ranks = np.clip(np.ceil(lv * trials).astype(np.int64) - 1, 0, trials - 1)
    srt = np.sort(weeks, axis=1)  # a full sort beats a multi-point partition here, and serves the histogram
    q = srt[:, ranks].astype(np.float64)  # (things, levels)
    lo, hi = srt[:, 0].astype(np.float64), srt[:, -1].astype(np.float64)
    width = np.where(hi > lo, (hi - lo) / HISTOGRAM_BINS, 1.0)
    tw = None if target is None else ((target - start).days + _DAY_TOLERANCE) / 7.0
    counts = np.empty((things, HISTOGRAM_BINS), dtype=np.int64)
    by_target = np.empty(things)
    for j in range(things):
        edges = (lo[j] + width[j] * np.arange(1, HISTOGRAM_BINS)).astype(np.float32)
        below = np.searchsorted(srt[j], edges, side="left")
        counts[j] = np.diff(np.concatenate(([0], below, [trials])))
        if tw is not None:
            by_target[j] = np.searchsorted(srt[j], np.float32(tw), side="right") / trials
    i50, i85, i95 = (FINISH_LEVELS.index(x) for x in (0.5, 0.85, 0.95))
    # to Python floats in bulk (one .tolist() per array, not one float() per number: thousands of things)
    edges = (lo[:, None] + width[:, None] * np.arange(HISTOGRAM_BINS + 1)).tolist()
    probs = (counts / trials).tolist()
    quantiles = q.tolist()
    out = []
    for j, nm in enumerate(names):
        qs, ej = quantiles[j], edges[j]
        out.append(
            FinishForecast(
                nm,
                _to_date(start, qs[i50]),
                _to_date(start, qs[i85]),
                _to_date(start, qs[i95]),
                qs[i50],
                qs[i85],
                qs[i95],
                FINISH_LEVELS,
                tuple(qs),
                tuple(zip(ej[:-1], ej[1:], probs[j], strict=True)),
                None if tw is None else float(by_target[j]),
            )
        )
    return out


def _to_date(start: date, weeks: float) -> date:
    # a feature finishing during a day is done that day: round up to whole days
    return start + timedelta(days=math.ceil(weeks * 7.0 - _DAY_TOLERANCE))
