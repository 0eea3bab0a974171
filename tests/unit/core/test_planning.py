"""Roadmap planner: hand-checked cases, infeasibility messages, and properties against brute force."""

from __future__ import annotations

import itertools
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tradeoff.core.planning import (
    AllocationRule,
    Candidate,
    Dependency,
    PlanInput,
    RoadmapPlan,
    Team,
    any_plan,
    compare_plans,
    fit_spans,
    hold_started,
    plan_roadmap,
    span_needed,
    with_changes,
)
from tradeoff.core.planning_greedy import _greedy
from tradeoff.core.planning_prepare import _prepare, _validate
from tradeoff.core.planning_search import (
    SearchProblem,
    compact_schedule,
    improve_schedule,
    resequence,
    round_relaxation,
    schedule_periods,
)
from tradeoff.core.planning_start import _search_problem
from tradeoff.errors import Infeasible, InvalidInput


def _inp(cands: list[Candidate], caps: tuple[float, ...], deps: tuple[Dependency, ...] = (), **kw: object) -> PlanInput:
    return PlanInput(tuple(cands), (Team("Core", caps),), len(caps), deps, time_limit=5.0, **kw)  # type: ignore[arg-type]


def test_knapsack_picks_the_best_pair_not_the_best_ratio() -> None:
    # capacity 10: A (value 9, 6 days) has the best ratio, but B + C (value 6 + 6, 5 + 5 days) are worth more
    cands = [
        Candidate("A", 9, {"Core": 6}),
        Candidate("B", 6, {"Core": 5}),
        Candidate("C", 6, {"Core": 5}),
    ]
    plan = plan_roadmap(_inp(cands, (10,)))
    assert set(plan.schedule) == {"B", "C"} and plan.value == 12
    assert plan.greedy_value == 9 and plan.value_difference == 3
    assert plan.status == "optimal" and plan.gap <= 1e-4


def test_dependency_forces_an_earlier_period() -> None:
    cands = [Candidate("A", 1, {"Core": 5}), Candidate("B", 10, {"Core": 5})]
    plan = plan_roadmap(_inp(cands, (10, 10), (Dependency("A", "B"),)))
    assert plan.schedule == {"A": 0, "B": 1}
    same = plan_roadmap(_inp(cands, (10,), (Dependency("A", "B"),), same_period_dependencies=True))
    assert same.schedule == {"A": 0, "B": 0}
    # strict order in a single period: B cannot be planned at all, only A
    strict = plan_roadmap(_inp(cands, (10,), (Dependency("A", "B"),)))
    assert strict.schedule == {"A": 0}


def test_a_feature_bigger_than_a_period_spreads_over_its_span() -> None:
    # 44 days against 34 a period: alone it fits nowhere; over 2 periods it takes 22 of each
    big = Candidate("Entities", 9, {"Core": 44})
    assert plan_roadmap(_inp([big], (34, 34, 34))).schedule == {}
    plan = plan_roadmap(_inp([replace(big, span=2), Candidate("Small", 1, {"Core": 12})], (34, 34, 34)))
    assert plan.schedule["Entities"] in (1, 2) and plan.value == 10
    load, done = plan.load["Core"], plan.schedule["Entities"]
    assert min(load[done - 1], load[done]) >= 22 - 1e-9 and sum(load) == pytest.approx(56) and max(load) <= 34 + 1e-9
    # B (2 periods) needs A: A is done in period 1, B worked on in periods 2-3
    cands = [Candidate("A", 1, {"Core": 5}), Candidate("B", 10, {"Core": 20}, span=2)]
    assert plan_roadmap(_inp(cands, (10, 10, 10), (Dependency("A", "B"),))).schedule == {"A": 0, "B": 2}
    # with two periods only, B cannot start after A: only A is planned
    assert plan_roadmap(_inp(cands, (10, 10), (Dependency("A", "B"),))).schedule == {"A": 0}


