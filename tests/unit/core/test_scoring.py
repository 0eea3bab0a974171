"""Scoring frameworks: RICE, ICE, WSJF, value vs. effort, weighted criteria, business-stage weights."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tradeoff.core.formula import compile_formula
from tradeoff.core.scoring import (
    custom_score,
    ice,
    rice,
    score,
    score_many,
    value_effort,
    wsjf,
)
from tradeoff.core.scoring_matrix import Quadrant, quadrant, value_effort_matrix
from tradeoff.core.scoring_weighted import (
    Criterion,
    default_criteria,
    default_weights,
    weighted_score,
    weighted_scores,
)
from tradeoff.errors import InvalidInput


def test_rice_by_hand() -> None:
    s = rice(reach=800, impact=2, confidence=0.8, effort=30)
    assert s.value == pytest.approx(1280 / 30)
    assert s.explanation == "42.67 = reach 800 × impact 2 × confidence 0.8 ÷ effort 30"
    assert s.not_scored_reason is None
    assert s.inputs["reach"] == 800


def test_ice_wsjf_value_effort_by_hand() -> None:
    assert ice(impact=8, confidence=0.5, ease=6).value == 24
    w = wsjf(business_value=8, time_criticality=5, risk_reduction=3, job_size=5)
    assert w.value == pytest.approx(3.2)
    assert w.explanation == "3.2 = (business_value 8 + time_criticality 5 + risk_reduction 3) ÷ job_size 5"
    assert value_effort(value=120_000, effort=8).value == 15_000


def test_zero_effort_and_missing_inputs_are_not_scored() -> None:
    s = rice(reach=800, impact=2, confidence=0.8, effort=0)
    assert s.value is None
    assert s.not_scored_reason == "effort is 0 (division by zero)"
    assert s.explanation.startswith("not scored: effort is 0 (division by zero)")
    assert wsjf(business_value=1, time_criticality=1, risk_reduction=1, job_size=0).not_scored_reason == (
        "job_size is 0 (division by zero)"
    )
    assert ice(impact=3, confidence=None, ease=2).not_scored_reason == "missing confidence"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"reach": -1, "impact": 1, "confidence": 0.5, "effort": 1}, "reach must be ≥ 0, got -1"),
        ({"reach": 1, "impact": -2, "confidence": 0.5, "effort": 1}, "impact must be ≥ 0"),
        (
            {"reach": 1, "impact": 1, "confidence": 1.5, "effort": 1},
            "confidence must be between 0 and 1, got 1.5",
        ),
        ({"reach": 1, "impact": 1, "confidence": -0.1, "effort": 1}, "confidence must be between 0 and 1"),
        ({"reach": 1, "impact": 1, "confidence": 0.5, "effort": -3}, "effort must be ≥ 0"),
    ],
)
def test_inputs_are_validated_with_the_field_named(kwargs: dict[str, float], message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        rice(**kwargs)


def test_unknown_framework_and_non_numbers() -> None:
    with pytest.raises(InvalidInput, match="unknown framework 'moscow'"):
        score("moscow", {})
    with pytest.raises(InvalidInput, match="reach must be a number"):
        score("rice", {"reach": "many"})


def test_score_many_validates_and_names_the_item() -> None:
    cols = {"reach": [10, 20, -5], "impact": 1, "confidence": [1, 0.5, 0.5], "effort": [1, 2, 0]}
    with pytest.raises(InvalidInput, match=r"reach \(item F-3\) must be ≥ 0, got -5"):
        score_many("rice", cols, ids=["F-1", "F-2", "F-3"])
    cols["reach"] = [10, 20, 5]
    r = score_many("rice", cols)
    assert r.values[:2].tolist() == [10, 5]
    assert r.not_scored_reasons() == [None, None, "effort is 0 (division by zero)"]


def test_custom_formula_scores_like_a_framework() -> None:
    f = compile_formula("arr_total / effort * confidence", ["arr_total", "effort", "confidence"])
    s = custom_score(f, {"arr_total": 90_000, "effort": 3, "confidence": 0.5})
    assert s.value == 15_000
    assert s.explanation == "15,000 = arr_total 90,000 ÷ effort 3 × confidence 0.5"


# ---------------------------------------------------------------------------------------------- 2×2


def test_quadrants_by_hand() -> None:
    kw = {"value_threshold": 10, "effort_threshold": 5}
    assert quadrant(20, 2, **kw) == Quadrant.QUICK_WIN
    assert quadrant(20, 8, **kw) == Quadrant.BIG_BET
    assert quadrant(1, 2, **kw) == Quadrant.FILL_IN
    assert quadrant(1, 8, **kw) == Quadrant.MONEY_PIT
    assert quadrant(10, 5, **kw) == Quadrant.QUICK_WIN  # at the thresholds: high value, low effort


def test_matrix_uses_medians_by_default() -> None:
    m = value_effort_matrix(
        {"a": (100, 1), "b": (90, 20), "c": (5, 2), "d": (1, 30), "e": (50, 10), "f": (None, 3)}
    )
    assert (m.value_threshold, m.effort_threshold) == (50, 10)
    assert m.in_quadrant(Quadrant.QUICK_WIN) == ["a", "e"]
    assert m.in_quadrant(Quadrant.BIG_BET) == ["b"]
    assert m.in_quadrant(Quadrant.FILL_IN) == ["c"]
    assert m.in_quadrant(Quadrant.MONEY_PIT) == ["d"]
    f = next(p for p in m.placements if p.id == "f")
    assert f.quadrant is None and f.score.not_scored_reason == "missing value"
    m2 = value_effort_matrix({"a": (100, 1)}, value_threshold=200, effort_threshold=0.5)
    assert m2.placements[0].quadrant == Quadrant.MONEY_PIT


# ---------------------------------------------------------------------------------------------- weighted


def test_weighted_scoring_by_hand() -> None:
    criteria = [
        Criterion("demand", 3, scale=(0, 10)),
        Criterion("effort", 1, lower_is_better=True, scale=(0, 10)),
    ]
    s = weighted_score({"demand": 8, "effort": 4}, criteria)
    # demand 0.8 × 0.75 + effort (1 − 0.4) × 0.25 = 0.75
    assert s.value == pytest.approx(75)
    assert s.explanation.startswith(
        "75 of 100 = 100 × (demand 8 (→ 0.80) × 0.75 + effort 4 (→ 0.60, lower is better)"
    )


def test_weighted_scoring_normalises_over_items_without_a_scale() -> None:
    items = {"x": {"a": 1, "b": 5}, "y": {"a": 3, "b": 1}, "z": {"a": 2, "b": None}, "w": {"a": 2, "b": 3}}
    out = weighted_scores(items, [Criterion("a", 2), Criterion("b", 1, lower_is_better=True)])
    assert out["x"].value == pytest.approx(0)
    assert out["y"].value == pytest.approx(100)
    assert out["w"].value == pytest.approx(100 * (2 / 3 * 0.5 + 1 / 3 * 0.5))
    assert out["z"].value is None and out["z"].not_scored_reason == "missing b"
    same = weighted_scores({"p": {"a": 4}, "q": {"a": 4}}, [Criterion("a", 1)])
    assert same["p"].value == same["q"].value == pytest.approx(50)


@pytest.mark.parametrize(
    ("criteria", "message"),
    [
        ([], "at least one criterion"),
        ([Criterion("a", 1, scale=(0, 10)), Criterion("a", 2, scale=(0, 10))], "repeated: a"),
        ([Criterion("a", -1, scale=(0, 10))], "weight must be ≥ 0"),
        ([Criterion("a", 0, scale=(0, 10))], "weight above 0"),
        ([Criterion("a", 1, scale=(10, 0))], "scale must run from low to high"),
        ([Criterion("a", 1)], "needs a scale on every criterion; missing for: a"),
    ],
)
def test_bad_criteria(criteria: list[Criterion], message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        weighted_score({"a": 1}, criteria)


def test_off_scale_value_names_item_and_criterion() -> None:
    with pytest.raises(InvalidInput, match="item F-9: a must be on its scale 0–10, got 11"):
        weighted_scores({"F-9": {"a": 11}}, [Criterion("a", 1, scale=(0, 10))])


def test_default_weights_follow_the_business_stage() -> None:
    for stage in ("growth", "retention", "profitability"):
        assert sum(default_weights(stage).values()) == pytest.approx(1)

    def top2(stage: str) -> set[str]:
        w = default_weights(stage)
        return set(sorted(w, key=lambda k: -w[k])[:2])

    assert top2("growth") == {"new_customer_demand", "reach"}
    assert top2("retention") == {"arr_at_risk", "existing_customer_demand"}
    assert top2("Profitability") == {"cost_reduction", "margin"}
    with pytest.raises(InvalidInput, match="unknown business stage 'hype'"):
        default_weights("hype")
    growth = default_criteria("growth")
    big_reach = weighted_score({c.name: (10 if c.name == "reach" else 5) for c in growth}, growth)
    big_margin = weighted_score({c.name: (10 if c.name == "margin" else 5) for c in growth}, growth)
    assert (big_reach.value or 0) > (big_margin.value or 0)


# ---------------------------------------------------------------------------------------------- properties

amount = st.floats(min_value=0, max_value=1e6, allow_nan=False)
positive = st.floats(min_value=1e-3, max_value=1e6, allow_nan=False)
share = st.floats(min_value=0, max_value=1)


@given(amount, amount, amount, share, positive, positive)
def test_rice_is_monotonic(
    reach: float, more: float, impact: float, confidence: float, effort: float, extra: float
) -> None:
    base = rice(reach=reach, impact=impact, confidence=confidence, effort=effort).value
    more_reach = rice(reach=reach + more, impact=impact, confidence=confidence, effort=effort).value
    more_effort = rice(reach=reach, impact=impact, confidence=confidence, effort=effort + extra).value
    assert base is not None and more_reach is not None and more_effort is not None
    assert more_reach >= base
    assert more_effort <= base


@given(amount, amount, share, share, amount)
def test_ice_is_monotonic_in_confidence_and_ease(
    impact: float, ease: float, c1: float, c2: float, more: float
) -> None:
    lo, hi = sorted((c1, c2))
    assert (ice(impact=impact, confidence=hi, ease=ease).value or 0) >= (
        ice(impact=impact, confidence=lo, ease=ease).value or 0
    )
    assert (ice(impact=impact, confidence=lo, ease=ease + more).value or 0) >= (
        ice(impact=impact, confidence=lo, ease=ease).value or 0
    )


@given(amount, amount, amount, positive, positive)
def test_wsjf_falls_as_job_size_grows(bv: float, tc: float, rr: float, size: float, extra: float) -> None:
    small = wsjf(business_value=bv, time_criticality=tc, risk_reduction=rr, job_size=size).value
    big = wsjf(business_value=bv, time_criticality=tc, risk_reduction=rr, job_size=size + extra).value
    assert small is not None and big is not None and big <= small


@given(
    st.lists(st.floats(min_value=0, max_value=10), min_size=3, max_size=3),
    st.lists(st.floats(min_value=0.01, max_value=5), min_size=3, max_size=3),
    st.floats(min_value=0.1, max_value=100),
    st.floats(min_value=0, max_value=10),
)
def test_weighted_score_properties(
    vals: list[float], weights: list[float], factor: float, bump: float
) -> None:
    criteria = [
        Criterion(n, w, scale=(0, 10), lower_is_better=(n == "c"))
        for n, w in zip("abc", weights, strict=True)
    ]
    item = dict(zip("abc", vals, strict=True))
    s = weighted_score(item, criteria).value
    assert s is not None and -1e-9 <= s <= 100 + 1e-9
    scaled = [Criterion(c.name, c.weight * factor, c.lower_is_better, c.scale) for c in criteria]
    assert weighted_score(item, scaled).value == pytest.approx(s)
    better = {**item, "a": min(10.0, item["a"] + bump)}
    worse = {**item, "c": min(10.0, item["c"] + bump)}
    assert (weighted_score(better, criteria).value or 0) >= s - 1e-9
    assert (weighted_score(worse, criteria).value or 0) <= s + 1e-9


def test_score_many_agrees_with_scalar_rice() -> None:
    rng = np.random.default_rng(3)
    n = 50
    cols = {
        "reach": rng.integers(0, 1000, n).astype(float),
        "impact": rng.choice([0.25, 0.5, 1, 2, 3], n),
        "confidence": rng.random(n),
        "effort": rng.integers(0, 5, n).astype(float),
    }
    many = score_many("rice", cols)
    for i in range(n):
        one = rice(**{k: float(v[i]) for k, v in cols.items()})
        assert one.not_scored_reason == many.reason(i)
        if one.value is not None:
            assert math.isclose(one.value, float(many.values[i]), rel_tol=1e-12)


def test_weighted_scoring_rejects_text() -> None:
    with pytest.raises(InvalidInput, match="item x: a must be a number, got 'high'"):
        weighted_scores({"x": {"a": "high"}}, [Criterion("a", 1)])  # type: ignore[dict-item]
