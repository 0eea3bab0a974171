"""Release targets as stored facts: what an edit keeps of the last forecast, and what "missed", "at risk" and
"made" mean on a given day."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace
from typing import Any

from tradeoff.plans import releases


def _plan(*rows: dict[str, Any]) -> Any:
    return SimpleNamespace(releases=list(rows))


def test_an_edit_keeps_each_targeted_release_s_last_forecast_by_name() -> None:
    before = [{"name": "R1", "feature_ids": [1], "target": "2027-01-10", "probability": 0.4, "kept_by": "2027-02-01",
               "forecast_at": "2027-01-01T00:00:00+00:00", "forecast_reason": "", "made": False},
              {"name": "R2", "feature_ids": [2], "target": "2027-03-01", "probability": 0.9}]
    after = [{"name": "R1", "feature_ids": [1, 3], "target": "2027-01-20"},  # same name: its forecast is kept
             {"name": "R2", "feature_ids": [2], "target": None},  # no target any more: nothing kept
             {"name": "R3", "feature_ids": [4], "target": "2027-04-01"}]  # new: not forecast yet
    r1, r2, r3 = releases.carry(before, after)
    assert r1 == {**after[0], "probability": 0.4, "kept_by": "2027-02-01",
                  "forecast_at": "2027-01-01T00:00:00+00:00", "forecast_reason": "", "made": False}
    assert r2 == after[1] and r3 == after[2]


def test_status_reads_missed_at_risk_and_made_from_the_stored_forecast() -> None:
    at = "2027-01-01T00:00:00+00:00"
    plan = _plan({"name": "Late", "feature_ids": [1], "target": "2027-01-05", "probability": 0.2, "forecast_at": at},
                 {"name": "Risky", "feature_ids": [2], "target": "2027-03-01", "probability": 0.5, "forecast_at": at},
                 {"name": "Safe", "feature_ids": [3], "target": "2027-03-01", "probability": 0.7, "forecast_at": at},
                 {"name": "Unknown", "feature_ids": [4], "target": "2027-03-01", "probability": None,
                  "forecast_at": at, "forecast_reason": "none of its features is forecast"},
                 {"name": "Done", "feature_ids": [5], "target": "2027-01-02", "probability": 1.0, "made": True,
                  "forecast_at": at},
                 {"name": "New", "feature_ids": [6], "target": "2027-03-01"},
                 {"name": "Untargeted", "feature_ids": [7], "target": None})
    rows = {r["name"]: r for r in releases.status(plan, 0.7, date(2027, 1, 10))}
    assert "Untargeted" not in rows
    assert rows["Late"]["missed"] and rows["Late"]["at_risk"]
    assert rows["Risky"]["at_risk"] and not rows["Risky"]["missed"]
    assert not rows["Safe"]["at_risk"]  # exactly at the threshold is likely enough
    assert rows["Unknown"]["at_risk"]  # nobody can vouch for it
    assert rows["Done"]["made"] and not rows["Done"]["missed"] and not rows["Done"]["at_risk"]
    assert not rows["New"]["forecast"] and not rows["New"]["at_risk"]  # not forecast yet is not news
    assert releases.status(None, 0.7, date(2027, 1, 10)) == []
