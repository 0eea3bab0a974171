"""The Monte Carlo sampler behind the throughput forecast: simulated future weeks and the promises read off them.

Weekly throughput (items finished per 7-day week, zero weeks kept) is resampled in blocks of consecutive real weeks
from a recent window, so bursts and pauses survive. Two layers of uncertainty are added on top of the plain block
bootstrap, because a team's future is not a reshuffle of its past:

* **Uncertain pace** (Bayesian bootstrap, Rubin 1981): each trial first draws its own Dirichlet weights over the
  window's stretches of ``block`` weeks (one weight per non-overlapping block, so the weights carry as much
  information as the window holds), then draws its blocks with them. A short history thus yields a wide spread of
  paces, a long one a narrow spread.
* **Pace drift**: the log of the pace follows a random walk, ``drift_per_year`` per square-root year, so the
  further ahead a question looks, the less the recent pace is trusted. Week counts are scaled by the walk's
  multiplier and rounded stochastically (``floor(x * m + u)``), which keeps zero weeks zero.

All times are in days (floats) or whole weeks; ``rng`` is the only source of randomness.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
from scipy.special import ndtr, ndtri

from tradeoff.errors import InvalidInput

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
Method = Literal["block", "naive"]

#: probability levels of the calibrated quantile function (must contain 0.5, 0.85 and 0.95)
LEVELS: tuple[float, ...] = tuple(round(0.05 * i, 2) for i in range(1, 20)) + (0.975,)
COUNT_WEEKS: tuple[int, ...] = (2, 4, 8)
DATE_ITEMS: tuple[int, ...] = (10, 25, 50)
QUESTIONS: tuple[str, ...] = tuple(f"count_{w}w" for w in COUNT_WEEKS) + tuple(f"date_{n}" for n in DATE_ITEMS)
WEEK = 7.0
#: Monte Carlo trials per replayed week, in the product and in ``tradeoff eval forecast`` alike
DEFAULT_TRIALS = 500
_YEAR_DAYS = 365.25


@dataclass(frozen=True)
class ForecastSettings:
    """Knobs of the throughput forecast. Durations are in weeks, counts in finished items.

    ``drift_per_year`` and ``calibration_step`` were chosen on one history (see docs/benchmarks.d/forecasting.md);
    the other defaults are conventions (a half-year warm-up, a five-year horizon).
    """

    window_weeks: int = 26  # recent window the sampler draws from
    window_min_items: int = 20  # stretch the window back until it holds this many finished items...
    window_max_weeks: int = 104  # ...but never further back than this
    windows: tuple[int, ...] = (13, 26, 52, 104)  # window lengths mixed across trials
    adaptive: bool = True  # stretch short windows to hold window_min_items
    block_weeks: int = 4  # length of the blocks of consecutive weeks (1 = no blocks)
    bayesian_weights: bool = True  # per-trial Dirichlet weights over the blocks (uncertain pace)
    drift_per_year: float = 1.0  # sd of the log pace after one year (random walk); 0 = no drift
    horizon_weeks: int = 260  # simulated future; a date beyond it is "not within the horizon" (inf)
    warmup_weeks: int = 26  # calibration replays weekly cuts from this long after the first finished item...
    max_replay_weeks: int = 520  # ...but at most this many weeks back
    calibration_step: float = 0.15  # adaptive-calibration step, in probit (standard normal) units per outcome
    min_history_weeks: int = 8  # decline below this many weeks since the first finished item
    min_items: int = 10  # decline below this many finished items in the whole history
    stale_weeks: int = 52  # decline when nothing was finished in this many weeks


def history_weeks(completion_days: FloatArray, cut_day: float, weeks: int) -> IntArray:
    """Items finished in each of the ``weeks`` 7-day weeks before ``cut_day`` (oldest first).

    ``completion_days`` are sorted completion times in days; week j covers [cut - 7(weeks-j), cut - 7(weeks-j-1)).
    """
    edges = cut_day - WEEK * np.arange(weeks, -1, -1, dtype=np.float64)
    idx = np.searchsorted(completion_days, edges, side="left")
    return np.diff(idx).astype(np.int64)


def decline_reason(times: FloatArray, cut: float, s: ForecastSettings) -> str:
    """Why no forecast can be made at ``cut`` from sorted completions ``times`` (days), or "" when one can."""
    before = times[times < cut]
    if len(before) < s.min_items:
        return f"needs at least {s.min_items} finished items before the forecast date; has {len(before)}"
    span = (cut - before[0]) / WEEK
    if span < s.min_history_weeks:
        return f"needs at least {s.min_history_weeks} weeks of history since the first finished item; has {span:.1f}"
    idle = (cut - before[-1]) / WEEK
    if idle > s.stale_weeks:
        return f"history is stale: nothing finished in the last {idle:.0f} weeks (needs one in the last {s.stale_weeks})"
    return ""


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
    consecutive weeks from an adaptive recent window with uncertain pace and pace drift (see module docstring).
    """
    s = settings or ForecastSettings()
    if len(history) == 0:
        raise InvalidInput("history is empty: need at least one week of throughput to simulate")
    if method == "naive":
        window = history[-26:]
        picks = rng.integers(0, len(window), size=(trials, horizon_weeks))
        naive: IntArray = window[picks]
        return naive
    # each trial draws its window length from a mixture (short windows follow the current pace, long ones
    # remember pauses and other regimes); blocks of consecutive weeks keep bursts together
    lengths = np.array(sorted({min(len(history), w) for w in s.windows}), dtype=np.int64)
    lengths = np.maximum(lengths, min(len(history), _window_length(history, s))) if s.adaptive else lengths
    block = max(1, min(s.block_weeks, int(lengths.min())))
    n_blocks = -(-horizon_weeks // block)
    w = lengths[rng.integers(0, len(lengths), size=trials)]
    positions = w - block + 1
    if s.bayesian_weights:
        pos = _weighted_positions(positions, n_blocks, block, rng)
    else:
        pos = np.floor(rng.random(size=(trials, n_blocks)) * positions[:, None]).astype(np.int64)
    starts = (len(history) - w)[:, None] + pos
    idx = (starts[:, :, None] + np.arange(block)[None, None, :]).reshape(trials, n_blocks * block)
    picked: IntArray = history[idx[:, :horizon_weeks]]
    return apply_pace_drift(picked, s.drift_per_year, rng, step_weeks=block)


def _window_length(history: IntArray, s: ForecastSettings) -> int:
    recent_first = np.cumsum(history[::-1])
    reach = np.flatnonzero(recent_first >= s.window_min_items)
    needed = int(reach[0]) + 1 if len(reach) else len(history)
    return int(min(len(history), max(s.window_weeks, min(needed, s.window_max_weeks))))


def _weighted_positions(positions: IntArray, draws: int, block: int, rng: np.random.Generator) -> IntArray:
    """Per trial (row), ``draws`` block starts in [0, positions[row]) under that trial's own Bayesian-bootstrap
    weights: the starts are cut into runs of ``block`` (about one non-overlapping block each), each run gets a
    Gamma(run length / block) weight, a run is drawn by weight and a start uniformly inside it."""
    trials = len(positions)
    width = int(-(-positions.max() // block))  # runs in the longest window
    run_start = block * np.arange(width, dtype=np.int64)
    size = np.clip(positions[:, None] - run_start[None, :], 0, block)  # positions in each run, per trial
    g = rng.gamma(np.where(size > 0, size / block, 1.0))
    g[size == 0] = 0.0
    cdf = np.cumsum(g, axis=1)
    cdf = cdf / np.where(cdf[:, -1:] > 0.0, cdf[:, -1:], 1.0)
    # one searchsorted for all rows: row r's CDF is shifted to [r, r + 1]
    rows = np.arange(trials, dtype=np.float64)[:, None]
    u = rng.random(size=(trials, 2, draws))
    flat = np.searchsorted((cdf + rows).ravel(), (u[:, 0] + rows).ravel(), side="right").reshape(trials, draws)
    run = np.minimum(flat - (np.arange(trials, dtype=np.int64) * width)[:, None], width - 1)
    in_run = np.take_along_axis(size, run, axis=1)
    pos = run_start[run] + np.floor(u[:, 1] * in_run).astype(np.int64)
    clipped: IntArray = np.clip(pos, 0, (positions - 1)[:, None]).astype(np.int64)
    return clipped


def apply_pace_drift(
    sims: IntArray, drift_per_year: float, rng: np.random.Generator, *, step_weeks: int = 4
) -> IntArray:
    """Scale simulated weeks by a per-trial random walk of the log pace (sd ``drift_per_year`` after a year).

    The log pace takes one step every ``step_weeks`` weeks (the first before the first week). The walk has no
    trend in the log, so the median pace stays the recent one; counts are rounded stochastically
    (``floor(x * m + u)``, u uniform), so their expectation is ``x * m`` and zero weeks stay zero.
    """
    if drift_per_year <= 0.0:
        return sims
    trials, horizon = sims.shape
    n_steps = -(-horizon // step_weeks)
    sd = drift_per_year * math.sqrt(WEEK * step_weeks / _YEAR_DAYS)
    pace = np.exp(np.cumsum(rng.normal(0.0, sd, size=(trials, n_steps)), axis=1))
    scaled = sims * np.repeat(pace, step_weeks, axis=1)[:, :horizon] + rng.random(size=(trials, horizon))
    drifted: IntArray = np.floor(scaled).astype(np.int64)
    return drifted


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
    days = WEEK * (week + (items - before) / in_week)
    return np.where(hit, days, np.inf)


def question_samples(sims: IntArray, count_weeks: Sequence[int], date_items: Sequence[int]) -> FloatArray:
    """Sorted simulated answers per question, shape (questions, trials): items finished within each of
    ``count_weeks`` weeks, then days until each of ``date_items`` items are done (inf = beyond the horizon)."""
    cum = np.cumsum(sims, axis=1)
    rows = [np.sort(cum[:, w - 1]).astype(np.float64) for w in count_weeks]
    rows += [np.sort(finish_days(sims, cum, n)) for n in date_items]
    return np.array(rows, dtype=np.float64).reshape(len(rows), sims.shape[0])


def base_promises(
    sims: IntArray, count_weeks: Sequence[int], date_items: Sequence[int], levels: Sequence[float]
) -> FloatArray:
    """Uncalibrated promises from simulated weeks, shape (questions, levels).

    Count question at level l: the largest c with P(count >= c) >= l. Date question at level l: the smallest d
    (days after the cut) with P(done by d) >= l.
    """
    samples = question_samples(sims, count_weeks, date_items)
    z = ndtri(np.asarray(levels, dtype=np.float64))
    n_count = len(count_weeks)
    return np.array(
        [promises_at(samples[q], z, count=q < n_count, horizon_days=math.inf) for q in range(len(samples))]
    ).reshape(len(samples), len(z))


def promises_at(samples: FloatArray, z: FloatArray, *, count: bool, horizon_days: float) -> FloatArray:
    """Promises at probit levels ``z`` (level = Phi(z)) from one question's sorted simulated answers.

    A count promise is the number of items reached or exceeded with probability Phi(z), a date promise the days
    by which the items are done with that probability. Inside the simulated levels [1/T, 1 - 1/T] (T trials) this
    is the empirical quantile; beyond them log(1 + promise) is extended linearly in z along the chord from the
    median to the last simulated level (a log-normal tail), so a calibration can ask for levels the trials
    cannot show. Counts are whole items (rounded down, at least 0); dates past ``horizon_days`` are inf.
    """
    trials = len(samples)
    zz = np.asarray(z, dtype=np.float64)

    def quantile(x: FloatArray) -> FloatArray:
        lv = ndtr(x)  # ranks get a little slack: Phi(Phi^-1(0.85)) * 100 must still be rank 85
        if count:
            idx = np.clip(np.floor((1.0 - lv) * trials + 1e-7).astype(np.int64), 0, trials - 1)
        else:
            idx = np.clip(np.ceil(lv * trials - 1e-7).astype(np.int64) - 1, 0, trials - 1)
        out: FloatArray = samples[idx]
        return out

    edge = float(ndtri(1.0 - 1.0 / trials)) if trials > 1 else 0.0
    value = quantile(zz)
    if edge > 0.0 and (np.any(zz > edge) or np.any(zz < -edge)):
        at_edges = quantile(np.array([0.0, edge, -edge]))
        mid, top, bottom = np.log1p(at_edges)
        with np.errstate(invalid="ignore", over="ignore"):
            up = (top - mid) / edge if math.isfinite(mid) else 0.0
            down = (mid - bottom) / edge if math.isfinite(mid) and math.isfinite(bottom) else 0.0
            g = np.where(zz > edge, top + up * (zz - edge), np.where(zz < -edge, bottom + down * (zz + edge), 0.0))
            tail = np.expm1(np.nan_to_num(g, nan=np.inf, posinf=np.inf))
        # the tail never comes back inside the simulated range: expm1(log1p(x)) can round to just below x
        surer, bolder = (np.minimum, np.maximum) if count else (np.maximum, np.minimum)
        tail = np.where(zz > edge, surer(tail, at_edges[1]), bolder(tail, at_edges[2]))
        value = np.where((zz > edge) | (zz < -edge), tail, value)
    if count:
        whole: FloatArray = np.maximum(np.floor(value + 1e-9), 0.0)
        return whole
    days: FloatArray = np.where(value > horizon_days, np.inf, np.maximum(value, 0.0))
    return days
