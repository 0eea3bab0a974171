"""A thin, typed door to the HiGHS mixed-integer solver, shared by the planners in `planning*.py`.

HiGHS is used through the `highspy` package when it is installed (it allows solver options such as the
branching rule, and reading the dual bound after a time limit); otherwise through `scipy.optimize.milp`, which
ships the same solver with fewer knobs. Every model here is a *minimisation*: callers negate a profit.

Wall-clock time is read in one place only (`_elapsed`), to report how long a solve took and to honour the
caller's time limit; the results themselves do not depend on the clock other than through that limit.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.sparse import csc_matrix, csr_matrix

FloatArray = npt.NDArray[np.float64]

_highspy: Any
try:  # pragma: no cover - which branch runs depends on the environment
    import highspy as _highspy

    HAVE_HIGHSPY = True
except ImportError:  # pragma: no cover
    _highspy = None
    HAVE_HIGHSPY = False


@dataclass(frozen=True)
class MilpResult:
    """Outcome of one solve. `objective` and `bound` are in the minimisation sense of the model."""

    status: str  # "optimal" | "time_limit" | "infeasible" | "unbounded" | "error"
    x: FloatArray | None
    objective: float | None
    bound: float | None
    seconds: float
    backend: str

    @property
    def has_solution(self) -> bool:
        return self.x is not None


def _elapsed(start: float) -> float:
    return time.perf_counter() - start


def _clock() -> float:
    return time.perf_counter()


def solve_milp(
    c: FloatArray,
    a: csr_matrix,
    row_lower: FloatArray,
    row_upper: FloatArray,
    col_lower: FloatArray,
    col_upper: FloatArray,
    *,
    integrality: npt.NDArray[np.int_] | None = None,
    time_limit: float = 60.0,
    rel_gap: float = 1e-6,
    options: Mapping[str, Any] | None = None,
    start: FloatArray | None = None,
    backend: str = "auto",
) -> MilpResult:
    """Minimise ``c @ x`` subject to ``row_lower <= a @ x <= row_upper`` and the column bounds.

    `integrality` marks integer columns with 1 (default: all integer). `options` are HiGHS option names and
    values, applied when `highspy` is the backend and ignored by the scipy fallback. `start` is a feasible
    starting point handed to HiGHS (highspy only).
    """
    n = int(c.shape[0])
    if integrality is None:
        integrality = np.ones(n, dtype=np.int_)
    use_highspy = HAVE_HIGHSPY and backend in ("auto", "highspy")
    if backend == "highspy" and not HAVE_HIGHSPY:
        raise RuntimeError("backend 'highspy' requested but the highspy package is not installed")
    if use_highspy:
        return _solve_highspy(
            c, a, row_lower, row_upper, col_lower, col_upper, integrality, time_limit, rel_gap, options, start
        )
    return _solve_scipy(c, a, row_lower, row_upper, col_lower, col_upper, integrality, time_limit, rel_gap)


def _finite(v: float) -> float | None:
    return float(v) if math.isfinite(v) and abs(v) < 1e300 else None


HIGHS_THREADS = 1
"""Threads for every HiGHS solve in the process. HiGHS sets up its thread pool at the first solve of a process and
refuses a later solve that asks for a different size ("the scheduler has already been initialized"), so every
instance must ask for the same. One thread leaves the other core to the web server, and on this project's 2-core
machine it was no slower on the NRP instances than HiGHS's default (`bench/bench_nrp_seeds.py`)."""


def quiet_highs(hs: Any) -> Any:
    """A HiGHS instance that prints nothing and uses `HIGHS_THREADS`. highspy's `Highs` wrapper installs callbacks
    on construction, which prints HiGHS's banner to the process's standard output before any option can be set (it
    broke `--json` output); the bare solver class under it prints nothing once `output_flag` is off, and is all
    Tradeoff uses."""
    bare = getattr(getattr(hs, "_core", None), "_Highs", None)
    h = bare() if bare is not None else hs.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", HIGHS_THREADS)
    return h


