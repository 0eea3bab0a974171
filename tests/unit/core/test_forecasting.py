"""Unit and property tests of the throughput forecast and the backlog simulation (tradeoff.core.forecasting*)."""

from __future__ import annotations

import importlib.util
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from scipy.special import ndtri
from scipy.stats import ks_2samp

from tradeoff.core import forecasting as fc
from tradeoff.core import forecasting_backlog as fb
from tradeoff.core import forecasting_backlog_input as fb_input
from tradeoff.errors import InvalidInput

NOW = datetime(2026, 1, 5)


def _completions(weekly: list[int], now: datetime = NOW) -> list[datetime]:
    """Completion times for a weekly throughput (oldest first), spread inside each week before ``now``."""
    out = []
    n = len(weekly)
    for w, k in enumerate(weekly):
        week_start = now - timedelta(days=7 * (n - w))
        out += [week_start + timedelta(days=7 * (j + 0.5) / k) for j in range(k)]
    return out


# ---------------------------------------------------------------- throughput: hand-computed pieces


def test_history_weeks_counts_items_per_week_before_the_cut() -> None:
    days = np.array([-20.0, -13.5, -8.0, -7.0, -0.5, 0.0, 3.0])
    # weeks [-21,-14), [-14,-7), [-7,0): -20 | -13.5,-8 | -7,-0.5 ; 0.0 and 3.0 are not before the cut
    assert fc.history_weeks(days, 0.0, 3).tolist() == [1, 2, 2]


def test_finish_days_interpolates_inside_the_week() -> None:
    sims = np.array([[4, 4, 4, 4], [0, 10, 0, 0]], dtype=np.int64)
    cum = np.cumsum(sims, axis=1)
    # trial 0: 10th item in week 3 (cum 8 before, 4 that week): 7 * (2 + 2/4); trial 1: 7 * (1 + 10/10)
    assert fc.finish_days(sims, cum, 10).tolist() == [17.5, 14.0]
    assert np.isinf(fc.finish_days(sims, cum, 17)).all()


def test_base_promises_of_a_constant_pace() -> None:
    sims = np.full((50, 20), 3, dtype=np.int64)
    p = fc.base_promises(sims, (2,), (10,), (0.5, 0.85, 0.95))
    assert p[0].tolist() == [6, 6, 6]  # 3 items a week for 2 weeks
    assert p[1].tolist() == pytest.approx([7 * (3 + 1 / 3)] * 3)  # 10th item: 9 by week 3, 1 of 3 in week 4


def test_count_promise_is_one_sided_lower_quantile() -> None:
    # 100 trials finishing 0..99 items in the first week: P85 count = reached in >= 85 trials = 15
    sims = np.arange(100, dtype=np.int64)[:, None] * np.array([[1, 0]], dtype=np.int64)
    p = fc.base_promises(sims, (1,), (), (0.5, 0.85, 0.95))
    assert p[0].tolist() == [50, 15, 5]


def test_naive_sampler_draws_only_from_the_last_26_weeks() -> None:
    history = np.array([100] * 30 + [1, 2, 3] * 8 + [4, 5], dtype=np.int64)
    sims = fc.simulate_weeks(
        history, horizon_weeks=50, trials=200, rng=np.random.default_rng(0), method="naive"
    )
    assert set(np.unique(sims).tolist()) <= {1, 2, 3, 4, 5}


def test_block_sampler_keeps_consecutive_weeks_together() -> None:
    history = np.arange(1, 41, dtype=np.int64)  # strictly increasing, so a block shows as +1 steps
    no_drift = fc.ForecastSettings(drift_per_year=0.0)
    for bayesian in (True, False):
        s = fc.ForecastSettings(drift_per_year=0.0, bayesian_weights=bayesian)
        sims = fc.simulate_weeks(history, horizon_weeks=8, trials=100, rng=np.random.default_rng(1), settings=s)
        steps = np.diff(sims.reshape(100, 2, 4), axis=2)
        assert (steps == 1).all()
        assert sims.min() >= 1 and sims.max() <= 40
    # the adaptive window holds the last 26 weeks at least: values 15..40 only with a 26-week-only mixture
    s26 = fc.ForecastSettings(drift_per_year=0.0, windows=(26,))
    sims = fc.simulate_weeks(history, horizon_weeks=40, trials=200, rng=np.random.default_rng(2), settings=s26)
    assert sims.min() >= 15
    assert no_drift.drift_per_year == 0.0


