"""Blockers and risks in the backlog simulation: work that holds features up (a gate) and work that may not be
needed at all (a chance below 1)."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tradeoff.core import forecasting_backlog as fb
from tradeoff.core.forecasting_backlog_input import BacklogFeature, BacklogTeam, prepare_backlog
from tradeoff.errors import InvalidInput

START = date(2027, 1, 4)


def _run(feats: list[BacklogFeature], teams: list[BacklogTeam], trials: int = 400, seed: int = 7) -> dict[str, np.ndarray]:
    prep = prepare_backlog(feats, teams)
    rng = np.random.default_rng(seed)
    efforts = fb.sample_efforts(feats, trials, rng, keyed_seed=seed)
    paces = fb.sample_paces(teams, trials, rng, keyed_seed=seed)
    finish = fb.schedule(prep, efforts, paces, calendars=[t.calendar for t in teams])
    return {f.key: finish[i] for i, f in enumerate(feats)}


def test_a_gate_opens_no_lane_of_its_own() -> None:
    """One feature and the blocker before it, on a team of 5 person-days a week with a WIP limit of 2: the team
    works on the blocker, then on the feature, each at its whole pace (10 + 5 days = 3 weeks), not at half of it
    beside an idle lane."""
    team = BacklogTeam("core", capacity_per_week=5.0, wip_limit=2)
    gate = BacklogFeature("blocker:1", "core", 10, 10, 10, gate=True)
    feat = BacklogFeature("F", "core", 5, 5, 5, depends_on=("blocker:1",))
    done = _run([gate, feat], [team], trials=10)
    assert np.allclose(done["blocker:1"], 2.0) and np.allclose(done["F"], 3.0)
    assert prepare_backlog([gate, feat], [team]).wip == (1,)
    # not held up by anything, the same work would be done beside the feature, each on a lane of its own
    beside = BacklogFeature("blocker:1", "core", 10, 10, 10)
    alone = BacklogFeature("F", "core", 5, 5, 5)
    assert prepare_backlog([beside, alone], [team]).wip == (2,)
    assert prepare_backlog([BacklogFeature("blocker:1", "core", 10, 10, 10, gate=True), alone], [team]).wip == (1,)


def test_a_risk_is_needed_in_its_share_of_trials_and_costs_nothing_otherwise() -> None:
    risk = BacklogFeature("risk", "core", 4, 6, 9, chance=0.3)
    e = fb.sample_efforts([risk], 100_000, np.random.default_rng(0), keyed_seed=3)[0]
    needed = e > 0
    assert needed.mean() == pytest.approx(0.3, abs=0.01)
    assert e[needed].min() >= 4 and e[needed].max() <= 9
    assert e[needed].mean() == pytest.approx((4 + 6 + 9) / 3, abs=0.05)


def test_a_risks_draw_leaves_every_other_draw_as_it_was() -> None:
    """Common random numbers: adding a risk to a feature of the backlog changes no other feature's effort."""
    a, b = BacklogFeature("A", "core", 1, 2, 3), BacklogFeature("B", "core", 2, 4, 8)
    without = fb.sample_efforts([a, b], 500, np.random.default_rng(1), keyed_seed=9)
    risk = BacklogFeature("risk", "core", 3, 3, 3, chance=0.5)
    with_risk = fb.sample_efforts([a, risk, b], 500, np.random.default_rng(1), keyed_seed=9)
    assert np.array_equal(without[0], with_risk[0]) and np.array_equal(without[1], with_risk[2])


@pytest.mark.parametrize("chance", [0.0, -0.1, 1.5, float("nan")])
def test_a_chance_outside_0_to_1_is_refused_naming_the_feature(chance: float) -> None:
    with pytest.raises(InvalidInput, match="'risk': chance must be in"):
        prepare_backlog([BacklogFeature("risk", "core", 1, 1, 1, chance=chance)],
                        [BacklogTeam("core", capacity_per_week=5.0)])


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 8), st.floats(0, 8), st.booleans()), min_size=1, max_size=6),
       st.floats(0, 10), st.floats(0.05, 1.0), st.integers(1, 3), st.floats(1, 10), st.integers(0, 2**31))
def test_held_features_never_finish_before_their_blocker(rows: list[tuple[float, float, bool]], size: float,
                                                         chance: float, wip: int, cap: float, seed: int) -> None:
    """Whatever the backlog, every feature a blocker holds up finishes no earlier than the blocker in every trial,
    and at least its own least work (at the team's whole pace) after it."""
    team = BacklogTeam("core", capacity_per_week=cap, wip_limit=wip)
    gate = BacklogFeature("blocker:1", "core", size, size, size, chance=chance, gate=True)
    feats = [gate]
    for i, (x, y, held) in enumerate(rows):
        lo, hi = sorted((x, y))
        feats.append(BacklogFeature(f"F{i}", "core", lo, lo, hi, ("blocker:1",) if held else ()))
    prep = prepare_backlog(feats, [team])
    done = _run(feats, [team], trials=200, seed=seed)
    for i, (x, y, held) in enumerate(rows):
        if held:
            own = min(x, y) / cap  # its least effort, at the whole team's pace
            assert np.all(done[f"F{i}"] >= done["blocker:1"] + own - 1e-4)
    assert prep.wip[0] == max(1, min(wip, len(rows)))  # the held features do not wait for each other