def test_span_needed_counts_the_capacity_left_for_the_category_and_the_busiest_team() -> None:
    teams = (Team("A", (10.0, 0.0, 10.0, 10.0)), Team("B", (4.0, 4.0, 4.0, 4.0)))
    inp = PlanInput((), teams, 4, rules=(AllocationRule(0.2, team="A"),))
    # A keeps 20% for tech work: a feature gets a typical 8 a period (the period off does not count)
    assert span_needed(inp, Candidate("F", 1, {"A": 20})) == (3, 8.0)
    assert span_needed(inp, Candidate("D", 1, {"A": 20}, category="tech_debt")) == (2, 10.0)
    assert span_needed(inp, Candidate("S", 1, {"A": 8})) == (1, 8.0)
    assert span_needed(inp, Candidate("X", 1, {"A": 8, "B": 10})) == (3, 4.0)  # B sets it
    assert span_needed(inp, Candidate("Huge", 1, {"A": 500}))[0] == 4  # capped at the plan: then it fits nowhere
    fitted = fit_spans(replace(inp, candidates=(Candidate("F", 1, {"A": 20}), Candidate("S", 1, {"A": 8}))))
    assert [c.span for c in fitted.candidates] == [3, 1]


def test_span_errors_name_the_feature() -> None:
    with pytest.raises(InvalidInput, match="feature F span must be a whole number of periods from 1 to 2") as e:
        plan_roadmap(_inp([Candidate("F", 1, {"Core": 1}, span=3)], (5, 5)))
    assert e.value.errors[0].loc == ["candidates", "F", "span"]
    must = Candidate("M", 1, {"Core": 30}, must_have=True, span=2)
    with pytest.raises(Infeasible, match=r"M needs 15 person-days a period over 2 periods but team Core has at most 10"):
        plan_roadmap(_inp([must], (10, 10, 10)))


def test_allocation_rule_reserves_capacity_without_forcing_tech_debt() -> None:
    cands = [Candidate("F1", 5, {"Core": 8}), Candidate("F2", 5, {"Core": 2})]
    rule = (AllocationRule(0.2),)
    plan = plan_roadmap(_inp(cands, (10,), rules=rule))
    assert set(plan.schedule) == {"F1"}  # 8 of the 10 days; no tech-debt work exists, still feasible
    cands.append(Candidate("D1", 1, {"Core": 2}, category="tech_debt"))
    plan = plan_roadmap(_inp(cands, (10,), rules=rule))
    assert set(plan.schedule) == {"F1", "D1"}


def test_must_have_and_deadline_are_respected_even_at_a_loss() -> None:
    cands = [Candidate("M", 1, {"Core": 10}, must_have=True, deadline=0), Candidate("V", 100, {"Core": 10})]
    plan = plan_roadmap(_inp(cands, (10, 0)))
    assert plan.schedule == {"M": 0} and plan.value == 1


def test_must_have_too_big_names_team_and_periods() -> None:
    cands = [Candidate("F12", 5, {"Payments": 40}, must_have=True, deadline=1)]
    inp = PlanInput(tuple(cands), (Team("Payments", (30, 30, 50)),), 3, time_limit=5.0)
    with pytest.raises(Infeasible, match=r"F12 needs 40 person-days but team Payments has at most 30.*periods 1–2"):
        plan_roadmap(inp)


def test_must_haves_together_exceed_capacity_before_deadline() -> None:
    cands = [Candidate(f"M{i}", 1, {"Core": 6}, must_have=True, deadline=1) for i in range(4)]
    with pytest.raises(Infeasible, match=r"need 24 person-days from team Core by period 2 but Core has 20"):
        plan_roadmap(_inp(cands, (10, 10, 10)))