def test_bayesian_weights_widen_the_pace_but_not_its_centre() -> None:
    rng = np.random.default_rng(3)
    history = rng.poisson(5.0, size=26).astype(np.int64)
    paces = {}
    for bayesian in (True, False):
        s = fc.ForecastSettings(drift_per_year=0.0, bayesian_weights=bayesian, windows=(26,))
        sims = fc.simulate_weeks(history, horizon_weeks=208, trials=2000, rng=np.random.default_rng(4), settings=s)
        paces[bayesian] = sims.mean(axis=1)
    # same centre (the history's mean), but each trial's own weights add the uncertainty of that mean: over 52
    # blocks resampling alone averages out, while the weights carry about 6 blocks' worth of information
    assert paces[True].mean() == pytest.approx(history.mean(), rel=0.03)
    assert paces[False].mean() == pytest.approx(history.mean(), rel=0.03)
    assert paces[True].std() > 2.0 * paces[False].std()


def test_pace_drift_is_a_random_walk_of_the_log_pace() -> None:
    sims = np.full((4000, 52), 1000, dtype=np.int64)
    sims[:, 10] = 0
    assert fc.apply_pace_drift(sims, 0.0, np.random.default_rng(0)) is sims
    drifted = fc.apply_pace_drift(sims, 0.8, np.random.default_rng(0))
    log_pace = np.log(drifted[:, -1] / 1000)
    # 13 steps of 4 weeks: sd 0.8 * sqrt(364 / 365.25) after the last one, median pace unchanged
    assert log_pace.std() == pytest.approx(0.8 * np.sqrt(364 / 365.25), rel=0.06)
    assert abs(np.median(log_pace)) < 0.05
    assert (drifted[:, 10] == 0).all()  # a week without finished items stays empty
    # the walk is continuous: within a 4-week step the scale is the same
    assert np.array_equal(drifted[:, 0] // 10, drifted[:, 3] // 10) or np.mean(
        np.abs(drifted[:, 0] - drifted[:, 3]) <= 1
    ) > 0.99


def test_promises_inside_the_simulated_levels_are_empirical_quantiles() -> None:
    samples = np.arange(100, dtype=np.float64)  # trials finishing 0..99 items or taking 0..99 days
    z = ndtri(np.array([0.5, 0.85, 0.95]))
    assert fc.promises_at(samples, z, count=True, horizon_days=np.inf).tolist() == [50, 15, 5]
    assert fc.promises_at(samples, z, count=False, horizon_days=np.inf).tolist() == [49, 84, 94]
    assert fc.promises_at(samples, z, count=False, horizon_days=60.0).tolist() == [49, np.inf, np.inf]


def test_promises_beyond_the_simulated_levels_follow_a_log_normal_tail() -> None:
    samples = np.sort(np.expm1(np.linspace(1.0, 3.0, 1000)))  # log1p spread evenly from 1 to 3
    edge = float(ndtri(1 - 1 / 1000))
    mid, top = np.log1p(samples[499]), np.log1p(samples[998])  # levels 0.5 and 0.999: the 500th and 999th
    z = np.array([edge + 1.0])
    want = np.expm1(top + (top - mid) / edge * 1.0)
    assert fc.promises_at(samples, z, count=False, horizon_days=np.inf)[0] == pytest.approx(want)
    # counts: a level above the simulated ones promises fewer items, never below zero
    counts = np.sort(np.random.default_rng(0).poisson(30.0, 1000)).astype(np.float64)
    low = fc.promises_at(counts, np.array([0.0, edge, edge + 2.0, edge + 50.0]), count=True, horizon_days=np.inf)
    assert low[0] >= low[1] >= low[2] >= low[3] == 0 and low[2] < low[1]
    assert all(float(x).is_integer() for x in low)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.floats(0, 500), min_size=2, max_size=60),
    st.lists(st.floats(-8, 8), min_size=1, max_size=12),
    st.booleans(),
)
@example(raw=[0.0, 4.0, 4.0], zs=[0.0, 1.0], count=False)  # expm1(log1p(4)) rounds to just below 4
def test_promises_are_monotone_in_the_level(raw: list[float], zs: list[float], count: bool) -> None:
    samples = np.sort(np.floor(raw) if count else np.array(raw))
    z = np.sort(np.array(zs))
    p = fc.promises_at(samples, z, count=count, horizon_days=400.0)
    assert not np.isnan(p).any() and (p >= 0).all()
    finite = np.isfinite(p[1:]) & np.isfinite(p[:-1])
    steps = np.diff(np.where(np.isfinite(p), p, 0.0))
    if count:
        assert (steps[finite] <= 0).all()  # a surer promise never promises more items
    else:
        assert (steps[finite] >= 0).all() and not (np.isinf(p[:-1]) & np.isfinite(p[1:])).any()


