"""The Next Release Problem (Bagnall, Rayward-Smith & Whittley 2001): which requirements to build in one release.

Each requirement has a cost; some need others first (prerequisites, transitively). Each customer asks for a set of
requirements and pays its profit only if every one of them, and every prerequisite of those, is delivered. Choose
requirements of total cost at most the budget (a ratio of the cost of all requirements) to maximise the profit.

The solver is exact (a mixed-integer programme handed to HiGHS) on a presolved model:

1. every customer's request set is closed under prerequisites, so dependencies need no constraints of their own
   (the union of closed sets is closed); customers whose closure is over budget are dropped;
2. customers with the same closed set are merged (their profits add up);
3. requirements needed by exactly the same customers are merged into one item (costs add up); an item needed by
   one customer only is folded into that customer's own cost;
4. an item needed by a subset of the customers needing another is implied by it; only the covering edges of that
   subset order are kept (``x_item <= x_bigger_item``, ``y_customer <= x_item``). This order is what makes the
   branch-and-bound fast on the hard classic instances: a plain ``y_c <= x_r`` model leaves 2-5 % of gap after
   60 s on nrp2, this one closes it.

It also computes the "sort by profit/cost and fill" greedy, reported next to the optimum.

The instance types, file parsing and evaluation of a selection live in ``planning_nrp_instance``, the presolve in
``planning_nrp_presolve``; this module re-exports what callers import.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
from scipy.sparse import csr_matrix

from tradeoff.core.planning_mip import HAVE_HIGHSPY, _clock, _elapsed, solve_milp
from tradeoff.core.planning_nrp_instance import (
    NrpCustomer,
    NrpInstance,
    dependency_closure,
    evaluate_selection,
    parse_nrp,
    requirement_closures,
)
from tradeoff.core.planning_nrp_presolve import _EPS, _reduce
from tradeoff.errors import FieldError, InvalidInput

__all__ = [
    "HIGHS_NRP_OPTIONS",
    "NrpCustomer",
    "NrpInstance",
    "NrpSolution",
    "best_of",
    "dependency_closure",
    "evaluate_selection",
    "greedy_nrp",
    "parse_nrp",
    "requirement_closures",
    "solve_nrp",
]


@dataclass(frozen=True)
class NrpSolution:
    """The answer for one budget. Requirement ids and customer numbers are 1-based, as in the instance file."""

    budget: float
    value: float
    cost: float
    bound: float
    gap: float
    seconds: float
    status: str
    selected: tuple[int, ...]
    satisfied: tuple[int, ...]
    greedy_value: float
    greedy_selected: tuple[int, ...]
    greedy_satisfied: tuple[int, ...]
    method: str
    model_size: dict[str, int] = field(default_factory=dict)


# ------------------------------------------------------------------------------------------------- greedy


def greedy_nrp(
    inst: NrpInstance, budget: float, closures: Sequence[frozenset[int]] | None = None
) -> tuple[tuple[int, ...], float]:
    """The "sort by profit/cost and fill" baseline: repeatedly add the customer with the best profit per unit of the cost of
    the requirements it still needs (prerequisites included) among those that still fit the budget.

    Returns the selected requirement ids and the profit."""
    cl = closures if closures is not None else requirement_closures(inst)
    m = len(cl)
    if m == 0:
        return (), 0.0
    costs = inst.costs
    profit = np.array([float(c.profit) for c in inst.customers])
    marginal = np.array([float(sum(costs[r - 1] for r in s)) for s in cl])
    who: dict[int, list[int]] = {}
    for i, s in enumerate(cl):
        for r in s:
            who.setdefault(r, []).append(i)
    done = np.zeros(m, dtype=bool)
    selected: set[int] = set()
    remaining = float(budget)
    order_key = -np.arange(m, dtype=np.float64) * 1e-12  # deterministic tie-break: lower index first
    while True:
        fits = (~done) & (marginal <= remaining + _EPS)
        if not fits.any():
            break
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(marginal > _EPS, profit / np.maximum(marginal, _EPS), np.inf)
        score = np.where(fits, ratio, -np.inf)
        best = float(score.max())
        cands = np.flatnonzero(score == best)
        if len(cands) > 1:  # tie: higher profit, then lower index
            sub = profit[cands] + order_key[cands]
            i = int(cands[int(np.argmax(sub))])
        else:
            i = int(cands[0])
        for r in cl[i]:
            if r not in selected:
                selected.add(r)
                c = float(costs[r - 1])
                remaining -= c
                for j in who[r]:
                    marginal[j] -= c
        done[i] = True
        done |= marginal <= _EPS  # customers now fully delivered (free riders)
    value, _, _ = evaluate_selection(inst, selected, cl)
    return tuple(sorted(selected)), value


# -------------------------------------------------------------------------------------------------- solve


HIGHS_NRP_OPTIONS: dict[str, object] = {
    # Strong branching on this degenerate LP costs most of the first minute; pseudo-costs from the start are
    # far faster on the classic nrp2 instances (proved optimal instead of a 2-5 % gap).
    "mip_pscost_minreliable": 0,
}


def solve_nrp(
    inst: NrpInstance,
    *,
    cost_ratio: float | None = None,
    budget: float | None = None,
    time_limit: float = 60.0,
    rel_gap: float = 1e-6,
    backend: str = "auto",
    options: Mapping[str, object] | None = None,
) -> NrpSolution:
    """Solve an NRP instance for a budget (given directly, or as a ratio of the total requirement cost).

    `options`: HiGHS options on top of `HIGHS_NRP_OPTIONS` (e.g. ``{"random_seed": 3}``; highspy only)."""
    if (cost_ratio is None) == (budget is None):
        raise InvalidInput("give exactly one of cost_ratio and budget")
    if cost_ratio is not None:
        if not math.isfinite(cost_ratio) or cost_ratio < 0:
            raise InvalidInput(
                f"cost_ratio must be a non-negative number, got {cost_ratio}",
                [FieldError(["cost_ratio"], "must be >= 0", cost_ratio)],
            )
        budget = inst.budget(cost_ratio)
    assert budget is not None
    if not math.isfinite(budget) or budget < 0:
        raise InvalidInput(
            f"budget must be a non-negative number, got {budget}",
            [FieldError(["budget"], "must be >= 0", budget)],
        )
    t0 = _clock()
    red = _reduce(inst, budget)
    g_sel, g_val = greedy_nrp(inst, budget, red.closures)
    m = red.n_groups
    n_nodes = len(red.sets)
    integral = all(float(c.profit).is_integer() for c in inst.customers)
    size = {"customer_groups": m, "requirement_groups": n_nodes - m, "implication_edges": len(red.edges)}
    method = (
        "HiGHS branch-and-bound on the presolved model (closure, merged customers and requirements, "
        "subset-implication edges)"
    )
    if m == 0:
        value, cost, sat = evaluate_selection(inst, (), red.closures)
        return NrpSolution(
            budget,
            value,
            cost,
            value,
            0.0,
            _elapsed(t0),
            "optimal",
            (),
            sat,
            g_val,
            g_sel,
            evaluate_selection(inst, g_sel, red.closures)[2],
            "trivial (no customer fits the budget)",
            size,
        )
    c = np.concatenate([-red.profit, np.zeros(n_nodes - m)])
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    for k, (u, v) in enumerate(red.edges):
        rows += [k, k]
        cols += [u, v]
        vals += [1.0, -1.0]
    nr = len(red.edges)
    nz = np.flatnonzero(red.cost)
    rows += [nr] * len(nz)
    cols += nz.tolist()
    vals += red.cost[nz].tolist()
    a = csr_matrix((vals, (rows, cols)), shape=(nr + 1, n_nodes))
    rl = np.full(nr + 1, -np.inf)
    ru = np.concatenate([np.zeros(nr), [budget]])
    res = solve_milp(
        c, a, rl, ru, np.zeros(n_nodes), red.upper,
        time_limit=max(time_limit - _elapsed(t0), 0.05), rel_gap=rel_gap,
        options={**HIGHS_NRP_OPTIONS, **(options or {})}, backend=backend,
    )  # fmt: skip
    best_sel: tuple[int, ...] = g_sel
    best_val = g_val
    status = res.status
    if res.x is not None:
        chosen = [i for i in range(m) if res.x[i] > 0.5]
        sel: set[int] = set()
        for i in chosen:
            sel |= red.group_closure[i]
        val, cost_sel, _ = evaluate_selection(inst, sel, red.closures)
        if cost_sel <= budget + 1e-6 and val >= best_val:
            best_sel, best_val = tuple(sorted(sel)), val
    elif status == "infeasible":  # cannot happen (nothing selected is feasible) but never hide it
        raise RuntimeError("NRP model reported infeasible")
    if res.bound is not None:
        bound = -res.bound + red.free_profit
        if integral:
            bound = math.floor(bound + 1e-6)
    else:
        bound = math.inf
    if status == "optimal":
        bound = min(bound, best_val) if integral else bound
    bound = max(bound, best_val)
    gap = _gap(bound, best_val)
    if gap <= 1e-9:
        status = "optimal"
    value, cost_sel, sat = evaluate_selection(inst, best_sel, red.closures)
    backend_name = res.backend if HAVE_HIGHSPY else res.backend + " (install highspy for the tuned branching)"
    return NrpSolution(
        budget=budget,
        value=value,
        cost=cost_sel,
        bound=float(bound),
        gap=float(gap),
        seconds=_elapsed(t0),
        status=status,
        selected=best_sel,
        satisfied=sat,
        greedy_value=g_val,
        greedy_selected=g_sel,
        greedy_satisfied=evaluate_selection(inst, g_sel, red.closures)[2],
        method=f"{method}; {backend_name}",
        model_size=size,
    )


def _gap(bound: float, value: float) -> float:
    """The relative gap (bound - value) / bound; 1 when no finite bound is known."""
    return (bound - value) / bound if bound > 0 and math.isfinite(bound) else (0.0 if bound == 0 else 1.0)


def best_of(solutions: Sequence[NrpSolution]) -> NrpSolution:
    """One answer from several solves of the same instance and budget (e.g. HiGHS with different random seeds): the
    best selection found by any of them, with the lowest of their proven bounds (each is a valid upper bound, so the
    smallest is too). Its status is "optimal" when the gap closes; its seconds are those of the solve that proved
    it, or of the slowest when none did."""
    if not solutions:
        raise ValueError("best_of needs at least one solution")
    first = solutions[0]
    if any(s.budget != first.budget for s in solutions):
        raise ValueError("best_of: the solutions are for different budgets")
    best = max(solutions, key=lambda s: s.value)
    bound = max(min(s.bound for s in solutions), best.value)
    gap = _gap(bound, best.value)
    proved = [s for s in solutions if s.status == "optimal"]
    seconds = min(s.seconds for s in proved) if proved else max(s.seconds for s in solutions)
    status = "optimal" if proved or gap <= 1e-9 else best.status
    return replace(best, bound=float(bound), gap=float(gap), seconds=seconds, status=status)
