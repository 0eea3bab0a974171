"""Backlog simulation for the Forecast screen: when will each feature, each release and the whole plan be done?

The model, vectorised over Monte Carlo trials:

* **Effort** of a feature is drawn from a triangular distribution on [optimistic, pessimistic] with its mode at
  likely (mean (o + m + p)/3: a little wider and more cautious than PERT, and cheap to sample exactly by its
  inverse CDF). Units are whatever the team's capacity uses: person-days or points.
* **Teams** work with a WIP limit k: their capacity per week is split into k equal lanes, each lane works on one
  feature at a time. The capacity is fixed (``capacity_per_week``) or, from a ``throughput_history`` of effort
  finished per week, each trial draws the team's pace as the mean of 13 weeks resampled from that history.
* **Order**: features are taken in backlog order, adjusted only so that a feature comes after what it depends
  on. A feature starts when a lane of its team is free and all its dependencies are finished; teams do not skip
  ahead in the backlog.

All durations are in weeks from ``start`` (a date); results are dates with probabilities.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from tradeoff.errors import InvalidInput

FloatArray = npt.NDArray[np.floating[Any]]  # float32 in the hot path, float64 accepted

#: probability levels of the stored quantile function of every finish distribution
FINISH_LEVELS: tuple[float, ...] = tuple(round(0.05 * i, 2) for i in range(1, 20)) + (0.99,)
MIN_HISTORY_WEEKS = 8
PACE_SAMPLE_WEEKS = 13
HISTOGRAM_BINS = 20


@dataclass(frozen=True)
class BacklogFeature:
    """One feature of the backlog. Efforts are in the team's capacity unit (person-days or points)."""

    key: str
    team: str
    optimistic: float
    likely: float
    pessimistic: float
    depends_on: tuple[str, ...] = ()


@dataclass(frozen=True)
class BacklogTeam:
    """A team: ``capacity_per_week`` in effort units per week, or ``throughput_history`` (effort finished in each
    past week, oldest first) to sample its pace from; ``wip_limit``: features in progress at once."""

    name: str
    capacity_per_week: float | None = None
    throughput_history: tuple[float, ...] = ()
    wip_limit: int = 1


@dataclass(frozen=True)
class Release:
    """A named set of features; the release is done when its last feature is."""

    name: str
    features: tuple[str, ...]


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
        """Probability (0..1) of being done on or before ``when`` (interpolated on the quantile function)."""
        w = (when - start).days / 7.0
        if w < self.weeks[0]:
            return float(np.interp(w, [0.0, self.weeks[0]], [0.0, self.levels[0]])) if w > 0 else 0.0
        if w >= self.weeks[-1]:
            return 1.0 if w >= self.histogram[-1][1] else self.levels[-1]
        return float(np.interp(w, self.weeks, self.levels))


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


@dataclass(frozen=True)
class PreparedBacklog:
    """Validated, ordered inputs of the simulation (used by ``simulate_backlog`` and the reference loop)."""

    order: tuple[int, ...]  # feature indices in processing order
    team_of: tuple[int, ...]  # team index of each feature
    deps: tuple[tuple[int, ...], ...]  # dependency indices of each feature
    wip: tuple[int, ...]  # WIP limit of each team


def prepare_backlog(features: Sequence[BacklogFeature], teams: Sequence[BacklogTeam]) -> PreparedBacklog:
    """Validate the backlog and order it (backlog order, dependencies first). Raises InvalidInput."""
    team_idx: dict[str, int] = {}
    for t in teams:
        if t.name in team_idx:
            raise InvalidInput(f"team {t.name!r} is listed twice")
        team_idx[t.name] = len(team_idx)
        if t.wip_limit < 1:
            raise InvalidInput(f"team {t.name!r}: wip_limit must be at least 1, got {t.wip_limit}")
        if t.capacity_per_week is not None and not t.capacity_per_week > 0:
            raise InvalidInput(
                f"team {t.name!r}: capacity_per_week must be more than 0, got {t.capacity_per_week}; "
                "a team without capacity never finishes anything"
            )
        if t.capacity_per_week is None and not t.throughput_history:
            raise InvalidInput(f"team {t.name!r}: give a capacity_per_week or a throughput_history")
        if any(x < 0 or not math.isfinite(x) for x in t.throughput_history):
            raise InvalidInput(f"team {t.name!r}: throughput_history must hold finite values >= 0")
    key_idx: dict[str, int] = {}
    for i, f in enumerate(features):
        if f.key in key_idx:
            raise InvalidInput(f"feature {f.key!r} is listed twice")
        key_idx[f.key] = i
        if f.team not in team_idx:
            raise InvalidInput(f"feature {f.key!r}: unknown team {f.team!r}")
        vals = (f.optimistic, f.likely, f.pessimistic)
        if not all(math.isfinite(v) for v in vals) or f.optimistic < 0:
            raise InvalidInput(f"feature {f.key!r}: efforts must be finite and >= 0, got {vals}")
        if f.optimistic > f.pessimistic:
            raise InvalidInput(
                f"feature {f.key!r}: optimistic effort {f.optimistic} is more than pessimistic {f.pessimistic}"
            )
        if not f.optimistic <= f.likely <= f.pessimistic:
            raise InvalidInput(
                f"feature {f.key!r}: likely effort {f.likely} is outside [{f.optimistic}, {f.pessimistic}]"
            )
    deps: list[tuple[int, ...]] = []
    for f in features:
        for d in f.depends_on:
            if d not in key_idx:
                raise InvalidInput(f"feature {f.key!r} depends on unknown feature {d!r}")
            if d == f.key:
                raise InvalidInput(
                    f"dependency cycle: {f.key} -> {f.key} (a feature cannot depend on itself)"
                )
        deps.append(tuple(key_idx[d] for d in dict.fromkeys(f.depends_on)))
    order = _topological_order(deps, [f.key for f in features])
    return PreparedBacklog(
        order, tuple(team_idx[f.team] for f in features), tuple(deps), tuple(t.wip_limit for t in teams)
    )


