"""The scales of the scoring inputs, the inputs in words and the frameworks' names in words."""

from __future__ import annotations

import math
import re

from hypothesis import given
from hypothesis import strategies as st

from tradeoff.core import scoring_fields as sf
from tradeoff.core.formula import format_number
from tradeoff.scoring import service as scoring


def test_every_entered_input_has_a_scale_and_a_place_on_the_form() -> None:
    assert set(sf.SCALES) == set(scoring.ENTERED)
    on_form = [name for _, names in scoring.FORM_GROUPS for name in names]
    assert sorted(on_form) == sorted(scoring.ENTERED)  # each exactly once
    assert set(sf.DERIVED) == set(scoring.DERIVED)
    for name in scoring.ALL_FIELDS:  # every field a formula may use is explained
        assert sf.meaning(name) and "_" not in sf.label(name)


def test_the_frameworks_standard_scales() -> None:
    impact = sf.SCALES["impact"]
    assert [(c.value, c.word) for c in impact.choices] == [
        (0.25, "minimal"), (0.5, "low"), (1.0, "medium"), (2.0, "high"), (3.0, "massive")]
    assert (impact.low, impact.high) == (0, 3)
    confidence = sf.SCALES["confidence"]
    assert (confidence.low, confidence.high) == (0, 1) and {c.value for c in confidence.choices} == {0.5, 0.8, 1.0}
    assert "0.8 = 80%" in confidence.hint
    for name in ("business_value", "time_criticality", "risk_reduction", "job_size"):
        assert [c.value for c in sf.SCALES[name].choices] == [1, 2, 3, 5, 8, 13, 20]
    assert sf.SCALES["effort"].high is None and "person-weeks" in sf.SCALES["effort"].hint
    assert "ratio" in sf.meaning("roi") and "6.55 = 655%" in sf.meaning("roi")
    for scale in sf.SCALES.values():  # a standard value is always accepted
        assert all(scale.refusal(c.value) is None for c in scale.choices)
        assert scale.hint and scale.short


@given(st.sampled_from(sorted(sf.SCALES)), st.floats(allow_nan=True, allow_infinity=True))
def test_a_value_is_refused_exactly_when_it_is_off_its_scale_and_the_message_says_the_range(name: str,
                                                                                           x: float) -> None:
    scale = sf.SCALES[name]
    on = math.isfinite(x) and scale.low <= x and (scale.high is None or x <= scale.high)
    message = scale.refusal(x)
    assert (message is None) == on
    assert sf.refusal(name, [scale.low, x]) == message
    if message is not None:
        assert message.startswith(f"{scale.label} is ")
        assert format_number(scale.low) in message
        if scale.high is not None:
            assert f"between {format_number(scale.low)} and {format_number(scale.high)}" in message
        assert message.endswith(f"got {format_number(x)}")


def test_confidence_is_refused_as_a_share() -> None:
    assert sf.refusal("confidence", [0.5, 1.5]) == ("confidence is a share between 0 and 1 (0.8 = 80%; 1 high, 0.8 "
                                                    "medium, 0.5 low), got 1.5")
    assert sf.refusal("customers", [-5]) is None  # derived inputs are not entered, so have no scale


def test_frameworks_in_words() -> None:
    assert [sf.framework_label(n) for n in ("rice", "ice", "wsjf", "value_effort", "weighted")] == [
        "RICE", "ICE", "WSJF", "Value / effort", "Weighted criteria"]
    assert sf.framework_label("money_per_week") == "Money per week"
    assert sf.framework_label("rice_arr") == "RICE (ARR)"
    assert sf.framework_label("arr_per_effort") == "ARR per effort"


@given(st.from_regex(re.compile(r"[a-z][a-z0-9_]{0,59}"), fullmatch=True))
def test_no_formula_name_shows_as_an_identifier(name: str) -> None:
    shown = sf.framework_label(name)
    assert shown and "_" not in shown
    assert shown[0] == shown[0].upper()  # starts as a name does
