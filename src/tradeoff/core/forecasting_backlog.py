"""Backlog simulation for the Forecast screen: when will each feature, each release and the whole plan be done?

The model, vectorised over Monte Carlo trials:

* **Effort** of a feature is drawn from a triangular distribution with its mode at likely (mean (o + m + p)/3: a
  little wider and more cautious than PERT, and cheap to sample exactly by its inverse CDF), widened beyond
  [optimistic, pessimistic] so that the range holds the estimate's confidence (80% sure: 10% of draws below
  optimistic, 10% above pessimistic; `widen_range`). Units are whatever the team's capacity uses: person-days or
  points.
* **Teams** work with a WIP limit k: their capacity per week is split into k equal lanes, each lane works on one
  feature at a time. The capacity is fixed (``capacity_per_week``) or, from a ``throughput_history`` of effort
  finished per week, each trial draws the team's pace as the mean of 13 weeks resampled from that history.
* **Order**: features are taken in backlog order, adjusted only so that a feature comes after what it depends
  on. A feature starts when a lane of its team is free and all its dependencies are finished; teams do not skip
  ahead in the backlog.
* **Calendar**: a team's weeks with people away (``calendar``) go at that share of its pace: a feature's work is
  counted in the team's usual weeks and laid on its calendar, so a holiday in its path moves its finish later.
* **Shared work**: a feature several teams work on is given as parts, one per team with that team's share of
  the effort, joined under one name (``joins``). Each part is scheduled in its team's backlog; the feature is done
  when its last part is, and whatever depends on it waits for every part.
* **Blockers and risks**: work that must be done before some features can start is a feature of its own that
  they depend on (a ``gate``: done on its team's lanes without opening a lane of its own). A risk is such work
  with a ``chance`` below 1: in the other trials it is not needed and takes no time.

All durations are in weeks from ``start`` (a date); results are dates with probabilities.

The inputs and their checks are in `tradeoff.core.forecasting_backlog_input`; the finish dates and probabilities
in `tradeoff.core.forecasting_backlog_summary`.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Literal

import numpy as np
import numpy.typing as npt

from tradeoff.core.forecasting_backlog_input import (
    BacklogFeature,
    BacklogTeam,
    PreparedBacklog,
    Release,
    history_decline_reason,
    prepare_backlog,
)
from tradeoff.core.forecasting_backlog_summary import FinishForecast, FloatArray, summarise, summarise_many
from tradeoff.errors import InvalidInput

PACE_SAMPLE_WEEKS = 13


@dataclass(frozen=True)
class BacklogForecast:
    """Result of ``simulate_backlog``. ``status`` "declined": ``reason`` says what history is missing."""

    status: Literal["ok", "declined"]
    reason: str
    start: date
    trials: int
    features: tuple[FinishForecast, ...] = field(default=())
    releases: tuple[FinishForecast, ...] = field(default=())
    plan: FinishForecast | None = None


WIDEN_STEPS = 60


def widen_range(optimistic: npt.ArrayLike, likely: npt.ArrayLike, pessimistic: npt.ArrayLike,
                confidence: npt.ArrayLike) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """The bounds (low, high) of the triangular distribution with its mode at `likely` that puts (1 - confidence)/2
    of its mass below `optimistic` and as much above `pessimistic`: an estimator 80% sure of a range leaves a
    1-in-10 chance on each side, not none. The low bound stays at 0 or above (an effort is never negative; the
    lower tail is then thinner). Confidence 1 gives the range itself. Elementwise over arrays.

    Below `optimistic`, the mass of a triangle (a, m, b) is x² / ((b - a)(m - a)) with x = optimistic - a; setting
    it to q gives a quadratic in x for a given b, and the same above `pessimistic` for a given a: the two are solved
    in turn until they agree (each step moves both bounds outwards, and they settle within a few dozen steps)."""
    lo, m, hi = (np.asarray(v, dtype=np.float64) for v in (optimistic, likely, pessimistic))
    q = (1.0 - np.asarray(confidence, dtype=np.float64)) / 2.0
    a, b = lo.copy(), hi.copy()
    for _ in range(WIDEN_STEPS):
        big_b, big_m = b - lo, m - lo  # x² (1 - q) - q (B + M) x - q B M = 0
        x = (q * (big_b + big_m) + np.sqrt((q * (big_b + big_m)) ** 2 + 4 * (1 - q) * q * big_b * big_m)) / (2 * (1 - q))
        a = np.maximum(lo - x, 0.0)
        big_h, big_n = hi - a, hi - m
        y = (q * (big_h + big_n) + np.sqrt((q * (big_h + big_n)) ** 2 + 4 * (1 - q) * q * big_h * big_n)) / (2 * (1 - q))
        b = hi + y
    return a, b


def mean_effort(optimistic: float, likely: float, pessimistic: float, confidence: float) -> float:
    """The mean effort of the distribution `sample_efforts` draws for an estimate: the triangle's mean, on the
    range widened to its confidence."""
    low, high = widen_range(optimistic, likely, pessimistic, confidence)
    return float((low + likely + high) / 3)


def keyed_rng(seed: int, key: str) -> np.random.Generator:
    """A random stream of its own for one feature or team (by its key), the same in every simulation with this
    seed whatever else is in it: two forecasts that differ in one feature differ only by what that changes
    ("common random numbers"), not by draws shifted along a list."""
    return np.random.default_rng([seed, zlib.crc32(key.encode("utf-8"))])


def _uniforms(keys: Sequence[str], trials: int, rng: np.random.Generator, keyed_seed: int | None) -> FloatArray:
    if keyed_seed is None:
        return rng.random(size=(len(keys), trials), dtype=np.float32)
    out = np.empty((len(keys), trials), dtype=np.float32)
    for i, key in enumerate(keys):
        out[i] = keyed_rng(keyed_seed, key).random(trials, dtype=np.float32)
    return out


def sample_efforts(features: Sequence[BacklogFeature], trials: int, rng: np.random.Generator,
                   keyed_seed: int | None = None) -> FloatArray:
    """Effort of every feature in every trial, shape (features, trials), float32, from triangular distributions
    with the mode at likely, on [optimistic, pessimistic] widened to its confidence (`widen_range`; inverse-CDF
    sampling). With `keyed_seed`, each feature draws from its own stream (`keyed_rng`), else all from `rng`."""
    low, high = widen_range([f.optimistic for f in features], [f.likely for f in features],
                            [f.pessimistic for f in features], [f.confidence for f in features])
    lo = low.astype(np.float32)[:, None]
    mode = np.array([f.likely for f in features], dtype=np.float32)[:, None]
    hi = high.astype(np.float32)[:, None]
    u = _uniforms([f.key for f in features], trials, rng, keyed_seed)
    span = hi - lo
    cut = np.divide(mode - lo, span, out=np.zeros_like(span), where=span > 0)
    left = (u < cut).astype(np.float32)  # 1 left of the mode, 0 right of it
    # inverse CDF with arithmetic blends instead of masked copies (faster on big arrays):
    # lo + sqrt(u*span*(mode-lo)) left of the mode, hi - sqrt((1-u)*span*(hi-mode)) right of it
    v = np.subtract(np.float32(1.0), u)
    v *= span * (hi - mode)
    np.multiply(u, span * (mode - lo), out=u)
    u -= v
    u *= left
    v += u
    np.sqrt(v, out=v)
    # result = hi - v + left * (lo - hi + 2v)
    np.multiply(v, np.float32(2.0), out=u)
    u += lo - hi
    u *= left
    u += hi
    u -= v
    _by_chance(features, u, rng, keyed_seed)
    return u


def _by_chance(features: Sequence[BacklogFeature], efforts: FloatArray, rng: np.random.Generator,
               keyed_seed: int | None) -> None:
    """Zero the effort of work that is not needed in a trial: each feature with a `chance` below 1 is needed in
    that share of the trials, drawn from a stream of its own (its key's, with `#needed`), so whether a risk happens
    does not shift any other draw."""
    for i, f in enumerate(features):
        if f.chance >= 1.0:
            continue
        draws = (keyed_rng(keyed_seed, f"{f.key}#needed") if keyed_seed is not None else rng).random(
            efforts.shape[1])
        efforts[i] *= draws < f.chance


def sample_paces(teams: Sequence[BacklogTeam], trials: int, rng: np.random.Generator,
                 keyed_seed: int | None = None) -> FloatArray:
    """Capacity per week of every team in every trial, shape (teams, trials), effort units per week.

    Fixed capacity is used as is; from a throughput history the pace of a trial is the mean of 13 weeks drawn
    from it, floored at a tenth of the history's mean (only idle weeks drawn would otherwise never finish)."""
    out = np.empty((len(teams), trials), dtype=np.float32)
    for j, t in enumerate(teams):
        if t.capacity_per_week is not None:
            out[j] = t.capacity_per_week
        else:
            h = np.asarray(t.throughput_history, dtype=np.float64)
            draw = rng if keyed_seed is None else keyed_rng(keyed_seed, "team:" + t.name)
            pace = h[draw.integers(0, len(h), size=(trials, PACE_SAMPLE_WEEKS))].mean(axis=1)
            out[j] = np.maximum(pace, 0.1 * float(h.mean()))
    return out


CALENDAR_FLOOR = 1e-3  # a week with everyone away still moves (barely): keeps the calendar's time map invertible


def _warp(calendar: Sequence[float]) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]] | None:
    """A team calendar as a time map: (usual weeks of work done by each calendar week, calendar weeks), both
    increasing, for `np.interp` both ways; None when every week is usual. After the calendar, weeks are usual."""
    if all(c == 1.0 for c in calendar):
        return None
    shares = np.maximum(np.asarray(calendar, dtype=np.float64), CALENDAR_FLOOR)
    far = 1e7  # beyond the calendar, one usual week per week (linear), far past any finish
    weeks = np.concatenate([np.arange(len(shares) + 1, dtype=np.float64), [len(shares) + far]])
    usual = np.concatenate([[0.0], np.cumsum(shares)])
    return np.concatenate([usual, [usual[-1] + far]]), weeks