def _topological_order(deps: Sequence[tuple[int, ...]], keys: Sequence[str]) -> tuple[int, ...]:
    n = len(deps)
    children: list[list[int]] = [[] for _ in range(n)]
    missing = [len(d) for d in deps]
    for i, d in enumerate(deps):
        for j in d:
            children[j].append(i)
    ready = [i for i in range(n) if missing[i] == 0]
    heapq.heapify(ready)
    order: list[int] = []
    while ready:
        i = heapq.heappop(ready)
        order.append(i)
        for ch in children[i]:
            missing[ch] -= 1
            if missing[ch] == 0:
                heapq.heappush(ready, ch)
    if len(order) < n:
        cycle = " -> ".join(keys[i] for i in _find_cycle(deps, missing))
        raise InvalidInput(
            f"dependency cycle: {cycle} (A -> B means A depends on B); remove one of these dependencies"
        )
    return tuple(order)


def _find_cycle(deps: Sequence[tuple[int, ...]], missing: Sequence[int]) -> list[int]:
    # every feature left with unmet dependencies depends on another one left: walk until a repeat
    start = next(i for i in range(len(deps)) if missing[i] > 0)
    seen: dict[int, int] = {}
    path: list[int] = []
    node = start
    while node not in seen:
        seen[node] = len(path)
        path.append(node)
        node = next(j for j in deps[node] if missing[j] > 0)
    return path[seen[node] :] + [node]


def history_decline_reason(teams: Sequence[BacklogTeam]) -> str:
    """Why the throughput histories are too thin to forecast with, or "" if they are enough."""
    for t in teams:
        if t.capacity_per_week is None:
            h = t.throughput_history
            if len(h) < MIN_HISTORY_WEEKS:
                return (
                    f"team {t.name!r}: needs at least {MIN_HISTORY_WEEKS} weeks of throughput history; "
                    f"has {len(h)}"
                )
            if sum(h) <= 0:
                return f"team {t.name!r}: nothing was finished in its {len(h)} weeks of history"
    return ""


def sample_efforts(features: Sequence[BacklogFeature], trials: int, rng: np.random.Generator) -> FloatArray:
    """Effort of every feature in every trial, shape (features, trials), float32, from triangular distributions
    on [optimistic, pessimistic] with the mode at likely (inverse-CDF sampling)."""
    lo = np.array([f.optimistic for f in features], dtype=np.float32)[:, None]
    mode = np.array([f.likely for f in features], dtype=np.float32)[:, None]
    hi = np.array([f.pessimistic for f in features], dtype=np.float32)[:, None]
    u = rng.random(size=(len(features), trials), dtype=np.float32)
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
    return u


def sample_paces(teams: Sequence[BacklogTeam], trials: int, rng: np.random.Generator) -> FloatArray:
    """Capacity per week of every team in every trial, shape (teams, trials), effort units per week.

    Fixed capacity is used as is; from a throughput history the pace of a trial is the mean of 13 weeks drawn
    from it, floored at a tenth of the history's mean (only idle weeks drawn would otherwise never finish)."""
    out = np.empty((len(teams), trials), dtype=np.float32)
    for j, t in enumerate(teams):
        if t.capacity_per_week is not None:
            out[j] = t.capacity_per_week
        else:
            h = np.asarray(t.throughput_history, dtype=np.float64)
            pace = h[rng.integers(0, len(h), size=(trials, PACE_SAMPLE_WEEKS))].mean(axis=1)
            out[j] = np.maximum(pace, 0.1 * float(h.mean()))
    return out


