"""The Next Release Problem core: parser, closure semantics, greedy baseline, exact solver vs brute force."""

from __future__ import annotations

import dataclasses
import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tradeoff.core.planning_nrp import (
    HIGHS_NRP_OPTIONS,
    NrpCustomer,
    NrpInstance,
    NrpSolution,
    best_of,
    dependency_closure,
    evaluate_selection,
    greedy_nrp,
    parse_nrp,
    requirement_closures,
    solve_nrp,
)
from tradeoff.errors import InvalidInput

# 2 levels: requirements 1-2 (costs 3, 4) and 3-4 (costs 5, 1); 4 needs 1, 3 needs 2; three customers.
SMALL = """2
2
3 4
2
5 1
2
1 4
2 3
3
10 1 4
7 2 3 4
5 1 1
"""


def test_parse_small_instance() -> None:
    inst = parse_nrp(SMALL)
    assert inst.costs == (3, 4, 5, 1)
    assert inst.levels == (2, 2)
    assert inst.dependencies == ((1, 4), (2, 3))
    assert inst.customers == (NrpCustomer(10, (4,)), NrpCustomer(7, (3, 4)), NrpCustomer(5, (1,)))
    assert inst.total_cost == 13
    assert inst.budget(0.5) == 6.5


def test_parse_skips_annotation_lines_and_accepts_crlf() -> None:
    annotated = "1\r\n^ Level of requirements\r\n2\r\n^ count\r\n1 2\r\n0\r\n1\r\n5 2 1 2\r\n"
    inst = parse_nrp(annotated)
    assert inst.costs == (1, 2)
    assert inst.customers == (NrpCustomer(5, (1, 2)),)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("1\n2\n1 x\n0\n0\n", "expected a number"),
        ("1\n2\n1 2\n0\n1\n5 2 1\n", "ends early"),
        ("1\n2\n1 2\n0\n1\n5 1 3\n", "ids run from 1 to 2"),
        ("1\n2\n1 2\n1\n1 9\n0\n", "ids run from 1 to 2"),
        ("1\n2\n1 2\n0\n1\n-5 1 1\n", "negative profit"),
        ("1\n2\n1 -2\n0\n0\n", "negative cost"),
        ("1\n2\n1 2\n0\n0\n7\n", "unexpected tokens"),
        ("1\n2.5\n", "whole number"),
    ],
)
def test_parse_errors_name_the_problem(text: str, fragment: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        parse_nrp(text)
    assert fragment in exc.value.message


def test_closure_follows_prerequisites_transitively() -> None:
    inst = NrpInstance(costs=(1, 1, 1, 1), dependencies=((1, 2), (2, 3)), customers=(NrpCustomer(1, (3,)),))
    assert requirement_closures(inst) == (frozenset({1, 2, 3}),)
    assert dependency_closure(inst, [3, 4]) == frozenset({1, 2, 3, 4})


def test_closure_survives_dependency_cycles() -> None:
    inst = NrpInstance(costs=(1, 1, 1), dependencies=((1, 2), (2, 1)), customers=(NrpCustomer(1, (2,)),))
    assert requirement_closures(inst) == (frozenset({1, 2}),)


def test_profit_counts_only_when_prerequisites_are_delivered() -> None:
    inst = parse_nrp(SMALL)
    # customer 1 asks for 4, which needs 1: delivering 4 alone earns nothing
    assert evaluate_selection(inst, [4])[0] == 0
    value, cost, satisfied = evaluate_selection(inst, [1, 4])
    # customer 3 (asks for 1) rides along for free
    assert (value, cost, satisfied) == (15, 4, (1, 3))


def test_greedy_fills_by_profit_per_cost_still_needed() -> None:
    inst = parse_nrp(SMALL)
    plan_sel, value = greedy_nrp(inst, 6.5)
    # ratios: c1 10/4, c3 5/3, c2 7/13 (too big) -> c1 first; then c3 needs nothing more
    assert set(plan_sel) == {1, 4}
    assert value == 15


def test_solve_small_instance_is_optimal() -> None:
    inst = parse_nrp(SMALL)
    sol = solve_nrp(inst, cost_ratio=1.0)
    assert sol.value == 22
    assert sol.status == "optimal"
    assert sol.bound == 22 and sol.gap == 0
    assert sol.satisfied == (1, 2, 3)
    tight = solve_nrp(inst, budget=4)
    assert (tight.value, tight.selected, tight.cost) == (15, (1, 4), 4)
    defaults = dict(HIGHS_NRP_OPTIONS)
    seeded = solve_nrp(inst, budget=4, options={"random_seed": 3})  # extra HiGHS options, as the benchmark uses
    assert (seeded.value, seeded.selected, seeded.status) == (15, (1, 4), "optimal")
    assert defaults == HIGHS_NRP_OPTIONS  # the module's defaults are not changed by a call's options


def test_solve_with_nothing_affordable() -> None:
    inst = parse_nrp(SMALL)
    sol = solve_nrp(inst, budget=0.5)
    assert sol.value == 0 and sol.selected == () and sol.bound == 0 and sol.status == "optimal"


def test_solve_rejects_bad_budget_arguments() -> None:
    inst = parse_nrp(SMALL)
    with pytest.raises(InvalidInput):
        solve_nrp(inst)
    with pytest.raises(InvalidInput):
        solve_nrp(inst, cost_ratio=0.5, budget=3)
    with pytest.raises(InvalidInput):
        solve_nrp(inst, cost_ratio=-0.1)


def test_customer_needing_nothing_counts_in_value_and_bound() -> None:
    inst = NrpInstance(costs=(2, 3), dependencies=(), customers=(NrpCustomer(4, ()), NrpCustomer(9, (2,))))
    sol = solve_nrp(inst, budget=3)
    assert sol.value == 13 and sol.bound == 13


def _brute_force(inst: NrpInstance, budget: float) -> float:
    closures = requirement_closures(inst)
    best = 0.0
    n = inst.n_requirements
    for k in range(n + 1):
        for combo in itertools.combinations(range(1, n + 1), k):
            if sum(inst.costs[r - 1] for r in combo) <= budget + 1e-9:
                best = max(best, evaluate_selection(inst, combo, closures)[0])
    return best


@st.composite
def tiny_instances(draw: st.DrawFn) -> tuple[NrpInstance, float]:
    n = draw(st.integers(1, 7))
    costs = tuple(draw(st.lists(st.integers(0, 9), min_size=n, max_size=n)))
    pairs = [(a, b) for a in range(1, n + 1) for b in range(1, n + 1) if a != b]
    deps = tuple(draw(st.lists(st.sampled_from(pairs), max_size=6, unique=True))) if pairs else ()
    customers = tuple(
        NrpCustomer(
            draw(st.integers(0, 30)),
            tuple(draw(st.lists(st.integers(1, n), min_size=0, max_size=3, unique=True))),
        )
        for _ in range(draw(st.integers(0, 6)))
    )
    ratio = draw(st.sampled_from([0.0, 0.2, 0.3, 0.5, 0.7, 1.0]))
    inst = NrpInstance(costs, deps, customers)
    return inst, inst.budget(ratio)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tiny_instances())