def test_started_work_is_planned_from_the_first_period_even_at_a_loss() -> None:
    # S is in progress: it is planned, and worked on from period 1, although B is worth more in that period
    cands = [Candidate("S", 1, {"Core": 10}, started=True), Candidate("B", 9, {"Core": 10})]
    plan = plan_roadmap(_inp(cands, (10, 10)))
    assert plan.schedule == {"S": 0, "B": 1}
    free = plan_roadmap(_inp([replace(cands[0], started=False), cands[1]], (10, 10)))
    assert free.schedule == {"B": 0, "S": 1}  # without the flag, the more valuable work would come first
    spread = plan_roadmap(_inp([replace(cands[0], effort={"Core": 20}, span=2), cands[1]], (10, 10, 10)))
    assert spread.schedule["S"] == 1 and spread.schedule["B"] == 2  # worked on in periods 1 and 2


def test_too_much_work_in_progress_is_named() -> None:
    cands = [Candidate("S1", 1, {"Core": 8}, started=True), Candidate("S2", 1, {"Core": 8}, started=True)]
    with pytest.raises(Infeasible) as e:
        plan_roadmap(_inp(cands, (10, 10)))
    assert "in progress" in str(e.value) and "S1" in str(e.value) and "S2" in str(e.value)


def test_hold_started_keeps_the_promised_then_the_most_valuable_per_day_and_lets_the_rest_go() -> None:
    cands = [Candidate("Cheap", 1, {"Core": 5}, started=True), Candidate("Rich", 8, {"Core": 4}, started=True),
             Candidate("Promised", 1, {"Core": 4}, started=True, committed=True, deadline=2),
             Candidate("Idle", 5, {"Core": 1})]
    held, let_go = hold_started(_inp(cands, (9, 9, 9)))
    assert let_go == ("Cheap",)  # 4 + 4 days held in period 1; 5 more would not fit beside them
    plan = plan_roadmap(held)
    assert plan.schedule["Promised"] == 0 and plan.schedule["Rich"] == 0 and "Cheap" in plan.schedule
    assert hold_started(_inp(cands[1:], (9, 9, 9)))[1] == ()  # everything fits: nothing let go
    # with an allocation rule only 70% of a period is left for features: Rich no longer fits beside Promised
    assert hold_started(_inp(cands, (9, 9, 9), rules=(AllocationRule(0.3),)))[1] == ("Cheap", "Rich")


def test_cycle_is_named() -> None:
    cands = [Candidate("F1", 1, {"Core": 1}), Candidate("F3", 1, {"Core": 1})]
    deps = (Dependency("F1", "F3"), Dependency("F3", "F1"))
    with pytest.raises(Infeasible, match=r"dependency cycle: F(1|3) → F(1|3) → F(1|3)"):
        plan_roadmap(_inp(cands, (10,), deps))


def test_deadline_shorter_than_dependency_chain() -> None:
    cands = [Candidate("A", 1, {"Core": 1}), Candidate("B", 1, {"Core": 1}, committed=True, deadline=0)]
    with pytest.raises(Infeasible, match=r"A → B needs 2 periods"):
        plan_roadmap(_inp(cands, (10, 10), (Dependency("A", "B"),)))


def test_solver_infeasibility_is_diagnosed_by_relaxing_groups() -> None:
    # each must-have fits alone and all three fit in total (9 of the 10 days left by the 50% reservation), but
    # only one of them fits in each period's 5 days: only the solver sees that, and relaxing the rule names it
    cands = [Candidate(f"M{i}", 1, {"Core": 3}, must_have=True) for i in range(3)]
    with pytest.raises(Infeasible, match="allocation rules"):
        plan_roadmap(_inp(cands, (10, 10), rules=(AllocationRule(0.5),)))
    # when the reservation leaves too little in total, the checks before solving say so with the figures
    with pytest.raises(Infeasible, match=r"need 9 person-days from team Core by period 1 but Core has 5 for them"):
        plan_roadmap(_inp(cands, (10,), rules=(AllocationRule(0.5),)))


@pytest.mark.parametrize(
    ("caps", "effort", "field"),
    [((0.0, 0.0), 1.0, "capacity"), ((5.0, -1.0), 1.0, "capacity"), ((5.0, 5.0), -2.0, "effort")],
)
def test_invalid_input_names_the_field(caps: tuple[float, ...], effort: float, field: str) -> None:
    with pytest.raises(InvalidInput) as e:
        plan_roadmap(_inp([Candidate("F", 1, {"Core": effort})], caps))
    assert field in e.value.errors[0].loc


