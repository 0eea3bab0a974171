"""Roadmap planning: which candidate features go into which period, for teams with limited capacity.

Model (all effort in person-days, periods indexed from 0; messages show them from 1):

* each chosen feature is done within one period, taking its effort from each team it needs in that period;
* per team and period, the effort scheduled is at most the team's capacity in that period (a list per period,
  so holidays and part-time reduce it);
* a dependency "B needs A" means A is scheduled in a period strictly before B's (``same_period_dependencies``
  allows the same period instead); B can only be chosen if A is;
* a feature with a deadline, if chosen, is scheduled no later than that period; must-have and committed
  features are always chosen (a commitment must finish by its deadline);
* an allocation rule reserves a share of a team's capacity per period for tech_debt/platform work: work of the
  other categories takes at most (1 − share) × capacity. If there is not enough such work, the capacity simply
  stays unused, so the rule never makes a plan infeasible by itself;
* the objective is the total value (a score or money, whatever the candidates carry) of the chosen features.

Solved exactly as a MILP with HiGHS (time-limited; the proven bound and gap are reported). HiGHS starts from
the LP relaxation rounded to a plan and improved by a ruin-and-recreate local search (``planning_search``), or
from the "sort by value / effort and fill" greedy plan when that is worth more; the greedy plan is also
returned for comparison. The single-release
Next Release Problem solver lives in ``planning_nrp``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

import numpy as np
from scipy import sparse

from tradeoff.core.planning_mip import _clock, _elapsed, quiet_highs
from tradeoff.core.planning_search import SearchProblem, improve_schedule, round_relaxation, schedule_periods
from tradeoff.errors import FieldError, Infeasible, InvalidInput

Category = Literal["feature", "tech_debt", "platform"]
CATEGORIES: tuple[Category, ...] = ("feature", "tech_debt", "platform")
PlanStatus = Literal["optimal", "time_limit", "feasible"]


@dataclass(frozen=True)
class Candidate:
    """A feature that may be planned. ``value``: score or money (≥ 0); ``effort``: person-days per team name;
    ``deadline``: last period index (0-based) it may be scheduled in, or None; ``must_have``: always planned;
    ``committed``: promised to a customer, so always planned and by its deadline."""

    id: str
    value: float
    effort: Mapping[str, float]
    must_have: bool = False
    deadline: int | None = None
    committed: bool = False
    category: Category = "feature"

    @property
    def required(self) -> bool:
        return self.must_have or self.committed


@dataclass(frozen=True)
class Dependency:
    """``feature`` needs ``prerequisite`` (both candidate ids)."""

    prerequisite: str
    feature: str


@dataclass(frozen=True)
class Team:
    """A team and its capacity in person-days for each period (one number per period)."""

    name: str
    capacity: tuple[float, ...]


@dataclass(frozen=True)
class AllocationRule:
    """Reserve ``min_share`` (0–1) of ``team``'s capacity (every team when None) in every period for work of
    ``categories``: the other work may use at most (1 − min_share) of it."""

    min_share: float
    team: str | None = None
    categories: tuple[Category, ...] = ("tech_debt", "platform")


@dataclass(frozen=True)
class PlanInput:
    """Everything the planner needs. ``periods``: number of periods; ``time_limit``: seconds for the solver."""

    candidates: tuple[Candidate, ...]
    teams: tuple[Team, ...]
    periods: int
    dependencies: tuple[Dependency, ...] = ()
    rules: tuple[AllocationRule, ...] = ()
    same_period_dependencies: bool = False
    time_limit: float = 30.0


@dataclass(frozen=True)
class RoadmapPlan:
    """A plan: ``schedule`` maps each chosen feature id to its period (0-based). ``value`` its total value,
    ``bound`` a proven upper bound on the best value, ``gap`` = (bound − value) / bound, ``seconds`` the time
    spent searching (LP relaxation, local search and HiGHS), ``greedy_*`` the "sort by value/effort and fill" plan (``greedy_feasible`` is False
    when it could not place every must-have), ``value_difference`` = value − greedy_value, ``load[team][p]``
    person-days used."""

    schedule: Mapping[str, int]
    value: float
    bound: float
    gap: float
    status: PlanStatus
    seconds: float
    greedy_schedule: Mapping[str, int]
    greedy_value: float
    greedy_feasible: bool
    value_difference: float
    load: Mapping[str, tuple[float, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class PlanDiff:
    """What changed from ``base`` to ``other``: features added, removed, moved (id, from period, to period),
    and the value difference (other − base)."""

    added: tuple[str, ...]
    removed: tuple[str, ...]
    moved: tuple[tuple[str, int, int], ...]
    value_difference: float


def compare_plans(base: RoadmapPlan, other: RoadmapPlan) -> PlanDiff:
    """Compare two plans (e.g. a what-if scenario with the base plan)."""
    a, b = base.schedule, other.schedule
    return PlanDiff(
        added=tuple(sorted(set(b) - set(a))),
        removed=tuple(sorted(set(a) - set(b))),
        moved=tuple(sorted((f, a[f], b[f]) for f in set(a) & set(b) if a[f] != b[f])),
        value_difference=other.value - base.value,
    )


def _bad(msg: str, loc: list[str | int], value: object = None) -> InvalidInput:
    return InvalidInput(msg, [FieldError(loc, msg, value)])


def _periods_text(last: int) -> str:
    return "period 1" if last == 0 else f"periods 1–{last + 1}"


def _validate(inp: PlanInput) -> dict[str, int]:
    if inp.periods < 1:
        raise _bad(f"periods must be at least 1, got {inp.periods}", ["periods"], inp.periods)
    teams = {t.name: t for t in inp.teams}
    if len(teams) != len(inp.teams):
        raise _bad("team names must be unique", ["teams"])
    for t in inp.teams:
        if len(t.capacity) != inp.periods:
            raise _bad(
                f"team {t.name} has {len(t.capacity)} capacity values but the plan has {inp.periods} periods",
                ["teams", t.name, "capacity"],
                len(t.capacity),
            )
        for p, cap in enumerate(t.capacity):
            if not np.isfinite(cap) or cap < 0:
                raise _bad(
                    f"team {t.name} capacity in period {p + 1} must be ≥ 0, got {cap}", ["teams", t.name, "capacity", p], cap
                )
        if sum(t.capacity) <= 0:
            raise _bad(f"team {t.name} has zero capacity in every period", ["teams", t.name, "capacity"], 0)
    index: dict[str, int] = {}
    for i, c in enumerate(inp.candidates):
        if c.id in index:
            raise _bad(f"feature id {c.id} appears twice", ["candidates", i, "id"], c.id)
        index[c.id] = i
        if not np.isfinite(c.value) or c.value < 0:
            raise _bad(f"feature {c.id} value must be ≥ 0, got {c.value}", ["candidates", c.id, "value"], c.value)
        if c.category not in CATEGORIES:
            raise _bad(f"feature {c.id} category must be one of {', '.join(CATEGORIES)}", ["candidates", c.id, "category"], c.category)
        for team, e in c.effort.items():
            if team not in teams:
                raise _bad(f"feature {c.id} needs effort from unknown team {team}", ["candidates", c.id, "effort", team], team)
            if not np.isfinite(e) or e < 0:
                raise _bad(f"feature {c.id} effort for team {team} must be ≥ 0, got {e}", ["candidates", c.id, "effort", team], e)
        if c.deadline is not None and not c.deadline >= 0:
            raise _bad(f"feature {c.id} deadline must be a period index ≥ 0, got {c.deadline}", ["candidates", c.id, "deadline"], c.deadline)
        if c.committed and c.deadline is None:
            raise _bad(f"committed feature {c.id} needs a deadline", ["candidates", c.id, "deadline"])
    for d in inp.dependencies:
        for fid in (d.prerequisite, d.feature):
            if fid not in index:
                raise _bad(f"dependency {d.prerequisite} → {d.feature} names unknown feature {fid}", ["dependencies"], fid)
    for r in inp.rules:
        if not 0 <= r.min_share <= 1:
            raise _bad(f"allocation rule share must be between 0 and 1, got {r.min_share}", ["rules", "min_share"], r.min_share)
        if r.team is not None and r.team not in teams:
            raise _bad(f"allocation rule names unknown team {r.team}", ["rules", "team"], r.team)
    if inp.time_limit <= 0:
        raise _bad(f"time_limit must be > 0 seconds, got {inp.time_limit}", ["time_limit"], inp.time_limit)
    return index


def _prerequisites(inp: PlanInput, index: dict[str, int]) -> list[list[int]]:
    pre: list[list[int]] = [[] for _ in inp.candidates]
    for d in inp.dependencies:
        if d.prerequisite == d.feature:
            raise Infeasible(f"dependency cycle: {d.feature} → {d.feature}", [FieldError(["dependencies"], "cycle", d.feature)])
        pre[index[d.feature]].append(index[d.prerequisite])
    return pre


def _topological(inp: PlanInput, pre: list[list[int]]) -> list[int]:
    """Order with prerequisites first; raises Infeasible naming a cycle."""
    n = len(pre)
    state = [0] * n
    order: list[int] = []
    ids = [c.id for c in inp.candidates]
    for root in range(n):
        if state[root]:
            continue
        stack = [(root, 0)]
        path = [root]
        state[root] = 1
        while stack:
            node, k = stack[-1]
            if k < len(pre[node]):
                stack[-1] = (node, k + 1)
                p = pre[node][k]
                if state[p] == 1:
                    cyc = path[path.index(p) :] + [p]
                    text = " → ".join(ids[i] for i in reversed(cyc))
                    raise Infeasible(f"dependency cycle: {text}", [FieldError(["dependencies"], "cycle", text)])
                if state[p] == 0:
                    state[p] = 1
                    stack.append((p, 0))
                    path.append(p)
                continue
            state[node] = 2
            order.append(node)
            stack.pop()
            path.pop()
    return order


def _feature_limit(inp: PlanInput, team: Team, category: Category) -> tuple[float, ...]:
    """Capacity per period usable by a feature of ``category`` on ``team`` after the reserving rules."""
    share = 0.0
    for r in inp.rules:
        if (r.team is None or r.team == team.name) and category not in r.categories:
            share = max(share, r.min_share)
    return tuple(c * (1 - share) for c in team.capacity)


@dataclass(frozen=True)
class _Prepared:
    required: tuple[bool, ...]
    earliest: tuple[int, ...]
    latest: tuple[int, ...]
    order: tuple[int, ...]
    pre: tuple[tuple[int, ...], ...]


def _prepare(inp: PlanInput, index: dict[str, int], check: bool = True) -> _Prepared:
    pre = _prerequisites(inp, index)
    order = _topological(inp, pre)
    n, lag = len(inp.candidates), 0 if inp.same_period_dependencies else 1
    cands = inp.candidates
    required = [c.required for c in cands]
    for i in reversed(order):  # dependents before prerequisites: a required feature's prerequisites are required
        if required[i]:
            for p in pre[i]:
                required[p] = True
    latest = [min(c.deadline, inp.periods - 1) if c.deadline is not None else inp.periods - 1 for c in cands]
    for i in reversed(order):  # a required feature pulls its prerequisites earlier; an optional one does not
        if required[i]:
            for p in pre[i]:
                latest[p] = min(latest[p], latest[i] - lag)
    earliest = [0] * n
    chain: list[list[int]] = [[i] for i in range(n)]
    for i in order:
        for p in pre[i]:
            if earliest[p] + lag > earliest[i]:
                earliest[i] = earliest[p] + lag
                chain[i] = chain[p] + [i]
    teams = {t.name: t for t in inp.teams}
    if check:
        for i in reversed(order):  # dependents first, so a too-early deadline is reported on its own feature
            c = cands[i]
            if not required[i]:
                continue
            why = "must-have" if c.must_have else "committed" if c.committed else "prerequisite of a must-have"
            if earliest[i] > latest[i]:
                path = " → ".join(cands[j].id for j in chain[i])
                raise Infeasible(
                    f"{why} feature {c.id} cannot be scheduled: its dependency chain {path} needs "
                    f"{earliest[i] + 1} periods but it must be done by period {latest[i] + 1}",
                    [FieldError(["candidates", c.id, "deadline"], "deadline too early for its dependencies", latest[i])],
                )
            for team_name, e in c.effort.items():
                lim = _feature_limit(inp, teams[team_name], c.category)[earliest[i] : latest[i] + 1]
                if e > max(lim, default=0.0) + 1e-9:
                    raise Infeasible(
                        f"{why} feature {c.id} needs {e:g} person-days but team {team_name} has at most "
                        f"{max(lim, default=0.0):g} in any single period of periods {earliest[i] + 1}–{latest[i] + 1}"
                        + (" before its deadline" if c.deadline is not None else ""),
                        [FieldError(["candidates", c.id, "effort", team_name], "exceeds capacity", e)],
                    )
        for t in inp.teams:
            for last in range(inp.periods):
                due = [i for i in range(n) if required[i] and latest[i] <= last and cands[i].effort.get(t.name, 0) > 0]
                need = sum(cands[i].effort[t.name] for i in due)
                have = sum(t.capacity[: last + 1])
                if need > have + 1e-9:
                    names = ", ".join(cands[i].id for i in due[:8]) + (" …" if len(due) > 8 else "")
                    raise Infeasible(
                        f"must-have features {names} need {need:g} person-days from team {t.name} by period "
                        f"{last + 1} but {t.name} has {have:g} in {_periods_text(last)}",
                        [FieldError(["teams", t.name, "capacity"], "not enough capacity for must-haves", need)],
                    )
    return _Prepared(tuple(required), tuple(earliest), tuple(latest), tuple(order), tuple(tuple(p) for p in pre))


def _greedy(inp: PlanInput, prep: _Prepared) -> tuple[dict[str, int], bool]:
    """Must-haves first (earliest deadline first), then by value / total effort; each in the earliest period
    where its prerequisites are already placed and every team it needs has room."""
    cands, teams = inp.candidates, inp.teams
    lag = 0 if inp.same_period_dependencies else 1
    free = {t.name: list(t.capacity) for t in teams}
    # room left under each applicable allocation rule, per (rule, team) and period
    room = {(k, t.name): [c * (1 - r.min_share) for c in t.capacity] for k, r in enumerate(inp.rules) for t in teams
            if r.team is None or r.team == t.name}
    placed: dict[int, int] = {}
    rank = {i: k for k, i in enumerate(prep.order)}

    def key_required(i: int) -> tuple[int, int]:
        return (prep.latest[i], rank[i])

    def key_optional(i: int) -> tuple[float, int]:
        total = sum(cands[i].effort.values())
        return (-(cands[i].value / total) if total > 0 else -np.inf, rank[i])

    req = sorted((i for i in range(len(cands)) if prep.required[i]), key=key_required)
    opt = sorted((i for i in range(len(cands)) if not prep.required[i]), key=key_optional)
    feasible = True
    for group in (req, opt):
        pending = list(group)
        progress = True
        while pending and progress:  # retry items whose prerequisites were placed later in the same pass
            progress = False
            rest: list[int] = []
            for i in pending:
                c = cands[i]
                if any(p not in placed for p in prep.pre[i]):
                    rest.append(i)
                    continue
                start = max([prep.earliest[i]] + [placed[p] + lag for p in prep.pre[i]])
                for period in range(start, prep.latest[i] + 1):
                    rules = [(k, tn) for (k, tn) in room if c.category not in inp.rules[k].categories and tn in c.effort]
                    if all(e <= free[tn][period] + 1e-9 for tn, e in c.effort.items()) and all(
                        c.effort[tn] <= room[(k, tn)][period] + 1e-9 for k, tn in rules
                    ):
                        placed[i] = period
                        for tn, e in c.effort.items():
                            free[tn][period] -= e
                        for k, tn in rules:
                            room[(k, tn)][period] -= c.effort[tn]
                        progress = True
                        break
            pending = rest
        if group is req and any(i not in placed for i in req):
            feasible = False
    return {cands[i].id: p for i, p in placed.items()}, feasible


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
    )


def _load(inp: PlanInput, schedule: Mapping[str, int]) -> dict[str, tuple[float, ...]]:
    load = {t.name: [0.0] * inp.periods for t in inp.teams}
    by_id = {c.id: c for c in inp.candidates}
    for fid, p in schedule.items():
        for tn, e in by_id[fid].effort.items():
            load[tn][p] += e
    return {k: tuple(v) for k, v in load.items()}


def _solve_milp(
    inp: PlanInput,
    prep: _Prepared,
    start: Mapping[str, int] | None,
    time_limit: float,
    enforce: frozenset[str],
    options: Mapping[str, bool | int | float | str] | None = None,
    relaxation: list[list[float]] | None = None,
) -> tuple[dict[str, int] | None, float, str, float]:
    """Build and solve the MILP. ``enforce`` ⊆ {"required", "deadlines", "dependencies", "rules"} chooses which
    constraint groups apply (the others are relaxed, for diagnosing infeasibility). Returns (schedule or None,
    bound, status, solver seconds). When ``relaxation`` is given (n empty lists), only the LP relaxation is
    solved and its x[feature][period] values are written into it (schedule None, bound = LP value)."""
    import highspy

    cands, n, periods = inp.candidates, len(inp.candidates), inp.periods
    lag = 0 if inp.same_period_dependencies else 1
    lo = [prep.earliest[i] if "dependencies" in enforce else 0 for i in range(n)]
    hi = [
        (prep.latest[i] if "dependencies" in enforce else (min(c.deadline, periods - 1) if c.deadline is not None else periods - 1))
        if "deadlines" in enforce
        else periods - 1
        for i, c in enumerate(cands)
    ]
    col: dict[tuple[int, int], int] = {}
    cost: list[float] = []
    for i in range(n):
        for p in range(lo[i], hi[i] + 1):
            col[(i, p)] = len(cost)
            cost.append(cands[i].value)
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
            return None, -np.inf, "infeasible", 0.0
        if entries:
            add_row(entries, 1.0 if must else 0.0, 1.0)
    for t in inp.teams:
        for p in range(periods):
            users = [(i, cands[i].effort[t.name]) for i in range(n) if cands[i].effort.get(t.name, 0) > 0 and (i, p) in col]
            add_row([(col[(i, p)], e) for i, e in users], -np.inf, t.capacity[p])
            if "rules" in enforce:
                for r in inp.rules:
                    if r.team in (None, t.name) and r.min_share > 0:
                        sub = [(col[(i, p)], e) for i, e in users if cands[i].category not in r.categories]
                        if sub:
                            add_row(sub, -np.inf, t.capacity[p] * (1 - r.min_share))
    if "dependencies" in enforce:
        for i in range(n):
            for a in prep.pre[i]:
                # cumulative: B done by period p ⇒ A done by period p − lag
                for p in range(lo[i], hi[i] + 1):
                    e = [(col[(i, q)], 1.0) for q in range(lo[i], p + 1)]
                    e += [(col[(a, q)], -1.0) for q in range(lo[a], min(hi[a], p - lag) + 1)]
                    add_row(e, -np.inf, 0.0)
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
    h.setOptionValue("output_flag", False)
    h.setOptionValue("time_limit", float(time_limit))
    h.setOptionValue("mip_rel_gap", 1e-4)
    h.setOptionValue("threads", 1)
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
    "required": "the must-have and committed features",
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


def plan_roadmap(inp: PlanInput) -> RoadmapPlan:
    """Best-value roadmap for ``inp`` (see module docstring for the rules).

    Raises InvalidInput for malformed input (unknown team or feature, negative effort, a team with zero
    capacity in every period...) and Infeasible, naming the cause, when no plan can satisfy the must-haves,
    commitments, deadlines, dependencies and capacities together.
    """
    index = _validate(inp)
    prep = _prepare(inp, index)
    greedy, greedy_ok = _greedy(inp, prep)
    greedy_value = float(sum(c.value for c in inp.candidates if c.id in greedy))
    t0 = _clock()
    start, lp_bound = _improved_start(inp, prep, greedy if greedy_ok else None)
    rest = max(inp.time_limit - _elapsed(t0), 0.05 * inp.time_limit)
    sched, bound, status, seconds = _solve_milp(inp, prep, start, rest, frozenset(_GROUPS))
    seconds = _elapsed(t0)
    if start is not None and status != "infeasible":
        start_value = float(sum(c.value for c in inp.candidates if c.id in start))
        if sched is None or start_value > sum(c.value for c in inp.candidates if c.id in sched):
            sched, status = dict(start), status if sched is not None else "feasible"
        bound = min(bound, lp_bound) if np.isfinite(bound) else lp_bound
    if status == "infeasible":
        raise Infeasible(_diagnose(inp, prep), [FieldError(["plan"], "infeasible")])
    if sched is None:
        if not greedy_ok:
            raise Infeasible(
                f"no plan found within {inp.time_limit:g} s; the must-haves may not fit — try a longer time limit",
                [FieldError(["time_limit"], "no plan found", inp.time_limit)],
            )
        sched, status = dict(greedy), "feasible"
    value = float(sum(c.value for c in inp.candidates if c.id in sched))
    if greedy_ok and greedy_value > value:
        sched, value = dict(greedy), greedy_value
    bound = max(bound, value) if np.isfinite(bound) else value
    gap = (bound - value) / bound if bound > 0 else 0.0
    return RoadmapPlan(
        schedule=dict(sorted(sched.items(), key=lambda kv: (kv[1], kv[0]))),
        value=value,
        bound=bound,
        gap=gap,
        status="optimal" if status == "optimal" else "time_limit" if status == "time_limit" else "feasible",
        seconds=seconds,
        greedy_schedule=greedy,
        greedy_value=greedy_value,
        greedy_feasible=greedy_ok,
        value_difference=value - greedy_value,
        load=_load(inp, sched),
    )


def with_changes(inp: PlanInput, **changes: object) -> PlanInput:
    """A what-if scenario: ``inp`` with some fields replaced (re-solve it and ``compare_plans`` the results)."""
    return replace(inp, **changes)  # type: ignore[arg-type]