def _solve_highspy(
    c: FloatArray,
    a: csr_matrix,
    row_lower: FloatArray,
    row_upper: FloatArray,
    col_lower: FloatArray,
    col_upper: FloatArray,
    integrality: npt.NDArray[np.int_],
    time_limit: float,
    rel_gap: float,
    options: Mapping[str, Any] | None,
    start: FloatArray | None,
) -> MilpResult:
    assert _highspy is not None
    hs: Any = _highspy
    t0 = _clock()
    n = int(c.shape[0])
    m = int(a.shape[0])
    inf = float(hs.kHighsInf)
    h = quiet_highs(hs)
    lp = hs.HighsLp()
    lp.num_col_ = n
    lp.num_row_ = m
    lp.col_cost_ = np.asarray(c, dtype=np.float64)
    lp.col_lower_ = np.asarray(col_lower, dtype=np.float64)
    lp.col_upper_ = np.asarray(col_upper, dtype=np.float64)
    lp.row_lower_ = np.where(np.isfinite(row_lower), row_lower, -inf).astype(np.float64)
    lp.row_upper_ = np.where(np.isfinite(row_upper), row_upper, inf).astype(np.float64)
    acsc = csc_matrix(a)
    acsc.sort_indices()
    lp.a_matrix_.format_ = hs.MatrixFormat.kColwise
    lp.a_matrix_.start_ = acsc.indptr.astype(np.int32)
    lp.a_matrix_.index_ = acsc.indices.astype(np.int32)
    lp.a_matrix_.value_ = acsc.data.astype(np.float64)
    lp.a_matrix_.num_col_ = n
    lp.a_matrix_.num_row_ = m
    lp.integrality_ = [
        hs.HighsVarType.kInteger if int(v) else hs.HighsVarType.kContinuous for v in integrality
    ]
    h.passModel(lp)
    h.setOptionValue("time_limit", float(max(time_limit - _elapsed(t0), 0.01)))
    h.setOptionValue("mip_rel_gap", float(rel_gap))
    for key, value in (options or {}).items():
        h.setOptionValue(key, value)
    if start is not None:
        sol = hs.HighsSolution()
        sol.col_value = [float(v) for v in start]
        sol.value_valid = True
        h.setSolution(sol)
    h.run()
    model_status = h.getModelStatus()
    info = h.getInfo()
    ms = hs.HighsModelStatus
    has_sol = int(info.primal_solution_status) == 2
    x = np.asarray(h.getSolution().col_value, dtype=np.float64) if has_sol else None
    if model_status == ms.kOptimal:
        status = "optimal"
    elif model_status == ms.kInfeasible:
        status = "infeasible"
    elif model_status in (ms.kUnbounded, ms.kUnboundedOrInfeasible):
        status = "unbounded" if model_status == ms.kUnbounded else "infeasible"
    elif model_status in (ms.kTimeLimit, ms.kIterationLimit, ms.kSolutionLimit, ms.kInterrupt):
        status = "time_limit"
    else:
        status = "error"
    objective = _finite(info.objective_function_value) if has_sol else None
    bound = _finite(info.mip_dual_bound) if bool(np.any(integrality)) else None
    if status == "optimal" and objective is not None and bound is None:
        bound = objective
    version = getattr(h, "version", None)
    name = "highspy " + str(version()) if callable(version) else "highspy"
    return MilpResult(status, x, objective, bound, _elapsed(t0), name)


def _solve_scipy(
    c: FloatArray,
    a: csr_matrix,
    row_lower: FloatArray,
    row_upper: FloatArray,
    col_lower: FloatArray,
    col_upper: FloatArray,
    integrality: npt.NDArray[np.int_],
    time_limit: float,
    rel_gap: float,
) -> MilpResult:
    from scipy.optimize import Bounds, LinearConstraint, milp

    t0 = _clock()
    constraints = [LinearConstraint(a, row_lower, row_upper)] if a.shape[0] else []
    res = milp(
        c,
        constraints=constraints,
        integrality=integrality,
        bounds=Bounds(col_lower, col_upper),
        options={"time_limit": float(max(time_limit, 0.01)), "mip_rel_gap": float(rel_gap), "presolve": True},
    )
    x = np.asarray(res.x, dtype=np.float64) if res.x is not None else None
    status = {0: "optimal", 1: "time_limit", 2: "infeasible", 3: "unbounded"}.get(int(res.status), "error")
    objective = float(res.fun) if x is not None and res.fun is not None else None
    bound_raw = getattr(res, "mip_dual_bound", None)
    bound = _finite(float(bound_raw)) if bound_raw is not None else None
    if status == "optimal" and objective is not None and bound is None:
        bound = objective
    return MilpResult(status, x, objective, bound, _elapsed(t0), "scipy.optimize.milp")