def test_unknown_team_and_feature_are_invalid() -> None:
    with pytest.raises(InvalidInput, match="unknown team Web"):
        plan_roadmap(_inp([Candidate("F", 1, {"Web": 1})], (5,)))
    with pytest.raises(InvalidInput, match="unknown feature G"):
        plan_roadmap(_inp([Candidate("F", 1, {"Core": 1})], (5,), (Dependency("G", "F"),)))


def test_compare_plans_and_what_if() -> None:
    cands = [Candidate("A", 5, {"Core": 5}), Candidate("B", 4, {"Core": 5}), Candidate("C", 3, {"Core": 5})]
    base = plan_roadmap(_inp(cands, (10, 5)))
    other = plan_roadmap(with_changes(_inp(cands, (10, 5)), teams=(Team("Core", (5.0, 5.0)),)))
    diff = compare_plans(base, other)
    assert diff.value_difference == other.value - base.value == -3
    assert diff.removed == ("C",) and diff.added == ()
    assert compare_plans(base, base).moved == ()


# ------------------------------------------------------------------------------------ properties


def _brute(inp: PlanInput) -> float:
    """Best value by enumerating every assignment feature → (not planned | period)."""
    cands = inp.candidates
    lag = 0 if inp.same_period_dependencies else 1
    best = -1.0
    for choice in itertools.product([None, *range(inp.periods)], repeat=len(cands)):
        sched = {c.id: p for c, p in zip(cands, choice, strict=True) if p is not None}
        if _violations(inp, sched, lag):
            continue
        best = max(best, sum(c.value for c in cands if c.id in sched))
    return best


def _violations(inp: PlanInput, sched: dict[str, int], lag: int) -> list[str]:
    out: list[str] = []
    by_id = {c.id: c for c in inp.candidates}
    for c in inp.candidates:
        if c.required and c.id not in sched:
            out.append(f"missing {c.id}")
        if c.id in sched and c.deadline is not None and sched[c.id] > c.deadline:
            out.append(f"late {c.id}")
        if c.id in sched and sched[c.id] - c.span + 1 < 0:
            out.append(f"starts before the plan {c.id}")
        if c.id in sched and c.started and sched[c.id] - c.span + 1 != 0:
            out.append(f"started work not worked on from the first period {c.id}")
    for d in inp.dependencies:
        # the prerequisite is done `lag` periods before the feature's first period
        first = sched.get(d.feature, 0) - by_id[d.feature].span + 1
        if d.feature in sched and (d.prerequisite not in sched or sched[d.prerequisite] + lag > first):
            out.append(f"dependency {d}")
    for t in inp.teams:
        for p in range(inp.periods):
            # a feature done in period q is worked on, evenly, in periods q − span + 1 … q
            here = [by_id[f] for f, q in sched.items() if q - by_id[f].span < p <= q]
            if sum(c.effort.get(t.name, 0) / c.span for c in here) > t.capacity[p] + 1e-6:
                out.append(f"capacity {t.name} {p}")
            for r in inp.rules:
                if r.team in (None, t.name):
                    other = sum(c.effort.get(t.name, 0) / c.span for c in here if c.category not in r.categories)
                    if other > t.capacity[p] * (1 - r.min_share) + 1e-6:
                        out.append(f"rule {t.name} {p}")
    return out


