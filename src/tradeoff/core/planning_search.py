"""Local search that improves a feasible roadmap before (or instead of) the exact solver.

"Ruin and recreate": take a few features out of the plan (those of one team in one period, or a handful
anywhere), then refill the freed capacity from every unplanned feature in a randomly perturbed
value-per-person-day order, and keep the result when its total value is not lower. Every move keeps all the
roadmap's rules (capacity per team and period, allocation rules, dependencies, deadlines, must-haves), so the
plan is feasible after every iteration and never worth less than the one given.

The search is deterministic for a given ``rng`` and ``iterations`` (no clock): it is pure, like the rest of
``core``. ``planning.plan_roadmap`` runs it on the greedy plan and hands the result to HiGHS as a start.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

_EPS = 1e-9


@dataclass(frozen=True)
class SearchProblem:
    """A roadmap in index form. Features are 0..n−1, teams 0..T−1, periods 0..P−1.

    ``value[i]``: value of feature i (score or money); ``effort[i]``: (team, person-days) pairs with days > 0;
    ``capacity[t][p]``: person-days of team t in period p; ``limits[r][p]``: person-days allowed in period p by
    allocation-rule row r, and ``ruled[i]``: (row, person-days) pairs feature i uses under those rows;
    ``earliest[i]``/``latest[i]``: allowed periods (deadlines and dependency chains included);
    ``required[i]``: must be planned; ``prerequisites[i]``: features that must be done ``lag`` periods or
    more before i starts (``lag`` 1, or 0 when same-period dependencies are allowed); ``span[i]``: the periods
    i is worked on, ending with the one it is planned in (effort and ``ruled`` days are spread evenly over them).
    Periods in a plan are the ones features are done in."""

    value: tuple[float, ...]
    effort: tuple[tuple[tuple[int, float], ...], ...]
    capacity: tuple[tuple[float, ...], ...]
    limits: tuple[tuple[float, ...], ...]
    ruled: tuple[tuple[tuple[int, float], ...], ...]
    earliest: tuple[int, ...]
    latest: tuple[int, ...]
    required: tuple[bool, ...]
    prerequisites: tuple[tuple[int, ...], ...]
    lag: int
    span: tuple[int, ...]


class _State:
    """Mutable plan with its loads; ``log`` records (feature, old period) so a move can be undone."""

    def __init__(self, prob: SearchProblem, period: Sequence[int]) -> None:
        self.prob = prob
        n = len(prob.value)
        self.dependents: list[list[int]] = [[] for _ in range(n)]
        for i, pres in enumerate(prob.prerequisites):
            for a in pres:
                self.dependents[a].append(i)
        self.period = [-1] * n
        self.load = [[0.0] * len(c) for c in prob.capacity]
        self.rload = [[0.0] * len(c) for c in prob.limits]
        self.total = 0.0
        self.log: list[tuple[int, int]] = []
        for i, p in enumerate(period):
            if p >= 0:
                self._set(i, p)
        self.log.clear()

    def _set(self, i: int, p: int) -> None:
        prob, old, k = self.prob, self.period[i], self.prob.span[i]
        self.log.append((i, old))
        if old >= 0:
            for q in range(old - k + 1, old + 1):
                for t, e in prob.effort[i]:
                    self.load[t][q] -= e / k
                for r, e in prob.ruled[i]:
                    self.rload[r][q] -= e / k
            self.total -= prob.value[i]
        if p >= 0:
            for q in range(p - k + 1, p + 1):
                for t, e in prob.effort[i]:
                    self.load[t][q] += e / k
                for r, e in prob.ruled[i]:
                    self.rload[r][q] += e / k
            self.total += prob.value[i]
        self.period[i] = p

    def fits(self, i: int, p: int) -> bool:
        prob, per, k = self.prob, self.period, self.prob.span[i]
        if p < prob.earliest[i] or p > prob.latest[i]:
            return False
        lag = prob.lag
        for a in prob.prerequisites[i]:
            if per[a] < 0 or per[a] + lag + k - 1 > p:
                return False
        for b in self.dependents[i]:
            if per[b] >= 0 and p + lag + prob.span[b] - 1 > per[b]:
                return False
        for q in range(p - k + 1, p + 1):
            for t, e in prob.effort[i]:
                if self.load[t][q] + e / k > prob.capacity[t][q] + _EPS:
                    return False
            if not all(self.rload[r][q] + e / k <= prob.limits[r][q] + _EPS for r, e in prob.ruled[i]):
                return False
        return True

    def remove(self, i: int) -> None:
        """Unplan ``i`` and, first, every planned feature that depends on it (directly or not)."""
        if self.period[i] < 0:
            return
        for b in self.dependents[i]:
            self.remove(b)
        self._set(i, -1)

    def undo(self, mark: int) -> None:
        while len(self.log) > mark:
            i, old = self.log.pop()
            self._set(i, old)
            self.log.pop()


def improve_schedule(
    prob: SearchProblem, period: Sequence[int], rng: np.random.Generator, iterations: int = 2000
) -> list[int]:
    """Improve a feasible plan by ruin-and-recreate moves; returns the best plan found (period per feature,
    −1 when unplanned). ``period`` must satisfy every rule of ``prob`` (it is not checked here);
    ``iterations``: number of moves tried. The result's total value is never lower than the start's."""
    state = _State(prob, period)
    n, teams = len(prob.value), len(prob.capacity)
    periods = len(prob.capacity[0]) if teams else 0
    if n == 0 or periods == 0:
        return list(state.period)
    size = [sum(e for _, e in prob.effort[i]) for i in range(n)]
    density = np.array([_closure_density(prob, i, size) for i in range(n)])
    best_value, best = state.total, list(state.period)
    by_cell: list[list[list[int]]] = [[[] for _ in range(periods)] for _ in range(teams)]
    for i in range(n):
        for t, _ in prob.effort[i]:
            for p in range(prob.earliest[i], prob.latest[i] + 1):
                by_cell[t][p].append(i)
    for _ in range(iterations):
        mark = len(state.log)
        before = state.total
        removed = _ruin(state, by_cell, rng)
        if not _recreate(state, removed, density, rng):
            state.undo(mark)
            continue
        if state.total + _EPS < before:
            state.undo(mark)
            continue
        state.log.clear()
        if state.total > best_value + _EPS:
            best_value, best = state.total, list(state.period)
    return best


def _ruin(state: _State, by_cell: list[list[list[int]]], rng: np.random.Generator) -> list[int]:
    """Take some features out; returns them (required ones included: they must be put back)."""
    per = state.period
    if rng.random() < 0.7:
        t = int(rng.integers(len(by_cell)))
        p = int(rng.integers(len(by_cell[t])))
        here = [i for i in by_cell[t][p] if per[i] == p]
        keep = rng.random(len(here)) < float(rng.uniform(0.2, 0.8)) if here else np.zeros(0, dtype=bool)
        out = [i for i, k in zip(here, keep, strict=True) if not k]
    else:
        planned = [i for i in range(len(per)) if per[i] >= 0]
        k = min(len(planned), int(rng.integers(1, 5)))
        out = [planned[j] for j in rng.choice(len(planned), size=k, replace=False)] if k else []
    removed: list[int] = []
    for i in out:
        mark = len(state.log)
        state.remove(i)
        removed += [j for j, _ in state.log[mark:]]
    return removed


def _recreate(state: _State, removed: list[int], density: np.ndarray, rng: np.random.Generator) -> bool:
    """Put back the required features, then fill from all unplanned ones; False if a required one fits nowhere."""
    prob, per = state.prob, state.period
    n = len(per)
    periods = len(prob.capacity[0])
    req = sorted({i for i in removed if prob.required[i]}, key=lambda i: (prob.latest[i], prob.earliest[i]))
    for i in req:
        if not _place(state, i, periods, rng):
            return False
    noise = density * np.exp(float(rng.uniform(0.05, 0.4)) * rng.standard_normal(n))
    free_max = [max(c - u for c, u in zip(cap, load, strict=True)) for cap, load in zip(prob.capacity, state.load, strict=True)]
    pending = [i for i in np.argsort(-noise).tolist() if per[i] < 0 and all(e / prob.span[i] <= free_max[t] + _EPS for t, e in prob.effort[i])]
    for i in pending:
        if per[i] < 0:
            mark = len(state.log)
            if not _place_with_prerequisites(state, i, periods, rng):
                state.undo(mark)
    return True


def _closure_density(prob: SearchProblem, i: int, size: Sequence[float]) -> float:
    """Value per person-day of ``i`` alone or together with all its (transitive) prerequisites, whichever is
    higher: a valuable feature makes its cheap-but-dull prerequisites worth planning."""
    seen = {i}
    stack = [i]
    while stack:
        for a in prob.prerequisites[stack.pop()]:
            if a not in seen:
                seen.add(a)
                stack.append(a)
    own = prob.value[i] / size[i] if size[i] > 0 else np.inf
    days = sum(size[j] for j in seen)
    return float(max(own, sum(prob.value[j] for j in seen) / days if days > 0 else np.inf))


def _place_with_prerequisites(state: _State, i: int, periods: int, rng: np.random.Generator, depth: int = 0) -> bool:
    """Place ``i``, first placing its unplanned prerequisites (as early as they fit); the caller undoes on
    failure."""
    for a in state.prob.prerequisites[i]:
        if state.period[a] < 0 and (depth > 20 or not _place_with_prerequisites(state, a, periods, rng, depth + 1)):
            return False
    if depth > 0:
        return _place_earliest(state, i)
    return _place(state, i, periods, rng)


def _place_earliest(state: _State, i: int) -> bool:
    for p in range(state.prob.earliest[i], state.prob.latest[i] + 1):
        if state.fits(i, p):
            state._set(i, p)
            return True
    return False


def _place(state: _State, i: int, periods: int, rng: np.random.Generator) -> bool:
    prob = state.prob
    lo, hi = prob.earliest[i], prob.latest[i]
    if lo > hi:
        return False
    if rng.random() < 0.5:
        order: Sequence[int] = range(lo, hi + 1)
    else:
        order = (lo + rng.permutation(hi - lo + 1)).tolist()
    for p in order:
        if state.fits(i, p):
            state._set(i, p)
            return True
    return False


def resequence(prob: SearchProblem, period: Sequence[int]) -> list[int] | None:
    """The same features scheduled again from an empty roadmap, each as early as it fits: required ones first
    (earliest deadline first), then by value per person-day (with their prerequisites: weighted shortest job
    first), so that value arrives as soon as the capacity allows. None when that order does not fit them all
    (the caller keeps its plan, compacted)."""
    n = len(period)
    state = _State(prob, [-1] * n)
    size = [sum(e for _, e in prob.effort[i]) for i in range(n)]
    chosen = [i for i in range(n) if period[i] >= 0]
    req = sorted((i for i in chosen if prob.required[i]), key=lambda i: (prob.latest[i], prob.earliest[i], i))
    rest = sorted((i for i in chosen if not prob.required[i]), key=lambda i: (-_closure_density(prob, i, size), i))
    for i in req + rest:
        if state.period[i] < 0 and not _place_with_prerequisites_earliest(state, i):
            return None
    return list(state.period)


def follow(prob: SearchProblem, chosen: Sequence[int], hint: Sequence[int]) -> list[int] | None:
    """Features ``chosen`` scheduled as ``hint`` (period per feature, −1 when it has none) has them, then each
    moved as early as it fits (``compact_schedule``): a what-if's plan kept close to the plan it changes, so that
    only what its change moves moves. A feature the hint's period no longer fits (less capacity, a moved deadline)
    and one the hint does not have go where they fit earliest, in that order. None when they do not all fit."""
    state = _State(prob, [-1] * len(prob.value))
    later = []
    for i in sorted((i for i in chosen if hint[i] >= 0), key=lambda i: (hint[i], i)):
        if state.fits(i, hint[i]):
            state._set(i, hint[i])
        else:
            later.append(i)
    for i in later + [i for i in chosen if hint[i] < 0]:
        if state.period[i] < 0 and not _place_with_prerequisites_earliest(state, i):
            return None
    if any(state.period[i] < 0 for i in chosen):
        return None
    state.log.clear()
    return compact_schedule(prob, state.period)


def close_start(prob: SearchProblem, hint: Sequence[int]) -> list[int] | None:
    """A feasible plan as close to ``hint`` (period per feature, −1 when it has none) as the rules allow, to start
    a plan solved again from: every required feature first (where the hint has it if it fits there, else as early
    as it fits), then the hint's other features where it has them, else as early as they fit, else left out; each
    then moved as early as it fits. None when some required feature fits nowhere."""
    state = _State(prob, [-1] * len(prob.value))
    required = sorted((i for i in range(len(hint)) if prob.required[i]),
                      key=lambda i: (hint[i] < 0, hint[i], prob.latest[i], i))
    hinted = sorted((i for i in range(len(hint)) if hint[i] >= 0 and not prob.required[i]), key=lambda i: (hint[i], i))
    for i in required + hinted:
        if state.period[i] >= 0:
            continue
        mark = len(state.log)
        if hint[i] >= 0 and all(state.period[a] >= 0 for a in prob.prerequisites[i]) and state.fits(i, hint[i]):
            state._set(i, hint[i])
        elif not _place_with_prerequisites_earliest(state, i):
            state.undo(mark)
            if prob.required[i]:
                return None
    state.log.clear()
    return compact_schedule(prob, state.period)


def compact_schedule(prob: SearchProblem, period: Sequence[int], passes: int = 5) -> list[int]:
    """The same features, each moved to the earliest period where it fits, most valuable first: the total value
    does not say *when* value arrives, so among equally good plans prefer the one that delivers sooner.
    ``period`` must satisfy every rule of ``prob``; so does the result, and no feature moves later."""
    state = _State(prob, period)
    order = sorted((i for i, p in enumerate(period) if p >= 0), key=lambda i: (-prob.value[i], i))
    for _ in range(passes):
        moved = False
        for i in order:
            now = state.period[i]
            state._set(i, -1)
            spot = next((p for p in range(prob.earliest[i], now) if state.fits(i, p)), now)
            state._set(i, spot)
            moved |= spot != now
        state.log.clear()
        if not moved:
            break
    return list(state.period)


def schedule_periods(ids: Sequence[str], schedule: Mapping[str, int]) -> list[int]:
    """Period per feature (−1 when unplanned) for features ``ids`` from a schedule keyed by id."""
    return [schedule.get(fid, -1) for fid in ids]


def round_relaxation(prob: SearchProblem, x: Sequence[Sequence[float]]) -> list[int] | None:
    """A feasible plan built from an LP relaxation ``x[feature][period]`` (fractions 0–1): required features
    first (earliest deadline first), then the others by how much of them the relaxation plans, each in the
    period the relaxation likes best where it fits. None when some required feature fits nowhere."""
    n = len(prob.value)
    state = _State(prob, [-1] * n)
    share = [float(sum(row)) for row in x]
    size = [sum(e for _, e in prob.effort[i]) for i in range(n)]
    density = [prob.value[i] / size[i] if size[i] > 0 else np.inf for i in range(n)]
    req = sorted((i for i in range(n) if prob.required[i]), key=lambda i: (prob.latest[i], prob.earliest[i], -share[i]))
    rest = sorted((i for i in range(n) if not prob.required[i]), key=lambda i: (-round(share[i], 6), -density[i]))
    for i in req + rest:
        if state.period[i] >= 0:
            continue
        mark = len(state.log)
        ok = all(state.period[a] >= 0 or _place_with_prerequisites_earliest(state, a) for a in prob.prerequisites[i])
        if ok:
            liked = sorted(range(prob.earliest[i], prob.latest[i] + 1), key=lambda p: (-x[i][p], p))
            spot = next((p for p in liked if state.fits(i, p)), None)
            ok = spot is not None
            if spot is not None:
                state._set(i, spot)
        if not ok:
            state.undo(mark)
            if prob.required[i]:
                return None
    return list(state.period)


def _place_with_prerequisites_earliest(state: _State, i: int, depth: int = 0) -> bool:
    for a in state.prob.prerequisites[i]:
        if state.period[a] < 0 and (depth > 20 or not _place_with_prerequisites_earliest(state, a, depth + 1)):
            return False
    return _place_earliest(state, i)
