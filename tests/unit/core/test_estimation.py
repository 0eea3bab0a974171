"""Reference-class suggestions and estimate explanations (pure core)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tradeoff.core.estimation import (
    HistoryItem,
    ReferenceIndex,
    _coverage_scores,
    _quantile,
    suggest_estimate,
)
from tradeoff.core.estimation_explain import (
    DRIVER_FACTORS,
    ComponentDebt,
    Driver,
    RangeEstimate,
    explain_estimate,
)
from tradeoff.core.estimation_text import TfidfModel, top_k_similar
from tradeoff.errors import InvalidInput

WORDS = ["button", "label", "typo", "colour", "footer", "icon", "tooltip", "spacing", "font", "margin"]


def _history() -> list[HistoryItem]:
    """20 small UI fixes (1 point) and 12 schema migrations (13 points): the median is 1."""
    items = [
        HistoryItem(f"UI-{i}", f"fix {WORDS[i % 10]} {WORDS[(i * 3 + 1) % 10]} on the settings page", 1)
        for i in range(20)
    ]
    items += [
        HistoryItem(f"DB-{i}", f"database schema migration for {name} table with backfill", 13)
        for i, name in enumerate(["orders", "users", "invoices", "events", "teams", "plans"] * 2)
    ]
    return items


# --- TF-IDF ---------------------------------------------------------------------------------------------


def test_tfidf_identical_texts_are_similar_and_disjoint_texts_are_not() -> None:
    model = TfidfModel.fit(["alpha beta gamma", "delta epsilon", "alpha beta"], min_df=1)
    x = model.transform(["alpha beta gamma", "delta epsilon", "zeta"])
    sims = (x @ x.T).toarray()
    assert sims[0, 0] == pytest.approx(1.0)
    assert sims[0, 1] == pytest.approx(0.0)
    assert sims[2, 2] == 0.0  # no known word: an all-zero row, not NaN


def test_top_k_orders_by_similarity_then_history_position() -> None:
    model = TfidfModel.fit(["red apple", "red apple", "green pear", "red car"], min_df=1)
    corpus = model.transform(["red apple", "red apple", "green pear", "red car"])
    idx, sims = top_k_similar(model.transform(["red apple"]), corpus, 3)
    assert list(idx[0][:2]) == [0, 1]  # tie broken by position
    assert sims[0][0] >= sims[0][1] >= sims[0][2]


# --- suggestions ----------------------------------------------------------------------------------------


def test_agreeing_similar_items_move_the_suggestion_away_from_the_median() -> None:
    s = suggest_estimate(_history(), "schema migration of the payments table with a backfill")
    assert s.history_median == 1
    assert s.p50 == 13 and s.point == 13
    assert all(n.key.startswith("DB-") for n in s.neighbours)
    assert [n.similarity for n in s.neighbours] == sorted((n.similarity for n in s.neighbours), reverse=True)
    assert "13" in s.explanation


def test_text_without_shared_words_gets_the_history_median() -> None:
    s = suggest_estimate(_history(), "quarterly vendor contract renewal")
    assert s.p50 == 1
    assert s.neighbours == ()
    assert "overall spread" in s.explanation


def test_calibration_runs_once_history_is_large_enough() -> None:
    small = ReferenceIndex.fit(_history()[:25])
    assert not small.calibrated and small.tail == pytest.approx(0.1)
    big = ReferenceIndex.fit(_history() + _history())
    assert big.calibrated
    assert big.calibration_coverage is not None and 0.0 <= big.calibration_coverage <= 1.0


def _drifting_history(n_stable: int, n_recent: int, shift: int, seed: int = 0) -> list[HistoryItem]:
    """Items with unrelated random words (neighbours carry no signal); actuals cycle through a Fibonacci
    scale, and the newest `n_recent` items sit `shift` steps higher on that scale."""
    rng = np.random.default_rng(seed)
    scale = [1.0, 2.0, 3.0, 5.0, 8.0, 13.0, 21.0, 34.0]
    vocab = [f"w{i}" for i in range(400)]
    items = []
    for i in range(n_stable + n_recent):
        step = int(rng.integers(0, 4)) + (shift if i >= n_stable else 0)
        items.append(HistoryItem(f"K-{i}", " ".join(rng.choice(vocab, size=6)), scale[step]))
    return items


def test_recent_drift_widens_the_range() -> None:
    stable = ReferenceIndex.fit(_drifting_history(200, 0, 0))
    drifting = ReferenceIndex.fit(_drifting_history(140, 60, 2))
    assert stable.calibrated and drifting.calibrated
    # a lower tail level = quantiles further out = a wider P10-P90 range
    assert drifting.tail < stable.tail
    # on a stable history whose neighbours carry no signal, ~80% of checked items fall inside
    assert stable.calibration_coverage is not None and abs(stable.calibration_coverage - 0.8) < 0.1


def test_newest_checks_weigh_more() -> None:
    # only the newest 8% drift: equal fold weights dilute it, a strong decay lets it set the width
    history = _drifting_history(184, 16, 3)
    equal = ReferenceIndex.fit(history, fold_decay=1.0)
    recent = ReferenceIndex.fit(history, fold_decay=0.3)
    assert recent.tail < equal.tail


@pytest.mark.parametrize("decay", [0.0, -0.5, 1.5])
def test_bad_fold_decay_is_refused(decay: float) -> None:
    with pytest.raises(InvalidInput, match="fold_decay"):
        ReferenceIndex.fit(_history(), fold_decay=decay)


def test_coverage_score_hand_computed() -> None:
    values = np.array([1.0, 2.0, 3.0, 5.0])
    cdf = np.array([[0.1, 0.5, 0.8, 1.0]] * 4)
    # y=1: min(F(1)=0.1, 1-0) ; y=2: min(0.5, 1-0.1) ; y=3: min(0.8, 1-0.5) ; y=5: min(1, 1-0.8)
    scores = _coverage_scores(values, cdf, np.array([1.0, 2.0, 3.0, 5.0]))
    assert scores == pytest.approx([0.1, 0.5, 0.5, 0.2])


@settings(max_examples=200, deadline=None)
@given(
    masses=st.lists(st.floats(0.0, 1.0), min_size=2, max_size=6).filter(lambda m: sum(m) > 0.05),
    pick=st.integers(0, 5),
    tail=st.floats(0.01, 0.49),
)
def test_coverage_score_says_exactly_when_the_range_contains_the_actual(
    masses: list[float], pick: int, tail: float
) -> None:
    values = np.array([1.0, 2.0, 3.0, 5.0, 8.0, 13.0])[: len(masses)]
    cdf = (np.cumsum(masses) / sum(masses))[None, :]
    y = values[pick % len(values)]
    score = float(_coverage_scores(values, cdf, np.array([y]))[0])
    if abs(score - tail) < 1e-6:
        return  # on the boundary the 1e-9 tolerance of the quantile decides
    inside = bool(_quantile(values, cdf, tail)[0] <= y <= _quantile(values, cdf, 1.0 - tail)[0])
    assert inside == (score >= tail)


def test_too_little_history_is_refused() -> None:
    with pytest.raises(InvalidInput, match="at least 5"):
        suggest_estimate(_history()[:4], "anything")


@pytest.mark.parametrize("bad", [-1.0, math.nan, math.inf])
def test_bad_actual_names_the_item(bad: float) -> None:
    history = _history()
    history[3] = HistoryItem("UI-3", "x", bad)
    with pytest.raises(InvalidInput, match=r"history\[3\]\.actual"):
        ReferenceIndex.fit(history)


@settings(max_examples=30, deadline=None)
@given(
    actuals=st.lists(st.sampled_from([0.0, 1.0, 2.0, 3.0, 5.0, 8.0, 13.0]), min_size=5, max_size=40),
    words=st.lists(st.sampled_from(WORDS), min_size=1, max_size=6),
)
def test_suggestion_is_an_ordered_range_of_observed_values(actuals: list[float], words: list[str]) -> None:
    rng = np.random.default_rng(len(actuals))
    history = [
        HistoryItem(f"K-{i}", " ".join(rng.choice(WORDS, size=4)), a) for i, a in enumerate(actuals)
    ]
    s = ReferenceIndex.fit(history).suggest(" ".join(words))
    assert s.p10 <= s.p50 <= s.p90
    assert {s.p10, s.p50, s.p90} <= set(actuals)
    assert min(actuals) <= s.point <= max(actuals)


# --- explanations ---------------------------------------------------------------------------------------


def test_single_driver_hand_computed() -> None:
    # data_migration: likely x1.30, range x1.35 -> baseline likely 13/1.3 = 10, range 27/1.35 = 20
    e = explain_estimate(RangeEstimate(5, 13, 32), [Driver("data_migration")], [])
    assert e.baseline_likely == pytest.approx(10.0)
    assert e.baseline_range_width == pytest.approx(20.0)
    (a,) = e.attributions
    assert a.likely_share == pytest.approx(3.0) and a.range_share == pytest.approx(7.0)
    assert "a data migration +3 days" in e.text


def test_equal_factors_share_equally_and_debt_zero_adds_nothing() -> None:
    e = explain_estimate(
        RangeEstimate(4, 8, 20),
        [Driver("refactor", "billing", factor=1.5, spread=2.0), Driver("new_api", factor=1.5, spread=2.0)],
        [ComponentDebt("auth", 0), ComponentDebt("billing", "high")],
    )
    shares = {a.source: a.likely_share for a in e.attributions}
    assert set(shares) == {"driver:refactor:billing", "driver:new_api", "component:billing"}
    assert shares["driver:refactor:billing"] == pytest.approx(shares["driver:new_api"])
    # debt "high" = 5 -> likely factor 1.25
    assert e.baseline_likely == pytest.approx(8 / (1.5 * 1.5 * 1.25))


def test_no_drivers_explains_nothing() -> None:
    e = explain_estimate(RangeEstimate(1, 2, 3), [], [])
    assert e.attributions == () and e.baseline_likely == 2
    assert "nothing inflates it" in e.text


@pytest.mark.parametrize(
    ("estimate", "drivers", "components", "field"),
    [
        (RangeEstimate(6, 5, 9), [], [], "optimistic"),
        (RangeEstimate(1, 5, 4), [], [], "pessimistic"),
        (RangeEstimate(-1, 5, 9), [], [], "optimistic"),
        (RangeEstimate(1, math.nan, 9), [], [], "likely"),
        (RangeEstimate(1, 2, 3, confidence=1.5), [], [], "confidence"),
        (RangeEstimate(1, 2, 3), [Driver("magic")], [], r"drivers\[0\]\.name"),
        (RangeEstimate(1, 2, 3), [Driver("unknowns", factor=0.5)], [], r"drivers\[0\]\.factor"),
        (RangeEstimate(1, 2, 3), [], [ComponentDebt("a", 7)], r"components\[0\]\.debt"),
        (RangeEstimate(1, 2, 3), [], [ComponentDebt("a", "huge")], r"components\[0\]\.debt"),
    ],
)
def test_invalid_estimates_name_the_field(
    estimate: RangeEstimate, drivers: list[Driver], components: list[ComponentDebt], field: str
) -> None:
    with pytest.raises(InvalidInput, match=field):
        explain_estimate(estimate, drivers, components)


_driver = st.builds(
    Driver,
    name=st.sampled_from(sorted(DRIVER_FACTORS)),
    component=st.none() | st.sampled_from(["billing", "auth"]),
    factor=st.none() | st.floats(1.0, 3.0),
    spread=st.none() | st.floats(1.0, 3.0),
)
_component = st.builds(
    ComponentDebt,
    name=st.sampled_from(["billing", "auth", "search"]),
    debt=st.integers(0, 5) | st.sampled_from(["none", "low", "medium", "high"]),
)
_estimate = st.lists(st.floats(0.0, 500.0), min_size=3, max_size=3).map(sorted).map(
    lambda v: RangeEstimate(v[0], v[1], v[2])
)


@settings(max_examples=200, deadline=None)
@given(estimate=_estimate, drivers=st.lists(_driver, max_size=6), components=st.lists(_component, max_size=4))
def test_attributions_sum_to_the_explained_total(
    estimate: RangeEstimate, drivers: list[Driver], components: list[ComponentDebt]
) -> None:
    e = explain_estimate(estimate, drivers, components)
    assert sum(a.likely_share for a in e.attributions) == pytest.approx(e.likely - e.baseline_likely, abs=1e-9)
    assert sum(a.range_share for a in e.attributions) == pytest.approx(
        e.range_width - e.baseline_range_width, abs=1e-9
    )
    assert all(a.likely_share >= 0 and a.range_share >= 0 for a in e.attributions)
    # order of the ticked drivers does not change anyone's share
    rev = explain_estimate(estimate, list(reversed(drivers)), list(reversed(components)))
    assert sorted(a.likely_share for a in rev.attributions) == pytest.approx(
        sorted(a.likely_share for a in e.attributions)
    )


@settings(max_examples=200, deadline=None)
@given(estimate=_estimate, drivers=st.lists(_driver, max_size=5), extra=_driver)
def test_adding_a_driver_never_shrinks_the_explained_total(
    estimate: RangeEstimate, drivers: list[Driver], extra: Driver
) -> None:
    before = explain_estimate(estimate, drivers, [])
    after = explain_estimate(estimate, [*drivers, extra], [])
    assert after.likely - after.baseline_likely >= before.likely - before.baseline_likely - 1e-9
    assert after.range_width - after.baseline_range_width >= (
        before.range_width - before.baseline_range_width - 1e-9
    )
