"""A forecast travels as JSON rows (the API's answer, the stored commitment checks); the chance and "likely enough
by" date read back from a row must agree with the P-dates the row itself gives."""

from __future__ import annotations

from datetime import date

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from tradeoff.core.forecasting_backlog_summary import summarise
from tradeoff.forecasts.service import _finish, feature_date_at, feature_probability


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(st.integers(1, 400).map(lambda d: d / 7.0), st.floats(0.01, 60.0)), min_size=1, max_size=300))
def test_a_p_date_read_back_from_a_forecast_row_keeps_its_chance(weeks: list[float]) -> None:
    start = date(2026, 12, 7)
    row = _finish(summarise("x", np.asarray(weeks, dtype=np.float32), start), start, histogram=False)
    fc = {"start": start.isoformat(), "features": [{"feature_id": 1, **row}]}
    for level, key in ((0.5, "p50"), (0.85, "p85"), (0.95, "p95")):
        when = date.fromisoformat(row[key])
        chance = feature_probability(fc, 1, when)
        assert chance is not None and chance >= level - 1e-12, (key, when, chance)
        safe = feature_date_at(fc, 1, level)
        assert safe is not None and safe <= when
