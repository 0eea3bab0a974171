"""Throughput forecasting: "how many items by then?" and "when will the next N be done?", with probabilities.

The model, in two layers:

1. **Base sampler** (``method="block"``): Monte Carlo over weekly throughput (items finished per 7-day week,
   zero weeks kept). Each trial strings together blocks of 4 consecutive real weeks drawn from a recent window
   (the last 26 weeks, stretched back up to 104 weeks until it holds at least 20 finished items), so bursts and
   pauses survive the resampling. ``method="naive"`` is the classic uniform resampling of single weeks from the
   last 26 weeks, kept as the baseline.
2. **Walk-forward calibration** (conformal, one-sided): the same sampler is replayed at weekly cuts in the
   team's own past (up to 104 of them), each using only the history before that cut. For counts, where the
   outcome of a past cut was known at the present cut, the log-ratio (items + 1) between what happened and what
   was promised at each level is recorded and the present promise is scaled by the conformal quantile of those
   ratios. For dates, a multiplier of the base promise is chosen as the smallest one that past cuts kept at the
   nominal rate, counting only past cuts whose multiplied promise date has already passed (so outcomes still
   pending never bias it toward the quick ones). A team that paused and slowed down before gets wider promises,
   a steady team keeps tight ones.

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
import numpy.typing as npt

from tradeoff.errors import InvalidInput

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
Method = Literal["block", "naive"]

#: probability levels of the calibrated quantile function (must contain 0.5, 0.85 and 0.95)
LEVELS: tuple[float, ...] = tuple(round(0.05 * i, 2) for i in range(1, 20)) + (0.975,)
COUNT_WEEKS: tuple[int, ...] = (2, 4, 8)
DATE_ITEMS: tuple[int, ...] = (10, 25, 50)
_WEEK = 7.0
# candidate multipliers of a base date promise tried by the calibration (x0.08 .. x20, ~5% steps)
_DATE_FACTORS = np.exp(np.arange(-2.5, 3.0 + 1e-9, 0.05))


@dataclass(frozen=True)
class ForecastSettings:
    """Knobs of the throughput forecast. Durations are in weeks, counts in finished items."""

    window_weeks: int = 26  # recent window the sampler draws from
    window_min_items: int = 20  # stretch the window back until it holds this many finished items...
    window_max_weeks: int = 104  # ...but never further back than this
    windows: tuple[int, ...] = (13, 26, 52, 104)  # window lengths mixed across trials
    adaptive: bool = True  # stretch short windows to hold window_min_items
    block_weeks: int = 4  # length of the blocks of consecutive weeks (1 = no blocks)
    horizon_weeks: int = 260  # simulated future; a date beyond it is "not within the horizon" (inf)
    calibration_cuts: int = 104  # how many past weekly cuts (2 years) the calibration looks at
    calibration_min: int = 10  # fewer known outcomes than this: that question stays uncalibrated
    min_history_weeks: int = 8  # decline below this many weeks since the first finished item
    min_items: int = 10  # decline below this many finished items in the whole history
    stale_weeks: int = 52  # decline when nothing was finished in this many weeks


@dataclass(frozen=True)
class WalkForward:
    """Forecasts at a series of cut times and, where known by ``end_day``, what really happened.

    ``status[c]`` is "ok" or "declined" (``reasons[c]`` says why). For each question q of ``questions``
    (``count_<weeks>w`` then ``date_<items>``) and level l of ``LEVELS``: ``promise[c, q, l]`` is, for a count
    question, the number of items reached or exceeded with probability l, and for a date question the number of
    days after the cut by which the items are done with probability l (inf = beyond the horizon).
    ``actual[c, q]`` is the real count or the real number of days, NaN when not known by ``end_day``.
    """

    cut_days: FloatArray
    status: tuple[str, ...]
    reasons: tuple[str, ...]
    questions: tuple[str, ...]
    promise: FloatArray
    actual: FloatArray
    calibrated: npt.NDArray[np.bool_]  # [c, q]: the calibration had enough known outcomes


def history_weeks(completion_days: FloatArray, cut_day: float, weeks: int) -> IntArray:
    """Items finished in each of the ``weeks`` 7-day weeks before ``cut_day`` (oldest first).

    ``completion_days`` are sorted completion times in days; week j covers [cut - 7(weeks-j), cut - 7(weeks-j-1)).
    """
    edges = cut_day - _WEEK * np.arange(weeks, -1, -1, dtype=np.float64)
    idx = np.searchsorted(completion_days, edges, side="left")
    return np.diff(idx).astype(np.int64)


def simulate_weeks(
    history: IntArray,
    *,
    horizon_weeks: int,
    trials: int,
    rng: np.random.Generator,
    method: Method = "block",
    settings: ForecastSettings | None = None,
) -> IntArray:
    """Simulated items finished per future week, shape (trials, horizon_weeks).

    ``history`` is the weekly throughput up to the cut, oldest first (items per week, zero weeks included).
    ``method`` "naive" resamples single weeks uniformly from the last 26; "block" resamples blocks of
    consecutive weeks from an adaptive recent window (see module docstring).
    """
    s = settings or ForecastSettings()
    if len(history) == 0:
        raise InvalidInput("history is empty: need at least one week of throughput to simulate")
    if method == "naive":
        window = history[-26:]
        picks = rng.integers(0, len(window), size=(trials, horizon_weeks))
        return window[picks]
    # each trial draws its window length from a mixture (short windows follow the current pace, long ones
    # remember pauses and other regimes); blocks of consecutive weeks keep bursts together
    lengths = np.array(sorted({min(len(history), w) for w in s.windows}), dtype=np.int64)
    lengths = np.maximum(lengths, min(len(history), _window_length(history, s))) if s.adaptive else lengths
    block = max(1, min(s.block_weeks, int(lengths.min())))
    n_blocks = -(-horizon_weeks // block)
    w = lengths[rng.integers(0, len(lengths), size=trials)]
    offset = len(history) - w
    u = rng.random(size=(trials, n_blocks))
    starts = offset[:, None] + np.floor(u * (w - block + 1)[:, None]).astype(np.int64)
    idx = (starts[:, :, None] + np.arange(block)[None, None, :]).reshape(trials, n_blocks * block)
    picked: IntArray = history[idx[:, :horizon_weeks]]
    return picked


def _window_length(history: IntArray, s: ForecastSettings) -> int:
    recent_first = np.cumsum(history[::-1])
    reach = np.flatnonzero(recent_first >= s.window_min_items)
    needed = int(reach[0]) + 1 if len(reach) else len(history)
    return int(min(len(history), max(s.window_weeks, min(needed, s.window_max_weeks))))


def base_promises(
    sims: IntArray, count_weeks: Sequence[int], date_items: Sequence[int], levels: Sequence[float]
) -> FloatArray:
    """Uncalibrated promises from simulated weeks, shape (questions, levels); see ``WalkForward.promise``."""
    trials, horizon = sims.shape
    lv = np.asarray(levels, dtype=np.float64)
    cum = np.cumsum(sims, axis=1)
    out = np.empty((len(count_weeks) + len(date_items), len(lv)))
    # count promise at level l: largest c with P(count >= c) >= l, i.e. the sorted value at floor((1-l)T)
    low_rank = np.clip(np.floor((1.0 - lv) * trials).astype(np.int64), 0, trials - 1)
    for qi, weeks in enumerate(count_weeks):
        counts = np.sort(cum[:, weeks - 1])
        out[qi] = counts[low_rank]
    # date promise at level l: smallest d with P(done by d) >= l, i.e. the sorted value at ceil(lT) - 1
    high_rank = np.clip(np.ceil(lv * trials).astype(np.int64) - 1, 0, trials - 1)
    for qj, items in enumerate(date_items):
        days = np.sort(finish_days(sims, cum, items))
        out[len(count_weeks) + qj] = days[high_rank]
    return out


def finish_days(sims: IntArray, cum: IntArray, items: int) -> FloatArray:
    """Days after the cut at which the ``items``-th item is done in each trial (inf if never in the horizon).

    Items inside the week they are reached in are taken as evenly spread over that week.
    """
    reached = cum >= items
    hit = reached.any(axis=1)
    week = np.argmax(reached, axis=1)
    rows = np.arange(sims.shape[0])
    before = np.where(week > 0, cum[rows, np.maximum(week - 1, 0)], 0)
    in_week = np.maximum(sims[rows, week], 1)
    days = _WEEK * (week + (items - before) / in_week)
    return np.where(hit, days, np.inf)


def walk_forward(
    completion_days: Sequence[float] | FloatArray,
    cut_days: Sequence[float] | FloatArray,
    *,
    end_day: float,
    rng: np.random.Generator,
    trials: int = 1000,
    method: Method = "block",
    calibrate: bool = True,
    settings: ForecastSettings | None = None,
) -> WalkForward:
    """Forecast at every cut using only completions before it, calibrated on earlier cuts' known outcomes.

    ``completion_days``: completion times of finished items, in days from any fixed origin.
    ``cut_days``: increasing cut times in the same unit (weekly spacing expected by the calibration).
    ``end_day``: the last moment the history is known; outcomes after it stay unknown (NaN).
    ``trials``: Monte Carlo trials per cut. ``rng``: the only source of randomness.
    """
    s = settings or ForecastSettings()
    times = np.sort(np.asarray(completion_days, dtype=np.float64))
    cuts = np.asarray(cut_days, dtype=np.float64)
    if trials < 1:
        raise InvalidInput(f"trials must be at least 1, got {trials}")
    if len(cuts) > 1 and np.any(np.diff(cuts) <= 0):
        raise InvalidInput("cut_days must be strictly increasing")
    questions = tuple(f"count_{w}w" for w in COUNT_WEEKS) + tuple(f"date_{n}" for n in DATE_ITEMS)
    nq, nl, nc = len(questions), len(LEVELS), len(cuts)
    base = np.full((nc, nq, nl), np.nan)
    status: list[str] = []
    reasons: list[str] = []
    for c, cut in enumerate(cuts):
        reason = decline_reason(times, float(cut), s)
        status.append("declined" if reason else "ok")
        reasons.append(reason)
        if reason:
            continue
        first = times[0]
        n_weeks = max(1, math.ceil((cut - first) / _WEEK))
        hist = history_weeks(times, float(cut), n_weeks)
        sims = simulate_weeks(
            hist, horizon_weeks=s.horizon_weeks, trials=trials, rng=rng, method=method, settings=s
        )
        base[c] = base_promises(sims, COUNT_WEEKS, DATE_ITEMS, LEVELS)
    # outcomes: value and the time at which it became known
    value = np.full((nc, nq), np.nan)
    known_at = np.full((nc, nq), np.inf)
    for qi, weeks in enumerate(COUNT_WEEKS):
        stop = cuts + _WEEK * weeks
        value[:, qi] = np.searchsorted(times, stop, side="right") - np.searchsorted(times, cuts, side="right")
        known_at[:, qi] = stop
    after = np.searchsorted(times, cuts, side="right")
    for qj, items in enumerate(DATE_ITEMS):
        k = after + items - 1
        ok = k < len(times)
        done = np.where(ok, times[np.minimum(k, len(times) - 1)], np.inf)
        value[:, len(COUNT_WEEKS) + qj] = np.where(ok, done - cuts, np.nan)
        known_at[:, len(COUNT_WEEKS) + qj] = done
    promise = base.copy()
    calibrated = np.zeros((nc, nq), dtype=bool)
    if calibrate:
        for c in range(nc):
            if status[c] == "ok":
                promise[c], calibrated[c] = _calibrate(c, cuts, base, value, known_at, status, s)
    actual = np.where(known_at <= end_day, value, np.nan)
    return WalkForward(cuts, tuple(status), tuple(reasons), questions, promise, actual, calibrated)


def decline_reason(times: FloatArray, cut: float, s: ForecastSettings) -> str:
    """Why no forecast can be made at ``cut`` from completions ``times`` (days), or "" when one can."""
    before = times[times < cut]
    if len(before) < s.min_items:
        return f"needs at least {s.min_items} finished items before the forecast date; has {len(before)}"
    span = (cut - before[0]) / _WEEK
    if span < s.min_history_weeks:
        return f"needs at least {s.min_history_weeks} weeks of history since the first finished item; has {span:.1f}"
    idle = (cut - before[-1]) / _WEEK
    if idle > s.stale_weeks:
        return f"history is stale: nothing finished in the last {idle:.0f} weeks (needs one in the last {s.stale_weeks})"
    return ""


def _calibrate(
    c: int,
    cuts: FloatArray,
    base: FloatArray,
    value: FloatArray,
    known_at: FloatArray,
    status: Sequence[str],
    s: ForecastSettings,
) -> tuple[FloatArray, npt.NDArray[np.bool_]]:
    """Conformal one-sided adjustment of cut ``c``'s promises from earlier cuts' outcomes known at cut ``c``."""
    now = cuts[c]
    lo = max(0, c - s.calibration_cuts)
    past = np.array([i for i in range(lo, c) if status[i] == "ok"], dtype=np.int64)
    out = base[c].copy()
    done = np.zeros(base.shape[1], dtype=bool)
    lv = np.asarray(LEVELS)
    if len(past) == 0:
        return out, done
    nct = len(COUNT_WEEKS)
    for q in range(base.shape[1]):
        b = base[past, q, :]  # (n_past, levels)
        known = known_at[past, q] <= now
        if q < nct:
            b, v = b[known], value[past[known], q]
            scores = np.log1p(v)[:, None] - np.log1p(b)
            if len(scores) < s.calibration_min:
                continue
            delta = _lower_quantiles(scores, 1.0 - lv)
            adj = np.ceil(np.expm1(np.log1p(base[c, q]) + delta) - 1e-9)
            out[q] = np.minimum.accumulate(np.clip(adj, 0.0, None))
        else:
            # A past cut tells whether a candidate promise was kept only once that promise's date has passed
            # (then: kept iff done by it). Selecting cuts on that, never on whether they are done, avoids
            # favouring the quick outcomes that happen to be known already.
            age = (now - cuts[past])[:, None, None]
            v = np.where(known, value[past, q], np.inf)[:, None, None]
            promised = b[:, :, None] * _DATE_FACTORS[None, None, :]  # (past, levels, factors)
            decided = promised <= age  # inf promises (beyond the horizon) never decide anything
            kept = (v <= promised) & decided
            n_dec = decided.sum(axis=0)
            ok = (kept.sum(axis=0) >= (n_dec + 1) * lv[:, None]) & (n_dec >= s.calibration_min)
            has = ok.any(axis=1)
            if not has.any():
                continue
            factor = np.where(has, _DATE_FACTORS[np.argmax(ok, axis=1)], 1.0)
            out[q] = np.maximum.accumulate(base[c, q] * factor)
        done[q] = True
    return out, done


def _lower_quantiles(scores: FloatArray, levels: FloatArray) -> FloatArray:
    """Per column l, the conformal lower quantile at levels[l]: the floor((n+1)l)-th smallest score."""
    n = scores.shape[0]
    srt = np.sort(scores, axis=0)
    rank = np.clip(np.floor((n + 1) * levels).astype(np.int64) - 1, 0, n - 1)
    picked: FloatArray = srt[rank, np.arange(len(levels))]
    return picked


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


def forecast_throughput(
    completed_at: Sequence[datetime],
    *,
    now: datetime,
    rng: np.random.Generator,
    trials: int = 2000,
    method: Method = "block",
    calibrate: bool = True,
    settings: ForecastSettings | None = None,
) -> ThroughputForecast:
    """Forecast items finished in the next 2/4/8 weeks and the dates of the next 10/25/50 items.

    ``completed_at``: when each finished item was finished (all naive or all timezone-aware, same as ``now``);
    items finished at or after ``now`` are ignored. ``now``: the forecast date. ``rng``: randomness source.
    ``trials``: Monte Carlo trials per cut. ``calibrate``: replay the model on the past year(s) to widen or
    narrow promises to what the team really kept (see module docstring).
    """
    s = settings or ForecastSettings()
    origin = now
    days = np.sort(np.array([(t - origin).total_seconds() / 86400.0 for t in completed_at], dtype=np.float64))
    days = days[days < 0.0]
    n_cal = s.calibration_cuts if calibrate else 0
    cuts = -_WEEK * np.arange(n_cal, -1, -1, dtype=np.float64)
    if len(days):
        cuts = cuts[cuts > days[0]] if len(cuts) > 1 else cuts
        if len(cuts) == 0 or cuts[-1] != 0.0:
            cuts = np.append(cuts, 0.0)
    weekly = tuple(int(x) for x in history_weeks(days, 0.0, 104)) if len(days) else ()
    if len(days):
        span = max(1, math.ceil(-days[0] / _WEEK))
        weekly = weekly[-span:]
    label = f"{method} bootstrap" + (" + walk-forward calibration" if calibrate else "")
    reason = (
        decline_reason(days, 0.0, s)
        if len(days)
        else (f"needs at least {s.min_items} finished items before the forecast date; has 0")
    )
    if reason:
        return ThroughputForecast("declined", reason, now, label, weekly)
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
