"""The roadmap as a mixed-integer programme solved by HiGHS (through ``highspy``, time-limited), and the
diagnosis of an infeasible roadmap by relaxing its constraint groups one at a time, then in pairs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from tradeoff.core.planning_mip import quiet_highs
from tradeoff.core.planning_prepare import _Prepared
from tradeoff.core.planning_types import PlanInput


@dataclass(frozen=True)
class RoadmapModel:
    """The roadmap's MILP before it is solved: column ``col[(feature, period)]`` is 1 when that feature is done in
    that period; ``cost`` its objective coefficient (maximised); rows ``rlo`` ≤ Σ ``vals`` · x ≤ ``rhi`` in
    coordinate form (``rows``, ``cols``, ``vals``). Other solves (``planning_close``) add rows and set their own
    objective over the same columns."""

    col: dict[tuple[int, int], int]
    cost: list[float]
    rows: list[int]
    cols: list[int]
    vals: list[float]
    rlo: list[float]
    rhi: list[float]


def roadmap_model(inp: PlanInput, prep: _Prepared, enforce: frozenset[str],
                  sooner: bool = False) -> RoadmapModel | None:
    """The roadmap's MILP with the constraint groups of ``enforce`` (see ``_solve_milp``); None when a required
    feature has no period it may be done in (infeasible)."""
    cands, n, periods = inp.candidates, len(inp.candidates), inp.periods
    lag = 0 if inp.same_period_dependencies else 1
    lo = [prep.earliest[i] if "dependencies" in enforce else c.span - 1 for i, c in enumerate(cands)]
    hi = [
        (prep.latest[i] if "dependencies" in enforce else c.last_period(periods))
        if "deadlines" in enforce
        else periods - 1
        for i, c in enumerate(cands)
    ]
    col: dict[tuple[int, int], int] = {}
    cost: list[float] = []
    for i in range(n):
        for p in range(lo[i], hi[i] + 1):
            col[(i, p)] = len(cost)
            cost.append(cands[i].value * (periods - p) / periods if sooner else cands[i].value)
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    rlo: list[float] = []
    rhi: list[float] = []

    def add_row(entries: Sequence[tuple[int, float]], low: float, high: float) -> None:
        r = len(rlo)
        for j, v in entries:
            rows.append(r)
            cols.append(j)
            vals.append(v)
        rlo.append(low)
        rhi.append(high)

    for i in range(n):
        entries = [(col[(i, p)], 1.0) for p in range(lo[i], hi[i] + 1)]
        must = "required" in enforce and prep.required[i]
        if must and not entries:
            return None
        if entries:
            add_row(entries, 1.0 if must else 0.0, 1.0)
    for t in inp.teams:
        for p in range(periods):
            # feature i done in period q works in periods q − span + 1 … q: it loads p when q is in p … p + span − 1
            users = [(col[(i, q)], cands[i].effort[t.name] / cands[i].span, i) for i in range(n)
                     if cands[i].effort.get(t.name, 0) > 0 for q in range(p, p + cands[i].span) if (i, q) in col]
            add_row([(j, e) for j, e, _ in users], -np.inf, t.capacity[p])
            if "rules" in enforce:
                for r in inp.rules:
                    if r.team in (None, t.name) and r.min_share > 0:
                        sub = [(j, e) for j, e, i in users if cands[i].category not in r.categories]
                        if sub:
                            add_row(sub, -np.inf, t.capacity[p] * (1 - r.min_share))
    if "dependencies" in enforce:
        for i in range(n):
            for a in prep.pre[i]:
                # cumulative: B done by period p ⇒ A done by period p − lag − (B's span − 1), before B starts
                before = lag + cands[i].span - 1
                for p in range(lo[i], hi[i] + 1):
                    e = [(col[(i, q)], 1.0) for q in range(lo[i], p + 1)]
                    e += [(col[(a, q)], -1.0) for q in range(lo[a], min(hi[a], p - before) + 1)]
                    add_row(e, -np.inf, 0.0)
    return RoadmapModel(col, cost, rows, cols, vals, rlo, rhi)


def _solve_milp(
    inp: PlanInput,
    prep: _Prepared,
    start: Mapping[str, int] | None,
    time_limit: float,
    enforce: frozenset[str],
    options: Mapping[str, bool | int | float | str] | None = None,
    relaxation: list[list[float]] | None = None,
    sooner: bool = False,
) -> tuple[dict[str, int] | None, float, str, float]:
    """Build and solve the MILP. ``enforce`` ⊆ {"required", "deadlines", "dependencies", "rules"} chooses which
    constraint groups apply (the others are relaxed, for diagnosing infeasibility). Returns (schedule or None,
    bound, status, solver seconds). When ``relaxation`` is given (n empty lists), only the LP relaxation is
    solved and its x[feature][period] values are written into it (schedule None, bound = LP value). With
    ``sooner`` a feature's value counts in full only in the first period, down to 1/periods of it in the last:
    for sequencing a fixed set of features (all required) so that value arrives as early as possible."""
    import highspy

    cands, n, periods = inp.candidates, len(inp.candidates), inp.periods
    model = roadmap_model(inp, prep, enforce, sooner)
    if model is None:
        return None, -np.inf, "infeasible", 0.0
    col, cost, rows, cols, vals, rlo, rhi = (model.col, model.cost, model.rows, model.cols, model.vals, model.rlo,
                                             model.rhi)
    nc, nr = len(cost), len(rlo)
    a = sparse.csc_matrix((vals, (rows, cols)), shape=(nr, nc))
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = nc, nr
    lp.col_cost_ = np.array(cost)
    lp.col_lower_ = np.zeros(nc)
    lp.col_upper_ = np.ones(nc)
    lp.row_lower_ = np.array(rlo)
    lp.row_upper_ = np.array(rhi)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = a.indptr.astype(np.int32)
    lp.a_matrix_.index_ = a.indices.astype(np.int32)
    lp.a_matrix_.value_ = a.data
    if relaxation is None:
        lp.integrality_ = [highspy.HighsVarType.kInteger] * nc
    lp.sense_ = highspy.ObjSense.kMaximize
    h = quiet_highs(highspy)
    h.setOptionValue("time_limit", float(time_limit))
    h.setOptionValue("mip_rel_gap", 1e-4)
    for key, val in (options or {}).items():
        h.setOptionValue(key, val)
    h.passModel(lp)
    if start is not None:
        x0 = np.zeros(nc)
        index = {c.id: i for i, c in enumerate(cands)}
        for fid, p in start.items():
            if (index[fid], p) in col:
                x0[col[(index[fid], p)]] = 1.0
        sol = highspy.HighsSolution()
        sol.col_value = x0.tolist()
        h.setSolution(sol)
    h.run()
    status = h.getModelStatus()
    seconds = float(h.getRunTime())
    if status == highspy.HighsModelStatus.kInfeasible:
        return None, -np.inf, "infeasible", seconds
    info = h.getInfo()
    values = np.asarray(h.getSolution().col_value)
    if relaxation is not None:
        if status != highspy.HighsModelStatus.kOptimal or len(values) != nc:
            return None, -np.inf, "unknown", seconds
        for i in range(n):
            relaxation[i][:] = [float(values[col[(i, p)]]) if (i, p) in col else 0.0 for p in range(periods)]
        return None, float(info.objective_function_value), "relaxed", seconds
    if info.primal_solution_status != 2 or len(values) != nc:
        return None, float(info.mip_dual_bound), "unknown", seconds
    sched = {cands[i].id: p for (i, p), j in col.items() if values[j] > 0.5}
    name = "optimal" if status == highspy.HighsModelStatus.kOptimal else "time_limit"
    return sched, float(info.mip_dual_bound), name, seconds


_GROUPS = ("required", "deadlines", "dependencies", "rules")
_GROUP_TEXT = {
    "required": "the must-have, committed and in-progress features",
    "deadlines": "the deadlines",
    "dependencies": "the dependencies",
    "rules": "the allocation rules",
}


def _diagnose(inp: PlanInput, prep: _Prepared) -> str:
    """Relax constraint groups one at a time (then in pairs) to name what makes the plan infeasible."""
    every = frozenset(_GROUPS)
    limit = min(5.0, inp.time_limit)
    culprits = [g for g in _GROUPS if _solve_milp(inp, prep, None, limit, every - {g})[0] is not None]
    if culprits:
        names = " or ".join(_GROUP_TEXT[g] for g in culprits)
        return f"no plan fits the team capacities; it becomes feasible when relaxing {names}"
    for k, g in enumerate(_GROUPS):
        for g2 in _GROUPS[k + 1 :]:
            sched, *_ = _solve_milp(inp, prep, None, limit, every - {g, g2})
            if sched is not None:
                return f"no plan satisfies {_GROUP_TEXT[g]} and {_GROUP_TEXT[g2]} together with the team capacities"
    return "no plan fits the team capacities"
