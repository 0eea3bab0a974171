"""Benchmark: reference-class estimation on 18 real Jira projects + fit/suggest time at 10,000 items.

Run: cd /work/main && PYTHONPATH=src .venv/bin/python bench/bench_estimation.py
Writes docs/benchmarks.d/estimation.md.
"""

from __future__ import annotations

import datetime
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np
from scipy.stats import binom

from tradeoff.core.estimation import HistoryItem, ReferenceIndex
from tradeoff.evals.estimate import evaluate_estimates

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / ".." / "shared" / "data" / "estimation"
OUT = ROOT / "docs" / "benchmarks.d" / "estimation.md"
# MAE per project from GPT2SP's within_proj_data.csv (../shared/data/README.md): DeepSE, GPT2SP, Median, Mean
PUBLISHED = {
    "appceleratorstudio": (1.36, 0.84, 1.84, 2.08),
    "aptanastudio": (2.71, 1.93, 3.71, 3.15),
    "bamboo": (0.74, 0.44, 1.32, 1.75),
    "clover": (2.11, 1.98, 2.84, 3.49),
    "duracloud": (0.68, 0.48, 0.73, 1.30),
    "jirasoftware": (1.38, 0.92, 2.93, 2.48),
    "mulestudio": (3.23, 2.04, 3.30, 3.34),
    "talenddataquality": (2.97, 1.58, 3.87, 4.81),
    "talendesb": (0.64, 0.50, 1.16, 1.14),
    "usergrid": (1.03, 0.68, 1.60, 1.48),
}
# Test figures of the previous version (single hold-out of the newest 25% for the tail level), same P50,
# measured 2026-11-22: P10-P90 coverage per project, for the before/after comparison.
PREVIOUS_COVERAGE = {
    "appceleratorstudio": 0.90, "aptanastudio": 0.78, "bamboo": 0.85, "clover": 0.75, "duracloud": 0.80,
    "jirasoftware": 0.92, "mulestudio": 0.87, "talenddataquality": 0.63, "talendesb": 0.73, "usergrid": 0.68,
    "ALOY": 0.57, "CLI": 0.66, "COMPASS": 0.92, "CONFCLOUD": 0.53, "DAEMON": 0.73, "FAB": 0.56, "STL": 0.81,
    "TIDOC": 0.55,
}


def _chance_in_band(n: int, p: float = 0.8) -> float:
    """Probability that a perfectly calibrated 80% range covers 75-85% of n independent items."""
    lo, hi = int(np.ceil(0.75 * n - 1e-9)), int(np.floor(0.85 * n + 1e-9))
    return float(binom.cdf(hi, n, p) - binom.cdf(lo - 1, n, p))


def _timing(n: int = 10_000, seed: int = 0) -> tuple[float, float]:
    rng = np.random.default_rng(seed)
    vocab = [f"w{i}" for i in range(3000)]
    points = np.array([1, 2, 3, 5, 8, 13, 21])
    history = [
        HistoryItem(f"S-{i}", " ".join(rng.choice(vocab, size=int(rng.integers(5, 60)))), float(rng.choice(points)))
        for i in range(n)
    ]
    t0 = time.perf_counter()
    index = ReferenceIndex.fit(history)
    fit = time.perf_counter() - t0
    query = " ".join(rng.choice(vocab, size=30))
    index.suggest(query)  # warm-up
    t0 = time.perf_counter()
    for _ in range(20):
        index.suggest(query)
    return fit, (time.perf_counter() - t0) / 20


