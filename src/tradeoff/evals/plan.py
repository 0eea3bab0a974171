"""Next Release Problem evaluation: solve the published NRP instances and compare with the greedy baseline.

Instances: the classic ones of Bagnall et al. (2001) and the realistic ones of Xuan et al. (TSE 2012), in
``nrp/classic`` and ``nrp/realistic`` of the shared data. For a cost ratio R the budget is R × the total cost of
all requirements. A customer's profit counts only when all the requirements they need, and transitively their
prerequisites, are delivered. The solver (``tradeoff.core.planning_nrp``) reports its value, a proven upper
bound and the gap between them; the baseline is "sort customers by profit / cost still needed and fill".

On a machine with two or more cores the solve is a race: HiGHS with random seeds 0, 1, ... in one process per core,
stopped as soon as one proves the optimum, else at the time limit with the best selection and the lowest bound of
all. On the hardest instance (classic nrp2 at R = 0.3) the time to prove depends on the seed more than on anything
else (``bench/bench_nrp_seeds.py``), so two seeds make missing the limit much less likely than one.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import queue
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from tradeoff.core import planning_nrp as nrp
from tradeoff.errors import FieldError, InvalidInput
from tradeoff.evals._textcsv import read_text


def default_workers() -> int:
    """Solver processes for a race: one per core this process may use, at most two (more seeds gain little)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(2, cores))


def evaluate_plan(path: Path, cost_ratio: float, time_limit: float = 60.0, *,
                  workers: int | None = None) -> dict[str, Any]:
    """Solve one NRP instance file at ``cost_ratio`` (budget = ratio × total requirement cost) within about
    ``time_limit`` seconds of wall time, racing ``workers`` HiGHS seeds (default: `default_workers`). Returns a
    JSON-serialisable dict: file, cost_ratio, budget, value, bound, gap (fraction), seconds, greedy_value, selected
    (1-based requirement ids), customers_satisfied (1-based customer indices), method, status, workers, settled_by (see `_race`)."""
    path = Path(path)
    if math.isnan(cost_ratio):
        raise InvalidInput("cost_ratio is not a number (nan); give a share of the total cost, more than 0 and at most 1")
    if not 0 < cost_ratio <= 1:
        raise InvalidInput(
            f"cost_ratio must be more than 0 and at most 1 (a share of the total cost), got {cost_ratio:g}",
            [FieldError(["cost_ratio"], "out of range", cost_ratio)],
        )
    if not (math.isfinite(time_limit) and time_limit > 0):
        raise InvalidInput(f"time_limit must be a positive number of seconds, got {time_limit:g}")
    text = read_text(path)
    instance = nrp.parse_nrp(text, source=path.name)
    workers = default_workers() if workers is None else workers
    if workers < 1:
        raise InvalidInput(f"workers must be at least 1, got {workers}", [FieldError(["workers"], "must be >= 1", workers)])
    start = time.perf_counter()
    if workers == 1:
        sol, settled_by = nrp.solve_nrp(instance, cost_ratio=cost_ratio, time_limit=time_limit), "single solve"
    else:
        sol, settled_by = _race(instance, text, cost_ratio, time_limit, seeds=list(range(workers)))
    seconds = time.perf_counter() - start
    return {
        "file": path.name,
        "cost_ratio": cost_ratio,
        "budget": round(sol.budget, 4),
        "value": sol.value,
        "cost": sol.cost,
        "bound": round(sol.bound, 4),
        "gap": round(sol.gap, 6),
        "status": sol.status,
        "seconds": round(seconds, 2),
        "greedy_value": sol.greedy_value,
        "greedy_ratio": round(sol.greedy_value / sol.value, 4) if sol.value else None,
        "selected": list(sol.selected),
        "customers_satisfied": list(sol.satisfied),
        "method": sol.method,
        "workers": workers,
        "settled_by": settled_by,
    }