@st.composite
def small_inputs(draw: st.DrawFn) -> PlanInput:
    n = draw(st.integers(1, 5))
    periods = draw(st.integers(1, 3))
    teams = ("A", "B")
    cands = []
    for i in range(n):
        effort = {draw(st.sampled_from(teams)): float(draw(st.integers(1, 8)))}
        if draw(st.booleans()):
            effort[draw(st.sampled_from(teams))] = float(draw(st.integers(0, 5)))
        cands.append(
            Candidate(
                f"F{i}",
                float(draw(st.integers(0, 20))),
                effort,
                must_have=draw(st.integers(0, 5)) == 0,
                deadline=draw(st.one_of(st.none(), st.integers(0, periods - 1))),
                category=draw(st.sampled_from(["feature", "feature", "tech_debt"])),
                span=min(periods, draw(st.sampled_from([1, 1, 2, 3]))),
                started=draw(st.integers(0, 6)) == 0,
            )
        )
    deps = tuple(
        Dependency(f"F{j}", f"F{i}") for i in range(n) for j in range(i) if draw(st.integers(0, 3)) == 0
    )
    team_objs = tuple(Team(t, tuple(float(draw(st.integers(1, 12))) for _ in range(periods))) for t in teams)
    rules = (AllocationRule(0.25),) if draw(st.booleans()) else ()
    return PlanInput(tuple(cands), team_objs, periods, deps, rules, draw(st.booleans()), time_limit=5.0)


def _check(inp: PlanInput, plan: RoadmapPlan) -> None:
    lag = 0 if inp.same_period_dependencies else 1
    assert _violations(inp, dict(plan.schedule), lag) == []
    assert plan.bound >= plan.value - 1e-6
    if plan.greedy_feasible:
        assert _violations(inp, dict(plan.greedy_schedule), lag) == []
        assert plan.value >= plan.greedy_value - 1e-9
    for t in inp.teams:
        assert all(used <= cap + 1e-6 for used, cap in zip(plan.load[t.name], t.capacity, strict=True))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_inputs())
def test_plan_is_valid_and_optimal_against_brute_force(inp: PlanInput) -> None:
    best = _brute(inp)
    try:
        plan = plan_roadmap(inp)
    except Infeasible:
        assert best < 0, "planner said infeasible but a plan exists"
        return
    assert best >= 0
    _check(inp, plan)
    assert plan.value == pytest.approx(best, abs=1e-6)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_inputs(), st.lists(st.integers(-1, 2), min_size=5, max_size=5))
def test_any_plan_finds_a_valid_plan_exactly_when_one_exists(inp: PlanInput, hint: list[int]) -> None:
    # whatever the hint (a period per feature, -1 for none, possibly breaking every rule), the quick plan keeps
    # every rule, and it is found (or proven impossible) exactly when brute force finds a plan
    best = _brute(inp)
    hinted = {c.id: min(p, inp.periods - 1) for c, p in zip(inp.candidates, hint, strict=False) if p >= 0}
    try:
        found = any_plan(inp, hinted, 5.0)
    except Infeasible:
        assert best < 0, "said no plan exists but brute force found one"
        return
    assert best >= 0 and found is not None
    assert _violations(inp, found, 0 if inp.same_period_dependencies else 1) == []


def test_a_plan_only_asked_whether_it_exists_is_not_diagnosed() -> None:
    # the instance of the diagnosis test above: the solver proves it infeasible; without `explain` nothing is
    # relaxed to name why, and `any_plan` agrees
    inp = _inp([Candidate(f"M{i}", 1, {"Core": 3}, must_have=True) for i in range(3)], (10, 10),
               rules=(AllocationRule(0.5),))
    with pytest.raises(Infeasible) as exc:
        plan_roadmap(inp, explain=False)
    assert "relaxing" not in str(exc.value)
    with pytest.raises(Infeasible):
        any_plan(inp, {}, 5.0)


# ------------------------------------------------------------------ local search and LP rounding


def _setup(inp: PlanInput) -> tuple[SearchProblem, list[int], list[str]] | None:
    try:
        prep = _prepare(inp, _validate(inp))
    except Infeasible:
        return None
    greedy, ok = _greedy(inp, prep)
    if not ok:
        return None
    ids = [c.id for c in inp.candidates]
    return _search_problem(inp, prep), schedule_periods(ids, greedy), ids


def _value(inp: PlanInput, period: list[int]) -> float:
    return sum(c.value for c, p in zip(inp.candidates, period, strict=True) if p >= 0)


