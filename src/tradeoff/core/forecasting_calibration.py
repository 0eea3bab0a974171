"""Walk-forward adaptive calibration of the throughput forecast.

The sampler (``forecasting_sampler``) is replayed at weekly cuts through the team's own past, each cut using only
what was finished before it. Every promise it makes is kept or broken later; as soon as that is known, the level
the question is asked at is nudged, one question and one level at a time: adaptive conformal inference (ACI,
Gibbs & Candès 2021) in probit units,

    z[q, l] += step * (broken - (1 - level_l))

and later cuts promise at probability Phi(Phi^-1(level_l) + z[q, l]) of the simulated distribution (extended
beyond the simulated levels by a log-normal tail, see ``promises_at``). A broken P85 promise raises that level by
0.85 step, a kept one lowers it by 0.15 step, so over time 85% are kept whatever the sampler got wrong: bursts,
pauses, changes of pace, and the rounding of small counts. The running sum is the whole memory: after a string of
broken promises, promises stay wider until kept ones have paid it back.

The headline levels P50, P85 and P95 are tracked; the other levels of ``LEVELS`` take offsets interpolated
between them (flat beyond), made non-decreasing so a higher level never promises more items or an earlier date.
Each tracked level learns from its own promise, before that ordering, so its running sum stays about its own
output (a level overruled by a neighbour would otherwise keep drifting).

When an outcome counts as known at a cut t (never earlier, so no cut ever sees the future):

* count of items in [cut, cut + w weeks): once t >= cut + w weeks;
* date of the N-th item: once t > min(promised date, actual finish): as soon as the items are done (kept) or the
  promised date has passed without them (broken), whichever comes first.

All times are in days from any fixed origin.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.special import ndtri

from tradeoff.core.forecasting_sampler import (
    COUNT_WEEKS,
    DATE_ITEMS,
    DEFAULT_TRIALS,
    LEVELS,
    QUESTIONS,
    WEEK,
    FloatArray,
    ForecastSettings,
    Method,
    decline_reason,
    history_weeks,
    promises_at,
    question_samples,
    simulate_weeks,
)
from tradeoff.errors import InvalidInput

BoolArray = npt.NDArray[np.bool_]

#: the levels the calibration tracks; the others of ``LEVELS`` follow them (offsets interpolated in probit units)
CALIBRATED_LEVELS: tuple[float, ...] = (0.5, 0.85, 0.95)


@dataclass(frozen=True)
class WalkForward:
    """Forecasts at a series of cut times and, where known by ``end_day``, whether they were kept.

    ``status[c]`` is "ok" or "declined" (``reasons[c]`` says why). For each question q of ``questions``
    (``count_<weeks>w`` then ``date_<items>``) and level l of ``LEVELS``: ``promise[c, q, l]`` is, for a count
    question, the number of items reached or exceeded with probability l, and for a date question the number of
    days after the cut by which the items are done with probability l (inf = beyond the horizon).
    ``resolved[c, q, l]``: whether that promise was settled by ``end_day``; ``kept[c, q, l]``: whether it was kept
    (meaningful where resolved). ``actual[c, q]``: the real count or the real number of days, NaN when not
    known by ``end_day``. ``offset[c, q, l]``: the calibration's probit offset used at the cut.
    ``calibrated[c, q]``: at least one earlier outcome of that question had been heard at the cut.
    """

    cut_days: FloatArray
    status: tuple[str, ...]
    reasons: tuple[str, ...]
    questions: tuple[str, ...]
    promise: FloatArray
    resolved: BoolArray
    kept: BoolArray
    actual: FloatArray
    offset: FloatArray
    calibrated: BoolArray


def walk_forward(
    completion_days: Sequence[float] | FloatArray,
    cut_days: Sequence[float] | FloatArray,
    *,
    end_day: float,
    rng: np.random.Generator,
    trials: int = DEFAULT_TRIALS,
    method: Method = "block",
    calibrate: bool = True,
    settings: ForecastSettings | None = None,
) -> WalkForward:
    """Forecast at every cut using only completions before it, calibrated by the outcomes heard so far.

    ``completion_days``: completion times of finished items, in days from any fixed origin.
    ``cut_days``: increasing cut times in the same unit; the calibration starts from scratch at the first one.
    ``end_day``: the last moment the history is known; later outcomes count as unknown in the result.
    ``trials``: Monte Carlo trials per cut. ``rng``: the only source of randomness, drawn from cut by cut, so the
    forecasts at the first k cuts do not depend on any later cut or completion.
    ``calibrate``: False gives the sampler's own promises at the nominal levels.
    """
    s = settings or ForecastSettings()
    times = np.sort(np.asarray(completion_days, dtype=np.float64))
    cuts = np.asarray(cut_days, dtype=np.float64)
    if trials < 2:
        raise InvalidInput(f"trials must be at least 2, got {trials}")
    if len(cuts) > 1 and np.any(np.diff(cuts) <= 0):
        raise InvalidInput("cut_days must be strictly increasing")
    nq, nl, nc, n_count = len(QUESTIONS), len(LEVELS), len(cuts), len(COUNT_WEEKS)
    z_all = ndtri(np.asarray(LEVELS, dtype=np.float64))
    z_cal = ndtri(np.asarray(CALIBRATED_LEVELS, dtype=np.float64))
    alpha = 1.0 - np.asarray(CALIBRATED_LEVELS, dtype=np.float64)
    horizon_days = WEEK * s.horizon_weeks
    value, done = _outcomes(times, cuts)

    offset = np.zeros((nq, len(z_cal)))
    arriving = np.zeros((nc + 1, nq, len(z_cal)))  # sum of (missed - alpha) of the outcomes first known at cut k
    heard = np.zeros((nc + 1, nq), dtype=np.int64)
    n_heard = np.zeros(nq, dtype=np.int64)
    promise = np.full((nc, nq, nl), np.nan)
    offsets = np.zeros((nc, nq, nl))
    resolved = np.zeros((nc, nq, nl), dtype=bool)
    kept = np.zeros((nc, nq, nl), dtype=bool)
    calibrated = np.zeros((nc, nq), dtype=bool)
    status: list[str] = []
    reasons: list[str] = []
    for c, cut in enumerate(cuts):
        if calibrate:
            offset += s.calibration_step * arriving[c]
            n_heard += heard[c]
        reason = decline_reason(times, float(cut), s)
        status.append("declined" if reason else "ok")
        reasons.append(reason)
        if reason:
            continue
        calibrated[c] = n_heard > 0
        n_weeks = max(1, math.ceil((cut - times[0]) / WEEK))
        hist = history_weeks(times, float(cut), n_weeks)
        sims = simulate_weeks(hist, horizon_weeks=s.horizon_weeks, trials=trials, rng=rng, method=method, settings=s)
        samples = question_samples(sims, COUNT_WEEKS, DATE_ITEMS)
        elapsed = cuts - cut  # days from this cut to every cut (exact: no origin involved)
        for q in range(nq):
            is_count = q < n_count
            # every level's probit offset, interpolated between the calibrated levels, kept non-decreasing so a
            # higher level never promises more items or an earlier date
            offsets[c, q] = np.interp(z_all, z_cal, offset[q])
            p = promises_at(samples[q], np.maximum.accumulate(z_all + offsets[c, q]), count=is_count,
                            horizon_days=horizon_days)
            promise[c, q] = p
            missed, settle = _fate(p, value[c, q] if is_count else done[c, q - n_count], is_count, q)
            kept[c, q] = ~missed
            resolved[c, q] = settle <= end_day - cut
            if calibrate:
                # each calibrated level learns from its own promise (before the ordering above), so its sum of
                # errors is about its own output alone
                own = promises_at(samples[q], z_cal + offset[q], count=is_count, horizon_days=horizon_days)
                own_missed, own_settle = _fate(own, value[c, q] if is_count else done[c, q - n_count], is_count, q)
                # a count is known at the first cut at or after its window's end, a date at the first cut after
                # it was settled
                first = np.searchsorted(elapsed, own_settle, side="left" if is_count else "right")
                arriving[first, q, np.arange(len(z_cal))] += own_missed - alpha  # distinct (first[l], l) pairs
                heard[np.unique(first[np.isfinite(own_settle)]), q] += 1
    actual = np.concatenate([value, np.where(np.isfinite(done), done, np.nan)], axis=1)
    settled_at = np.concatenate([np.repeat(WEEK * np.array(COUNT_WEEKS, dtype=np.float64)[None, :], nc, 0), done], 1)
    actual = np.where(settled_at <= (end_day - cuts)[:, None], actual, np.nan)
    return WalkForward(
        cuts, tuple(status), tuple(reasons), QUESTIONS, promise, resolved, kept, actual, offsets, calibrated
    )


def _fate(promise: FloatArray, outcome: float, is_count: bool, q: int) -> tuple[BoolArray, FloatArray]:
    """Whether each promise was broken, and how many days after the cut that became settled: a count when its
    window closes, a date when the items are done or the promised date has passed, whichever is first."""
    if is_count:
        return promise > outcome, np.full(len(promise), WEEK * COUNT_WEEKS[q])
    return outcome > promise, np.minimum(outcome, promise)


def _outcomes(times: FloatArray, cuts: FloatArray) -> tuple[FloatArray, FloatArray]:
    """What happened after each cut: items finished in [cut, cut + w weeks) per count question, shape
    (cuts, counts), and days from the cut until the N-th item finished at or after it per date question, shape
    (cuts, dates), inf when the history holds fewer items."""
    first = np.searchsorted(times, cuts, side="left")
    value = np.stack(
        [np.searchsorted(times, cuts + WEEK * w, side="left") - first for w in COUNT_WEEKS], axis=1
    ).astype(np.float64)
    done = np.full((len(cuts), len(DATE_ITEMS)), np.inf)
    for j, n in enumerate(DATE_ITEMS):
        k = first + n - 1
        ok = k < len(times)
        done[ok, j] = times[k[ok]] - cuts[ok]
    return value, done