def schedule(
    prep: PreparedBacklog, efforts: FloatArray, paces: FloatArray, *, overwrite_efforts: bool = False
) -> FloatArray:
    """Finish week of every feature in every trial, shape (features, trials), for efforts (features, trials) in
    effort units and paces (teams, trials) in effort units per week. ``overwrite_efforts`` reuses the efforts
    array for the result (saves memory and time when the caller no longer needs it)."""
    n, trials = efforts.shape
    # weeks each feature takes on one lane (a lane gets capacity / WIP limit)
    slowness = (np.asarray(prep.wip, dtype=np.float32)[:, None] / paces).astype(np.float32)
    finish = efforts if overwrite_efforts else np.empty_like(efforts)
    if n:
        np.multiply(efforts, slowness[np.asarray(prep.team_of, dtype=np.int64)], out=finish)
    # lanes are interchangeable, so each team keeps its lanes' free times sorted per trial: the next feature
    # takes lane 0 (the earliest free), and its finish is inserted back in order; no gather/scatter needed
    lanes = [np.zeros((k, trials), dtype=np.float32) for k in prep.wip]
    tmp = np.empty(trials, dtype=np.float32)
    for i in prep.order:
        lane = lanes[prep.team_of[i]]
        end = finish[i]
        start = lane[0]
        for d in prep.deps[i]:
            start = np.maximum(start, finish[d])
        end += start
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
    return finish


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
    tw = None if target is None else (target - start).days / 7.0
    counts = np.empty((things, HISTOGRAM_BINS), dtype=np.int64)
    by_target = np.empty(things)
    for j in range(things):
        edges = (lo[j] + width[j] * np.arange(1, HISTOGRAM_BINS)).astype(np.float32)
        below = np.searchsorted(srt[j], edges, side="left")
        counts[j] = np.diff(np.concatenate(([0], below, [trials])))
        if tw is not None:
            by_target[j] = np.searchsorted(srt[j], np.float32(tw), side="right") / trials
    i50, i85, i95 = (FINISH_LEVELS.index(x) for x in (0.5, 0.85, 0.95))
    out = []
    for j, nm in enumerate(names):
        qs = q[j]
        edges = lo[j] + width[j] * np.arange(HISTOGRAM_BINS + 1)
        hist = tuple(
            (float(edges[k]), float(edges[k + 1]), float(counts[j, k]) / trials)
            for k in range(HISTOGRAM_BINS)
        )
        out.append(
            FinishForecast(
                nm,
                _to_date(start, qs[i50]),
                _to_date(start, qs[i85]),
                _to_date(start, qs[i95]),
                float(qs[i50]),
                float(qs[i85]),
                float(qs[i95]),
                FINISH_LEVELS,
                tuple(float(x) for x in qs),
                hist,
                None if tw is None else float(by_target[j]),
            )
        )
    return out


def _to_date(start: date, weeks: float) -> date:
    # a feature finishing during a day is done that day: round up to whole days
    return start + timedelta(days=math.ceil(weeks * 7.0 - 1e-9))


def simulate_backlog(
    features: Sequence[BacklogFeature],
    teams: Sequence[BacklogTeam],
    *,
    start: date,
    rng: np.random.Generator,
    trials: int = 10_000,
    releases: Sequence[Release] = (),
    target: date | None = None,
) -> BacklogForecast:
    """Monte Carlo forecast of a backlog (see module docstring).

    ``features``: in backlog (priority) order; efforts in the teams' unit (person-days or points).
    ``teams``: capacity per week in the same unit, or throughput history, and WIP limits.
    ``start``: the date work starts (week 0). ``rng``: randomness source. ``trials``: Monte Carlo trials.
    ``releases``: named sets of features to forecast as a whole. ``target``: a date to give P(done by) for.
    Raises InvalidInput on bad input (cycles, unknown names, optimistic > pessimistic, zero capacity); returns a
    "declined" forecast when a throughput history is too short or empty.
    """
    if trials < 1:
        raise InvalidInput(f"trials must be at least 1, got {trials}")
    prep = prepare_backlog(features, teams)
    keys = {f.key: i for i, f in enumerate(features)}
    for r in releases:
        unknown = [k for k in r.features if k not in keys]
        if unknown:
            raise InvalidInput(f"release {r.name!r}: unknown features {', '.join(unknown)}")
        if not r.features:
            raise InvalidInput(f"release {r.name!r} has no features")
    reason = history_decline_reason(teams)
    if reason:
        return BacklogForecast("declined", reason, start, trials)
    if not features:
        return BacklogForecast("ok", "", start, trials)
    efforts = sample_efforts(features, trials, rng)
    paces = sample_paces(teams, trials, rng)
    finish = schedule(prep, efforts, paces, overwrite_efforts=True)
    per_feature = summarise_many([f.key for f in features], finish, start, target)
    rel = [
        summarise(r.name, finish[[keys[k] for k in r.features]].max(axis=0), start, target) for r in releases
    ]
    plan = summarise("plan", finish.max(axis=0), start, target)
    return BacklogForecast("ok", "", start, trials, tuple(per_feature), tuple(rel), plan)