def schedule(
    prep: PreparedBacklog, efforts: FloatArray, paces: FloatArray, *, overwrite_efforts: bool = False,
    calendars: Sequence[Sequence[float]] = (),
) -> FloatArray:
    """Finish week of every feature in every trial, shape (features, trials), for efforts (features, trials) in
    effort units and paces (teams, trials) in effort units per week (the teams' usual pace). ``calendars``: each
    team's weekly share of its usual pace (``BacklogTeam.calendar``), or none at all. ``overwrite_efforts`` reuses
    the efforts array for the result (saves memory and time when the caller no longer needs it).

    With dependencies, in two passes: the first in backlog order (on the first ORDER_TRIALS trials: enough to rank
    the starts), the second, of every trial, in the order work could start in the first (mean over those trials;
    backlog order among equals), so a feature waiting for a dependency (another team's work, say) does not hold
    a lane idle while the team's next work waits behind it."""
    n, trials = efforts.shape
    # weeks each feature takes on one lane (a lane gets capacity / WIP limit)
    slowness = (np.asarray(prep.wip, dtype=np.float32)[:, None] / paces).astype(np.float32)
    weeks = efforts if overwrite_efforts else np.empty_like(efforts)
    if n:
        np.multiply(efforts, slowness[np.asarray(prep.team_of, dtype=np.int64)], out=weeks)
    warps = [_warp(c) for c in calendars] if calendars else [None] * len(prep.wip)
    order = prep.order
    if any(prep.deps[i] for i in prep.order):
        started = np.zeros(n, dtype=np.float64)
        first = weeks[:, :ORDER_TRIALS]
        _lay_out(prep, prep.order, first, warps, np.empty_like(first), started)
        place = {i: k for k, i in enumerate(prep.order)}
        order = tuple(sorted(prep.order, key=lambda i: (started[i], place[i])))
    finish, lanes, last = _lay_out(prep, order, weeks, warps, weeks)
    _share_the_tail(prep, finish, lanes, last, warps)
    return finish


