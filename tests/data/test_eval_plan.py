"""NRP evaluation on the real classic instance nrp1, checked against an independent plain MILP."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_matrix
from typer.testing import CliRunner

from tradeoff.cli.main import app
from tradeoff.errors import InvalidInput
from tradeoff.evals.plan import evaluate_plan, render_plan

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "nrp"


def _read(path: Path) -> tuple[list[int], list[tuple[int, int]], list[tuple[int, list[int]]]]:
    t = [int(x) for x in path.read_text().split()]
    i, costs = 1, []
    for _ in range(t[0]):
        costs += t[i + 1 : i + 1 + t[i]]
        i += 1 + t[i]
    deps = [(t[i + 1 + 2 * k], t[i + 2 + 2 * k]) for k in range(t[i])]
    i += 1 + 2 * t[i]
    customers = []
    n, i = t[i], i + 1
    for _ in range(n):
        q = t[i + 1]
        customers.append((t[i], t[i + 2 : i + 2 + q]))
        i += 2 + q
    return costs, deps, customers


def _plain_optimum(path: Path, ratio: float) -> float:
    """The textbook model, written independently of the solver: x_r, y_c binary; y_c ≤ x_r for each requested
    r; x_b ≤ x_a for each dependency (a, b); Σ cost x ≤ ratio × total."""
    costs, deps, customers = _read(path)
    m, n = len(costs), len(customers)
    rows, cols, vals = [0] * m, list(range(m)), [float(c) for c in costs]
    k = 1
    for a, b in deps:
        rows += [k, k]
        cols += [b - 1, a - 1]
        vals += [1.0, -1.0]
        k += 1
    for j, (_, reqs) in enumerate(customers):
        for r in reqs:
            rows += [k, k]
            cols += [m + j, r - 1]
            vals += [1.0, -1.0]
            k += 1
    a_mat = coo_matrix((vals, (rows, cols)), shape=(k, m + n)).tocsr()
    ub = np.zeros(k)
    ub[0] = ratio * sum(costs)
    obj = np.concatenate([np.zeros(m), -np.array([p for p, _ in customers], dtype=float)])
    res = milp(obj, constraints=LinearConstraint(a_mat, -np.inf, ub), integrality=np.ones(m + n), bounds=Bounds(0, 1))
    return float(-res.fun)


def _data(name: str) -> Path:
    path = DATA / "classic" / name
    if not path.exists():
        pytest.skip(f"../shared/data not found: {path}")
    return path


@pytest.mark.data
def test_nrp1_optimum_matches_plain_model_and_plan_is_feasible() -> None:
    path = _data("nrp1.txt")
    r = evaluate_plan(path, 0.3, time_limit=30)
    json.dumps(r)
    # proved optimal: usually within the 2 s probe, but on a loaded machine a racing seed may prove it first
    # (which one is a matter of time, not of the answer)
    assert r["status"] == "optimal"
    assert r["settled_by"] in ({"probe", *(f"seed {i}" for i in range(r["workers"]))} if r["workers"] > 1
                               else {"single solve"})
    assert r["value"] == pytest.approx(_plain_optimum(path, 0.3))
    assert r["gap"] <= 0.001 and r["bound"] >= r["value"] - 1e-6
    assert r["greedy_value"] <= r["value"]
    costs, deps, customers = _read(path)
    chosen = set(r["selected"])
    assert sum(costs[i - 1] for i in chosen) <= r["budget"] + 1e-9
    assert all(a in chosen for a, b in deps if b in chosen)  # prerequisites delivered
    served = {j + 1 for j, (_, reqs) in enumerate(customers) if set(reqs) <= chosen}
    assert set(r["customers_satisfied"]) == served
    assert r["value"] == sum(customers[j - 1][0] for j in served)
    assert "nrp1.txt" in render_plan(r)


@pytest.mark.data
def test_a_race_of_seeds_finds_the_same_optimum(monkeypatch: pytest.MonkeyPatch) -> None:
    from tradeoff.evals import plan

    path = _data("nrp1.txt")
    monkeypatch.setattr(plan, "PROBE_SECONDS", 0.0)  # no head start in this process: the racers must answer
    r = evaluate_plan(path, 0.5, time_limit=60, workers=2)
    assert r["workers"] == 2 and "raced HiGHS random seeds 0, 1" in r["method"] and "proved it first" in r["method"]
    assert r["settled_by"] in {"seed 0", "seed 1"}
    assert r["status"] == "optimal" and r["value"] == pytest.approx(_plain_optimum(path, 0.5))
    assert r["value"] == evaluate_plan(path, 0.5, workers=1)["value"]


@pytest.mark.data
def test_a_race_stopped_by_the_time_limit_reports_the_best_value_and_a_valid_bound(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from tradeoff.evals import plan

    path = _data("nrp2.txt")  # far from proved in a few seconds
    monkeypatch.setattr(plan, "PROBE_SECONDS", 0.5)
    r = evaluate_plan(path, 0.3, time_limit=4, workers=2)
    assert r["status"] == "time_limit" and "at the time limit" in r["method"] and r["settled_by"] == "time limit"
    assert r["greedy_value"] <= r["value"] <= 4970 <= r["bound"]  # 4970: the optimum, proved in the benchmark
    assert r["gap"] == pytest.approx((r["bound"] - r["value"]) / r["bound"], abs=1e-6)
    assert r["seconds"] < 40  # the racers stop themselves at the limit (plus start-up), not at HiGHS's leisure


def test_a_racer_reports_its_error_instead_of_dying_silently() -> None:
    import queue

    from tradeoff.evals import plan

    out: queue.Queue[tuple[int, object]] = queue.Queue()
    plan._solve_seed("not an NRP file", 0.3, 0.0, 7, out)
    seed, got = out.get_nowait()
    assert seed == 7 and isinstance(got, str) and got.startswith("InvalidInput")


def test_bad_ratio_and_bad_file(tmp_path: Path) -> None:
    p = tmp_path / "bad.txt"
    p.write_text("1\n2\n3 x\n0\n0\n")
    with pytest.raises(InvalidInput):
        evaluate_plan(p, 0.3)
    with pytest.raises(InvalidInput, match="cost_ratio"):
        evaluate_plan(p, 1.5)
    good = tmp_path / "good.txt"
    good.write_text("1\n2\n3 4\n0\n1\n5 1 2\n")  # one level of two requirements, one customer needing #2
    single = evaluate_plan(good, 1.0, workers=1)
    assert single["value"] == 5 and single["settled_by"] == "single solve"
    with pytest.raises(InvalidInput, match="workers"):
        evaluate_plan(good, 0.3, workers=0)


def test_bad_cost_ratio_is_refused_even_nan(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text("1\n2\n3 4\n0\n1\n5 1 2\n")
    with pytest.raises(InvalidInput, match="cost_ratio is not a number"):
        evaluate_plan(good, float("nan"), workers=1)
    with pytest.raises(InvalidInput, match="time_limit must be a positive number"):
        evaluate_plan(good, 0.3, time_limit=float("nan"), workers=1)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1\n2\n1 2\n0\n1\n5 2 1\n", "nrp.txt ends early after line 6: expected a request of customer 1"),
        ("1\n2\n1 x\n0\n0\n", "nrp.txt line 3: expected a number for a requirement cost (level 1), found 'x'"),
        ("1\n^ a note\n2\n1 2\n1\n1 9\n0\n",
         "nrp.txt line 6: a dependency refers to requirement 9, but ids run from 1 to 2"),
        ("1\n2\n1 2\n0\n1\n-5 1 1\n", "nrp.txt line 6: customer 1 has a negative profit (-5)"),
        ("1\n2\n1 2\n0\n0\n\n7 8\n", "nrp.txt line 7: 2 unexpected tokens after the last customer (from '7')"),
    ],
)
def test_parse_errors_name_the_file_and_line(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "nrp.txt"
    path.write_text(text)
    with pytest.raises(InvalidInput) as exc:
        evaluate_plan(path, 0.3, workers=1)
    assert exc.value.message == message


@pytest.mark.parametrize("encoding", ["utf-8-sig", "latin-1"])
def test_bom_and_latin1_files_are_read(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "nrp.txt"
    path.write_bytes("1\n^ niveau de priorité\n2\n3 4\n0\n1\n5 1 2\n".encode(encoding))  # Excel / Notepad
    assert evaluate_plan(path, 1.0, workers=1)["value"] == 5


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (["--cost-ratio", "-0.3"], "error: --cost-ratio must be from 0.01 to 1 (the budget as a share of the total "
                                   "cost), got -0.3"),
        (["--cost-ratio", "1.5"], "error: --cost-ratio must be from 0.01 to 1 (the budget as a share of the total "
                                  "cost), got 1.5"),
        (["--cost-ratio", "nan"], "error: --cost-ratio: 'nan' is not a number; give the budget as a share of the "
                                  "total cost"),
        ([], "error: --cost-ratio is required: the budget as a share of the total cost, e.g. --cost-ratio 0.3"),
        (["--cost-ratio", "0.3", "--time-limit", "inf"], "error: --time-limit must be from 1 to 3600 (seconds), got inf"),
    ],
)
def test_cli_argument_errors_are_one_line(tmp_path: Path, args: list[str], error: str) -> None:
    good = tmp_path / "good.txt"
    good.write_text("1\n2\n3 4\n0\n1\n5 1 2\n")
    result = CliRunner().invoke(app, ["eval", "plan", str(good), *args])
    assert result.exit_code == 2 and result.stderr == error + "\n"
    nofile = CliRunner().invoke(app, ["eval", "plan", str(tmp_path / "nope.txt"), "--cost-ratio", "0.3"])
    assert nofile.exit_code == 2 and nofile.stderr == f"error: {tmp_path / 'nope.txt'}: no such file\n"
