"""Forecast calibration evaluation: CSV parsing edge cases (synthetic files) and the real histories (data)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from tradeoff.errors import InvalidInput
from tradeoff.evals.forecast import evaluate_forecast, parse_datetime, render_forecast

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "forecasting"
FILES = [
    ("hadoop_items.csv", "resolved"),
    ("plane_merged_prs.csv", "merged"),
    ("fider_merged_prs.csv", "merged"),
]
QUESTIONS = {"count_2w", "count_4w", "count_8w", "date_10", "date_25", "date_50"}


def test_parse_datetime_formats() -> None:
    assert parse_datetime("30/Sep/21 17:20") == datetime(2021, 9, 30, 17, 20)
    assert parse_datetime("2021-09-30T17:20:00") == datetime(2021, 9, 30, 17, 20)
    assert parse_datetime("2021-09-30T18:20:00+01:00") == datetime(2021, 9, 30, 17, 20)
    assert parse_datetime("2021-09-30T17:20:00Z") == datetime(2021, 9, 30, 17, 20)
    assert parse_datetime("2021-09-30") == datetime(2021, 9, 30)
    with pytest.raises(ValueError):
        parse_datetime("next tuesday")


def test_missing_column_names_it_and_lists_columns(tmp_path: Path) -> None:
    p = tmp_path / "items.csv"
    p.write_text("id,created,closed\n1,2021-01-01,2021-01-02\n")
    with pytest.raises(InvalidInput) as e:
        evaluate_forecast(p, "resolved")
    assert "'resolved'" in str(e.value) and "id, created, closed" in str(e.value)


def test_bad_date_names_the_row(tmp_path: Path) -> None:
    p = tmp_path / "items.csv"
    p.write_text("id,resolved\n1,2021-01-01\n2,soon\n")
    with pytest.raises(InvalidInput, match="row 3"):
        evaluate_forecast(p, "resolved")


def test_synthetic_history_empty_rows_skipped_and_shape(tmp_path: Path) -> None:
    # 3 items a week for 60 weeks in Jira format, plus 5 rows still open
    lines = ["id,resolved"]
    for w in range(60):
        for k in range(3):
            day = datetime(2020, 1, 6).toordinal() + 7 * w + 2 * k
            d = datetime.fromordinal(day)
            lines.append(f"{w * 3 + k},{d.strftime('%d/%b/%y')} 10:00")
    lines += [f"x{i}," for i in range(5)]
    p = tmp_path / "steady.csv"
    p.write_text("\n".join(lines) + "\n")
    r = evaluate_forecast(p, "resolved")
    assert r["skipped_empty"] == 5 and r["rows"] == 185
    # last item on day 59*7+4 = 417; cuts every 7 days from day 182 up to day 417-14: days 182..399
    assert r["cuts"] == (399 - 182) // 7 + 1
    assert r["abstained"] == 0.0
    assert set(r["coverage"]["by_question"]) == QUESTIONS == set(r["baseline"]["coverage"]["by_question"])
    # a perfectly steady team: every count promise is exactly what happens, so all are kept
    for q in ("count_2w", "count_4w"):
        assert r["coverage"]["by_question"][q]["p50"] == 1.0
    json.dumps(r)
    assert "count_2w" in render_forecast(r)


@pytest.mark.data
@pytest.mark.parametrize(("name", "column"), FILES)
def test_real_history_beats_the_naive_sampler(name: str, column: str) -> None:
    path = DATA / name
    if not path.exists():
        pytest.skip(f"../shared/data not found: {path}")
    r = evaluate_forecast(path, column, seed=0, trials=500)
    assert r["abstained"] < 0.10
    assert r["cuts"] > 100
    cov, base = r["coverage"], r["baseline"]["coverage"]
    # overall P85 and P95 within 7 points of nominal, and P95 nearer to it than the naive sampler
    assert abs(cov["p85"] - 0.85) <= 0.07 and abs(cov["p95"] - 0.95) <= 0.07, (cov["p85"], cov["p95"])
    assert abs(cov["p95"] - 0.95) < abs(base["p95"] - 0.95)
    # "when will the next N be done": the calibrated dates keep their P85/P95 promises closer to nominal
    for level, nominal in (("p85", 0.85), ("p95", 0.95)):
        dates = ("date_10", "date_25", "date_50")
        ours = sum(abs(cov["by_question"][q][level] - nominal) for q in dates)
        naive = sum(abs(base["by_question"][q][level] - nominal) for q in dates)
        assert ours < naive, (level, ours, naive)