def test_thin_history_is_declined_with_what_it_needs() -> None:
    f = fc.forecast_throughput(_completions([1, 0, 2]), now=NOW, rng=np.random.default_rng(0))
    assert f.status == "declined"
    assert "needs at least 10 finished items" in f.reason and "has 3" in f.reason
    assert f.counts == () and f.dates == ()


def test_stale_history_is_declined() -> None:
    old = _completions([3] * 20, now=NOW - timedelta(weeks=60))
    f = fc.forecast_throughput(old, now=NOW, rng=np.random.default_rng(0))
    assert f.status == "declined" and "stale" in f.reason


def test_deterministic_history_gives_a_deterministic_forecast() -> None:
    plain = fc.ForecastSettings(drift_per_year=0.0)
    f = fc.forecast_throughput(
        _completions([5] * 80), now=NOW, rng=np.random.default_rng(3), trials=300, calibrate=False, settings=plain
    )
    assert f.status == "ok"
    for c in f.counts:
        assert c.p50 == c.p85 == c.p95 == 5 * c.weeks
    for d in f.dates:
        assert d.p50 == d.p85 == d.p95
        # the Nth item at 5 a week lands in week ceil(N/5): within a week of N/5 weeks
        assert d.p50 is not None and abs((d.p50 - NOW).days - 7 * d.items / 5) <= 7


def test_steady_team_keeps_tight_calibrated_promises() -> None:
    f = fc.forecast_throughput(_completions([5] * 80), now=NOW, rng=np.random.default_rng(3), trials=300)
    assert f.status == "ok"
    for c in f.counts:
        # the calibration lets the P50 count rise to where about half the promises are kept (the truth, or one
        # above it), and every surer promise stays at or below the truth
        assert 5 * c.weeks <= c.p50 <= 5 * c.weeks + 1 and c.p95 <= c.p85 <= 5 * c.weeks
        assert c.p95 >= 0.6 * 5 * c.weeks  # the pace-drift prior keeps P95 modest until kept promises pay back
    for d in f.dates:
        assert d.p50 is not None and d.p95 is not None
        assert (d.p95 - NOW).days <= 1.5 * 7 * d.items / 5 + 7


def test_forecast_shows_the_history_and_method_it_used() -> None:
    rng = np.random.default_rng(5)
    weekly = [int(x) for x in np.where(rng.random(120) < 0.3, rng.integers(5, 15, 120), 0)]
    comp = _completions(weekly)
    raw = fc.forecast_throughput(comp, now=NOW, rng=np.random.default_rng(1), trials=500, calibrate=False)
    cal = fc.forecast_throughput(comp, now=NOW, rng=np.random.default_rng(1), trials=500)
    assert raw.status == cal.status == "ok"
    assert "calibration" in cal.method and "calibration" not in raw.method
    assert len(raw.weekly_throughput) == 104 and raw.weekly_throughput == tuple(weekly[-104:])


weekly_histories = st.lists(st.integers(min_value=0, max_value=12), min_size=30, max_size=90).filter(
    lambda h: sum(h[-26:]) >= 12
)


@settings(max_examples=12, deadline=None)
@given(weekly_histories, st.integers(0, 2**32 - 1))
def test_forecast_orders_and_probabilities(weekly: list[int], seed: int) -> None:
    f = fc.forecast_throughput(_completions(weekly), now=NOW, rng=np.random.default_rng(seed), trials=200)
    assert f.status == "ok"
    for c in f.counts:
        assert c.p50 >= c.p85 >= c.p95 >= 0
        probs = [c.probability_at_least(k) for k in range(0, 3 * c.p50 + 3)]
        assert all(0.0 <= p <= 1.0 for p in probs)
        assert all(a >= b for a, b in zip(probs, probs[1:], strict=False))
    for d in f.dates:
        if d.p95 is not None:
            assert d.p50 is not None and d.p85 is not None
            assert d.p50 <= d.p85 <= d.p95
        probs = [d.probability_by(NOW + timedelta(days=k)) for k in range(0, 800, 5)]
        assert all(0.0 <= p <= 1.0 for p in probs)
        assert all(a <= b for a, b in zip(probs, probs[1:], strict=False))


