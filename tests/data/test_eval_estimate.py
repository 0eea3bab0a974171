"""Estimation evaluation: CSV validation (synthetic files) and two real projects (data)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest

from tradeoff.errors import InvalidInput
from tradeoff.evals.estimate import evaluate_estimates, render_estimates

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "estimation"
KEYS = {"file", "n_train", "n_test", "mae", "mdae", "baseline_mean_mae", "baseline_median_mae",
        "interval_coverage", "beats_median"}


def _write(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    return path


def test_missing_column_is_named(tmp_path: Path) -> None:
    p = _write(tmp_path / "p.csv", ["issuekey", "title", "storypoint", "split_mark"], [["A-1", "t", 1, "train"]])
    with pytest.raises(InvalidInput, match="'description'"):
        evaluate_estimates([p])
    q = _write(tmp_path / "q.csv", ["issuekey", "title", "description", "storypoint"], [["A-1", "t", "d", 1]])
    with pytest.raises(InvalidInput, match="'split_mark'"):
        evaluate_estimates([q])


def test_bad_storypoint_names_the_row(tmp_path: Path) -> None:
    rows = [[f"A-{i}", "t", "d", 1, "train"] for i in range(8)] + [["A-9", "t", "d", "lots", "test"]]
    p = _write(tmp_path / "p.csv", ["issuekey", "title", "description", "storypoint", "split_mark"], rows)
    with pytest.raises(InvalidInput, match="row 10"):
        evaluate_estimates([p])


def test_chronological_split_uses_created(tmp_path: Path) -> None:
    # 10 items; the newest two (by created, not by file order) are predicted
    rows = [[f"A-{i}", f"01/{10 + i:02d}/2020 10:00:00", f"word{i}", "", i] for i in range(10)]
    p = _write(tmp_path / "c.csv", ["issuekey", "created", "title", "description", "storypoint"], rows[::-1])
    (proj,) = evaluate_estimates([p])["projects"]
    assert (proj["n_train"], proj["n_test"]) == (8, 2)
    # history 0..7 -> median 3.5 (numpy), test actuals 8, 9 -> |8-3.5|+|9-3.5| / 2 = 5.0
    assert proj["baseline_median_mae"] == pytest.approx(5.0)


@pytest.mark.data
@pytest.mark.parametrize("name", ["gpt2sp/bamboo.csv", "tawosi/STL.csv"])
def test_real_project(name: str) -> None:
    path = DATA / name
    if not path.exists():
        pytest.skip(f"../shared/data not found: {path}")
    result = evaluate_estimates([path])
    json.dumps(result)
    (proj,) = result["projects"]
    assert set(proj) >= KEYS
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert proj["n_train"] + proj["n_test"] == len(rows)
    if "split_mark" in rows[0]:
        test = np.array([float(r["storypoint"]) for r in rows if r["split_mark"] == "test"])
        train = np.array([float(r["storypoint"]) for r in rows if r["split_mark"] != "test"])
        assert proj["baseline_median_mae"] == pytest.approx(np.abs(test - np.median(train)).mean(), abs=1e-3)
    assert 0.0 <= proj["interval_coverage"] <= 1.0
    # the tail level is calibrated on the history's own rolling checks: there it hits ~80%
    assert proj["calibration_coverage"] == pytest.approx(0.8, abs=0.02)
    assert proj["beats_median"] == (proj["mae"] < proj["baseline_median_mae"])
    # never far worse than always answering the median
    assert proj["mae"] <= 1.1 * proj["baseline_median_mae"]
    assert proj["file"] in render_estimates(result)
