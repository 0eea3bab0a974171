"""The installed `tradeoff` command in a process of its own: what it writes to standard output with --json must be
JSON and nothing else, even from native libraries (CliRunner only sees what Python prints, not the process's fd 1)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest


def _tradeoff() -> list[str]:
    exe = Path(sys.executable).with_name("tradeoff")
    if exe.exists():
        return [str(exe)]
    found = shutil.which("tradeoff")
    if found is None:
        pytest.skip("the tradeoff command is not installed in this environment (make install)")
    return [found]


def test_json_output_of_the_planner_and_forecasts_is_pure_json(tmp_path: Path) -> None:
    env = {**os.environ, "TRADEOFF_HOME": str(tmp_path / "home")}
    env.pop("TRADEOFF_DATABASE_URL", None)

    def run(*args: str) -> str:
        done = subprocess.run([*_tradeoff(), *args], env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        return done.stdout

    run("db", "upgrade")
    assert "log in as" in run("demo")
    assert "HiGHS" not in run("demo", "--if-missing")
    # the demo's promise at risk was first forecast in the live plan's order: its notice gives today's chance
    promised = json.loads(run("commitments", "-w", "demo", "--json"))["items"]
    at_risk = [c for c in promised if c["at_risk"]]
    assert at_risk and all(c["probability"] is not None for c in at_risk)
    from tradeoff.accounts import service as accounts
    from tradeoff.bootstrap import bootstrap
    from tradeoff.commitments import service as commitment_service
    from tradeoff.settings import Settings

    demo = bootstrap(Settings(home=tmp_path / "home"))
    try:
        with demo.unit_of_work() as uow:
            events = commitment_service.events(uow=uow, workspace_id=accounts.workspace_by_slug(uow=uow,
                                                                                              slug="demo").id)
    finally:
        demo.engine.dispose()
    first = {e["commitment_id"]: e["probability_after"] for e in sorted(events, key=lambda e: -e["id"])}
    assert {c["id"]: first.get(c["id"]) for c in at_risk} == {c["id"]: c["probability"] for c in at_risk}
    plan = json.loads(run("plan", "-w", "demo", "--solve", "--json"))  # solves in this process: HiGHS runs here
    assert plan["status"] in {"optimal", "time_limit"} and plan["value"] is not None
    forecast = json.loads(run("forecast", "-w", "demo", "--json"))
    assert forecast["plan_id"] == plan["plan_id"] and forecast["teams"]
    commitments = json.loads(run("commitments", "-w", "demo", "--json"))
    assert commitments["threshold"] == pytest.approx(0.7) and commitments["items"]


@pytest.mark.data
def test_eval_plan_races_solver_processes_from_the_installed_command() -> None:
    nrp2 = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "nrp" / "classic" / "nrp2.txt"
    if not nrp2.exists():
        pytest.skip(f"../shared/data not found: {nrp2}")
    done = subprocess.run([*_tradeoff(), "eval", "plan", str(nrp2), "--cost-ratio", "0.3", "--time-limit", "4",
                           "--workers", "2", "--json"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    r = json.loads(done.stdout)  # the racers (spawned interpreters) print nothing either
    assert r["workers"] == 2 and "raced HiGHS random seeds 0, 1" in r["method"]
    assert r["greedy_value"] <= r["value"] <= r["bound"] and r["selected"]


def test_a_database_never_set_up_is_named_with_the_command_that_sets_it_up(tmp_path: Path) -> None:
    env = {**os.environ, "TRADEOFF_HOME": str(tmp_path / "fresh")}
    env.pop("TRADEOFF_DATABASE_URL", None)
    done = subprocess.run([*_tradeoff(), "features", "list", "-w", "demo"], env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "run `tradeoff db upgrade`" in done.stderr