# ---------------------------------------------------------------- backlog simulation


def _team(name: str = "core", capacity: float = 5.0, wip: int = 1) -> fb_input.BacklogTeam:
    return fb_input.BacklogTeam(name, capacity_per_week=capacity, wip_limit=wip)


def _fixed(key: str, effort: float, team: str = "core", deps: tuple[str, ...] = ()) -> fb_input.BacklogFeature:
    return fb_input.BacklogFeature(key, team, effort, effort, effort, deps)


def test_fixed_efforts_are_scheduled_in_backlog_order() -> None:
    start = date(2026, 1, 5)
    r = fb.simulate_backlog(
        [_fixed("A", 10), _fixed("B", 5)], [_team()], start=start, rng=np.random.default_rng(0), trials=10
    )
    a, b = r.features
    assert (a.p50_weeks, a.p95_weeks) == pytest.approx((2.0, 2.0))  # 10 days at 5 a week
    assert b.p50_weeks == pytest.approx(3.0)  # then 5 more
    assert a.p50 == start + timedelta(days=14)
    assert r.plan is not None and r.plan.p50_weeks == pytest.approx(3.0)


def test_wip_limit_splits_capacity_into_lanes() -> None:
    feats = [_fixed("A", 10), _fixed("B", 5), _fixed("C", 5)]
    r = fb.simulate_backlog(
        feats, [_team(wip=2)], start=date(2026, 1, 5), rng=np.random.default_rng(0), trials=5
    )
    # two lanes of 2.5 a week: A 0-4, B 0-2, C 2-4
    assert [f.p50_weeks for f in r.features] == pytest.approx([4.0, 2.0, 4.0])


def test_a_feature_waiting_for_another_teams_work_does_not_hold_up_its_own_teams_next_work() -> None:
    # web (2 lanes of 2.5 a week): W1 needs P (platform, done at week 8); W2 and W3 need nothing
    feats = [_fixed("P", 40, team="platform"), _fixed("W1", 5, team="web", deps=("P",)),
             _fixed("W2", 10, team="web"), _fixed("W3", 10, team="web")]
    teams = [_team("platform"), _team("web", wip=2)]
    r = fb.simulate_backlog(feats, teams, start=date(2026, 1, 5), rng=np.random.default_rng(0), trials=5)
    weeks = {f.name: f.p50_weeks for f in r.features}
    # W1 starts when P is done, alone on web by then: at the whole team's pace (5 a week), not its lane's 2.5
    assert weeks["P"] == pytest.approx(8.0) and weeks["W1"] == pytest.approx(9.0)
    # W2 and W3 use both lanes from the start (4 weeks each), instead of W3 waiting behind a lane held for W1
    assert weeks["W2"] == pytest.approx(4.0) and weeks["W3"] == pytest.approx(4.0)


def test_a_team_with_fewer_features_than_its_wip_limit_puts_all_its_capacity_on_them() -> None:
    r = fb.simulate_backlog([_fixed("A", 10)], [_team(wip=3)], start=date(2026, 1, 5),
                            rng=np.random.default_rng(0), trials=5)
    assert r.features[0].p50_weeks == pytest.approx(2.0)  # 10 at 5 a week, not at a third of it


def test_weeks_with_people_away_move_the_finish_later() -> None:
    def weeks(calendar: tuple[float, ...], effort: float = 10, wip: int = 1) -> list[float]:
        team = fb_input.BacklogTeam("core", capacity_per_week=5.0, wip_limit=wip, calendar=calendar)
        r = fb.simulate_backlog([_fixed("A", effort), _fixed("B", 5)], [team], start=date(2026, 1, 5),
                                rng=np.random.default_rng(0), trials=5)
        return [f.p50_weeks for f in r.features]
    assert weeks(()) == pytest.approx([2.0, 3.0]) and weeks((1.0, 1.0, 1.0)) == pytest.approx([2.0, 3.0])
    assert weeks((0.0,)) == pytest.approx([3.0, 4.0], abs=0.01)  # nobody in the first week: a week later
    assert weeks((1.0, 0.5)) == pytest.approx([2.5, 3.5])  # half the team away in week 2: half a week later
    assert weeks((1.0, 1.0, 1.0, 0.0)) == pytest.approx([2.0, 3.0])  # after both are done: no effect


