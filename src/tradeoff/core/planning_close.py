"""A what-if kept close to the plan it changes (``PlanInput.stay_close``): the best value first, then the fewest
changes.

Solved for value alone, a what-if takes any plan worth more than the one it changes, even by 0.01 %, and such a
plan may move a dozen features of teams the change has nothing to do with. So ``planning.plan_roadmap`` solves it
twice, splitting the time limit:

1. for the best value, as any plan, in (1 − ``CLOSE_SHARE``) of the time limit;
2. for the fewest changes: of the plans worth at least ``value_floor`` (the best value found less
   ``CLOSE_TOLERANCE``, 0.1 % of it, well inside the error of the estimates and scores a value is made of), the one
   nearest the plan it changes: the roadmap's own MILP (``planning_roadmap_milp.roadmap_model``) with one row more,
   value ≥ that floor, and ``closest_plan``'s distance as the objective, solved by HiGHS in the rest of the time
   limit (``close_seconds``) from the nearest plan known. When it finds nothing in its time, the nearest plan known
   is kept: the best-value one, or the plan placed close to the plan it changes when that one is worth enough.

The tolerance is not widened to the best-value solve's proven gap, although that gap says the best plan found may
be that far from the best there is: a what-if's answer is its value beside the plan's, and a tolerance that wide
swallows it. On seeded 120-feature roadmaps solved to their time limit on a loaded machine (gap 2–4 %), the closest
plan within the gap was the plan itself with a few features moved: one more person gained nothing. On 500 features
(gap about 0.8 %) the gap is more than half of what one more person on one of five teams gains.

Distance (``changed`` counts it): every feature the what-if changes counts one — done in another period, added, or
left out — so that the plan changes as few features as it can. Ties are broken, by less than one change in all,
towards moving a feature fewer periods, and moving it rather than leaving it out (a feature gone from the roadmap
is what a PM notices most). The chosen features are then moved as early as they now fit, as any what-if's are, so
that what the change frees comes sooner; a feature moved so counts as changed too.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from scipy.sparse import csr_matrix

from tradeoff.core.planning_mip import _clock, _elapsed, solve_milp
from tradeoff.core.planning_prepare import _Prepared
from tradeoff.core.planning_roadmap_milp import _GROUPS, roadmap_model
from tradeoff.core.planning_types import PlanInput

# The share of the best value a plan kept close may give up.
CLOSE_TOLERANCE = 0.001
# The share of the time limit kept for finding the closest plan; the rest finds the best value. Within it, the
# closest plan is searched for at most CLOSE_RELATIVE times as long as the best value took, or CLOSE_MIN_SECONDS:
# a what-if takes no longer than its time limit, nor more than about 1.5 times as long as the best value alone.
# A third: with a quarter, HiGHS often found no closer plan in its time on seeded 120-feature roadmaps (5 s).
CLOSE_SHARE = 1 / 3
CLOSE_RELATIVE = 0.5
CLOSE_MIN_SECONDS = 0.2


def changed(base: Mapping[str, int], schedule: Mapping[str, int]) -> int:
    """How many features ``schedule`` changes against ``base`` (both feature id → period): done in another period,
    or planned in one of them only."""
    return sum(1 for f in base.keys() | schedule.keys() if base.get(f) != schedule.get(f))


def value_floor(value: float) -> float:
    """The least value a plan kept close may have: ``value`` (the best value found, in the candidates' unit) less
    ``CLOSE_TOLERANCE`` of it."""
    return value * (1 - CLOSE_TOLERANCE)


def close_seconds(time_limit: float, elapsed: float) -> float:
    """Seconds for ``closest_plan`` after the best-value solve took ``elapsed`` of ``time_limit`` (both seconds):
    what is left of the time limit, but no more than ``CLOSE_RELATIVE`` of ``elapsed`` (at least
    ``CLOSE_MIN_SECONDS``), so that a what-if solved quickly stays quick; and never less than a twentieth of
    ``CLOSE_SHARE`` of the time limit."""
    left = min(time_limit - elapsed, max(CLOSE_RELATIVE * elapsed, CLOSE_MIN_SECONDS))
    return max(left, 0.05 * CLOSE_SHARE * time_limit)


def closest_plan(inp: PlanInput, prep: _Prepared, base: Mapping[str, int], floor: float,
                 start: Mapping[str, int], time_limit: float) -> dict[str, int] | None:
    """The plan of ``inp`` (every rule kept) worth at least ``floor`` (in the candidates' unit) that changes the
    fewest features against ``base`` (feature id → period; see the module docstring for the distance), searched by
    HiGHS within ``time_limit`` seconds from ``start`` (a plan worth at least ``floor``): first with each feature
    either where ``base`` or ``start`` has it, or left out (a small MILP, solved in well under a second for 500
    features), then from that answer with every period open, in the time left. None when HiGHS finds no plan in
    time, or when no feature can be planned at all."""
    t0 = _clock()
    model = roadmap_model(inp, prep, frozenset(_GROUPS))
    if model is None or not model.col:
        return None
    cands, ids = inp.candidates, [c.id for c in inp.candidates]
    nc, nr = len(model.cost), len(model.rlo)
    # a feature of base costs 1 + tie (left out) when no column of it is 1: that constant is left out of the
    # objective, so each column costs its change less that. The ties add up to less than half a change, so a
    # plan one change fewer is more than half a unit better: HiGHS may stop within half a unit of its bound
    tie = 1.0 / (2 * (len(ids) + 1))
    cost = np.empty(nc)
    near = np.zeros(nc)  # the columns of the first, small solve
    for (i, p), j in model.col.items():
        was = base.get(ids[i])
        if was is None:
            cost[j] = 1.0  # added
        elif p == was:
            cost[j] = -(1.0 + tie)  # kept where it was
        else:
            cost[j] = tie * (abs(p - was) / inp.periods - 1.0)  # moved: 1 + tie × the share of the plan it moves
        near[j] = p in (was, start.get(ids[i]))
    worth = [(j, float(cands[i].value)) for (i, _), j in model.col.items() if cands[i].value > 0]
    a = csr_matrix((model.vals + [v for _, v in worth], (model.rows + [nr] * len(worth), model.cols +
                                                         [j for j, _ in worth])), shape=(nr + 1, nc))
    low, high = np.array([*model.rlo, floor]), np.array([*model.rhi, np.inf])
    x = np.zeros(nc)
    index = {fid: i for i, fid in enumerate(ids)}
    for fid, p in start.items():
        if fid in index and (index[fid], p) in model.col:
            x[model.col[(index[fid], p)]] = 1.0
    found = False
    for upper, share in ((near, 0.5), (np.ones(nc), 1.0)):
        seconds = share * (time_limit - _elapsed(t0))
        if seconds <= 0.01:
            break
        result = solve_milp(cost, a, low, high, np.zeros(nc), upper, time_limit=seconds, rel_gap=1e-6, start=x,
                            options={"mip_abs_gap": 0.5})  # closer than that would be a change fewer: none is
        if result.x is not None and len(result.x) == nc:
            x, found = result.x, True
    if not found:
        return None
    return {ids[i]: p for (i, p), j in model.col.items() if x[j] > 0.5}
