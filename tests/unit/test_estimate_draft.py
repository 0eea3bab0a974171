"""Starting an estimate from a reference-class suggestion: its range in story points, or nothing to start from."""

from __future__ import annotations

from tradeoff.estimates.suggestions import draft_from

OK = {"status": "ok", "unit": "points", "p10": 3.0, "p50": 5.0, "p90": 13.0, "reference": "features",
      "neighbours": [{}, {}, {}], "history_items": 1200, "similar_items": 7}


def test_the_suggested_range_becomes_an_80_percent_estimate_in_points() -> None:
    d = draft_from(OK)
    assert d is not None
    assert (d["optimistic"], d["likely"], d["pessimistic"], d["unit"], d["confidence"]) == (3.0, 5.0, 13.0, "points", 0.8)
    assert d["note"] == "Started from what similar features took: P10-P90 from 1,200 finished features, 7 of them " \
                        "similar enough."
    items = draft_from(OK | {"reference": "work items"})
    assert items is not None and items["note"].startswith("Started from how similar work items were sized: P10-P90 "
                                                           "from 1,200 work items sized in story points")


def test_no_draft_without_a_suggestion() -> None:
    assert draft_from({"status": "declined", "unit": "points"}) is None  # nothing similar enough, or no points
    assert draft_from(OK | {"unit": "days of cycle time"}) is None  # elapsed days are not effort