def test_simulate_backlog_reports_a_gate_like_any_work() -> None:
    team = BacklogTeam("core", capacity_per_week=5.0)
    feats = [BacklogFeature("blocker:2", "core", 5, 5, 5, gate=True),
             BacklogFeature("F", "core", 5, 5, 5, depends_on=("blocker:2",))]
    fc = fb.simulate_backlog(feats, [team], start=START, rng=np.random.default_rng(0), trials=100, keyed_seed=1)
    by = {f.name: f for f in fc.features}
    assert by["blocker:2"].p50 == date(2027, 1, 11) and by["F"].p50 == date(2027, 1, 18)


# --- a WIP limit caps the work in progress; it throws no capacity away ----------------------------------------


def test_features_left_when_the_team_has_nothing_else_share_its_whole_pace() -> None:
    """Three features of 5, 10 and 15 person-days on a team of 5 a week with a WIP limit of 3: all three start at
    once, each at a third of the pace; when the smallest is done the other two share the whole pace, then the last
    has it alone: done at weeks 3, 5 and 6 (all the work, 30 days, in 6 weeks), not 3, 6 and 9 with lanes idling."""
    team = BacklogTeam("core", capacity_per_week=5.0, wip_limit=3)
    feats = [BacklogFeature(k, "core", e, e, e) for k, e in (("A", 5), ("B", 10), ("C", 15))]
    done = _run(feats, [team], trials=5)
    assert [float(done[k][0]) for k in "ABC"] == pytest.approx([3.0, 5.0, 6.0], abs=1e-4)


def test_a_chain_of_features_gets_the_whole_team_in_turn() -> None:
    """Passwordless then SAML (which needs it), 10 person-days each, on a team of 5 a week with a WIP limit of 3:
    2 weeks each, one after the other (done at weeks 2 and 4), not at half the pace beside an idle lane."""
    team = BacklogTeam("platform", capacity_per_week=5.0, wip_limit=3)
    feats = [BacklogFeature("P", "platform", 10, 10, 10), BacklogFeature("S", "platform", 10, 10, 10, ("P",))]
    assert prepare_backlog(feats, [team]).wip == (1,)
    done = _run(feats, [team], trials=5)
    assert float(done["P"][0]) == pytest.approx(2.0) and float(done["S"][0]) == pytest.approx(4.0)


def _brute_width(deps: list[tuple[int, ...]], members: list[int]) -> int:
    n = len(deps)
    reach = [set() for _ in range(n)]
    for _ in range(n):  # close transitively
        for i in range(n):
            for d in deps[i]:
                reach[i] |= {d} | reach[d]
    best = 0
    for mask in range(1 << len(members)):
        chosen = [m for b, m in enumerate(members) if mask >> b & 1]
        if all(a not in reach[b] and b not in reach[a] for a in chosen for b in chosen if a != b):
            best = max(best, len(chosen))
    return best


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 2), st.lists(st.integers(0, 20), max_size=3)), min_size=1, max_size=9))
def test_team_widths_are_the_largest_sets_of_features_that_could_run_together(
        rows: list[tuple[int, list[int]]]) -> None:
    """Against brute force over every subset: the most features of a team none of which waits for another,
    directly or through other teams' work."""
    from tradeoff.core.forecasting_backlog_input import _topological_order, team_widths

    deps = [tuple(sorted({d % i for d in ds})) if i else () for i, (_, ds) in enumerate(rows)]  # earlier ones only
    team_of = [t for t, _ in rows]
    order = _topological_order(deps, [str(i) for i in range(len(rows))])
    widths = team_widths(deps, order, team_of, [False] * len(rows), 3, [9, 9, 9])
    for j in range(3):
        assert widths[j] == _brute_width(deps, [i for i, t in enumerate(team_of) if t == j]), j


def test_a_blockers_work_waits_its_turn_behind_what_the_held_feature_needs_first() -> None:
    """Ledger sync (held up by the blocker) needs Bulk refunds first, which comes later in the backlog: the team
    does Bulk refunds, then the blocker's work, then Ledger sync; Bulk refunds does not wait for the blocker."""
    team = BacklogTeam("core", capacity_per_week=5.0, wip_limit=2)
    feats = [BacklogFeature("blocker:1", "core", 10, 10, 10, gate=True),
             BacklogFeature("ledger", "core", 5, 5, 5, depends_on=("refunds", "blocker:1")),
             BacklogFeature("refunds", "core", 5, 5, 5)]
    prep = prepare_backlog(feats, [team])
    assert [feats[i].key for i in prep.order] == ["refunds", "blocker:1", "ledger"]
    done = _run(feats, [team], trials=5)
    assert [float(done[k][0]) for k in ("refunds", "blocker:1", "ledger")] == pytest.approx([1.0, 3.0, 4.0])