def test_solver_matches_brute_force_on_tiny_instances(case: tuple[NrpInstance, float]) -> None:
    inst, budget = case
    sol = solve_nrp(inst, budget=budget, time_limit=20)
    assert sol.value == pytest.approx(_brute_force(inst, budget))
    assert sol.status == "optimal"
    assert sol.bound >= sol.value - 1e-9
    assert sol.cost <= budget + 1e-9
    assert dependency_closure(inst, sol.selected) == frozenset(sol.selected)
    assert evaluate_selection(inst, sol.selected) == (sol.value, sol.cost, sol.satisfied)
    assert sol.greedy_value <= sol.value + 1e-9
    assert sum(inst.costs[r - 1] for r in sol.greedy_selected) <= budget + 1e-9


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tiny_instances())
def test_scipy_fallback_backend_agrees(case: tuple[NrpInstance, float]) -> None:
    inst, budget = case
    sol = solve_nrp(inst, budget=budget, time_limit=20, backend="scipy")
    assert sol.value == pytest.approx(_brute_force(inst, budget))
    assert "scipy" in sol.method or sol.method.startswith("trivial")


@st.composite
def runs_of_one_instance(draw: st.DrawFn) -> tuple[float, list[NrpSolution]]:
    """What several solves of one instance could report: each value at most the optimum, each bound at least it,
    and a solve that says "optimal" found the optimum."""
    opt = float(draw(st.integers(0, 1000)))
    base = NrpSolution(budget=10.0, value=0, cost=0, bound=0, gap=0, seconds=0, status="", selected=(),
                       satisfied=(), greedy_value=0.0, greedy_selected=(), greedy_satisfied=(), method="m")
    runs = []
    for i in range(draw(st.integers(1, 4))):
        proved = draw(st.booleans())
        value = opt if proved else float(draw(st.integers(0, int(opt))))
        bound = opt if proved else opt + draw(st.integers(0, 200))
        runs.append(dataclasses.replace(base, value=value, bound=bound, seconds=draw(st.floats(0.1, 60)),
                                        status="optimal" if proved else "time_limit", selected=(i,)))
    return opt, runs


@settings(max_examples=200)
@given(runs_of_one_instance())
def test_best_of_keeps_the_best_selection_and_the_lowest_bound(case: tuple[float, list[NrpSolution]]) -> None:
    opt, runs = case
    got = best_of(runs)
    assert got.value == max(r.value for r in runs) and got.value <= opt <= got.bound
    assert got.bound == min(r.bound for r in runs)
    assert got.selected in {r.selected for r in runs if r.value == got.value}
    assert got.gap == pytest.approx((got.bound - got.value) / got.bound if got.bound else 0.0)
    proved = [r for r in runs if r.status == "optimal"]
    assert (got.status == "optimal") == bool(proved or got.bound == got.value)
    assert got.seconds == (min(r.seconds for r in proved) if proved else max(r.seconds for r in runs))


def test_best_of_refuses_nothing_and_mixed_budgets() -> None:
    sol = solve_nrp(parse_nrp(SMALL), budget=4)
    with pytest.raises(ValueError, match="at least one"):
        best_of([])
    with pytest.raises(ValueError, match="different budgets"):
        best_of([sol, dataclasses.replace(sol, budget=5)])
    assert best_of([sol]) == sol
