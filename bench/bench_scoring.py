"""Benchmark: re-ranking 20,000 features with a custom formula, and Monte Carlo sizing of 1,000 features.

Run: cd /work/main && PYTHONPATH=src .venv/bin/python bench/bench_scoring.py
Prints the figures and writes docs/benchmarks.d/scoring.md.
"""

from __future__ import annotations

import datetime
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from tradeoff.core.formula import compile_formulas, evaluate
from tradeoff.core.ranking import rank_vector
from tradeoff.core.sizing import (
    Alternative,
    MoneyRange,
    ProblemValue,
    Range,
    SizingCase,
    SolutionCost,
    size_features,
)

N_FEATURES = 20_000
N_SIZED = 1_000
DRAWS = 10_000
FIELDS = ["reach", "impact", "confidence", "effort", "arr_total", "customers", "strategic_fit"]
FORMULAS = {
    "rice": "reach * impact * confidence / effort",
    "money": "arr_total / 1000 * confidence",
    "score": "(rice + money) * (1 + strategic_fit / 10) + 5 * ln(1 + customers) - if(effort > 20, 10, 0)",
}


def timed(fn: Callable[[], object], repeat: int) -> tuple[list[float], list[float]]:
    """Wall and CPU seconds of `repeat` runs."""
    wall, cpu = [], []
    for _ in range(repeat):
        w, c = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - w)
        cpu.append(time.process_time() - c)
    return wall, cpu


def feature_columns(rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    cols = {
        "reach": rng.integers(0, 5000, n).astype(float),
        "impact": rng.choice([0.25, 0.5, 1, 2, 3], n),
        "confidence": rng.choice([0.5, 0.8, 1.0], n),
        "effort": rng.integers(0, 40, n).astype(float),  # some zero: not scored
        "arr_total": rng.lognormal(11, 1.5, n),
        "customers": rng.integers(0, 300, n).astype(float),
        "strategic_fit": rng.integers(0, 11, n).astype(float),
    }
    cols["confidence"][rng.random(n) < 0.02] = np.nan  # missing
    return cols


def bench_rerank(rng: np.random.Generator) -> dict[str, float]:
    cols = feature_columns(rng, N_FEATURES)
    ids = [f"F-{i:05d}" for i in range(N_FEATURES)]

    def rerank() -> None:
        score = compile_formulas(FORMULAS, FIELDS)["score"]  # parse + validate on every re-rank
        rank_vector(ids, score.evaluate_many(cols))

    rerank()  # warm-up
    wall, cpu = timed(rerank, 7)
    score = compile_formulas(FORMULAS, FIELDS)["score"]
    sample = 2000
    rows = [{k: float(v[i]) for k, v in cols.items()} for i in range(sample)]
    w0 = time.perf_counter()
    for row in rows:
        evaluate(score, row)
    scalar = (time.perf_counter() - w0) / sample * N_FEATURES
    ranked = rank_vector(ids, score.evaluate_many(cols))
    return {
        "median_s": statistics.median(wall),
        "min_s": min(wall),
        "cpu_median_s": statistics.median(cpu),
        "scalar_s": scalar,
        "not_scored": sum(1 for r in ranked if r.value is None),
    }


def sizing_cases(rng: np.random.Generator, n: int) -> list[SizingCase]:
    cases = []
    for i in range(n):
        c = rng.uniform(5, 200)
        cost = rng.uniform(500, 20_000)
        effort = rng.uniform(1, 20)
        problem = (
            ProblemValue(Range(c, 2 * c, 5 * c), Range(0.05, 0.2, 0.5), MoneyRange(cost / 2, cost, 3 * cost))
            if i % 4
            else ProblemValue(
                Range(1, 1, 3), Range(0.01, 0.02, 0.05), revenue_share=Range(0.05, 0.1, 0.15),
                revenue_per_customer=MoneyRange(50e6, 100e6, 150e6),
            )
        )  # fmt: skip
        solution = SolutionCost(
            Range(effort, 2 * effort, 4 * effort), MoneyRange.point(4000), MoneyRange(0, 5000, 20_000)
        )
        alternative = Alternative("spreadsheet", MoneyRange(100, 500, 2000)) if i % 3 == 0 else None
        cases.append(SizingCase(f"F-{i:04d}", problem, solution, alternative))
    return cases


def bench_sizing(rng: np.random.Generator) -> dict[str, dict[str, float]]:
    cases = sizing_cases(rng, N_SIZED)
    out = {}
    for distribution, repeat in (("triangular", 3), ("pert", 1)):
        wall, cpu = timed(
            lambda d=distribution: size_features(cases, rng=rng, draws=DRAWS, distribution=d), repeat
        )  # type: ignore[misc]
        out[distribution] = {
            "median_s": statistics.median(wall),
            "min_s": min(wall),
            "cpu_median_s": statistics.median(cpu),
        }
    return out


def main() -> None:
    rng = np.random.default_rng(20_260_522)
    load_before = os.getloadavg()
    rerank = bench_rerank(rng)
    sizing = bench_sizing(rng)
    load_after = os.getloadavg()
    machine = f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, Python {sys.version.split()[0]}"
    tri, pert = sizing["triangular"], sizing["pert"]
    lines = [
        "## Scoring and sizing (`bench/bench_scoring.py`)",
        "",
        f"Measured {datetime.date.today().isoformat()} on {machine}; numpy {np.__version__}. Load average "
        f"{load_before[0]:.1f} before and {load_after[0]:.1f} after on a machine shared with other work, so wall "
        "times are noisy; CPU time (process time) is shown beside them.",
        "",
        "| what | target | median wall | best wall | median CPU |",
        "|---|---|---|---|---|",
        f"| re-rank {N_FEATURES:,} features with a custom formula (parse + validate 3 named formulas, "
        f"vectorised evaluation, full ranking) | < 1 s | {rerank['median_s'] * 1000:.0f} ms | "
        f"{rerank['min_s'] * 1000:.0f} ms | {rerank['cpu_median_s'] * 1000:.0f} ms |",
        f"| size {N_SIZED:,} features × {DRAWS:,} draws, triangular (default) | < 1 s | {tri['median_s']:.2f} s | "
        f"{tri['min_s']:.2f} s | {tri['cpu_median_s']:.2f} s |",
        f"| size {N_SIZED:,} features × {DRAWS:,} draws, Beta-PERT | — | {pert['median_s']:.2f} s | "
        f"{pert['min_s']:.2f} s | {pert['cpu_median_s']:.2f} s |",
        "",
        f"Comparison: evaluating the same formula item by item (the scalar path, which also builds each "
        f"explanation) would take {rerank['scalar_s']:.2f} s for {N_FEATURES:,} items (timed on 2,000, "
        f"scaled), {rerank['scalar_s'] / rerank['median_s']:.0f}× the vectorised re-rank. "
        f"{rerank['not_scored']:,} of the {N_FEATURES:,} synthetic features were not scored (effort 0 or "
        "missing confidence) and ranked last.",
        "",
        "Sizing draws are float32 and each output's P10/P50/P90 are order statistics of sorted draws; a "
        "quarter of the features size the problem as a share of revenue, a third have an alternative. "
        "Triangular sampling uses two uniforms per draw ((1 − m)·min(U, V) + m·max(U, V)); the Beta-PERT "
        "option draws from numpy's beta generator and is several times slower.",
        "",
    ]
    text = "\n".join(lines)
    print(text)
    target = Path(__file__).resolve().parents[1] / "docs" / "benchmarks.d" / "scoring.md"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text)
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
