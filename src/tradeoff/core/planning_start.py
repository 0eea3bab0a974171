"""A good feasible roadmap to start HiGHS from: the LP relaxation rounded to a plan (or the greedy plan, whichever
is worth more), improved by the ruin-and-recreate local search of ``planning_search`` for part of the time limit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from tradeoff.core.planning_mip import _clock, _elapsed
from tradeoff.core.planning_prepare import _Prepared
from tradeoff.core.planning_roadmap_milp import _GROUPS, _solve_milp
from tradeoff.core.planning_search import (
    SearchProblem,
    close_start,
    improve_schedule,
    round_relaxation,
    schedule_periods,
)
from tradeoff.core.planning_types import AllocationRule, PlanInput


def _search_problem(inp: PlanInput, prep: _Prepared) -> SearchProblem:
    """The roadmap in the index form the local search works on."""
    team_index = {t.name: k for k, t in enumerate(inp.teams)}
    rows: list[tuple[int, int, AllocationRule]] = []  # (row, team, rule)
    limits: list[tuple[float, ...]] = []
    for r in inp.rules:
        if r.min_share <= 0:
            continue
        for t in inp.teams:
            if r.team in (None, t.name):
                rows.append((len(limits), team_index[t.name], r))
                limits.append(tuple(c * (1 - r.min_share) for c in t.capacity))
    effort = tuple(tuple((team_index[tn], float(e)) for tn, e in c.effort.items() if e > 0) for c in inp.candidates)
    ruled = tuple(
        tuple((row, e) for row, team, rule in rows if c.category not in rule.categories for t, e in effort[i] if t == team)
        for i, c in enumerate(inp.candidates)
    )
    return SearchProblem(
        value=tuple(float(c.value) for c in inp.candidates),
        effort=effort,
        capacity=tuple(tuple(float(x) for x in t.capacity) for t in inp.teams),
        limits=tuple(limits),
        ruled=ruled,
        earliest=prep.earliest,
        latest=prep.latest,
        required=prep.required,
        prerequisites=prep.pre,
        lag=0 if inp.same_period_dependencies else 1,
        span=tuple(c.span for c in inp.candidates),
    )


# The local search gets at most this share of the time limit, in chunks of this many moves, and stops early
# after this many chunks in a row without a better plan.
_SEARCH_SHARE = 0.7
_SEARCH_CHUNK = 1000
_SEARCH_PATIENCE = 10


def _improved_start(inp: PlanInput, prep: _Prepared, greedy: Mapping[str, int] | None) -> tuple[dict[str, int] | None, float]:
    """A good feasible plan to start HiGHS from: the LP relaxation rounded (or the greedy plan, whichever is
    worth more), then improved by local search. Returns (plan or None, LP bound or +inf).

    HiGHS alone spends most of its time on root cuts that do not move the bound on roadmaps of a few hundred
    features, so its incumbent stays at the start it is given: the start decides the final gap."""
    prob = _search_problem(inp, prep)
    ids = [c.id for c in inp.candidates]
    relaxation: list[list[float]] = [[] for _ in ids]
    _, lp_bound, lp_status, _ = _solve_milp(inp, prep, None, inp.time_limit * 0.2, frozenset(_GROUPS), relaxation=relaxation)
    if lp_status != "relaxed":
        lp_bound = float(np.inf)
    starts = [schedule_periods(ids, greedy)] if greedy is not None else []
    if inp.keep_close:  # first, so that a plan worth as much as the others is the one kept close
        close = close_start(prob, schedule_periods(ids, dict(inp.keep_close)))
        if close is not None:
            starts.insert(0, close)
    if lp_status == "relaxed":
        rounded = round_relaxation(prob, relaxation)
        if rounded is not None:
            starts.append(rounded)
    if not starts:
        return None, lp_bound
    current = max(starts, key=lambda per: _periods_value(prob, per))
    rng = np.random.default_rng(0)  # a fixed seed: the same input gives the same plan (up to the time limit)
    t0, idle = _clock(), 0
    while idle < _SEARCH_PATIENCE and _elapsed(t0) < _SEARCH_SHARE * inp.time_limit:
        if _periods_value(prob, current) >= lp_bound * (1 - 1e-4):
            break
        better = improve_schedule(prob, current, rng, _SEARCH_CHUNK)
        idle = 0 if _periods_value(prob, better) > _periods_value(prob, current) + 1e-9 else idle + 1
        current = better
    return {ids[i]: p for i, p in enumerate(current) if p >= 0}, lp_bound


def _periods_value(prob: SearchProblem, period: Sequence[int]) -> float:
    return float(sum(v for v, p in zip(prob.value, period, strict=True) if p >= 0))