@given(st.lists(st.floats(0, 1), max_size=12), st.lists(st.floats(0, 20), min_size=1, max_size=6),
       st.integers(1, 3))
@settings(max_examples=60, deadline=None)
def test_a_calendar_below_usual_never_makes_anything_earlier(calendar: list[float], efforts: list[float],
                                                            wip: int) -> None:
    feats = [_fixed(f"F{i}", e) for i, e in enumerate(efforts)]
    def run(cal: tuple[float, ...]) -> list[float]:
        team = fb_input.BacklogTeam("core", capacity_per_week=5.0, wip_limit=wip, calendar=cal)
        r = fb.simulate_backlog(feats, [team], start=date(2026, 1, 5), rng=np.random.default_rng(1), trials=3)
        return [f.p50_weeks for f in r.features]
    usual, away = run(()), run(tuple(calendar))
    assert all(a >= u - 1e-3 for a, u in zip(away, usual, strict=True))


@given(st.floats(0, 50), st.floats(0, 50), st.floats(0, 50), st.floats(0.05, 1.0))
@settings(max_examples=200, deadline=None)
def test_a_widened_range_holds_the_confidence(a: float, b: float, c: float, confidence: float) -> None:
    lo, mode, hi = sorted((a, b, c))
    low, high = (float(x) for x in fb.widen_range(lo, mode, hi, confidence))
    assert 0.0 <= low <= lo + 1e-9 and high >= hi - 1e-9
    if hi - lo < 1e-6:
        return
    def cdf(x: float) -> float:
        if x <= mode:
            return 0.0 if mode - low < 1e-9 else (x - low) ** 2 / ((high - low) * (mode - low))
        return 1.0 if high - mode < 1e-9 else 1.0 - (high - x) ** 2 / ((high - low) * (high - mode))
    q = (1 - confidence) / 2
    assert 1 - cdf(hi) == pytest.approx(q, abs=1e-4)  # as much above pessimistic as the confidence leaves
    assert cdf(lo) <= q + 1e-4  # and as much below optimistic, less only where effort would go below 0
    if low > 1e-9:
        assert cdf(lo) == pytest.approx(q, abs=1e-4)


def test_an_estimate_80_percent_sure_runs_past_pessimistic_one_time_in_ten() -> None:
    f = fb_input.BacklogFeature("A", "core", 5.0, 8.0, 15.0, confidence=0.8)
    e = fb.sample_efforts([f], 200_000, np.random.default_rng(0))[0]
    assert np.mean(e > 15.0) == pytest.approx(0.10, abs=0.005) and np.mean(e < 5.0) == pytest.approx(0.10, abs=0.005)
    sure = fb.sample_efforts([fb_input.BacklogFeature("A", "core", 5.0, 8.0, 15.0)], 1000, np.random.default_rng(0))
    assert sure.max() <= 15.0 and sure.min() >= 5.0  # confidence 1: the range itself
    with pytest.raises(InvalidInput, match="confidence must be in"):
        fb_input.prepare_backlog([fb_input.BacklogFeature("A", "core", 1, 2, 3, confidence=0)], [_team()])


def test_keyed_draws_leave_a_feature_alone_when_an_unrelated_one_joins_the_backlog() -> None:
    teams = [_team("core", wip=2), _team("web")]
    core = [fb_input.BacklogFeature(f"C{i}", "core", 2, 4, 9, confidence=0.8) for i in range(4)]
    extra = fb_input.BacklogFeature("W1", "web", 1, 3, 8)

    def weeks(feats: list[fb_input.BacklogFeature], keyed: int | None) -> list[float]:
        r = fb.simulate_backlog(feats, teams, start=date(2026, 1, 5), rng=np.random.default_rng(5), trials=500,
                                keyed_seed=keyed)
        return [f.p85_weeks for f in r.features if f.name.startswith("C")]

    assert weeks(core, 11) == weeks([extra, *core], 11)  # the same draws for the same features
    assert weeks(core, None) != weeks([extra, *core], None)  # one stream shared by all: shifted along the list


