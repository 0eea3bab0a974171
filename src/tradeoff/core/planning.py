"""Roadmap planning: which candidate features go into which period, for teams with limited capacity.

Model (all effort in person-days, periods indexed from 0; messages show them from 1):

* each chosen feature is done within ``span`` consecutive periods (one unless said), taking its effort from
  each team it needs spread evenly over them; the schedule gives the period it is done in;
* per team and period, the effort scheduled is at most the team's capacity in that period (a list per period,
  so holidays and part-time reduce it);
* a dependency "B needs A" means A is done in a period strictly before B's first period
  (``same_period_dependencies`` allows the same period instead); B can only be chosen if A is;
* a feature with a deadline, if chosen, is scheduled no later than that period; must-have and committed
  features are always chosen (a commitment must finish by its deadline); started work is always chosen and worked
  on from the first period (``hold_started`` lets go of what the capacity cannot carry on with);
* an allocation rule reserves a share of a team's capacity per period for tech_debt/platform work: work of the
  other categories takes at most (1 − share) × capacity. If there is not enough such work, the capacity simply
  stays unused, so the rule never makes a plan infeasible by itself;
* the objective is the total value (a score or money, whatever the candidates carry) of the chosen features;
  as that does not say when value arrives, the chosen features are then sequenced again (same features,
  same value, every rule kept) so that value arrives soonest: HiGHS over the chosen features only, each
  one's value weighted by how early it is done, in the last part of the time limit (at most 2 s of it
  unless the rest is left), or weighted shortest job first (``planning_search.resequence``) when that does
  better; then each is moved as early as it fits (``compact_schedule``);
* a what-if (``stay_close``) is solved for the best value first, then, of the plans worth at least that less
  0.1 %, for the one that changes the fewest features of the plan it changes (``planning_close``).

Solved exactly as a MILP with HiGHS (time-limited; the proven bound and gap are reported). HiGHS starts from
the LP relaxation rounded to a plan and improved by a ruin-and-recreate local search (``planning_search``), or
from the "sort by value / effort and fill" greedy plan when that is worth more; the greedy plan is also
returned for comparison. The single-release
Next Release Problem solver lives in ``planning_nrp``.

The parts live in sibling modules, and this one re-exports what callers import: the input and output types in
``planning_types``, input checks and preparation in ``planning_prepare``, the greedy plan in ``planning_greedy``,
the MILP and the diagnosis of an infeasible roadmap in ``planning_roadmap_milp``, the improved start in
``planning_start``, a what-if's search for the plan closest to the one it changes in ``planning_close``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

import numpy as np

from tradeoff.core.planning_close import (
    CLOSE_SHARE,
    CLOSE_TOLERANCE,
    changed,
    close_seconds,
    closest_plan,
    value_floor,
)
from tradeoff.core.planning_greedy import _greedy
from tradeoff.core.planning_mip import _clock, _elapsed
from tradeoff.core.planning_prepare import _prepare, _Prepared, _validate, fit_spans, span_needed
from tradeoff.core.planning_roadmap_milp import _GROUPS, _diagnose, _solve_milp
from tradeoff.core.planning_search import (
    SearchProblem,
    close_start,
    compact_schedule,
    follow,
    resequence,
    schedule_periods,
)
from tradeoff.core.planning_start import _improved_start, _search_problem
from tradeoff.core.planning_types import (
    CATEGORIES,
    AllocationRule,
    Candidate,
    Category,
    Dependency,
    KeptClose,
    PlanDiff,
    PlanInput,
    PlanStatus,
    RoadmapPlan,
    Team,
)
from tradeoff.errors import FieldError, Infeasible

__all__ = [
    "CATEGORIES",
    "AllocationRule",
    "Candidate",
    "Category",
    "Dependency",
    "KeptClose",
    "PlanDiff",
    "PlanInput",
    "PlanStatus",
    "RoadmapPlan",
    "Team",
    "compare_plans",
    "fit_spans",
    "hold_started",
    "plan_roadmap",
    "any_plan",
    "release_started",
    "span_needed",
    "with_changes",
]


def compare_plans(base: RoadmapPlan, other: RoadmapPlan) -> PlanDiff:
    """Compare two plans (e.g. a what-if scenario with the base plan)."""
    a, b = base.schedule, other.schedule
    return PlanDiff(
        added=tuple(sorted(set(b) - set(a))),
        removed=tuple(sorted(set(a) - set(b))),
        moved=tuple(sorted((f, a[f], b[f]) for f in set(a) & set(b) if a[f] != b[f])),
        value_difference=other.value - base.value,
    )


def _load(inp: PlanInput, schedule: Mapping[str, int]) -> dict[str, tuple[float, ...]]:
    load = {t.name: [0.0] * inp.periods for t in inp.teams}
    by_id = {c.id: c for c in inp.candidates}
    for fid, p in schedule.items():
        c = by_id[fid]
        for tn, e in c.effort.items():
            for q in range(p - c.span + 1, p + 1):
                load[tn][q] += e / c.span
    return {k: tuple(v) for k, v in load.items()}


def _fixed(inp: PlanInput, schedule: Mapping[str, int]) -> tuple[PlanInput, _Prepared, list[str], SearchProblem]:
    """``inp`` with only the features of ``schedule``, all required: for sequencing them again."""
    chosen = tuple(replace(c, must_have=True) for c in inp.candidates if c.id in schedule)
    fixed = replace(inp, candidates=chosen, dependencies=tuple(d for d in inp.dependencies if d.feature in schedule))
    fixed_prep = _prepare(fixed, _validate(fixed), check=False)
    return fixed, fixed_prep, [c.id for c in chosen], _search_problem(fixed, fixed_prep)


def _sooner(inp: PlanInput, prep: _Prepared, schedule: Mapping[str, int], time_limit: float,
            others: Sequence[Mapping[str, int]] = ()) -> dict[str, int]:
    """The plan's features scheduled again so that value arrives soonest (same features, same value): each
    feature's value weighted by how early it is done, maximised by HiGHS over the chosen features only (all
    required; ``time_limit`` seconds, starting from the soonest schedule known), or in weighted-shortest-job-first
    order, or as in ``others`` (e.g. the greedy plan's schedule, used when it has the same features), whichever
    is worth most; then every feature moved as early as it fits."""
    if not schedule:
        return {}
    fixed, fixed_prep, ids, prob = _fixed(inp, schedule)

    def earliness(period: Sequence[int]) -> float:
        return sum(prob.value[i] * (inp.periods - p) for i, p in enumerate(period))

    if inp.keep_close:  # a what-if: its features where the plan it changes has them, as early as they now fit
        close = follow(prob, range(len(ids)), schedule_periods(ids, dict(inp.keep_close)))
        if close is not None:
            return {ids[i]: p for i, p in enumerate(close)}
    options = [schedule_periods(ids, schedule)]
    options += [schedule_periods(ids, o) for o in others if set(o) == set(schedule)]
    listed = resequence(prob, options[0])
    if listed is not None:
        options.append(listed)
    best = max(options, key=earliness)
    found, *_ = _solve_milp(fixed, fixed_prep, {ids[i]: p for i, p in enumerate(best)}, time_limit,
                            frozenset(_GROUPS), {"mip_rel_gap": 0.01}, sooner=True)
    if found is not None:
        options.append(schedule_periods(ids, found))
    period = compact_schedule(prob, max(options, key=earliness))
    return {ids[i]: p for i, p in enumerate(period)}


# seconds of the time limit kept for sequencing the chosen features (at most this share of it)
_SEQUENCING_SECONDS = 2.0
_SEQUENCING_SHARE = 0.1


def plan_roadmap(inp: PlanInput, *, explain: bool = True) -> RoadmapPlan:
    """Best-value roadmap for ``inp`` (see module docstring for the rules). With ``stay_close`` (a what-if of the
    plan in ``keep_close``; none is an empty plan): of the plans worth at least the best value found less 0.1 %,
    the one that changes the fewest features of that plan (``planning_close``; said in ``kept_close``).

    Raises InvalidInput for malformed input (unknown team or feature, negative effort, a team with zero
    capacity in every period...) and Infeasible, naming the cause, when no plan can satisfy the must-haves,
    commitments, deadlines, dependencies and capacities together; ``explain=False`` skips naming the cause when
    the solver finds none (a caller that only asks whether a plan exists: naming it re-solves several times).
    """
    if inp.stay_close:
        return _closest(inp, explain)
    return _best(inp, explain)


def _closest(inp: PlanInput, explain: bool) -> RoadmapPlan:
    """The what-if ``inp`` solved for the best value in part of its time limit, then for the plan nearest
    ``keep_close`` worth nearly as much in the rest (``planning_close``); each plan then sequenced, and the one that
    changes the fewest features kept (the more valuable on a tie)."""
    t0 = _clock()
    best = _best(replace(inp, time_limit=inp.time_limit * (1 - CLOSE_SHARE)), explain)
    base = dict(inp.keep_close)
    floor = value_floor(best.value)
    prep = _prepare(inp, _validate(inp))
    ids = [c.id for c in inp.candidates]
    worth = {c.id: float(c.value) for c in inp.candidates}

    def value(schedule: Mapping[str, int]) -> float:
        return float(sum(worth[f] for f in schedule))

    # the nearest plan known to start from: the best-value one, or the plan placed close to base if worth enough
    known = [dict(best.schedule)]
    near = close_start(_search_problem(inp, prep), schedule_periods(ids, base))
    if near is not None:
        placed = {ids[i]: p for i, p in enumerate(near) if p >= 0}
        if value(placed) >= floor:
            known.append(placed)
    start = min(known, key=lambda s: changed(base, s))
    # asked a hair above the floor: HiGHS keeps a row only to its feasibility tolerance
    found = closest_plan(inp, prep, base, floor + 1e-3 * (best.value - floor), start,
                         close_seconds(inp.time_limit, _elapsed(t0)))
    options = [dict(best.schedule)] + [_sequenced(inp, s) for s in (found, start)
                                       if s is not None and s is not known[0] and value(s) >= floor]
    sched = min(options, key=lambda s: (changed(base, s), -value(s)))
    total = value(sched)
    bound = max(best.bound, total)
    return replace(
        best,
        schedule=dict(sorted(sched.items(), key=lambda kv: (kv[1], kv[0]))),
        value=total,
        bound=bound,
        gap=(bound - total) / bound if bound > 0 else 0.0,
        seconds=_elapsed(t0),
        value_difference=total - best.greedy_value,
        load=_load(inp, sched),
        kept_close=KeptClose(changed(base, sched), changed(base, best.schedule), best.value, CLOSE_TOLERANCE,
                             found is not None),
    )


def _sequenced(inp: PlanInput, schedule: Mapping[str, int]) -> dict[str, int]:
    """``schedule`` (a plan keeping every rule of ``inp``) with each feature moved as early as it fits."""
    if not schedule:
        return {}
    _, _, ids, prob = _fixed(inp, schedule)
    return {ids[i]: p for i, p in enumerate(compact_schedule(prob, schedule_periods(ids, schedule)))}


def _best(inp: PlanInput, explain: bool) -> RoadmapPlan:
    """The best-value roadmap (``plan_roadmap`` without ``stay_close``)."""
    index = _validate(inp)
    prep = _prepare(inp, index)
    greedy, greedy_ok = _greedy(inp, prep)
    greedy_value = float(sum(c.value for c in inp.candidates if c.id in greedy))
    t0 = _clock()
    start, lp_bound = _improved_start(inp, prep, greedy if greedy_ok else None)
    sequencing = min(_SEQUENCING_SECONDS, _SEQUENCING_SHARE * inp.time_limit)
    rest = max(inp.time_limit - sequencing - _elapsed(t0), 0.05 * inp.time_limit)
    sched, bound, status, _ = _solve_milp(inp, prep, start, rest, frozenset(_GROUPS))
    if start is not None and status != "infeasible":
        start_value = float(sum(c.value for c in inp.candidates if c.id in start))
        found = sum(c.value for c in inp.candidates if c.id in sched) if sched is not None else -np.inf
        # a plan kept close (a what-if's) stays when HiGHS finds nothing better, not merely another as good
        if start_value > found or (inp.keep_close and start_value >= found - 1e-9 * max(1.0, abs(found))):
            sched, status = dict(start), status if sched is not None else "feasible"
        bound = min(bound, lp_bound) if np.isfinite(bound) else lp_bound
    if status == "infeasible":
        raise Infeasible(_diagnose(inp, prep) if explain else "no plan fits the team capacities",
                         [FieldError(["plan"], "infeasible")])
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
    sched = _sooner(inp, prep, sched, max(inp.time_limit - _elapsed(t0), sequencing),
                    [greedy] if greedy_ok else [])
    seconds = _elapsed(t0)
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


def any_plan(inp: PlanInput, hint: Mapping[str, int], time_limit: float) -> dict[str, int] | None:
    """A plan keeping every rule of ``inp``, not necessarily a good one: for asking whether one exists. First
    placed close to ``hint`` (feature → period; ``planning_search.close_start``), else the greedy plan, else the
    first plan HiGHS finds within ``time_limit`` seconds. Raises Infeasible when none exists (without naming why:
    see ``plan_roadmap`` for that), InvalidInput for malformed input; None when none was found in time."""
    prep = _prepare(inp, _validate(inp))
    ids = [c.id for c in inp.candidates]
    found = close_start(_search_problem(inp, prep), schedule_periods(ids, hint))
    if found is not None:
        return {ids[i]: p for i, p in enumerate(found) if p >= 0}
    greedy, greedy_ok = _greedy(inp, prep)  # must-plan work by earliest deadline first, then the rest
    if greedy_ok:
        return dict(greedy)
    sched, _, status, _ = _solve_milp(inp, prep, None, time_limit, frozenset(_GROUPS), {"mip_max_improving_sols": 1})
    if status == "infeasible":
        raise Infeasible("no plan fits the team capacities", [FieldError(["plan"], "infeasible")])
    return sched


def hold_started(inp: PlanInput) -> tuple[PlanInput, tuple[str, ...]]:
    """``inp`` with as much of its started work held to the first periods as the capacity allows: started
    features are taken in order (earliest deadline first, then most value per person-day) and each stays held
    only if the plan's checks still pass with it; the others become must-haves planned where they fit. Returns
    the input and the ids let go (empty when all of it fits). The checks are necessary, not sufficient: the
    caller still handles Infeasible from the solver."""
    started = [c for c in inp.candidates if c.started]
    if not started:
        return inp, ()
    try:
        _prepare(inp, _validate(inp))
        return inp, ()
    except Infeasible:
        pass

    def key(c: Candidate) -> tuple[int, float, str]:
        return (inp.periods if c.deadline is None else c.deadline, -c.value / max(sum(c.effort.values()), 1e-9), c.id)

    held: set[str] = set()
    for c in sorted(started, key=key):
        trial = release_started(inp, held | {c.id})
        try:
            _prepare(trial, _validate(trial))
        except Infeasible:
            continue
        held.add(c.id)
    return release_started(inp, held), tuple(c.id for c in started if c.id not in held)


def release_started(inp: PlanInput, held: set[str] | frozenset[str] = frozenset()) -> PlanInput:
    """Started features outside ``held`` turned into must-haves that may be planned in any period."""
    return replace(inp, candidates=tuple(replace(c, started=False, must_have=True) if c.started and c.id not in held
                                         else c for c in inp.candidates))


def with_changes(inp: PlanInput, **changes: object) -> PlanInput:
    """A what-if scenario: ``inp`` with some fields replaced (re-solve it and ``compare_plans`` the results)."""
    return replace(inp, **changes)  # type: ignore[arg-type]