def _solve_seed(text: str, cost_ratio: float, deadline: float, seed: int, out: Any) -> None:
    """One racer (in its own process): solve with HiGHS's `seed` until the wall-clock `deadline`."""
    try:
        inst = nrp.parse_nrp(text)
        limit = max(deadline - time.time(), 1.0)
        out.put((seed, nrp.solve_nrp(inst, cost_ratio=cost_ratio, time_limit=limit, options={"random_seed": seed})))
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, which raises it
        out.put((seed, f"{type(exc).__name__}: {exc}"))


PROBE_SECONDS = 2.0
"""How long the calling process solves on its own while the racers start (a fresh interpreter takes about as long
to import NumPy, SciPy and HiGHS): most instances are proved within it, and then no race runs."""


def _race(inst: nrp.NrpInstance, text: str, cost_ratio: float, time_limit: float,
          seeds: list[int]) -> tuple[nrp.NrpSolution, str]:
    """Solve with every seed at once, one process each; stop at the first proof of optimality. Returns the
    answer and what settled it: "probe", "seed N" (the racer that proved it first), "time limit" (best of all),
    or "probe only" (no racer answered)."""
    ctx = multiprocessing.get_context("spawn")  # a fresh interpreter: HiGHS's thread pool is per process
    out = ctx.Queue()
    deadline = time.time() + time_limit
    procs = [ctx.Process(target=_solve_seed, args=(text, cost_ratio, deadline, s, out), daemon=True) for s in seeds]
    for p in procs:
        p.start()
    done: list[nrp.NrpSolution] = []
    errors: list[str] = []
    settled_by = ""
    try:
        probe = nrp.solve_nrp(inst, cost_ratio=cost_ratio, time_limit=min(PROBE_SECONDS, time_limit))
        if probe.status == "optimal":
            return replace(probe, method=f"{probe.method}; proved within {PROBE_SECONDS:g} s, no race needed"), "probe"
        done.append(probe)
        answered = 0
        while answered < len(seeds):
            try:  # a racer stops itself at the deadline; the margin covers its start-up and the final bookkeeping
                seed, got = out.get(timeout=max(deadline - time.time(), 0.0) + 30.0)
            except queue.Empty:
                break
            answered += 1
            if isinstance(got, str):
                errors.append(f"seed {seed}: {got}")
                continue
            done.append(got)
            if got.status == "optimal":
                settled_by = f"seed {seed}"
                break
    finally:
        for p in procs:
            if p.is_alive():
                p.terminate()
            p.join(timeout=5)
    racers = len(done) - 1
    if racers == 0 and errors:
        raise RuntimeError("no NRP solver process answered: " + "; ".join(errors))
    sol = nrp.best_of(done)
    settled_by = settled_by or ("time limit" if racers else "probe only")
    how = {"time limit": f"best of {racers} at the time limit",
           "probe only": "no racer answered in time: the probe's result"}.get(settled_by, f"{settled_by} proved it first")
    return replace(sol, method=f"{sol.method}; raced HiGHS random seeds {', '.join(map(str, seeds))}, "
                               f"one process each ({how})"), settled_by


def render_plan(result: dict[str, Any]) -> str:
    """A plain-text table of one result (or of a list of results under the key ``results``)."""
    rows = result.get("results", [result])
    head = f"{'file':<14}{'R':>5}{'budget':>10}{'value':>10}{'bound':>11}{'gap %':>8}{'secs':>8}{'greedy':>9}{'g/opt':>7}  status"
    lines = [head, "-" * len(head)]
    for r in rows:
        ratio = r.get("greedy_ratio")
        lines.append(
            f"{r['file']:<14}{r['cost_ratio']:>5.1f}{r['budget']:>10.1f}{r['value']:>10.0f}{r['bound']:>11.1f}"
            f"{100 * r['gap']:>8.2f}{r['seconds']:>8.1f}{r['greedy_value']:>9.0f}"
            f"{(f'{ratio:.3f}' if ratio is not None else '-'):>7}  {r.get('status', '')}"
        )
    if len(rows) == 1:
        r = rows[0]
        lines.append(f"requirements delivered: {len(r['selected'])}; customers served: {len(r['customers_satisfied'])}")
        lines.append(f"method: {r['method']}")
    return "\n".join(lines)
