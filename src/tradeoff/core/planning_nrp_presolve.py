"""The presolved Next Release Problem model (steps 1-4 of ``planning_nrp``'s docstring): customers' request
sets closed under prerequisites, customers with the same closed set and requirements needed by the same customers
merged, and the covering edges of the subset order between them that the MILP is built on.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tradeoff.core.planning_mip import FloatArray
from tradeoff.core.planning_nrp_instance import NrpInstance, requirement_closures

_EPS = 1e-9


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