ORDER_TRIALS = 1_000  # trials the first pass of a backlog with dependencies ranks the starts on


Warp = tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]] | None


def _lay_out(prep: PreparedBacklog, order: Sequence[int], weeks: FloatArray, warps: Sequence[Warp],
             finish: FloatArray, started: npt.NDArray[np.float64] | None = None,
             ) -> tuple[FloatArray, list[FloatArray], list[FloatArray]]:
    """Lay features out on their teams' lanes in `order`: each feature's `weeks` (on one lane) from when a lane is
    free and its dependencies are done, on its team's calendar. Writes each finish into `finish` (which may be
    `weeks` itself: a feature's weeks are read just before its finish is written) and, given `started`, each
    feature's mean start there. Returns `finish`, each team's lanes' free times at the end (sorted, per trial)
    and each team's last start (per trial)."""
    trials = weeks.shape[1]
    # lanes are interchangeable, so each team keeps its lanes' free times sorted per trial: the next feature
    # takes lane 0 (the earliest free), and its finish is inserted back in order; no gather/scatter needed
    lanes = [np.zeros((k, trials), dtype=np.float32) for k in prep.wip]
    last = [np.zeros(trials, dtype=np.float32) for _ in prep.wip]
    tmp = np.empty(trials, dtype=np.float32)
    for i in order:
        lane = lanes[prep.team_of[i]]
        start = lane[0]
        for d in prep.deps[i]:
            start = np.maximum(start, finish[d])
        np.maximum(last[prep.team_of[i]], start, out=last[prep.team_of[i]])
        if started is not None:
            started[i] = float(start.mean())
        end = finish[i]
        if finish is not weeks:
            end[:] = weeks[i]
        warp = warps[prep.team_of[i]]
        if warp is None:
            end += start
        else:  # its work in the team's usual weeks, laid on the team's calendar from its start
            usual, cal_weeks = warp
            end += np.interp(start, cal_weeks, usual).astype(np.float32)
            end[:] = np.interp(end, usual, cal_weeks)
        k = lane.shape[0]
        if k == 1:
            lane[0] = end
            continue
        # insert `end` into the sorted lanes[1:]: new[j] = max(old[j], min(old[j+1], end))
        for j in range(k - 1):
            np.minimum(lane[j + 1], end, out=tmp)
            if j == 0:
                lane[0] = tmp
            else:
                np.maximum(lane[j], tmp, out=lane[j])
        np.maximum(lane[k - 1], end, out=lane[k - 1])
    return finish, lanes, last


