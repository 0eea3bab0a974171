"""The Next Release Problem (NRP): which requirements to build so the customers fully served are worth the most.

A customer's profit counts only when every requirement they need is delivered, together with all its
prerequisites (transitively); the total cost of the delivered requirements must stay within a budget.

Solution method (exact, with HiGHS):

1. *Presolve.* Each customer's need is expanded to its transitive closure; customers whose closure costs more
   than the budget are dropped; customers with identical closures are merged (profits summed); requirements
   nobody needs are dropped; requirements needed by exactly the same set of customers are merged into one
   *group* (costs summed). A dependency then never needs its own constraint: the union of closed sets is closed.
2. *Incumbent.* The "sort by profit / cost and fill" greedy, then an iterated ruin-and-recreate local search
   (remove the customers sharing a random group, refill greedily) gives a strong starting solution.
3. *MILP.* ``max Σ p_c y_c`` s.t. ``Σ w_g x_g + Σ private_c y_c ≤ budget``, ``y_c ≤ x_g`` for every shared group
   ``g`` of customer ``c``, all binary, solved with HiGHS from the incumbent, within a time limit, reading
   the dual bound. Groups used by one customer only are folded into that customer's private cost.

Costs and the budget are in the instance's own cost unit; profits in its profit unit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

from tradeoff.errors import FieldError, InvalidInput

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]
Status = Literal["optimal", "time_limit", "heuristic"]


@dataclass(frozen=True)
class NrpCustomer:
    """A customer: ``profit`` (profit units) earned only if every requirement in ``requirements`` (1-based ids)
    and all their prerequisites are delivered."""

    profit: float
    requirements: tuple[int, ...]


@dataclass(frozen=True)
class NrpInstance:
    """An NRP instance. ``costs[i]`` is the cost of requirement ``i + 1``; ``dependencies`` are pairs
    ``(prerequisite, dependent)`` of 1-based ids (the dependent needs the prerequisite); ``levels`` is the
    number of requirements per level as given in the file (informative only)."""

    costs: tuple[float, ...]
    dependencies: tuple[tuple[int, int], ...]
    customers: tuple[NrpCustomer, ...]
    levels: tuple[int, ...] = ()

    @property
    def total_cost(self) -> float:
        return float(sum(self.costs))


@dataclass(frozen=True)
class NrpPlan:
    """A release: the requirements delivered (1-based ids, closed under prerequisites), its cost, and the
    customers it fully serves (1-based indices) with their total profit ``value``."""

    selected: tuple[int, ...]
    customers_satisfied: tuple[int, ...]
    cost: float
    value: float


@dataclass(frozen=True)
class NrpResult:
    """The solved release. ``bound`` is a proven upper bound on the best value; ``gap`` = (bound − value) / bound
    (a fraction, 0 when proved optimal); ``greedy`` is the "sort by profit/cost and fill" plan."""

    budget: float
    plan: NrpPlan
    bound: float
    gap: float
    status: Status
    greedy: NrpPlan
    method: str


def _invalid(msg: str, loc: list[str | int], value: object = None) -> InvalidInput:
    return InvalidInput(msg, [FieldError(loc, msg, value)])


def parse_nrp(text: str) -> NrpInstance:
    """Parse the NRP instance format of Bagnall et al. / Xuan et al. (see the data folder's readme).

    Whitespace-separated numbers: the number of levels, then per level its size and its costs; the number of
    dependencies and the pairs ``A B`` (B needs A); the number of customers and per customer its profit, the
    number of requirements it needs and their ids. Lines starting with ``^`` (annotations) are ignored.
    Raises InvalidInput naming the token position on malformed input.
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
            raise _invalid(f"NRP file ended early: expected {what} at token {pos + 1}", ["token", pos + 1])
        tok = tokens[pos]
        pos += 1
        try:
            return float(tok)
        except ValueError:
            raise _invalid(f"NRP file token {pos} ({what}) is not a number: {tok!r}", ["token", pos], tok) from None

    def take_int(what: str, low: int = 0) -> int:
        v = take(what)
        if v != int(v) or v < low:
            raise _invalid(f"NRP file token {pos} ({what}) must be a whole number ≥ {low}, got {v:g}", ["token", pos], v)
        return int(v)

    n_levels = take_int("number of levels")
    costs: list[float] = []
    levels: list[int] = []
    for lv in range(1, n_levels + 1):
        size = take_int(f"size of level {lv}")
        levels.append(size)
        for _ in range(size):
            c = take(f"cost of requirement {len(costs) + 1}")
            if c < 0:
                raise _invalid(f"requirement {len(costs) + 1} has a negative cost {c:g}", ["cost", len(costs) + 1], c)
            costs.append(c)
    m = len(costs)

    def take_req(what: str) -> int:
        r = take_int(what, 1)
        if r > m:
            raise _invalid(f"NRP file token {pos}: {what} is requirement {r}, but there are only {m}", ["token", pos], r)
        return r

    deps = tuple(
        (take_req(f"prerequisite of dependency {i + 1}"), take_req(f"dependent of dependency {i + 1}"))
        for i in range(take_int("number of dependencies"))
    )
    customers: list[NrpCustomer] = []
    for i in range(take_int("number of customers")):
        profit = take(f"profit of customer {i + 1}")
        q = take_int(f"number of requirements of customer {i + 1}")
        reqs = tuple(take_req(f"requirement of customer {i + 1}") for _ in range(q))
        customers.append(NrpCustomer(profit, reqs))
    if pos != len(tokens):
        raise _invalid(f"NRP file has {len(tokens) - pos} unexpected tokens after the last customer", ["token", pos + 1])
    inst = NrpInstance(tuple(costs), deps, tuple(customers), tuple(levels))
    prerequisite_closures(inst)  # reject dependency cycles early
    return inst


def prerequisite_closures(instance: NrpInstance) -> list[frozenset[int]]:
    """For each requirement (index = id − 1), the set of 1-based ids it needs: itself and, transitively, all
    its prerequisites. Raises InvalidInput naming a dependency cycle."""
    m = len(instance.costs)
    parents: list[list[int]] = [[] for _ in range(m + 1)]
    for a, b in instance.dependencies:
        parents[b].append(a)
    closure: list[frozenset[int] | None] = [None] * (m + 1)
    state = [0] * (m + 1)  # 0 new, 1 on stack, 2 done
    for root in range(1, m + 1):
        if state[root]:
            continue
        stack: list[tuple[int, int]] = [(root, 0)]
        path: list[int] = [root]
        state[root] = 1
        while stack:
            node, k = stack[-1]
            if k < len(parents[node]):
                stack[-1] = (node, k + 1)
                p = parents[node][k]
                if state[p] == 1:
                    cyc = path[path.index(p) :] + [p]
                    text = " → ".join(f"R{r}" for r in reversed(cyc))
                    raise _invalid(f"dependency cycle: {text}", ["dependencies"], text)
                if state[p] == 0:
                    state[p] = 1
                    stack.append((p, 0))
                    path.append(p)
                continue
            s: set[int] = {node}
            for p in parents[node]:
                c = closure[p]
                assert c is not None
                s |= c
            closure[node] = frozenset(s)
            state[node] = 2
            stack.pop()
            path.pop()
    return [c if c is not None else frozenset() for c in closure[1:]]


@dataclass(frozen=True)
class NrpReduced:
    """The presolved instance (see module docstring). ``classes[k]`` lists the original customer indices
    (0-based) merged into class ``k``; ``group_reqs[g]`` the requirement ids merged into group ``g``;
    ``member`` is the class × group incidence (CSR, 1 where the class needs the group)."""

    budget: float
    profit: F64
    classes: tuple[tuple[int, ...], ...]
    weight: F64
    group_reqs: tuple[tuple[int, ...], ...]
    member: sparse.csr_matrix
    free_customers: tuple[int, ...]  # customers needing nothing: always served


def reduce_nrp(instance: NrpInstance, budget: float) -> NrpReduced:
    """Presolve ``instance`` for ``budget`` (cost units): closures, merges and dominance (see module docstring)."""
    if budget < 0:
        raise _invalid(f"budget must be ≥ 0, got {budget:g}", ["budget"], budget)
    clos = prerequisite_closures(instance)
    costs = instance.costs
    by_closure: dict[frozenset[int], list[int]] = {}
    free: list[int] = []
    for i, cust in enumerate(instance.customers):
        need: frozenset[int] = frozenset().union(*(clos[r - 1] for r in cust.requirements))
        if not need:
            free.append(i)
            continue
        if sum(costs[r - 1] for r in need) > budget + 1e-9 or cust.profit <= 0:
            continue
        by_closure.setdefault(need, []).append(i)
    class_sets = list(by_closure)
    users: dict[int, list[int]] = {}
    for k, need in enumerate(class_sets):
        for r in need:
            users.setdefault(r, []).append(k)
    groups: dict[tuple[int, ...], list[int]] = {}
    for r in sorted(users):
        groups.setdefault(tuple(users[r]), []).append(r)
    keys = list(groups)
    rows: list[int] = []
    cols: list[int] = []
    for g, us in enumerate(keys):
        rows.extend(us)
        cols.extend([g] * len(us))
    member = sparse.csr_matrix(
        (np.ones(len(rows)), (np.array(rows, dtype=np.int64), np.array(cols, dtype=np.int64))),
        shape=(len(class_sets), len(keys)),
    )
    return NrpReduced(
        budget=float(budget),
        profit=np.array([sum(instance.customers[i].profit for i in by_closure[s]) for s in class_sets], dtype=np.float64),
        classes=tuple(tuple(by_closure[s]) for s in class_sets),
        weight=np.array([sum(costs[r - 1] for r in groups[key]) for key in keys], dtype=np.float64),
        group_reqs=tuple(tuple(groups[key]) for key in keys),
        member=member,
        free_customers=tuple(free),
    )


def _fill(red: NrpReduced, chosen: NDArray[np.bool_], used: NDArray[np.int64], cost: float, noise: F64 | None) -> float:
    """Greedily add classes by profit / cost still needed while the budget allows (mutates chosen, used)."""
    member, weight, profit = red.member, red.weight, red.profit
    while True:
        extra = member @ (weight * (used == 0))
        fits = ~chosen & (extra <= red.budget - cost + 1e-9)
        if not fits.any():
            return cost
        ratio = np.where(fits, profit / np.maximum(extra, 1e-9), -np.inf)
        if noise is not None:
            ratio = np.where(fits, ratio * noise, -np.inf)
        k = int(np.argmax(ratio))
        chosen[k] = True
        gs = member.indices[member.indptr[k] : member.indptr[k + 1]]
        used[gs] += 1
        cost += float(extra[k])


def _plan(instance: NrpInstance, red: NrpReduced, chosen: NDArray[np.bool_]) -> NrpPlan:
    ks = np.flatnonzero(chosen)
    gs = np.unique(red.member[ks].indices) if len(ks) else np.array([], dtype=np.int64)
    selected = sorted(r for g in gs for r in red.group_reqs[int(g)])
    served = sorted([i for k in ks for i in red.classes[int(k)]] + list(red.free_customers))
    return NrpPlan(
        selected=tuple(selected),
        customers_satisfied=tuple(i + 1 for i in served),
        cost=float(sum(instance.costs[r - 1] for r in selected)),
        value=float(sum(instance.customers[i].profit for i in served)),
    )


def greedy_nrp(instance: NrpInstance, budget: float) -> NrpPlan:
    """The "sort by profit / cost and fill" baseline: repeatedly add the customer with the highest profit per
    unit of cost it still needs (its requirements and their prerequisites not yet delivered), among those that
    still fit in ``budget`` (cost units), until none fits."""
    red = reduce_nrp(instance, budget)
    return _greedy(instance, red)


def _greedy(instance: NrpInstance, red: NrpReduced) -> NrpPlan:
    chosen = np.zeros(len(red.classes), dtype=bool)
    used = np.zeros(len(red.weight), dtype=np.int64)
    _fill(red, chosen, used, 0.0, None)
    return _plan(instance, red, chosen)


def local_search(red: NrpReduced, *, rng: np.random.Generator, iterations: int = 1500) -> NDArray[np.bool_]:
    """Iterated ruin-and-recreate from the greedy solution: drop every chosen class that uses a random group
    (or a random few classes), refill greedily with slightly perturbed ratios, keep the result when it is not
    worse. Returns the best class selection found (boolean mask over ``red.classes``)."""
    n, g = len(red.classes), len(red.weight)
    chosen = np.zeros(n, dtype=bool)
    used = np.zeros(g, dtype=np.int64)
    cost = _fill(red, chosen, used, 0.0, None)
    value = float(red.profit[chosen].sum())
    best, best_value = chosen.copy(), value
    if n == 0:
        return best
    member_t = red.member.T.tocsr()
    for _ in range(iterations):
        c2, u2 = chosen.copy(), used.copy()
        if rng.random() < 0.5:
            grp = int(rng.integers(g))
            drop = member_t.indices[member_t.indptr[grp] : member_t.indptr[grp + 1]]
            drop = drop[c2[drop]]
        else:
            on = np.flatnonzero(c2)
            drop = rng.choice(on, size=min(len(on), int(rng.integers(1, 4))), replace=False) if len(on) else on
        for k in drop:
            c2[k] = False
            u2[red.member.indices[red.member.indptr[k] : red.member.indptr[k + 1]]] -= 1
        cost2 = float(red.weight @ (u2 > 0))
        cost2 = _fill(red, c2, u2, cost2, rng.uniform(0.8, 1.2, n))
        v2 = float(red.profit[c2].sum())
        if v2 >= value - 1e-9:
            chosen, used, cost, value = c2, u2, cost2, v2
            if value > best_value + 1e-9:
                best, best_value = chosen.copy(), value
    return best


def _milp(red: NrpReduced, start: NDArray[np.bool_], time_limit: float) -> tuple[NDArray[np.bool_], float, bool]:
    """Solve the reduced MILP with HiGHS from ``start``; returns (classes chosen, dual bound, proved optimal)."""
    import highspy

    n = len(red.classes)
    counts = np.diff(red.member.tocsc().indptr)
    shared = np.flatnonzero(counts >= 2)
    private = np.asarray(red.member[:, np.flatnonzero(counts < 2)] @ red.weight[counts < 2]).ravel()
    ng = len(shared)
    sub = red.member[:, shared].tocoo()
    # columns: y_0..y_{n-1}, x_0..x_{ng-1}; rows: budget, then y_c - x_g <= 0
    nl = sub.nnz
    rows = np.concatenate([np.zeros(n + ng, dtype=np.int64), np.repeat(np.arange(1, nl + 1), 2)])
    cols = np.concatenate([np.arange(n + ng), np.column_stack([sub.row, n + sub.col]).ravel()])
    vals = np.concatenate([private, red.weight[shared], np.tile([1.0, -1.0], nl)])
    a = sparse.csc_matrix((vals, (rows, cols)), shape=(nl + 1, n + ng))
    a.eliminate_zeros()
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = n + ng, nl + 1
    lp.col_cost_ = np.concatenate([red.profit, np.zeros(ng)])
    lp.col_lower_ = np.zeros(n + ng)
    lp.col_upper_ = np.ones(n + ng)
    lp.row_lower_ = np.full(nl + 1, -highspy.kHighsInf)
    lp.row_upper_ = np.concatenate([[red.budget], np.zeros(nl)])
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = a.indptr.astype(np.int32)
    lp.a_matrix_.index_ = a.indices.astype(np.int32)
    lp.a_matrix_.value_ = a.data
    lp.integrality_ = [highspy.HighsVarType.kInteger] * (n + ng)
    lp.sense_ = highspy.ObjSense.kMaximize
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("time_limit", max(float(time_limit), 0.1))
    h.setOptionValue("mip_rel_gap", 1e-6)
    h.setOptionValue("threads", 1)
    h.passModel(lp)
    x0 = (red.member[np.flatnonzero(start)][:, shared].sum(axis=0) > 0).A1 if start.any() else np.zeros(ng, bool)
    sol = highspy.HighsSolution()
    sol.col_value = np.concatenate([start.astype(float), x0.astype(float)]).tolist()
    h.setSolution(sol)
    h.run()
    info = h.getInfo()
    status = h.getModelStatus()
    values = np.asarray(h.getSolution().col_value)
    chosen = values[:n] > 0.5 if len(values) == n + ng else start.copy()
    optimal = status == highspy.HighsModelStatus.kOptimal
    bound = float(info.mip_dual_bound)
    return chosen, bound, optimal


def solve_nrp(
    instance: NrpInstance,
    budget: float,
    *,
    rng: np.random.Generator,
    time_limit: float = 60.0,
    search_iterations: int = 1500,
    warm_start: Sequence[int] | None = None,
) -> NrpResult:
    """Best release within ``budget`` (cost units): presolve, greedy + local search, then the MILP with HiGHS.

    ``time_limit`` (seconds) caps the MILP phase (HiGHS's own clock); the local search before it runs
    ``search_iterations`` ruin-and-recreate steps drawn from ``rng`` (0 to skip it). ``warm_start``: optional
    1-based customer indices of a known feasible plan to start from. The result's ``plan`` is the best found,
    ``bound`` a proven upper bound on the optimum, ``status`` "optimal" when the gap is closed.
    """
    red = reduce_nrp(instance, budget)
    greedy = _greedy(instance, red)
    free_value = float(sum(instance.customers[i].profit for i in red.free_customers))
    best = local_search(red, rng=rng, iterations=search_iterations) if search_iterations > 0 else None
    if best is None:
        best = np.zeros(len(red.classes), dtype=bool)
        _fill(red, best, np.zeros(len(red.weight), dtype=np.int64), 0.0, None)
    if warm_start is not None:
        idx = {i: k for k, cl in enumerate(red.classes) for i in cl}
        ws = np.zeros(len(red.classes), dtype=bool)
        for c in warm_start:
            if c - 1 in idx:
                ws[idx[c - 1]] = True
        if red.weight @ ((red.member.T @ ws.astype(float)) > 0) <= budget + 1e-9 and red.profit @ ws > red.profit @ best:
            best = ws
    if len(red.classes) == 0:
        plan = _plan(instance, red, best)
        return NrpResult(float(budget), plan, plan.value, 0.0, "optimal", greedy, "presolve")
    chosen, bound, optimal = _milp(red, best, time_limit)
    if red.profit @ chosen < red.profit @ best:
        chosen = best
    plan = _plan(instance, red, chosen)
    total_bound = min(bound + free_value, float(red.profit.sum()) + free_value)
    total_bound = max(total_bound, plan.value)
    gap = (total_bound - plan.value) / total_bound if total_bound > 0 else 0.0
    if gap < 1e-6:
        optimal = True
    return NrpResult(
        budget=float(budget),
        plan=plan,
        bound=total_bound,
        gap=0.0 if optimal else gap,
        status="optimal" if optimal else "time_limit",
        greedy=greedy,
        method="presolve (closures, merged customers and requirement groups) + greedy + ruin-and-recreate + HiGHS MILP",
    )
