"""Reference-class suggestions and estimate explanations (pure core)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tradeoff.core.estimation import HistoryItem, ReferenceIndex, suggest_estimate
from tradeoff.core.estimation_explain import (
    DRIVER_FACTORS,
    ComponentDebt,
    Driver,
    RangeEstimate,
    explain_estimate,
)
from tradeoff.core.estimation_index import _cdf_at, _level_for_share, _quantile, _recency
from tradeoff.core.estimation_text import TfidfModel, VectorSimilarity, top_k_similar
from tradeoff.core.estimation_types import TAIL_MAX, TAIL_MIN
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


def test_top_k_weights_rerank_but_similarities_stay_cosine() -> None:
    texts = ["red apple", "red apple", "green pear", "red car"]
    model = TfidfModel.fit(texts, min_df=1)
    corpus = model.transform(texts)
    query = model.transform(["red apple"])
    plain_idx, plain_sims = top_k_similar(query, corpus, 4)
    idx, sims = top_k_similar(query, corpus, 4, weights=np.array([0.1, 1.0, 1.0, 1.0]))
    assert idx[0][0] == 1 and idx[0][1] != 0  # item 0 (same words, weight 0.1) drops below "red car"
    by_item = dict(zip(plain_idx[0], plain_sims[0], strict=True))
    assert all(s == pytest.approx(by_item[i]) for i, s in zip(idx[0], sims[0], strict=True))
    with pytest.raises(ValueError, match="one value per corpus row"):
        top_k_similar(query, corpus, 2, weights=np.ones(3))


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
    assert not small.calibrated
    assert small.tail_low == pytest.approx(0.1) and small.tail_high == pytest.approx(0.1)
    big = ReferenceIndex.fit(_history() + _history())
    assert big.calibrated
    assert big.calibration_coverage is not None and 0.0 <= big.calibration_coverage <= 1.0


def _drifting_history(n_stable: int, n_recent: int, shift: int, seed: int = 0) -> list[HistoryItem]:
    """Items with unrelated random words (neighbours carry no signal); actuals are drawn from the middle of
    a Fibonacci scale (3, 5, 8, 13), and the newest `n_recent` items sit `shift` steps up (or down) it."""
    rng = np.random.default_rng(seed)
    scale = [1.0, 2.0, 3.0, 5.0, 8.0, 13.0, 21.0, 34.0, 55.0]
    vocab = [f"w{i}" for i in range(400)]
    items = []
    for i in range(n_stable + n_recent):
        step = int(rng.integers(2, 6)) + (shift if i >= n_stable else 0)
        items.append(HistoryItem(f"K-{i}", " ".join(rng.choice(vocab, size=6)), scale[step]))
    return items


def test_stable_history_is_calibrated_on_both_sides() -> None:
    stable = ReferenceIndex.fit(_drifting_history(200, 0, 0))
    assert stable.calibrated
    # neighbours carry no signal and nothing drifts: ~80% of checked items inside, both tails near 10%
    assert stable.calibration_coverage is not None and abs(stable.calibration_coverage - 0.8) < 0.05
    assert 0.15 < stable.tail_low < 0.35 and 0.15 < stable.tail_high < 0.35


@pytest.mark.parametrize("shift", [2, -2])
def test_recent_drift_moves_the_range_its_way(shift: int) -> None:
    stable = ReferenceIndex.fit(_drifting_history(200, 0, 0))
    drifting = ReferenceIndex.fit(_drifting_history(140, 60, shift))
    a, b = stable.suggest("w1 w2 w3"), drifting.suggest("w1 w2 w3")
    # a lower tail level = that bound further out; the side the work drifted to is the one that widens
    if shift > 0:
        assert drifting.tail_high < stable.tail_high and b.p90 > a.p90
    else:
        assert drifting.tail_low < stable.tail_low and b.p10 < a.p10


def test_newest_checks_weigh_more() -> None:
    # only the newest 8% drift up: equal fold weights dilute it, a strong decay lets it set the upper bound
    history = _drifting_history(184, 16, 3)
    equal = ReferenceIndex.fit(history, fold_decay=1.0)
    recent = ReferenceIndex.fit(history, fold_decay=0.3)
    assert recent.tail_high < equal.tail_high


def test_recent_similar_items_outweigh_old_ones() -> None:
    # the same kind of work took 13 points long ago and 3 points lately; 100 unrelated items in between
    old = [HistoryItem(f"OLD-{i}", f"export report to csv for {w}", 13) for i, w in enumerate(WORDS)]
    middle = [HistoryItem(f"MID-{i}", f"unrelated chore number {i} {WORDS[i % 10]}x", 1) for i in range(100)]
    new = [HistoryItem(f"NEW-{i}", f"export report to csv for {w}", 3) for i, w in enumerate(WORDS)]
    history = old + middle + new
    text = "export report to csv for finance"
    assert ReferenceIndex.fit(history, half_life=20).suggest(text).p50 == 3
    # without recency both groups are equally similar and both count
    flat = ReferenceIndex.fit(history, half_life=None).suggest(text)
    assert flat.p10 <= 3 and flat.p90 >= 13
    assert {n.key.split("-")[0] for n in flat.neighbours} == {"OLD"}  # equal similarity: older first


def test_recency_weights_halve_every_half_life() -> None:
    assert _recency(5, 2.0) == pytest.approx([0.25, 2**-1.5, 0.5, 2**-0.5, 1.0])
    assert _recency(3, None) == pytest.approx([1.0, 1.0, 1.0])


@pytest.mark.parametrize("half_life", [0.0, -3.0, math.inf, math.nan])
def test_bad_half_life_is_refused(half_life: float) -> None:
    with pytest.raises(InvalidInput, match="half_life"):
        ReferenceIndex.fit(_history(), half_life=half_life)


@pytest.mark.parametrize("decay", [0.0, -0.5, 1.5])
def test_bad_fold_decay_is_refused(decay: float) -> None:
    with pytest.raises(InvalidInput, match="fold_decay"):
        ReferenceIndex.fit(_history(), fold_decay=decay)


def test_cdf_at_hand_computed() -> None:
    values = np.array([1.0, 2.0, 3.0, 5.0])
    cdf = np.array([[0.1, 0.5, 0.8, 1.0]] * 4)
    f_at, f_below = _cdf_at(values, cdf, np.array([1.0, 4.0, 5.0, 0.5]))
    assert f_at == pytest.approx([0.1, 0.8, 1.0, 0.0])  # 4 is not a value: F(4) = F(3)
    assert f_below == pytest.approx([0.0, 0.8, 0.8, 0.0])  # 0.5 is below every value


def test_level_for_share_hand_computed() -> None:
    scores = np.array([0.05, 0.3, 0.3, 0.4, 0.2])
    # share below: 0.2 -> one of five; the cut lies midway between 0.05 and 0.2
    assert _level_for_share(scores, np.ones(5), 0.2) == pytest.approx(0.125)
    # equal scores are never split: after 0.2 the share is 2/5, the next cut (after both 0.3s) 4/5
    assert _level_for_share(scores, np.ones(5), 0.45) == pytest.approx(0.25)
    # weights count: the heavy 0.05 alone is half the mass
    assert _level_for_share(scores, np.array([4.0, 1, 1, 1, 1]), 0.5) == pytest.approx(0.125)


@settings(max_examples=300, deadline=None)
@given(
    steps=st.lists(st.integers(0, 100), min_size=1, max_size=30),
    raw_weights=st.lists(st.floats(0.01, 10.0), min_size=30, max_size=30),
    share=st.floats(0.0, 0.5),
)
def test_level_for_share_is_the_best_cut(steps: list[int], raw_weights: list[float], share: float) -> None:
    s = np.array(steps) / 100.0  # scores on a 0.01 grid, as F values of a discrete distribution would be
    w = np.array(raw_weights[: len(steps)])
    level = _level_for_share(s, w, share)
    assert TAIL_MIN <= level <= TAIL_MAX
    achieved = float(w[s < level].sum() / w.sum())
    # no other allowed level gets closer to the share (levels just above each score, and the clip ends)
    allowed = [TAIL_MIN, TAIL_MAX] + [x + 1e-6 for x in s if TAIL_MIN <= x + 1e-6 <= TAIL_MAX]
    best = min(abs(float(w[s < t].sum() / w.sum()) - share) for t in allowed)
    assert abs(achieved - share) <= best + 1e-9
    # the level sits strictly between scores, never on one
    assert not np.any(np.isclose(s, level, rtol=0.0, atol=1e-9))
    # the answer does not depend on the order the scores come in
    order = np.random.default_rng(len(steps)).permutation(len(steps))
    assert _level_for_share(s[order], w[order], share) == pytest.approx(level)


@settings(max_examples=300, deadline=None)
@given(
    masses=st.lists(st.floats(0.0, 1.0), min_size=2, max_size=6).filter(lambda m: sum(m) > 0.05),
    pick=st.integers(0, 6),
    low=st.floats(0.01, 0.49),
    high=st.floats(0.01, 0.49),
)
def test_cdf_at_says_exactly_which_side_of_the_range_the_actual_is(
    masses: list[float], pick: int, low: float, high: float
) -> None:
    values = np.array([1.0, 2.0, 3.0, 5.0, 8.0, 13.0])[: len(masses)]
    cdf = (np.cumsum(masses) / sum(masses))[None, :]
    y = np.r_[values, 0.5][pick % (len(values) + 1)]  # a value of the history, or one below all of them
    f_at, f_below = (float(v[0]) for v in _cdf_at(values, cdf, np.array([y])))
    if min(abs(f_at - low), abs(f_below - (1.0 - high))) < 1e-6:
        return  # on the boundary the 1e-9 tolerance of the quantile decides
    assert bool(y < _quantile(values, cdf, low)[0]) == (f_at < low)
    assert bool(y > _quantile(values, cdf, 1.0 - high)[0]) == (f_below >= 1.0 - high)


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


_actuals = st.lists(st.sampled_from([0.0, 1.0, 2.0, 3.0, 5.0, 8.0, 13.0, 21.0]), min_size=5, max_size=45)


def _random_history(actuals: list[float], seed: int) -> list[HistoryItem]:
    rng = np.random.default_rng(seed)
    return [HistoryItem(f"K-{i}", " ".join(rng.choice(WORDS, size=4)), a) for i, a in enumerate(actuals)]


@settings(max_examples=25, deadline=None)
@given(actuals=_actuals, seed=st.integers(0, 1000), words=st.lists(st.sampled_from(WORDS), min_size=1, max_size=5))
def test_a_change_of_unit_changes_the_suggestion_the_same_way(actuals: list[float], seed: int, words: list[str]) -> None:
    # only the order of the actuals matters: points -> half-points + 1 (any increasing map) maps P10/P50/P90
    history = _random_history(actuals, seed)
    rescaled = [HistoryItem(h.key, h.text, 2.0 * h.actual + 1.0) for h in history]
    a = ReferenceIndex.fit(history).suggest(" ".join(words))
    b = ReferenceIndex.fit(rescaled).suggest(" ".join(words))
    assert (b.p10, b.p50, b.p90) == (2 * a.p10 + 1, 2 * a.p50 + 1, 2 * a.p90 + 1)
    assert b.calibration_coverage == a.calibration_coverage


@settings(max_examples=25, deadline=None)
@given(actuals=_actuals, seed=st.integers(0, 1000), order=st.permutations(range(4)))
def test_suggestions_do_not_depend_on_the_other_texts_in_the_batch(
    actuals: list[float], seed: int, order: list[int]
) -> None:
    # queries are independent (the history's own order does matter: recency and the checks use it)
    index = ReferenceIndex.fit(_random_history(actuals, seed))
    texts = ["fix button label", "tooltip spacing font", "margin", "quarterly vendor contract"]
    alone = [index.suggest(t) for t in texts]
    batch = index.suggest_many([texts[i] for i in order])
    assert [(s.p10, s.p50, s.p90, s.neighbours) for s in batch] == [
        (alone[i].p10, alone[i].p50, alone[i].p90, alone[i].neighbours) for i in order
    ]


# --- precomputed text vectors (e.g. sentence embeddings) ------------------------------------------------


def _vector_history(seed: int = 0) -> tuple[list[HistoryItem], np.ndarray]:
    """40 items with the same text (TF-IDF cannot tell them apart); their vectors fall in two clusters:
    around e1 (actual 1) and around e2 (actual 13), interleaved in time so recency favours neither."""
    rng = np.random.default_rng(seed)
    history, rows = [], []
    for i in range(40):
        big = i % 2 == 1
        history.append(HistoryItem(f"{'B' if big else 'S'}-{i}", "update the service", 13.0 if big else 1.0))
        centre = np.array([0.0, 1.0, 0.0, 0.0]) if big else np.array([1.0, 0.0, 0.0, 0.0])
        rows.append(centre + 0.2 * rng.standard_normal(4))
    return history, np.array(rows)


def test_top_k_blends_vector_cosine_into_the_similarity() -> None:
    texts = ["red apple", "red apple", "green pear"]
    model = TfidfModel.fit(texts, min_df=1)
    corpus, query = model.transform(texts), model.transform(["red apple"])
    corpus_vectors = np.array([[1.0, 0.0], [0.0, 1.0], [0.6, 0.8]])
    query_vector = np.array([[0.0, 1.0]])
    blend = VectorSimilarity(query_vector, corpus_vectors, weight=0.5, power=3.0)
    idx, sims = top_k_similar(query, corpus, 3, vectors=blend)
    # item 1: same words and same vector; item 0: same words, orthogonal vector; item 2: no words, cos 0.8
    assert list(idx[0]) == [1, 0, 2]
    assert list(sims[0]) == pytest.approx([1.0, 0.5, 0.5 * 0.8**3])
    same_idx, same_sims = top_k_similar(query, corpus, 3, vectors=VectorSimilarity(query_vector, corpus_vectors, 0.0))
    plain_idx, plain_sims = top_k_similar(query, corpus, 3)
    assert list(same_idx[0]) == list(plain_idx[0]) and list(same_sims[0]) == pytest.approx(list(plain_sims[0]))
    with pytest.raises(ValueError, match="one row per query"):
        top_k_similar(query, corpus, 3, vectors=VectorSimilarity(query_vector, corpus_vectors[:2], 0.5))


@pytest.mark.parametrize("weight", [1.0, 0.25])
def test_neighbours_follow_the_vectors_when_the_texts_do_not_differ(weight: float) -> None:
    history, vectors = _vector_history()
    index = ReferenceIndex.fit(history, vectors=vectors, vector_weight=weight)
    near_big = index.suggest("update the service", vector=[0.1, 1.0, 0.0, 0.0])
    near_small = index.suggest("update the service", vector=[1.0, 0.1, 0.0, 0.0])
    assert all(n.key.startswith("B-") for n in near_big.neighbours)
    assert all(n.key.startswith("S-") for n in near_small.neighbours)
    if weight == 1.0:  # vectors alone: the reference class is the matching cluster
        assert (near_big.p50, near_small.p50) == (13.0, 1.0)
    # the text alone sees 40 equal items: its neighbours are just the newest ones
    lexical = ReferenceIndex.fit(history).suggest("update the service")
    assert {n.key[0] for n in lexical.neighbours} == {"B", "S"}


def test_vectors_are_normalised_and_a_zero_weight_ignores_them() -> None:
    history, vectors = _vector_history(seed=3)
    a = ReferenceIndex.fit(history, vectors=vectors, vector_weight=1.0).suggest("x", vector=[0.2, 1.0, 0, 0])
    b = ReferenceIndex.fit(history, vectors=7.0 * vectors, vector_weight=1.0).suggest("x", vector=[0.6, 3.0, 0, 0])
    assert (a.p10, a.p50, a.p90, a.neighbours) == (b.p10, b.p50, b.p90, b.neighbours)
    off = ReferenceIndex.fit(history, vectors=vectors, vector_weight=0.0).suggest("x", vector=[0.2, 1.0, 0, 0])
    plain = ReferenceIndex.fit(history).suggest("x")
    assert (off.p10, off.p50, off.p90, off.calibration_coverage) == (
        plain.p10, plain.p50, plain.p90, plain.calibration_coverage
    )


def test_bad_vectors_are_refused_with_what_to_do() -> None:
    history, vectors = _vector_history()
    with pytest.raises(InvalidInput, match=r"one row per text \(40 rows\)"):
        ReferenceIndex.fit(history, vectors=vectors[:39])
    with pytest.raises(InvalidInput, match="finite"):
        ReferenceIndex.fit(history, vectors=np.where(np.arange(4) == 2, np.nan, vectors))
    with pytest.raises(InvalidInput, match="vector_weight"):
        ReferenceIndex.fit(history, vectors=vectors, vector_weight=1.5)
    with pytest.raises(InvalidInput, match="vector_power"):
        ReferenceIndex.fit(history, vectors=vectors, vector_power=0.0)
    index = ReferenceIndex.fit(history, vectors=vectors)
    with pytest.raises(InvalidInput, match="give the new text's vector"):
        index.suggest("update the service")
    with pytest.raises(InvalidInput, match="same model"):
        index.suggest("update the service", vector=[1.0, 0.0, 0.0])
    with pytest.raises(InvalidInput, match="without vectors"):
        ReferenceIndex.fit(history).suggest("update the service", vector=[1.0, 0.0, 0.0, 0.0])


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


def test_the_explanation_gives_amounts_as_an_estimate_deserves() -> None:
    """Whole person-days from 10 up, one decimal below, 'person-day' for exactly one: no '3.02 person-days'."""
    e = explain_estimate(RangeEstimate(3, 5, 10, unit="person-days"),
                         [Driver("security_review", factor=1.25, spread=1.2)], [])
    assert "about 4 person-days; the extra 1 person-day comes from a security review +1 person-day (100%)" in e.text
    assert "The range is 7 person-days wide instead of about 5.8 person-days" in e.text
    assert not any(len(n.split(".")[1]) > 1 for n in __import__("re").findall(r"\d+\.\d+", e.text))


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