def _share_the_tail(prep: PreparedBacklog, finish: FloatArray, lanes: Sequence[FloatArray],
                    last: Sequence[FloatArray], warps: Sequence[Warp]) -> None:
    """Once a team has started its last feature, no more work comes its way: the features still in progress share
    its whole pace (processor sharing: each gets 1/m of it while m are left) instead of each keeping its lane's
    1/WIP share while the other lanes fall idle. In the team's usual weeks (its calendar applied after), a feature
    with r left of its lane's work finishes at T0 + Σ min(r_l, r) / WIP over the lanes l still busy at T0, the
    team's last start. Work on other teams that waits for these features keeps the start it was laid out with (a
    cautious simplification: it is not moved earlier)."""
    team_of = np.asarray(prep.team_of, dtype=np.int64)
    for j, k in enumerate(prep.wip):
        if k == 1:  # one lane: the last feature already has the whole pace
            continue
        t0 = last[j]
        rows = np.flatnonzero(team_of == j)
        busy = rows[(finish[rows] > t0).any(axis=1)]  # the last feature of a lane still busy at T0, in some trial
        if not busy.size:
            continue
        warp = warps[j]

        def usual(x: FloatArray, w: Warp = warp) -> npt.NDArray[np.float64]:
            return x.astype(np.float64) if w is None else np.interp(x, w[1], w[0])

        t0u = usual(t0)
        left = [np.maximum(usual(lane) - t0u, 0.0) for lane in lanes[j]]  # lane work left at T0
        mine = np.maximum(usual(finish[busy]) - t0u, 0.0)
        shared = np.zeros_like(mine)
        for r in left:
            shared += np.minimum(r, mine)
        done = np.where(mine > 0, t0u + shared / k, usual(finish[busy]))
        finish[busy] = done if warp is None else np.interp(done, warp[0], warp[1])


