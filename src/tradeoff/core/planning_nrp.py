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
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.sparse import csr_matrix

from tradeoff.core.planning_mip import HAVE_HIGHSPY, FloatArray, _clock, _elapsed, solve_milp
from tradeoff.errors import FieldError, InvalidInput

_EPS = 1e-9


@dataclass(frozen=True)
class NrpCustomer:
    """One customer: the profit they bring and the (1-based) ids of the requirements they ask for."""

    profit: float
    requests: tuple[int, ...]


@dataclass(frozen=True)
class NrpInstance:
    """An NRP instance. ``costs[r - 1]`` is the cost of requirement ``r``; a dependency ``(a, b)`` means that
    requirement ``b`` needs requirement ``a`` (``a`` is a prerequisite of ``b``)."""

    costs: tuple[float, ...]
    dependencies: tuple[tuple[int, int], ...]
    customers: tuple[NrpCustomer, ...]
    levels: tuple[int, ...] = ()

    @property
    def n_requirements(self) -> int:
        return len(self.costs)

    @property
    def total_cost(self) -> float:
        return float(sum(self.costs))

    def budget(self, cost_ratio: float) -> float:
        return cost_ratio * self.total_cost


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


# --------------------------------------------------------------------------------------------------- parsing


def parse_nrp(text: str) -> NrpInstance:
    """Parse the instance format of Xuan et al. (classic and realistic sets).

    Layout: number of levels; per level its number of requirements then their costs; number of dependencies then
    that many ``a b`` pairs (``b`` needs ``a``); number of customers then per customer ``profit q r1 .. rq``.
    Tokens are separated by any white space. Lines starting with ``^`` are annotations and are skipped (the
    distributed ``example.txt`` has them).
    """
    tokens: list[str] = []
    for line in text.splitlines():
        if line.lstrip().startswith("^"):
            continue
        tokens.extend(line.split())
    pos = 0

    def take(what: str) -> float:
        nonlocal pos
        if pos >= len(tokens):
            raise InvalidInput(
                f"NRP file ends early: expected {what} at token {pos + 1}",
                [FieldError(["token", pos + 1], f"missing {what}")],
            )
        tok = tokens[pos]
        pos += 1
        try:
            return float(int(tok))
        except ValueError:
            try:
                value = float(tok)
            except ValueError:
                raise InvalidInput(
                    f"NRP file: expected a number for {what} at token {pos}, found {tok!r}",
                    [FieldError(["token", pos], f"not a number ({what})", tok)],
                ) from None
            if not math.isfinite(value):
                raise InvalidInput(f"NRP file: {what} at token {pos} is not finite") from None
            return value

    def take_count(what: str) -> int:
        v = take(what)
        if v < 0 or not float(v).is_integer():
            raise InvalidInput(
                f"NRP file: {what} must be a non-negative whole number, found {v:g} (token {pos})",
                [FieldError(["token", pos], f"bad {what}", v)],
            )
        return int(v)

    n_levels = take_count("the number of levels")
    costs: list[float] = []
    levels: list[int] = []
    for lv in range(n_levels):
        k = take_count(f"the number of requirements in level {lv + 1}")
        levels.append(k)
        for _ in range(k):
            c = take(f"a requirement cost (level {lv + 1})")
            if c < 0:
                raise InvalidInput(
                    f"NRP file: requirement {len(costs) + 1} has a negative cost ({c:g})",
                    [FieldError(["requirement", len(costs) + 1, "cost"], "negative cost", c)],
                )
            costs.append(_num(c))
    n = len(costs)

    def req_id(what: str) -> int:
        v = take_count(what)
        if not 1 <= v <= n:
            raise InvalidInput(
                f"NRP file: {what} refers to requirement {v}, but ids run from 1 to {n} (token {pos})",
                [FieldError(["token", pos], "unknown requirement id", v)],
            )
        return v

    n_deps = take_count("the number of dependencies")
    deps = tuple((req_id("a dependency"), req_id("a dependency")) for _ in range(n_deps))
    n_customers = take_count("the number of customers")
    customers: list[NrpCustomer] = []
    for i in range(n_customers):
        profit = take(f"the profit of customer {i + 1}")
        if profit < 0:
            raise InvalidInput(
                f"NRP file: customer {i + 1} has a negative profit ({profit:g})",
                [FieldError(["customer", i + 1, "profit"], "negative profit", profit)],
            )
        q = take_count(f"the number of requests of customer {i + 1}")
        reqs = tuple(req_id(f"a request of customer {i + 1}") for _ in range(q))
        customers.append(NrpCustomer(_num(profit), reqs))
    if pos != len(tokens):
        raise InvalidInput(
            f"NRP file has {len(tokens) - pos} unexpected tokens after the last customer (from token {pos + 1})",
            [FieldError(["token", pos + 1], "unexpected trailing data", tokens[pos])],
        )
    return NrpInstance(tuple(costs), deps, tuple(customers), tuple(levels))


def _num(v: float) -> float:
    """Keep whole numbers as ints (exact sums, integral bounds), other values as floats."""
    return int(v) if float(v).is_integer() else float(v)


# --------------------------------------------------------------------------------------------- evaluation