def test_mean_effort_is_the_mean_of_what_the_simulation_draws() -> None:
    for o, m, p, c in ((5, 8, 15, 0.8), (2, 3, 10, 1.0), (0, 1, 2, 0.6), (4, 4, 4, 0.8)):
        drawn = fb.sample_efforts([fb_input.BacklogFeature("A", "core", o, m, p, confidence=c)], 200_000,
                                  np.random.default_rng(1))[0]
        assert fb.mean_effort(o, m, p, c) == pytest.approx(float(drawn.mean()), rel=0.01, abs=0.01)


def test_dependency_on_another_team_delays_the_start() -> None:
    feats = [_fixed("B", 5, "web", ("A",)), _fixed("A", 10, "core")]
    teams = [_team("core"), _team("web", capacity=10)]
    r = fb.simulate_backlog(
        feats,
        teams,
        start=date(2026, 1, 5),
        rng=np.random.default_rng(0),
        trials=5,
        releases=[fb_input.Release("R", ("A", "B"))],
    )
    by = {f.name: f.p50_weeks for f in r.features}
    assert by == pytest.approx({"A": 2.0, "B": 2.5})
    assert r.releases[0].p50_weeks == pytest.approx(2.5)


def test_shared_work_is_done_with_its_last_part_and_dependents_wait_for_every_part() -> None:
    # "S" is shared: 6 days for core (5 a week) and 4 for web (2 a week); "D" (core) needs S
    feats = [_fixed("S@core", 6, "core"), _fixed("S@web", 4, "web"), _fixed("D", 5, "core", ("S",))]
    teams = [_team("core"), _team("web", capacity=2)]
    r = fb.simulate_backlog(feats, teams, start=date(2026, 1, 5), rng=np.random.default_rng(0), trials=5,
                            joins={"S": ["S@core", "S@web"]}, releases=[fb_input.Release("R", ("S",))])
    by = {f.name: f.p50_weeks for f in r.features}
    assert list(by) == ["S", "D"]  # the parts are reported as their feature, in backlog order
    # core finishes its part at 1.2 weeks, web at 2.0: S is done at 2.0, and D starts then (not at 1.2)
    assert by == pytest.approx({"S": 2.0, "D": 3.0})
    assert r.releases[0].p50_weeks == pytest.approx(2.0) and r.plan is not None and r.plan.p50_weeks == 3.0


def test_bad_joins_are_named() -> None:
    feats = [_fixed("A@x", 1), _fixed("B", 1)]
    cases = [({"B": ["A@x"]}, "has the key of a feature"), ({"A": ["Z"]}, "unknown part 'Z'"),
             ({"A": []}, "no parts"), ({"A": ["A@x"], "C": ["A@x"]}, "in two joined features")]
    for joins, words in cases:
        with pytest.raises(InvalidInput, match=words):
            fb.simulate_backlog(feats, [_team()], start=date(2026, 1, 5), rng=np.random.default_rng(0),
                                joins=joins)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.floats(0.5, 10), st.floats(0.05, 0.95), st.integers(0, 1)), min_size=1, max_size=8),
       st.integers(0, 2**32 - 1))
def test_shared_feature_finishes_with_its_slowest_part(rows: list[tuple[float, float, int]], seed: int) -> None:
    feats, joins = [], {}
    for i, (effort, share, chained) in enumerate(rows):
        deps = (f"F{i - 1}",) if i and chained else ()
        a, b = f"F{i}@T0", f"F{i}@T1"
        feats += [fb_input.BacklogFeature(a, "T0", effort * (1 - share) * .5, effort * (1 - share), effort * (1 - share) * 2, deps),
                  fb_input.BacklogFeature(b, "T1", effort * share * .5, effort * share, effort * share * 2, deps)]
        joins[f"F{i}"] = [a, b]
    teams = [fb_input.BacklogTeam("T0", capacity_per_week=5), fb_input.BacklogTeam("T1", capacity_per_week=3)]
    args = dict(start=date(2026, 1, 5), trials=200)
    joined = fb.simulate_backlog(feats, teams, rng=np.random.default_rng(seed), joins=joins, **args)  # type: ignore[arg-type]
    # the same draws with the parts reported one by one (dependencies spelled out part by part)
    spelled = [fb_input.BacklogFeature(f.key, f.team, f.optimistic, f.likely, f.pessimistic,
                                       tuple(p for d in f.depends_on for p in joins[d])) for f in feats]
    parts = fb.simulate_backlog(spelled, teams, rng=np.random.default_rng(seed), **args)  # type: ignore[arg-type]
    by_part = {f.name: f for f in parts.features}
    assert [f.name for f in joined.features] == list(joins)
    for f in joined.features:
        slowest = [by_part[p] for p in joins[f.name]]
        assert f.p50_weeks >= max(x.p50_weeks for x in slowest) - 1e-5
        assert f.p95_weeks >= max(x.p95_weeks for x in slowest) - 1e-5
    assert joined.plan is not None and parts.plan is not None
    assert joined.plan.p50_weeks == pytest.approx(parts.plan.p50_weeks)