def _sched(ids: list[str], period: list[int]) -> dict[str, int]:
    return {f: p for f, p in zip(ids, period, strict=True) if p >= 0}


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_inputs(), st.integers(0, 2**32 - 1))
def test_local_search_keeps_every_rule_and_never_loses_value(inp: PlanInput, seed: int) -> None:
    setup = _setup(inp)
    if setup is None:
        return
    prob, start, ids = setup
    out = improve_schedule(prob, start, np.random.default_rng(seed), 60)
    lag = 0 if inp.same_period_dependencies else 1
    assert _violations(inp, _sched(ids, out), lag) == []
    assert _value(inp, out) >= _value(inp, start) - 1e-9


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_inputs(), st.integers(0, 2**32 - 1))
def test_any_relaxation_rounds_to_a_valid_plan(inp: PlanInput, seed: int) -> None:
    # the rounding must be valid whatever fractions it is given, not only an optimal LP solution
    setup = _setup(inp)
    if setup is None:
        return
    prob, _, ids = setup
    x = np.random.default_rng(seed).random((len(ids), inp.periods)).tolist()
    out = round_relaxation(prob, x)
    if out is not None:
        assert _violations(inp, _sched(ids, out), 0 if inp.same_period_dependencies else 1) == []


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_inputs(), st.integers(0, 2**32 - 1))
def test_sequencing_again_keeps_every_rule_and_feature(inp: PlanInput, seed: int) -> None:
    setup = _setup(inp)
    if setup is None:
        return
    prob, start, ids = setup
    lag = 0 if inp.same_period_dependencies else 1
    plan = improve_schedule(prob, start, np.random.default_rng(seed), 30)  # some valid plan, then sequence it
    listed = resequence(prob, plan)  # weighted shortest job first, or None when that order does not fit all
    if listed is not None:
        assert _violations(inp, _sched(ids, listed), lag) == []
        assert [p >= 0 for p in listed] == [p >= 0 for p in plan]
    out = compact_schedule(prob, plan)  # every feature as early as it fits: none later, none dropped
    assert _violations(inp, _sched(ids, out), lag) == []
    assert [p >= 0 for p in out] == [p >= 0 for p in plan]
    assert all(q <= p for p, q in zip(plan, out, strict=True))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_inputs())
def test_the_plan_delivers_no_later_than_sort_and_fill_when_both_choose_the_same_features(inp: PlanInput) -> None:
    try:
        plan = plan_roadmap(replace(inp, time_limit=2.0))
    except Infeasible:
        return
    if not plan.greedy_feasible or set(plan.greedy_schedule) != set(plan.schedule):
        return
    value = {c.id: c.value for c in inp.candidates}

    def earliness(schedule: dict[str, int]) -> float:  # each feature's value times the periods left after it
        return sum(value[f] * (inp.periods - p) for f, p in schedule.items())

    assert earliness(plan.schedule) >= earliness(dict(plan.greedy_schedule)) - 1e-6


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_inputs(), st.integers(0, 2), st.integers(1, 6))
def test_a_what_if_kept_close_is_still_optimal_and_with_more_people_moves_nothing_later(
        inp: PlanInput, team: int, more: int) -> None:
    """A what-if solved close to its plan (``keep_close``) is as good as one solved afresh (same optimal value,
    every rule kept); when it only adds capacity and chooses the same features, no feature is done later than in
    the plan, and a team given nothing keeps its features where they were."""
    try:
        base = plan_roadmap(inp)
    except Infeasible:
        return
    grown = tuple(replace(t, capacity=tuple(c + more for c in t.capacity)) if k == team else t
                  for k, t in enumerate(inp.teams))
    what_if = replace(inp, teams=grown, keep_close=tuple(base.schedule.items()))
    close = plan_roadmap(what_if)
    _check(what_if, close)
    assert close.value == pytest.approx(_brute(what_if), abs=1e-6)
    if set(close.schedule) == set(base.schedule):
        assert all(close.schedule[f] <= p for f, p in base.schedule.items())
    if team == 2:  # nobody added (a third team index): the plan itself is the what-if's plan
        assert dict(close.schedule) == dict(base.schedule)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_inputs(), st.data())