def simulate_backlog(
    features: Sequence[BacklogFeature],
    teams: Sequence[BacklogTeam],
    *,
    start: date,
    rng: np.random.Generator,
    trials: int = 10_000,
    releases: Sequence[Release] = (),
    target: date | None = None,
    joins: Mapping[str, Sequence[str]] | None = None,
    keyed_seed: int | None = None,
) -> BacklogForecast:
    """Monte Carlo forecast of a backlog (see module docstring).

    ``features``: in backlog (priority) order; efforts in the teams' unit (person-days or points).
    ``teams``: capacity per week in the same unit, or throughput history, and WIP limits.
    ``start``: the date work starts (week 0). ``rng``: randomness source. ``trials``: Monte Carlo trials.
    ``releases``: named sets of features to forecast as a whole. ``target``: a date to give P(done by) for.
    ``joins``: shared work, name -> the keys of its parts; the name is forecast (done with its last part) instead
    of the parts, and may be used in ``depends_on`` and releases like a feature's key.
    ``keyed_seed``: draw each feature's effort and each team's pace from its own stream (``keyed_rng``) instead
    of ``rng``, so forecasts of two backlogs that share features draw the same for those features.
    Raises InvalidInput on bad input (cycles, unknown names, optimistic > pessimistic, zero capacity); returns a
    "declined" forecast when a throughput history is too short or empty.
    """
    if trials < 1:
        raise InvalidInput(f"trials must be at least 1, got {trials}")
    joins = joins or {}
    features = _expand_joined_dependencies(features, joins)
    prep = prepare_backlog(features, teams)
    keys = {f.key: i for i, f in enumerate(features)}
    rows = {name: [keys[p] for p in parts] for name, parts in joins.items()}  # checked by _expand_...
    part_of = {p: name for name, parts in joins.items() for p in parts}
    reported = list(dict.fromkeys(part_of.get(f.key, f.key) for f in features))
    rows |= {name: [keys[name]] for name in reported if name not in rows}
    for r in releases:
        unknown = [k for k in r.features if k not in rows]
        if unknown:
            raise InvalidInput(f"release {r.name!r}: unknown features {', '.join(unknown)}")
        if not r.features:
            raise InvalidInput(f"release {r.name!r} has no features")
    reason = history_decline_reason(teams)
    if reason:
        return BacklogForecast("declined", reason, start, trials)
    if not features:
        return BacklogForecast("ok", "", start, trials)
    efforts = sample_efforts(features, trials, rng, keyed_seed)
    paces = sample_paces(teams, trials, rng, keyed_seed)
    finish = schedule(prep, efforts, paces, overwrite_efforts=True, calendars=[t.calendar for t in teams])
    plan = summarise("plan", finish.max(axis=0), start, target)
    rel = [summarise(r.name, finish[[i for k in r.features for i in rows[k]]].max(axis=0), start, target)
           for r in releases]
    if joins:  # one row per reported feature: a joined one is done when its last part is
        finish = np.stack([finish[rows[name]].max(axis=0) for name in reported])
    per_feature = summarise_many(reported, finish, start, target)
    return BacklogForecast("ok", "", start, trials, tuple(per_feature), tuple(rel), plan)


def _expand_joined_dependencies(features: Sequence[BacklogFeature],
                                joins: Mapping[str, Sequence[str]]) -> list[BacklogFeature]:
    """Check `joins` (parts are features, each in one join, a name is not also a feature's key) and make a
    dependency on a joined name a dependency on each of its parts."""
    keys = {f.key for f in features}
    seen: set[str] = set()
    for name, parts in joins.items():
        if name in keys:
            raise InvalidInput(f"joined feature {name!r} has the key of a feature; give the parts other keys")
        if not parts:
            raise InvalidInput(f"joined feature {name!r} has no parts")
        for p in parts:
            if p not in keys:
                raise InvalidInput(f"joined feature {name!r}: unknown part {p!r}")
            if p in seen:
                raise InvalidInput(f"part {p!r} is in two joined features")
            seen.add(p)
    if not joins:
        return list(features)
    out = []
    for f in features:
        deps = tuple(dict.fromkeys(d2 for d in f.depends_on for d2 in (joins.get(d) or (d,))))
        out.append(replace(f, depends_on=deps) if deps != f.depends_on else f)
    return out