def requirement_closures(inst: NrpInstance) -> tuple[frozenset[int], ...]:
    """For each customer, the requested requirements together with all their prerequisites (transitively)."""
    prereqs: list[list[int]] = [[] for _ in range(inst.n_requirements + 1)]
    for a, b in inst.dependencies:
        prereqs[b].append(a)
    memo: dict[int, frozenset[int]] = {}

    def ancestors(r: int) -> frozenset[int]:
        got = memo.get(r)
        if got is not None:
            return got
        seen = {r}
        stack = [r]
        while stack:
            u = stack.pop()
            for p in prereqs[u]:
                if p not in seen:
                    seen.add(p)
                    stack.append(p)
        out = frozenset(seen)
        memo[r] = out
        return out

    result: list[frozenset[int]] = []
    for cust in inst.customers:
        s: set[int] = set()
        for r in cust.requests:
            s |= ancestors(r)
        result.append(frozenset(s))
    return tuple(result)


def dependency_closure(inst: NrpInstance, selected: Iterable[int]) -> frozenset[int]:
    """`selected` plus every prerequisite of its members."""
    prereqs: list[list[int]] = [[] for _ in range(inst.n_requirements + 1)]
    for a, b in inst.dependencies:
        prereqs[b].append(a)
    seen = set(selected)
    stack = list(seen)
    while stack:
        u = stack.pop()
        for p in prereqs[u]:
            if p not in seen:
                seen.add(p)
                stack.append(p)
    return frozenset(seen)


def evaluate_selection(
    inst: NrpInstance, selected: Iterable[int], closures: Sequence[frozenset[int]] | None = None
) -> tuple[float, float, tuple[int, ...]]:
    """(profit, cost, satisfied customers) of delivering `selected`. A customer counts only when its whole
    closure is delivered, so a selection that breaks a dependency earns nothing from the requirements above it."""
    sel = frozenset(selected)
    cl = closures if closures is not None else requirement_closures(inst)
    cost = float(sum(inst.costs[r - 1] for r in sel))
    satisfied = tuple(i + 1 for i, s in enumerate(cl) if s <= sel)
    value = float(sum(inst.customers[i - 1].profit for i in satisfied))
    return value, cost, satisfied


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


# ------------------------------------------------------------------------------------------------- reduce


@dataclass(frozen=True)
class _Reduced:
    closures: tuple[frozenset[int], ...]
    group_closure: list[frozenset[int]]  # per merged customer group
    n_groups: int  # merged customers: nodes 0 .. n_groups-1
    sets: list[frozenset[int]]  # node -> set of merged customers needing it
    cost: FloatArray  # node cost (own cost folded into customer nodes)
    profit: FloatArray  # per merged customer
    edges: list[tuple[int, int]]  # (u, v): x_u <= x_v
    upper: FloatArray  # 0 where a node can never fit the budget
    free_profit: float  # customers who need nothing: always satisfied


def _reduce(inst: NrpInstance, budget: float) -> _Reduced:
    closures = requirement_closures(inst)
    costs = inst.costs
    merged: dict[frozenset[int], float] = {}
    free_profit = 0.0
    for cust, s in zip(inst.customers, closures, strict=True):
        if not s:
            free_profit += float(cust.profit)
            continue
        if cust.profit <= 0:
            continue
        if sum(costs[r - 1] for r in s) > budget + _EPS:
            continue
        merged[s] = merged.get(s, 0.0) + float(cust.profit)
    gclos = sorted(merged, key=lambda s: (len(s), sorted(s)))
    m = len(gclos)
    profit = np.array([merged[s] for s in gclos], dtype=np.float64)
    who: dict[int, list[int]] = {}
    for i, s in enumerate(gclos):
        for r in s:
            who.setdefault(r, []).append(i)
    item_cost: dict[tuple[int, ...], float] = {}
    for r in sorted(who):
        key = tuple(who[r])
        item_cost[key] = item_cost.get(key, 0.0) + float(costs[r - 1])
    own = np.zeros(m)
    sets: list[frozenset[int]] = [frozenset([i]) for i in range(m)]
    node_cost: list[float] = []
    shared: list[tuple[tuple[int, ...], float]] = []
    for key, c in item_cost.items():
        if len(key) == 1:
            own[key[0]] += c
        else:
            shared.append((key, c))
    shared.sort(key=lambda kc: (-len(kc[0]), kc[0]))
    node_cost = list(own)
    for key, c in shared:
        sets.append(frozenset(key))
        node_cost.append(c)
    n_nodes = len(sets)
    cost = np.array(node_cost, dtype=np.float64)
    # groups containing each merged customer
    containing: list[list[int]] = [[] for _ in range(m)]
    for v in range(m, n_nodes):
        for c in sets[v]:
            containing[c].append(v)
    ancestors: list[list[int]] = []
    for u in range(n_nodes):
        su = sets[u]
        pivot = min(su)
        ancestors.append([v for v in containing[pivot] if v != u and su <= sets[v]])
    edges: list[tuple[int, int]] = []
    for u in range(n_nodes):
        anc = ancestors[u]
        if not anc:
            continue
        anc_sorted = sorted(anc, key=lambda v: len(sets[v]))
        for k, v in enumerate(anc_sorted):
            sv = sets[v]
            # v covers u unless some other ancestor w sits strictly between them (S_u < S_w < S_v)
            if not any(len(sets[w]) < len(sv) and sets[w] < sv for w in anc_sorted[:k]):
                edges.append((u, v))
    upper = np.ones(n_nodes)
    for u in range(n_nodes):
        if cost[u] + sum(cost[v] for v in ancestors[u]) > budget + _EPS:
            upper[u] = 0.0
    return _Reduced(closures, gclos, m, sets, cost, profit, edges, upper, free_profit)


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
) -> NrpSolution:
    """Solve an NRP instance for a budget (given directly, or as a ratio of the total requirement cost)."""
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
        options=HIGHS_NRP_OPTIONS, backend=backend,
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
    gap = (bound - best_val) / bound if bound > 0 and math.isfinite(bound) else (0.0 if bound == 0 else 1.0)
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