def test_dependency_cycle_is_named() -> None:
    feats = [
        _fixed("A", 1, deps=("C",)),
        _fixed("B", 1, deps=("A",)),
        _fixed("C", 1, deps=("B",)),
        _fixed("D", 1),
    ]
    with pytest.raises(InvalidInput) as e:
        fb.simulate_backlog(feats, [_team()], start=date(2026, 1, 5), rng=np.random.default_rng(0))
    msg = str(e.value)
    assert "dependency cycle" in msg and all(k in msg for k in "ABC") and "D" not in msg.split("(")[0]


def test_optimistic_above_pessimistic_names_the_feature() -> None:
    bad = fb_input.BacklogFeature("Checkout v2", "core", 8, 5, 3)
    with pytest.raises(InvalidInput, match="Checkout v2"):
        fb.simulate_backlog([bad], [_team()], start=date(2026, 1, 5), rng=np.random.default_rng(0))


def test_zero_capacity_is_invalid() -> None:
    with pytest.raises(InvalidInput, match="capacity"):
        fb.simulate_backlog(
            [_fixed("A", 1)], [_team(capacity=0)], start=date(2026, 1, 5), rng=np.random.default_rng(0)
        )


def test_short_or_empty_history_is_declined() -> None:
    for history in [(), (3.0, 4.0, 5.0)]:
        team = fb_input.BacklogTeam("core", throughput_history=history)
        if not history:
            with pytest.raises(InvalidInput):
                fb.simulate_backlog(
                    [_fixed("A", 1)], [team], start=date(2026, 1, 5), rng=np.random.default_rng(0)
                )
            continue
        r = fb.simulate_backlog(
            [_fixed("A", 1)], [team], start=date(2026, 1, 5), rng=np.random.default_rng(0)
        )
        assert r.status == "declined" and "needs at least 8 weeks" in r.reason and "has 3" in r.reason
    idle = fb_input.BacklogTeam("core", throughput_history=(0.0,) * 10)
    r = fb.simulate_backlog([_fixed("A", 1)], [idle], start=date(2026, 1, 5), rng=np.random.default_rng(0))
    assert r.status == "declined"


def test_triangular_efforts_have_the_right_mean_and_range() -> None:
    f = fb_input.BacklogFeature("A", "core", 2.0, 3.0, 10.0)
    e = fb.sample_efforts([f], 200_000, np.random.default_rng(0))[0]
    assert e.min() >= 2.0 and e.max() <= 10.0
    assert e.mean() == pytest.approx(5.0, abs=0.03)  # (2 + 3 + 10) / 3
    assert np.mean(e <= 3.0) == pytest.approx(1 / 8, abs=0.005)  # F(mode) = (3-2)/(10-2)


def _load_bench() -> object:
    path = Path(__file__).resolve().parents[3] / "bench" / "bench_forecasting.py"
    spec = importlib.util.spec_from_file_location("bench_forecasting", path)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_vectorised_simulation_matches_the_per_trial_loop() -> None:
    bench = _load_bench()
    feats, teams = bench.make_backlog(12, seed=4)  # type: ignore[attr-defined]
    prep = fb_input.prepare_backlog(feats, teams)
    rng = np.random.default_rng(11)
    fast = fb.schedule(prep, fb.sample_efforts(feats, 3000, rng), fb.sample_paces(teams, 3000, rng),
                       calendars=[t.calendar for t in teams])
    assert any(t.calendar for t in teams) and any(f.confidence < 1 for f in feats)  # both are checked
    slow = bench.reference_loop(feats, teams, trials=3000, rng=np.random.default_rng(12))  # type: ignore[attr-defined]
    for i in range(len(feats)):
        assert ks_2samp(fast[i], slow[i]).pvalue > 1e-4, feats[i].key


