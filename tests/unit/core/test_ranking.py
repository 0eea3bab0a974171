"""Ranking analysis: ranking rules, rank correlation, framework comparison, top-k stability, stakeholders."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tradeoff.core.formula import compile_formula
from tradeoff.core.ranking import (
    RankedItem,
    StakeholderVote,
    compare_frameworks,
    rank,
    rank_correlation,
    rank_vector,
    stakeholder_analysis,
    top_k_stability,
)
from tradeoff.core.scoring import framework_formula, rice, score_many
from tradeoff.core.sizing import Range
from tradeoff.errors import InvalidInput


def ids(ranking: list[RankedItem] | tuple[RankedItem, ...]) -> list[str]:
    return [r.id for r in ranking]


def test_rank_highest_first_ties_by_id_not_scored_last() -> None:
    out = rank(
        {
            "d": 5,
            "b": 3,
            "a": 3,
            "z": None,
            "c": rice(reach=1, impact=1, confidence=1, effort=0),
            "e": math.nan,
            "f": rice(reach=100, impact=1, confidence=1, effort=10),
        }
    )
    assert ids(out) == ["f", "d", "a", "b", "c", "e", "z"]
    assert [r.rank for r in out] == [1, 2, 3, 4, 5, 6, 7]
    assert out[0].value == 10
    assert out[4].value is None and out[4].not_scored_reason == "effort is 0 (division by zero)"


def test_rank_vector_ranks_evaluate_many_output() -> None:
    cols = {"reach": [10, 30, 30, 5], "impact": 1, "confidence": 1, "effort": [1, 1, 1, 0]}
    out = rank_vector(["x", "b", "a", "n"], score_many("rice", cols))
    assert ids(out) == ["a", "b", "x", "n"]
    assert out[-1].not_scored_reason == "effort is 0 (division by zero)"
    with pytest.raises(InvalidInput):
        rank_vector(["x"], score_many("rice", cols))


@given(
    st.dictionaries(
        st.text("abcdef", min_size=1, max_size=3),
        st.one_of(st.none(), st.sampled_from([0.0, 1.0, 2.0]), st.floats(-10, 10)),
    )
)
def test_rank_vector_agrees_with_rank(scores: dict[str, float | None]) -> None:
    names = list(scores)
    f = compile_formula("x")
    result = f.evaluate_many({"x": [scores[n] for n in names]}, size=len(names))
    fast = rank_vector(names, result)
    slow = rank(scores)
    assert ids(fast) == ids(slow)
    assert [r.rank for r in slow] == list(range(1, len(names) + 1))
    scored = [r.value is not None for r in slow]
    assert scored == sorted(scored, reverse=True)  # every scored item before every unscored one


def test_rank_correlation_by_hand() -> None:
    a = {"p": 1, "q": 2, "r": 3, "s": 4}
    b = {"p": 2, "q": 1, "r": 4, "s": 3}
    c = rank_correlation(a, b)
    assert c.items == 4
    assert c.spearman == pytest.approx(1 - 6 * 4 / (4 * (16 - 1)))  # 0.6
    assert c.kendall == pytest.approx((4 - 2) / 6)  # 4 concordant, 2 discordant pairs
    assert rank_correlation(a, a).spearman == pytest.approx(1)
    assert rank_correlation(a, {k: 5 - v for k, v in a.items()}).kendall == pytest.approx(-1)
    assert rank_correlation(a, {"p": 1, "zz": 2}) == type(c)(None, None, 1)


def test_compare_frameworks_side_by_side() -> None:
    cmp = compare_frameworks(
        {
            "rice": {"a": 40, "b": 30, "c": 20, "d": 10, "e": None},
            "wsjf": {"a": 10, "b": 20, "c": 30, "d": 40, "e": 5},
            "ice": {"a": 4, "b": 3, "c": 2, "d": 1, "e": 0},
        }
    )
    assert cmp.frameworks == ("rice", "wsjf", "ice")
    assert cmp.ranks["a"] == {"rice": 1, "wsjf": 4, "ice": 1}
    assert cmp.ranks["e"]["rice"] is None
    assert cmp.spearman[0][0] == 1.0
    assert cmp.spearman[0][2] == pytest.approx(1.0)  # same order over the 4 items both scored
    assert cmp.spearman[0][1] == pytest.approx(-1.0) == cmp.spearman[1][0]
    assert cmp.kendall[1][2] == pytest.approx(
        rank_correlation(
            {"a": 4, "b": 3, "c": 2, "d": 1, "e": 5}, {"a": 1, "b": 2, "c": 3, "d": 4, "e": 5}
        ).kendall
    )
    assert [d.id for d in cmp.disagreements[:2]] == ["a", "d"]  # rank 1 vs 4 under wsjf
    assert cmp.disagreements[0].spread == 3


# ---------------------------------------------------------------------------------------------- stability


def test_certain_inputs_give_a_certain_top_k() -> None:
    items = {f"F{i:02d}": {"reach": 100 * i, "impact": 1, "confidence": 1, "effort": 1} for i in range(1, 16)}
    s = top_k_stability(framework_formula("rice"), items, rng=np.random.default_rng(0), draws=50, k=10)
    assert s.baseline_top == tuple(f"F{i:02d}" for i in range(15, 5, -1))
    assert s.expected_overlap == 10 and s.expected_overlap_share == 1
    assert all(s.probability_in_top[i] == 1.0 for i in s.baseline_top)
    assert s.probability_in_top["F01"] == 0.0


def test_uncertain_inputs_loosen_the_top_k() -> None:
    items: dict[str, dict[str, Range | float | None]] = {
        f"F{i:02d}": {"reach": Range(90 * i, 100 * i, 110 * i), "impact": 1, "confidence": 1, "effort": 1}
        for i in range(1, 13)
    }
    items["wild"] = {"reach": Range(0, 100, 5000), "impact": 1, "confidence": 1, "effort": 1}
    items["dud"] = {"reach": 10_000, "impact": None, "confidence": 1, "effort": 1}  # never scored
    s = top_k_stability(framework_formula("rice"), items, rng=np.random.default_rng(1), draws=2000, k=3)
    assert s.baseline_top == ("F12", "F11", "F10")
    assert s.probability_in_top["dud"] == 0

    # "wild" is in the top 3 when it beats the 3rd best of the others, which lies between 900 (F10's low) and
    # 1,100 (F10's high; only F11 and F12 can exceed it); P(triangle(0, 100, 5000) > t) = (5000 - t)² / (5000 · 4900)
    def above(t: float) -> float:
        return (5000 - t) ** 2 / (5000 * 4900)

    assert above(1100) - 0.03 <= s.probability_in_top["wild"] <= above(900) + 0.03
    assert 0 < s.expected_overlap < 3
    assert s.probability_in_top["F01"] == 0
    assert sum(s.probability_in_top.values()) == pytest.approx(3)


def test_stability_rejects_bad_ranges() -> None:
    with pytest.raises(InvalidInput, match="item X: reach needs low ≤ likely ≤ high"):
        top_k_stability(
            framework_formula("rice"),
            {"X": {"reach": Range(5, 1, 2), "impact": 1, "confidence": 1, "effort": 1}},
            rng=np.random.default_rng(0),
        )


# ---------------------------------------------------------------------------------------------- stakeholders


VOTES = [
    StakeholderVote("sales", "X", 5, "Acme will churn without it", "ana"),
    StakeholderVote("sales", "X", 3, "", "bo"),
    StakeholderVote("sales", "Y", 1),
    StakeholderVote("sales", "Z", 2),
    StakeholderVote("Engineering", "X", 1, "needs a rewrite of billing"),
    StakeholderVote("engineering", "Y", 4),
    StakeholderVote("engineering", "Z", 3),
    StakeholderVote("support", "Y", 5, "40 tickets a month"),
]


def test_each_group_ranks_by_its_mean_score() -> None:
    a = stakeholder_analysis(VOTES)
    assert sorted(a.groups) == ["engineering", "sales", "support"]
    sales = a.groups["sales"]
    assert ids(sales.ranking) == ["X", "Z", "Y"]
    assert sales.ranking[0].value == 4  # mean of 5 and 3
    assert sales.reasons["X"] == ("Acme will churn without it",)


def test_consensus_is_a_normalised_borda_count() -> None:
    a = stakeholder_analysis(VOTES)
    # sales X 1, Z 0.5, Y 0; engineering Y 1, Z 0.5, X 0; support Y 1 (X, Z unscored: 0)
    expected = {"Y": (0 + 1 + 1) / 3, "Z": (0.5 + 0.5 + 0) / 3, "X": (1 + 0 + 0) / 3}
    assert ids(a.consensus) == ["Y", "X", "Z"]  # X and Z tie at 1/3: by id
    for r in a.consensus:
        assert r.value == pytest.approx(expected[r.id])
    weighted = stakeholder_analysis(VOTES, group_weights={"sales": 5})
    assert ids(weighted.consensus)[0] == "X"  # (5·1 + 0 + 0) / 7 beats Y's (0 + 1 + 1) / 7


def test_widest_disagreements_are_the_conversations_to_have() -> None:
    a = stakeholder_analysis(VOTES)
    first = a.disagreements[0]
    assert first.item_id == "X" and first.spread == 1
    assert first.ranks == {"engineering": 3, "sales": 1}
    assert first.summary == (
        'sales ranks X #1 of 3 ("Acme will churn without it") but engineering ranks it #3 of 3 '
        '("needs a rewrite of billing")'
    )
    assert "Z" not in [d.item_id for d in a.disagreements]  # both groups put Z in the middle


@pytest.mark.parametrize(
    ("vote", "message"),
    [
        (StakeholderVote("", "X", 1), "vote 1: group is empty"),
        (StakeholderVote("sales", "", 1), "vote 1: item_id is empty"),
        (StakeholderVote("sales", "X", math.inf), "vote 1: score must be a finite number"),
    ],
)
def test_bad_votes(vote: StakeholderVote, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        stakeholder_analysis([vote])


def test_negative_group_weight() -> None:
    with pytest.raises(InvalidInput, match="group weight for sales must be ≥ 0"):
        stakeholder_analysis(VOTES, group_weights={"sales": -1})


def test_ranks_that_differ_by_less_than_two_places_are_no_disagreement() -> None:
    # a: #1/#1/#2 (spread 1), b: #2/#3/#1 (spread 2), c: #3/#2/#3 (spread 1)
    cmp = compare_frameworks({"rice": {"a": 3, "b": 2, "c": 1}, "ice": {"a": 3, "b": 1, "c": 2},
                              "wsjf": {"a": 2, "b": 3, "c": 1}})
    assert cmp.ranks["a"] == {"rice": 1, "ice": 1, "wsjf": 2}
    assert [(d.id, d.spread) for d in cmp.disagreements] == [("b", 2)]
    assert compare_frameworks({"rice": {"a": 2, "b": 1}, "ice": {"a": 1, "b": 2}}).disagreements == ()