def test_a_plan_kept_close_to_any_earlier_answer_keeps_every_rule_and_is_still_optimal(
        inp: PlanInput, data: st.DataObject) -> None:
    """Solved again close to an earlier answer that no longer fits (a must-have or promise it lacks, a feature
    past its deadline, periods over capacity), the plan still keeps every rule and is worth the optimum."""
    hint = tuple((c.id, data.draw(st.integers(0, inp.periods - 1))) for c in inp.candidates if data.draw(st.booleans()))
    expected = _brute(inp)
    if expected < 0:  # no plan keeps every rule: said, kept close or not
        with pytest.raises(Infeasible):
            plan_roadmap(replace(inp, keep_close=hint))
        return
    close = plan_roadmap(replace(inp, keep_close=hint))
    _check(inp, close)
    assert close.value == pytest.approx(expected, abs=1e-6)


def test_a_plan_kept_close_to_an_answer_without_a_new_promise_still_keeps_the_promise() -> None:
    """The earlier answer (Credit notes and Dunning) is worth more than any plan with the promised Audit log: kept
    close or not, the promise is kept."""
    cands = (Candidate("Audit log", 8.5, {"Core": 9}, committed=True, deadline=0),
             Candidate("Credit notes", 6, {"Core": 6}), Candidate("Dunning", 12, {"Core": 13}))
    inp = PlanInput(cands, (Team("Core", (20.0,)),), 1, time_limit=2.0)
    close = plan_roadmap(replace(inp, keep_close=(("Credit notes", 0), ("Dunning", 0))))
    assert dict(close.schedule) == {"Audit log": 0, "Credit notes": 0} == dict(plan_roadmap(inp).schedule)


def test_a_what_if_kept_close_moves_only_the_team_that_changed() -> None:
    """Two teams, features of equal value, a plan that has Web's in its own order: with one more person on Core,
    Core's work moves earlier and Web's stays exactly where the plan had it (solved afresh, Web's order would be
    the solver's own)."""
    cands = [Candidate(f"C{i}", 10.0, {"Core": 5.0}) for i in range(6)]
    cands += [Candidate(f"W{i}", 10.0, {"Web": 5.0}) for i in range(6)]
    inp = PlanInput(tuple(cands), (Team("Core", (5.0,) * 6), Team("Web", (5.0,) * 6)), 6, time_limit=5.0)
    plan = {**{f"C{i}": i for i in range(6)}, **{f"W{i}": 5 - i for i in range(6)}}  # Web's in reverse
    assert _violations(inp, plan, 1) == []
    more = replace(inp, teams=(Team("Core", (10.0,) * 6), Team("Web", (5.0,) * 6)))
    afresh = plan_roadmap(more)
    assert {f: p for f, p in afresh.schedule.items() if f.startswith("W")} != {f"W{i}": 5 - i for i in range(6)}
    close = plan_roadmap(replace(more, keep_close=tuple(plan.items())))
    assert {f: p for f, p in close.schedule.items() if f.startswith("W")} == {f"W{i}": 5 - i for i in range(6)}
    assert {f: p for f, p in close.schedule.items() if f.startswith("C")} == \
        {"C0": 0, "C1": 0, "C2": 1, "C3": 1, "C4": 2, "C5": 2}  # twice the people: two a period, in plan order
    assert close.value == afresh.value == 120


def test_the_most_valuable_work_comes_first_when_the_value_is_the_same_either_way() -> None:
    cands = [Candidate("Low", 1, {"Core": 10}), Candidate("High", 50, {"Core": 10}), Candidate("Mid", 5, {"Core": 10})]
    plan = plan_roadmap(_inp(cands, (10, 10, 10)))
    assert plan.schedule == {"High": 0, "Mid": 1, "Low": 2}
    # by value per person-day: a small valuable job before a big one worth a little more
    cands = [Candidate("Big", 12, {"Core": 20}, span=2), Candidate("Quick", 10, {"Core": 10})]
    assert plan_roadmap(_inp(cands, (10, 10, 10))).schedule == {"Quick": 0, "Big": 2}