def main() -> None:
    paths = sorted(DATA.glob("gpt2sp/*.csv")) + sorted(DATA.glob("tawosi/*.csv"))
    if not paths:
        sys.exit(f"../shared/data not found: {DATA}")
    t0 = time.perf_counter()
    result = evaluate_estimates(paths)
    eval_s = time.perf_counter() - t0
    fit_s, suggest_s = _timing()
    rows = [
        "| project | split | train | test | **MAE (ours)** | MdAE | Median baseline | Mean baseline | beats Median "
        "| **P10-P90 coverage** | previous version | on history checks | chance 75-85% if calibrated "
        "| published DeepSE | published GPT2SP | published Median | published Mean |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    chances = []
    for p in result["projects"]:
        stem = p["file"].removesuffix(".csv")
        pub = PUBLISHED.get(stem)
        pub_cells = " | ".join(f"{v:.2f}" for v in pub) if pub else "- | - | - | -"
        split = "GPT2SP split_mark" if pub else "chronological 80/20"
        chance = _chance_in_band(p["n_test"])
        chances.append(chance)
        previous = PREVIOUS_COVERAGE.get(stem)
        rows.append(
            f"| {stem} | {split} | {p['n_train']} | {p['n_test']} | **{p['mae']:.2f}** | {p['mdae']:.2f} | "
            f"{p['baseline_median_mae']:.2f} | {p['baseline_mean_mae']:.2f} | "
            f"{'yes' if p['beats_median'] else 'no'} | **{p['interval_coverage']:.0%}** | "
            f"{'-' if previous is None else f'{previous:.0%}'} | {p['calibration_coverage']:.0%} | "
            f"{chance:.0%} | {pub_cells} |"
        )
    coverages = np.array([p["interval_coverage"] for p in result["projects"]])
    previous_all = np.array([PREVIOUS_COVERAGE[p["file"].removesuffix(".csv")] for p in result["projects"]])
    s = result["summary"]
    text = f"""## Reference-class estimation (story points)

Measured {datetime.date.today().isoformat()} on {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs
(shared with other jobs: timings are noisy), Python {platform.python_version()}.

Method: {result['method']}.
History = GPT2SP `train`+`val` rows or the oldest 80% of a Tawosi file by `created` (all oldest first);
the test rows are predicted from it in one go. Test labels are used only to score: nothing is chosen
per project, and the P10-P90 level is set from the history alone (rolling-origin checks). Our baselines predict the
history's median / mean; the published baselines (GPT2SP's `within_proj_data.csv`, trained on `train`
only and computed by its authors) differ from ours, so compare our MAE with **our** Median column
first. Data: Choetkiertikul et al. 2018 / Fu & Tantithamthavorn (GPT2SP) and Tawosi, Moussa & Sarro 2022.

**Beats the Median baseline on {s['beats_median']} of {s['of']} projects (target 12); P10-P90 coverage
within 75-85% on {s['coverage_in_75_85']} of {s['of']} (target: all).**

{chr(10).join(rows)}

P10-P90 coverage on test: mean {coverages.mean():.1%} (previous version {previous_all.mean():.1%}), mean
distance from 80% {np.abs(coverages - 0.8).mean() * 100:.1f} points (previous {np.abs(previous_all - 0.8).mean() * 100:.1f}).
"on history checks" is the recency-weighted coverage on the rolling checks inside the history, the figure
the level was calibrated to. "chance 75-85% if calibrated": even a range that is exactly 80% right, on
independent items, lands inside 75-85% only this often for that many test items (binomial); expected
number of projects in the band for a perfect range: {sum(chances):.1f} of {len(chances)}. Test periods also
drift away from the history (coverage on test is lower than on the history's own checks for most
projects), which no calibration on the history alone can see.

How the design was chosen (training data only). Every candidate was scored on 36 pseudo-splits of the
histories alone (fit on the first 60% / 80% of each history, predict the next 20%); test rows were not used.
Previous version: beats Median 26/36, coverage in 75-85% 15/36, mean distance from 80% 7.7 points.
Rolling-origin calibration (origins 50-95% every 5%, next 10% predicted, each older check x0.8): coverage
in band 21/36, mean distance 5.3 points (equal weights: 18/36, 6.6; one 25% hold-out: 16/36, 7.5).
Rejected because they were worse on those pseudo-splits: choosing the P50 predictor per project by
rolling-origin MAE among median / recent-window median / neighbours (beats Median 20/36 instead of 26/36),
calibrating the P50 quantile level per project (22/36), a recent-window prior (21/36), TF-IDF ridge
regression on log points (19/36), other neighbourhood sizes or prior masses (20-23/36), and a separate
tail level per similarity tercile (coverage in band 15/36). The test figures above were looked at once for
this version (after the design was fixed on the pseudo-splits) and not used to change it.

Timing (synthetic history of 10,000 items, 5-60 words each, 3,000-word vocabulary):
fit {fit_s:.2f} s (includes the 10 rolling-origin checks), one suggestion {suggest_s * 1000:.1f} ms;
the whole 18-project evaluation took {eval_s:.1f} s.
"""
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