backlogs = st.lists(
    st.tuples(st.floats(0, 10), st.floats(0, 10), st.floats(0, 10), st.integers(0, 1), st.integers(0, 5)),
    min_size=1,
    max_size=12,
)


@settings(max_examples=25, deadline=None)
@given(backlogs, st.floats(1, 20), st.floats(0.1, 10), st.integers(1, 3), st.integers(0, 2**32 - 1))
def test_backlog_properties(
    rows: list[tuple[float, float, float, int, int]], cap: float, extra: float, wip: int, seed: int
) -> None:
    feats = []
    for i, (a, b, c, team, dep) in enumerate(rows):
        o, m, p = sorted((a, b, c))
        deps = (f"F{dep % i}",) if i and dep else ()
        feats.append(fb_input.BacklogFeature(f"F{i}", f"T{team}", o, m, p, deps))
    start, target = date(2026, 1, 5), date(2026, 3, 2)

    def run(boost: float) -> fb.BacklogForecast:
        teams = [
            fb_input.BacklogTeam("T0", capacity_per_week=cap + boost, wip_limit=wip),
            fb_input.BacklogTeam("T1", capacity_per_week=2 * cap + boost, wip_limit=1),
        ]
        return fb.simulate_backlog(
            feats, teams, start=start, rng=np.random.default_rng(seed), trials=300, target=target
        )

    base, more = run(0.0), run(extra)
    assert base.plan is not None and more.plan is not None
    for f, g in zip(base.features + (base.plan,), more.features + (more.plan,), strict=True):
        assert f.p50 <= f.p85 <= f.p95
        assert f.p50_weeks <= f.p85_weeks <= f.p95_weeks
        assert all(x <= y for x, y in zip(f.weeks, f.weeks[1:], strict=False))
        assert f.probability_by_target is not None and 0.0 <= f.probability_by_target <= 1.0
        probs = [f.probability_by(start, start + timedelta(days=d)) for d in range(0, 400, 3)]
        assert all(0.0 <= p <= 1.0 for p in probs) and all(
            x <= y for x, y in zip(probs, probs[1:], strict=False)
        )
        assert sum(h[2] for h in f.histogram) == pytest.approx(1.0)
        # more capacity, same seed: never later
        assert g.p50_weeks <= f.p50_weeks + 1e-4 and g.p95_weeks <= f.p95_weeks + 1e-4


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.integers(0, 60).map(lambda d: d / 7.0), st.integers(0, 60).map(lambda d: d / 7.0 + 1e-7),
                          st.floats(0.0, 9.0)), min_size=1, max_size=200),
       st.sampled_from([np.float32, np.float64]))
def test_each_p_date_has_at_least_its_chance(weeks: list[float], dtype: type) -> None:
    """The P50/P85/P95 dates say "done by then with this chance": asked for the chance by that very date, the
    forecast gives at least that much, also when many trials finish at the same moment (a period's end) and the
    weeks are float32, as the simulation keeps them."""
    from tradeoff.core.forecasting_backlog_summary import summarise

    start = date(2026, 12, 7)
    f = summarise("x", np.asarray(weeks, dtype=dtype), start)
    for level, when in ((0.5, f.p50), (0.85, f.p85), (0.95, f.p95)):
        assert f.probability_by(start, when) >= level - 1e-12, (level, when)
        # and counted over the trials themselves, as a chance by a chosen date is
        by = summarise("x", np.asarray(weeks, dtype=dtype), start, target=when).probability_by_target
        assert by is not None and by >= level - 1e-12, (level, when, by)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(0.0, 30.0), min_size=1, max_size=300), st.floats(0.01, 0.999))
def test_the_date_for_a_chance_is_the_first_day_with_at_least_that_chance(weeks: list[float], level: float) -> None:
    """`date_at` inverts `probability_by` to the day: a commitment's safe date really has the chance it claims,
    and a day earlier it does not."""
    from tradeoff.core.forecasting_backlog_summary import summarise

    start = date(2026, 12, 7)
    f = summarise("x", np.asarray(weeks, dtype=np.float64), start)
    when = f.date_at(start, level)
    assert f.probability_by(start, when) >= level - 1e-9
    if when > start:
        assert f.probability_by(start, when - timedelta(days=1)) < level
    assert f.date_at(start, min(level + 0.1, 0.999)) >= when  # a bigger chance never needs an earlier date
