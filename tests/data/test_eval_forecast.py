"""Forecast calibration evaluation: CSV parsing edge cases (synthetic files) and the real histories (data)."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tradeoff.cli.main import app
from tradeoff.errors import InvalidInput
from tradeoff.evals.forecast import evaluate_forecast, load_completions, parse_datetime, render_forecast

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
    with pytest.raises(InvalidInput, match="items.csv row 2: resolved='soon' is not a date"):  # 1 = first data row
        evaluate_forecast(p, "resolved")


def test_a_date_in_the_future_is_refused_naming_file_row_and_value(tmp_path: Path) -> None:
    # one absurd date would otherwise stretch the walk over 416,198 weekly cuts, all abstained
    p = tmp_path / "items.csv"
    p.write_text("id,resolved\n1,2021-01-01\n2,9999-12-31\n3,2021-01-09\n")
    with pytest.raises(InvalidInput) as exc:
        evaluate_forecast(p, "resolved")
    assert exc.value.message.startswith("items.csv row 2: resolved='9999-12-31' is in the future")
    # a day of slack for time zones, as the feedback importer allows
    p.write_text("id,resolved\n1,2026-12-01\n2,2026-12-08 23:00\n3,2026-12-09\n")
    assert len(load_completions(p, "resolved", today=date(2026, 12, 8))[0]) == 3
    with pytest.raises(InvalidInput, match="row 3: resolved='2026-12-09' is in the future"):
        load_completions(p, "resolved", today=date(2026, 12, 7))


@pytest.mark.parametrize("encoding", ["utf-8-sig", "latin-1"])
def test_bom_and_latin1_files_are_read(tmp_path: Path, encoding: str) -> None:
    p = tmp_path / "items.csv"
    p.write_bytes("title,resolved\nCafé menu,2021-01-01\nNaïve fix,2021-01-09\n".encode(encoding))
    assert load_completions(p, "resolved") == ([datetime(2021, 1, 1), datetime(2021, 1, 9)], 0)


def test_cli_argument_errors_are_one_line(tmp_path: Path) -> None:
    p = tmp_path / "items.csv"
    p.write_text("id,resolved\n1,2021-01-01\n")
    missing = CliRunner().invoke(app, ["eval", "forecast", str(p)])
    assert missing.exit_code == 2
    assert missing.stderr == "error: --done-column is required: name the column with each item's completion time, " \
                             "e.g. --done-column resolved\n"
    nofile = CliRunner().invoke(app, ["eval", "forecast", str(tmp_path / "nope.csv"), "--done-column", "resolved"])
    assert nofile.exit_code == 2 and nofile.stderr == f"error: {tmp_path / 'nope.csv'}: no such file\n"


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
    # a perfectly steady team: the surer count promises are always kept, and the P50 is the truth or one above
    # it (the calibration raises it until about half are kept); medians are over the cuts
    for q, truth in (("count_2w", 6), ("count_4w", 12)):
        e = r["coverage"]["by_question"][q]
        assert e["p85"] == e["p95"] == 1.0
        assert truth <= e["median"]["p50"] <= truth + 1 and e["median"]["actual"] == truth
    json.dumps(r)
    assert "count_2w" in render_forecast(r)


BANDS = {"p50": (0.45, 0.55), "p85": (0.80, 0.90), "p95": (0.90, 1.0)}


@pytest.mark.data
@pytest.mark.parametrize(("name", "column"), FILES)
def test_real_history_keeps_every_promise_at_its_rate(name: str, column: str) -> None:
    """The target of the throughput forecast: on each real history, every question x level within its band."""
    path = DATA / name
    if not path.exists():
        pytest.skip(f"../shared/data not found: {path}")
    r = evaluate_forecast(path, column, seed=0)
    assert r["abstained"] < 0.10
    assert r["cuts"] > 100
    cov, base = r["coverage"], r["baseline"]["coverage"]
    misses = [
        f"{q} {level} {e[level]:.3f}"
        for q, e in [*cov["by_question"].items(), ("overall", cov)]
        for level, (lo, hi) in BANDS.items()
        if not lo <= e[level] <= hi
    ]
    assert not misses, misses
    # and nearer to nominal than the naive sampler, summed over all questions and levels
    def error(c: dict[str, Any]) -> float:
        nominal = {"p50": 0.5, "p85": 0.85, "p95": 0.95}
        return sum(abs(e[k] - v) for e in c["by_question"].values() for k, v in nominal.items())

    assert error(cov) < error(base)
    assert set(cov["by_question"]) == QUESTIONS
