"""The walk-forward adaptive calibration of the throughput forecast (tradeoff.core.forecasting_calibration)."""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tradeoff.core import forecasting as fc

Q = {name: i for i, name in enumerate(fc.QUESTIONS)}
I50, I85, I95 = (fc.LEVELS.index(p) for p in (0.5, 0.85, 0.95))


def _days(weekly: list[int] | np.ndarray, seed: int = 0) -> np.ndarray:
    """Completion days for a weekly throughput (oldest first, week 0 starting at day 0), at random times inside
    each week."""
    rng = np.random.default_rng(seed)
    return np.sort(np.concatenate([7 * w + 7 * rng.random(int(k)) for w, k in enumerate(weekly)]))


def _bursty(weeks: int, seed: int = 0) -> np.ndarray:
    """A team that changes pace and pauses: 10-week regimes of 0 to 12 items a week on average."""
    rng = np.random.default_rng(seed)
    pace = np.repeat(rng.choice([0.0, 1.0, 4.0, 8.0, 12.0], size=weeks // 10 + 1), 10)[:weeks]
    pace[:12] = 5.0
    return _days(rng.poisson(pace), seed)


def _coverage(wf: fc.WalkForward, q: int, li: int, rows: slice = slice(None)) -> float:
    ok = np.array([s == "ok" for s in wf.status])[rows]
    resolved = wf.resolved[rows, q, li] & ok
    return float(wf.kept[rows, q, li][resolved].mean())


def test_outcomes_are_heard_no_earlier_than_they_are_known() -> None:
    days = _days(np.random.default_rng(1).poisson(6.0, 60))
    cuts = 7.0 * np.arange(26, 58)
    wf = fc.walk_forward(days, cuts, end_day=7.0 * 60, rng=np.random.default_rng(2), trials=200)
    for name, weeks in (("count_2w", 2), ("count_8w", 8)):
        off = wf.offset[:, Q[name], I50]
        # the count of the first cut's window is known once the window has closed: `weeks` cuts later
        assert (off[:weeks] == 0).all() and off[weeks] != 0, (name, off[: weeks + 1])
        assert not wf.calibrated[weeks - 1, Q[name]] and wf.calibrated[weeks, Q[name]]
    q = Q["date_10"]
    # a date is settled once the items are done or the promised date has passed, and heard at the next cut
    settle = min(wf.actual[0, q], wf.promise[0, q, I50])
    first = int(np.searchsorted(cuts - cuts[0], settle, side="right"))
    off = wf.offset[:, q, I50]
    assert (off[:first] == 0).all() and off[first] != 0


@pytest.mark.parametrize("k", [3, 40, 90])
def test_forecasts_never_see_later_history(k: int) -> None:
    days = _bursty(160, seed=3)
    cuts = 7.0 * np.arange(26, 150)
    full = fc.walk_forward(days, cuts, end_day=days[-1], rng=np.random.default_rng(4), trials=150)
    cut = cuts[k]
    known = days[days < cut]
    rewritten = np.concatenate([known, cut + np.sort(np.random.default_rng(5).random(300)) * 400])
    for history in (known, rewritten):
        part = fc.walk_forward(history, cuts[: k + 1], end_day=cut, rng=np.random.default_rng(4), trials=150)
        assert part.status == full.status[: k + 1]
        assert np.array_equal(part.promise, full.promise[: k + 1])
        assert np.array_equal(part.offset, full.offset[: k + 1])


def test_the_product_forecast_is_the_walk_forward_at_that_cut() -> None:
    start = datetime(2021, 3, 1, 9, 30)
    completed = [start + timedelta(seconds=round(d * 86400)) for d in _bursty(120, seed=6)]
    origin = completed[0]  # `tradeoff eval forecast` counts its weekly cuts from the first finished item
    days = np.array([(t - origin).total_seconds() / 86400 for t in completed])
    cuts = 7.0 * np.arange(fc.ForecastSettings().warmup_weeks, 118)
    wf = fc.walk_forward(days, cuts, end_day=days[-1], rng=np.random.default_rng(8), trials=120)
    for k in (0, 25, len(cuts) - 1):
        now = origin + timedelta(days=float(cuts[k]))
        assert fc.replay_cuts(float(days[0] - cuts[k])).tolist() == (cuts[: k + 1] - cuts[k]).tolist()
        f = fc.forecast_throughput(completed, now=now, rng=np.random.default_rng(8), trials=120)
        product = [c.items for c in f.counts] + [d.days for d in f.dates]
        assert f.status == "ok" and np.array_equal(np.array(product, dtype=float), wf.promise[k])


def test_replay_reaches_back_to_the_warm_up_at_most_max_replay_weeks() -> None:
    s = fc.ForecastSettings(warmup_weeks=26, max_replay_weeks=10)
    assert fc.replay_cuts(-7.0 * 30.5, settings=fc.ForecastSettings()).tolist() == [-28.0, -21.0, -14.0, -7.0, 0.0]
    assert fc.replay_cuts(-7.0 * 20).tolist() == [0.0]  # younger than the warm-up: no replay
    assert len(fc.replay_cuts(-7.0 * 300, settings=s)) == 11
    assert fc.replay_cuts(-7.0 * 300, calibrate=False).tolist() == [0.0]


def test_a_steady_random_team_gets_promises_kept_at_their_rate() -> None:
    days = _days(np.random.default_rng(9).poisson(4.0, 300), seed=9)
    cuts = 7.0 * np.arange(26, 290)
    wf = fc.walk_forward(days, cuts, end_day=days[-1], rng=np.random.default_rng(10), trials=200)
    for name in ("count_2w", "count_8w", "date_10", "date_25"):
        for li, p in ((I50, 0.5), (I85, 0.85), (I95, 0.95)):
            assert abs(_coverage(wf, Q[name], li) - p) <= 0.06, (name, p, _coverage(wf, Q[name], li))


def test_promises_widen_after_a_team_slows_down() -> None:
    rng = np.random.default_rng(11)
    days = _days(np.concatenate([rng.poisson(8.0, 80), rng.poisson(2.0, 70)]), seed=11)
    cuts = 7.0 * np.arange(26, 148)
    runs = {
        cal: fc.walk_forward(days, cuts, end_day=days[-1], rng=np.random.default_rng(12), trials=200, calibrate=cal)
        for cal in (True, False)
    }
    slow = slice(len(cuts) - 60, None)  # cuts well after the change of pace
    for name in ("count_4w", "date_10", "date_25"):
        q = Q[name]
        assert runs[True].offset[-1, q, I85] > 0  # broken promises raised the level the question is asked at
        assert _coverage(runs[True], q, I85, slow) >= _coverage(runs[False], q, I85, slow)
    assert _coverage(runs[True], Q["date_10"], I85) >= 0.78


@settings(max_examples=15, deadline=None)
@given(st.lists(st.integers(0, 15), min_size=30, max_size=70), st.integers(0, 2**32 - 1))
def test_walk_forward_promises_are_ordered_and_settle_only_when_known(weekly: list[int], seed: int) -> None:
    days = _days(weekly, seed % 1000)
    cuts = 7.0 * np.arange(26, len(weekly))
    end = 7.0 * len(weekly)
    wf = fc.walk_forward(days, cuts, end_day=end, rng=np.random.default_rng(seed), trials=60)
    ok = np.array([s == "ok" for s in wf.status])
    n_count = len(fc.COUNT_WEEKS)
    p = wf.promise[ok]
    assert (np.diff(p[:, :n_count], axis=2) <= 0).all()  # surer count promises: fewer items
    with np.errstate(invalid="ignore"):
        steps = np.diff(p[:, n_count:], axis=2)
    assert (np.nan_to_num(steps, nan=0.0) >= 0).all()  # surer date promises: later
    for qi, weeks in enumerate(fc.COUNT_WEEKS):
        assert (wf.resolved[ok, qi, :] == (cuts + 7.0 * weeks <= end)[ok, None]).all()
    for qj in range(len(fc.DATE_ITEMS)):
        q = n_count + qj
        settle = np.fmin(np.nan_to_num(wf.actual[:, q], nan=np.inf)[:, None], wf.promise[:, q, :])
        assert (wf.resolved[ok, q, :] == (settle <= (end - cuts)[:, None])[ok]).all()
