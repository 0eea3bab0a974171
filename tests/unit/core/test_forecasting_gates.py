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
    # the same work as a plain feature would open a second lane and halve the pace of each
    plain = BacklogFeature("blocker:1", "core", 10, 10, 10)
    assert prepare_backlog([plain, feat], [team]).wip == (2,)


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
    and at least its own work after it; a risk that is not needed holds nothing up."""
    team = BacklogTeam("core", capacity_per_week=cap, wip_limit=wip)
    gate = BacklogFeature("blocker:1", "core", size, size, size, chance=chance, gate=True)
    feats = [gate]
    for i, (x, y, held) in enumerate(rows):
        lo, hi = sorted((x, y))
        feats.append(BacklogFeature(f"F{i}", "core", lo, lo, hi, ("blocker:1",) if held else ()))
    prep = prepare_backlog(feats, [team])
    done = _run(feats, [team], trials=200, seed=seed)
    lanes = prep.wip[0]
    for i, (x, y, held) in enumerate(rows):
        if held:
            own = min(x, y) * lanes / cap  # its least effort, on one lane
            assert np.all(done[f"F{i}"] >= done["blocker:1"] + own - 1e-4)
    assert lanes == max(1, min(wip, len(rows)))


def test_simulate_backlog_reports_a_gate_like_any_work() -> None:
    team = BacklogTeam("core", capacity_per_week=5.0)
    feats = [BacklogFeature("blocker:2", "core", 5, 5, 5, gate=True),
             BacklogFeature("F", "core", 5, 5, 5, depends_on=("blocker:2",))]
    fc = fb.simulate_backlog(feats, [team], start=START, rng=np.random.default_rng(0), trials=100, keyed_seed=1)
    by = {f.name: f for f in fc.features}
    assert by["blocker:2"].p50 == date(2027, 1, 11) and by["F"].p50 == date(2027, 1, 18)
