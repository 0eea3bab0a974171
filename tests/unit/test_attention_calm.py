"""An empty attention list says only what it found fine, and what does not exist yet (the CLI's words)."""

from __future__ import annotations

from tradeoff.attention.service import Calm, Ref


def test_a_new_workspace_is_not_told_its_promises_are_on_track_or_its_plan_current() -> None:
    assert Calm(0, 0, None, None).said() == [
        "Nothing needs attention.",
        "There is no plan yet: make one (`tradeoff plans create`) once features have estimates."]


def test_what_exists_and_was_found_fine_is_named() -> None:
    live = Ref("plan", 3, "H1")
    assert Calm(2, 5, live, None).said() == [
        "Nothing needs attention: every commitment is on track, the live plan 'H1' is current and recent feedback "
        "is linked."]
    assert Calm(0, 1, None, Ref("plan", 4, "Draft")).said() == [
        "Nothing needs attention: recent feedback is linked.",
        "No plan is marked live: mark 'Draft' (or another) live so forecasts and this list follow it."]