def test_local_search_trades_the_best_ratio_for_a_better_pair() -> None:
    # capacity 10: greedy takes A (value 9, 6 days, best ratio); B + C (6 + 6 for 5 + 5 days) are worth 12
    cands = (Candidate("A", 9, {"Core": 6}), Candidate("B", 6, {"Core": 5}), Candidate("C", 6, {"Core": 5}))
    inp = PlanInput(cands, (Team("Core", (10.0,)),), 1)
    setup = _setup(inp)
    assert setup is not None
    prob, start, ids = setup
    assert _sched(ids, start) == {"A": 0}
    out = improve_schedule(prob, start, np.random.default_rng(1), 300)
    assert _sched(ids, out) == {"B": 0, "C": 0}


def _medium(rng: np.random.Generator, n: int = 80, periods: int = 4) -> PlanInput:
    teams = ("T1", "T2", "T3")
    cands = []
    for i in range(n):
        effort = {teams[int(rng.integers(3))]: float(rng.integers(2, 15))}
        if rng.random() < 0.3:
            effort[teams[int(rng.integers(3))]] = float(rng.integers(1, 8))
        cands.append(
            Candidate(
                f"F{i}",
                float(rng.integers(1, 60)),
                effort,
                must_have=bool(rng.random() < 0.05),
                deadline=int(rng.integers(2, periods)) if rng.random() < 0.1 else None,
                category="tech_debt" if rng.random() < 0.3 else "feature",
            )
        )
    deps = tuple(
        Dependency(f"F{j}", f"F{i}")
        for i in range(5, n)
        for j in [int(rng.integers(0, i))]
        if rng.random() < 0.25 and not (cands[i].must_have and not cands[j].must_have)
    )
    caps = tuple(Team(t, tuple(float(rng.integers(20, 40)) for _ in range(periods))) for t in teams)
    return PlanInput(tuple(cands), caps, periods, deps, (AllocationRule(0.2),), same_period_dependencies=bool(rng.random() < 0.3))


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_local_search_on_a_crowded_roadmap_stays_valid_and_gains(seed: int) -> None:
    inp = _medium(np.random.default_rng(seed))
    setup = _setup(inp)
    if setup is None:
        pytest.skip("this random roadmap has no greedy plan")
    prob, start, ids = setup
    out = improve_schedule(prob, start, np.random.default_rng(seed), 400)
    assert _violations(inp, _sched(ids, out), 0 if inp.same_period_dependencies else 1) == []
    assert _value(inp, out) >= _value(inp, start)


def test_the_roadmap_planner_still_solves_after_an_nrp_solve_in_the_same_process() -> None:
    # HiGHS fixes its thread pool at a process's first solve and refuses later solves that ask for another size;
    # the NRP solver and the roadmap planner once asked for different ones, so the order of solves mattered.
    import subprocess
    import sys
    import textwrap

    script = textwrap.dedent("""
        from tradeoff.core.planning import Candidate, PlanInput, Team, plan_roadmap
        from tradeoff.core.planning_nrp import NrpCustomer, NrpInstance, solve_nrp
        inst = NrpInstance(costs=(2.0, 3.0), dependencies=(), customers=(NrpCustomer(5.0, (1,)), NrpCustomer(4.0, (2,))))
        print(solve_nrp(inst, cost_ratio=0.5, time_limit=10).status)
        cands = [Candidate("A", 9, {"Core": 6}), Candidate("B", 6, {"Core": 5}), Candidate("C", 6, {"Core": 5})]
        plan = plan_roadmap(PlanInput(tuple(cands), (Team("Core", (10.0,)),), 1, time_limit=10))
        print(plan.status, sorted(plan.schedule), plan.value)
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[1] == "optimal ['B', 'C'] 12.0"
