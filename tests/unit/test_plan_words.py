"""What solving a plan again says it changed."""

from __future__ import annotations

from tradeoff.plans.service import since_last_text


def _move(title: str, before: int, after: int) -> dict[str, object]:
    return {"feature_id": hash(title) % 1000, "title": title, "before": before, "after": after}


def test_moves_later_are_named_before_moves_sooner() -> None:
    said = since_last_text({"kept_close": True, "added": [], "dropped": [], "moved": [
        _move("Audit log", 3, 2), _move("Dunning", 2, 4), _move("SSO", 5, 1)]})
    assert said == ("kept close to the last answer: 1 feature moved later ('Dunning' period 2 → 4); 2 features moved "
                    "sooner ('Audit log' period 3 → 2, 'SSO' period 5 → 1); none added; none dropped")


def test_nothing_moved_and_many_moved() -> None:
    assert since_last_text({"kept_close": False, "moved": [], "added": [], "dropped": []}) == \
        "solved from scratch: none moved; none added; none dropped"
    many = since_last_text({"kept_close": True, "added": [], "dropped": [],
                            "moved": [_move(f"F{i}", 9, i) for i in range(7)]})
    assert "7 features moved sooner (" in many and "and 2 more)" in many and "later" not in many


def test_later_than_planned_counts_the_features_the_measured_pace_finishes_after_their_period() -> None:
    from tradeoff.forecasts.service import later_than_planned

    rows = [{"against_plan": "later"}, {"against_plan": "sooner"}, {"against_plan": "in window"},
            {"against_plan": None}, {"against_plan": "later"}, {}]
    assert later_than_planned(rows) == 2 and later_than_planned([]) == 0
