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
from typing import Any

import numpy as np
from scipy.stats import binom, norm

from tradeoff.core.estimation import HistoryItem, ReferenceIndex
from tradeoff.core.estimation_text import TfidfModel, top_k_similar
from tradeoff.evals.estimate import _load, evaluate_estimates

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
# Test figures of the previous version (no recency; one symmetric tail level), measured 2026-11-22:
# (MAE, P10-P90 coverage) per project, for the before/after comparison.
PREVIOUS = {
    "appceleratorstudio": (1.27, 0.85), "aptanastudio": (3.46, 0.73), "bamboo": (0.76, 0.83),
    "clover": (3.53, 0.75), "duracloud": (0.69, 0.84), "jirasoftware": (1.83, 0.89), "mulestudio": (3.56, 0.79),
    "talenddataquality": (3.17, 0.63), "talendesb": (0.83, 0.73), "usergrid": (1.15, 0.68), "ALOY": (1.55, 0.55),
    "CLI": (1.78, 0.66), "COMPASS": (1.31, 0.96), "CONFCLOUD": (1.47, 0.62), "DAEMON": (3.00, 0.73),
    "FAB": (0.64, 0.61), "STL": (0.98, 0.76), "TIDOC": (2.54, 0.62),
}
# The previous version on the same 72 pseudo-splits (measured 2026-12-04 with its code, histories only):
PREVIOUS_PSEUDO = {"wins": 45, "ratio": 0.9326, "in_band": 33, "mean_cov": 0.825, "dist": 7.0}
PSEUDO_ORIGINS = (0.5, 0.6, 0.7, 0.8)
PSEUDO_SPAN = 0.2


def _pseudo_splits(paths: list[Path]) -> dict[str, Any]:
    """Design figures from the histories alone: fit on the oldest 50/60/70/80% of each history, predict
    the next 20% of it. Test rows are dropped by `_load` and never read."""
    wins, ratios, covs, z, below, above = 0, [], [], [], [], []
    novelty: dict[str, float] = {}
    for path in paths:
        history, _ = _load(path)
        n = len(history)
        for origin in PSEUDO_ORIGINS:
            fitted = history[: int(n * origin)]
            future = history[int(n * origin) : int(n * (origin + PSEUDO_SPAN))]
            s = ReferenceIndex.fit(fitted).suggest_many([i.text for i in future], show=0)
            y = np.array([i.actual for i in future])
            point, lo, hi = (np.array([getattr(x, a) for x in s]) for a in ("point", "p10", "p90"))
            mae = float(np.abs(y - point).mean())
            median_mae = float(np.abs(y - np.median([i.actual for i in fitted])).mean())
            wins += mae < median_mae - 1e-12
            ratios.append(mae / median_mae)
            cov = float(np.mean((y >= lo) & (y <= hi)))
            covs.append(cov)
            below.append(float(np.mean(y < lo)))
            above.append(float(np.mean(y > hi)))
            z.append((cov - 0.8) / np.sqrt(0.16 / len(y)))
        novelty[path.stem] = _mean_top_similarity(history[: int(n * 0.8)], history[int(n * 0.8) :])
    c = np.array(covs)
    return {
        "n": len(covs), "wins": wins, "ratio": float(np.mean(ratios)), "in_band": int(np.sum((c >= 0.75) & (c <= 0.85))),
        "mean_cov": float(c.mean()), "dist": float(np.abs(c - 0.8).mean() * 100), "below": float(np.mean(below)),
        "above": float(np.mean(above)), "phi": float(np.mean(np.square(z))), "mean_z": float(np.mean(z)),
        "novelty": novelty,
    }


def _mean_top_similarity(history: list[HistoryItem], items: list[HistoryItem]) -> float:
    """Label-free drift check: mean cosine similarity of each item to its most similar history item."""
    model = TfidfModel.fit([i.text for i in history])
    _, sims = top_k_similar(model.transform([i.text for i in items]), model.transform([i.text for i in history]), 1)
    return float(sims[:, 0].mean())


def _in_band_if_dispersed(n: int, phi: float) -> float:
    """Chance of 75-85% coverage for a range right on average whose coverage varies phi x binomially."""
    return float(2 * norm.cdf(0.05 / np.sqrt(phi * 0.16 / n)) - 1)


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
    load = os.getloadavg()
    t0 = time.perf_counter()
    pseudo = _pseudo_splits(paths)
    pseudo_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    result = evaluate_estimates(paths)
    eval_s = time.perf_counter() - t0
    fit_s, suggest_s = _timing()
    rows = [
        "| project | split | train | test | **MAE (ours)** | MdAE | Median baseline | Mean baseline | beats Median "
        "| previous MAE | **P10-P90 coverage** | below P10 / above P90 | previous coverage | on history checks "
        "| chance 75-85% if calibrated | similarity to history: test / pseudo | published DeepSE / GPT2SP / Median / Mean |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    test_novelty = {}
    for p in result["projects"]:
        stem = p["file"].removesuffix(".csv")
        path = next(x for x in paths if x.stem == stem)
        history, test = _load(path)
        test_novelty[stem] = _mean_top_similarity(history, test)
        pub = PUBLISHED.get(stem)
        pub_cells = " / ".join(f"{v:.2f}" for v in pub) if pub else "-"
        split = "GPT2SP split_mark" if pub else "chronological 80/20"
        prev_mae, prev_cov = PREVIOUS[stem]
        rows.append(
            f"| {stem} | {split} | {p['n_train']} | {p['n_test']} | **{p['mae']:.2f}** | {p['mdae']:.2f} | "
            f"{p['baseline_median_mae']:.2f} | {p['baseline_mean_mae']:.2f} | "
            f"{'yes' if p['beats_median'] else 'no'} | {prev_mae:.2f} | **{p['interval_coverage']:.0%}** | "
            f"{p['below_p10']:.0%} / {p['above_p90']:.0%} | {prev_cov:.0%} | {p['calibration_coverage']:.0%} | "
            f"{p['chance_in_band']:.0%} | {test_novelty[stem]:.3f} / {pseudo['novelty'][stem]:.3f} | {pub_cells} |"
        )
    projects = result["projects"]
    coverages = np.array([p["interval_coverage"] for p in projects])
    prev_cov = np.array([PREVIOUS[p["file"].removesuffix(".csv")][1] for p in projects])
    ratios = np.array([p["mae"] / p["baseline_median_mae"] for p in projects])
    prev_ratios = np.array([PREVIOUS[p["file"].removesuffix(".csv")][0] / p["baseline_median_mae"] for p in projects])
    prev_wins = int(np.sum(prev_ratios < 1.0 - 1e-9))
    changes = np.round([p["mae"] - PREVIOUS[p["file"].removesuffix(".csv")][0] for p in projects], 2)
    ns = [p["n_test"] for p in projects]
    exp_binom = result["summary"]["expected_in_band_if_calibrated"]
    exp_dispersed = sum(_in_band_if_dispersed(n, pseudo["phi"]) for n in ns)
    all_in_band = float(np.prod([p["chance_in_band"] for p in projects]))
    rate = pseudo["wins"] / pseudo["n"]
    p_12 = float(1 - binom.cdf(11, len(projects), rate))
    s = result["summary"]
    p_low = float(binom.cdf(s["beats_median"], len(projects), rate))
    fresher = sum(test_novelty[k] < pseudo["novelty"][k] for k in test_novelty)
    stl = next(p for p in projects if p["file"] == "STL.csv")
    text = f"""## Reference-class estimation (story points)

Measured {datetime.date.today().isoformat()} on {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs
(shared with other jobs, load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} at the start: timings are noisy),
Python {platform.python_version()}.

Method: {result['method']}.
History = GPT2SP `train`+`val` rows or the oldest 80% of a Tawosi file by `created` (all oldest first);
the test rows are predicted from it in one go. Test labels are used only to score: nothing is chosen
per project, and the P10/P90 levels are set from the history alone (rolling-origin checks). Our baselines predict
the history's median / mean; the published baselines (GPT2SP's `within_proj_data.csv`, trained on `train`
only and computed by its authors) differ from ours, so compare our MAE with **our** Median column
first. Data: Choetkiertikul et al. 2018 / Fu & Tantithamthavorn (GPT2SP) and Tawosi, Moussa & Sarro 2022.

**Beats the Median baseline on {s['beats_median']} of {s['of']} projects (target 12; previous version {prev_wins});
P10-P90 coverage within 75-85% on {s['coverage_in_75_85']} of {s['of']} (target: all; previous version
{int(np.sum((prev_cov >= 0.75) & (prev_cov <= 0.85)))}); mean coverage {coverages.mean():.1%} (previous
{prev_cov.mean():.1%}). Neither target is met.**

{chr(10).join(rows)}

Mean MAE / Median-baseline MAE over the 18 projects: {ratios.mean():.3f} (previous version {prev_ratios.mean():.3f});
per-project MAE changes from the previous version run from {changes.min():+.2f} to {changes.max():+.2f} points, both
ways ({int(np.sum(changes < 0))} better, {int(np.sum(changes > 0))} worse, {int(np.sum(changes == 0))} equal): within the noise. Mean distance of coverage from 80%: {np.abs(coverages - 0.8).mean() * 100:.1f} points (previous
{np.abs(prev_cov - 0.8).mean() * 100:.1f}). "on history checks" is the recency-weighted coverage on the rolling
checks inside the history, the figure the levels were calibrated to.

**What the 18 test sets can show (the statistics).**
* Coverage: even a range that is exactly 80% right, on independent items, lands inside 75-85% only with the
  "chance" shown, because the test sets are small (41-584 items): {exp_binom:.1f} of 18 in expectation, and all 18
  with probability {all_in_band:.1%}. Inside the histories (pseudo-splits below) coverage also varies from one period
  to the next {pseudo['phi']:.1f} times as much as the binomial (mean squared z-score; the mean z-score is
  {pseudo['mean_z']:+.2f}, so the ranges are right on average): with that spread a range that is right on average lands in the band on
  {exp_dispersed:.1f} of these 18 test sets in expectation. "75-85% on all 18" is out of reach for any honest method
  under this protocol.
* Point: on the pseudo-splits the method beats the Median on {rate:.0%} of project-periods (optimistic: the design
  was chosen on them); if the test periods behaved like that, beating it on at least 12 of 18 would happen with probability {p_12:.0%}, and on
  {s['beats_median']} or fewer with probability {p_low:.0%}. The test periods look harder than the periods inside
  the histories: without looking at a label, the test items are less similar to their history (mean top-1 cosine
  similarity, column "similarity to history") than the newest 20% of each history is to the older 80% on
  {fresher} of 18 projects, although their history is larger; less similar items leave the reference class with
  less to say, and drift the way the history did not (STL: {stl['below_p10']:.0%} of its test items fell below P10
  after its newest history had drifted upwards).

**How the design was chosen (training data only).** Every candidate was scored on 72 pseudo-splits of the
histories alone (fit on the oldest 50/60/70/80% of each history, predict the next 20%; test rows not read):
wins against the Median and the mean MAE ratio for the point, and coverage in band / mean coverage / mean
distance from 80% for the range. This version on them: beats the Median {pseudo['wins']}/{pseudo['n']}
(previous {PREVIOUS_PSEUDO['wins']}/72), mean MAE ratio {pseudo['ratio']:.3f} (previous {PREVIOUS_PSEUDO['ratio']:.3f}),
coverage in 75-85% {pseudo['in_band']}/{pseudo['n']} (previous {PREVIOUS_PSEUDO['in_band']}/72), mean coverage
{pseudo['mean_cov']:.1%} (previous {PREVIOUS_PSEUDO['mean_cov']:.1%}, over-covering), {pseudo['below']:.1%} below P10 and
{pseudo['above']:.1%} above P90, mean distance from 80% {pseudo['dist']:.1f} points (previous {PREVIOUS_PSEUDO['dist']:.1f}).
Two changes were kept:
1. Recency: neighbours weigh similarity x 0.5^(age / 1,000 items). On the eight largest projects (416-2,335
   history items) the previous version lost to the Median in 11 of 32 pseudo-splits (old neighbours from a
   different sizing regime); with recency 6 of 32. Half-lives of 500-1,000 items all helped (49-51/72), 300 and
   1,500-2,000 less (46-47/72). Choosing the half-life by wins on 17 projects and scoring the 18th
   (leave-one-project-out) picks 1,000 every time (51/72); choosing it by mean MAE ratio picks 500 mostly and
   scores 44/72. 1,000 is the top of a noisy curve, so expect less than +6 wins elsewhere.
2. Two tail levels instead of one: P10 is set so that 10% of the checked items fall below it and P90 so that 10%
   fall above, instead of one level for 80% inside. One symmetric level over-covered on the pseudo-splits (82.4%
   with recency; 9.1% below, 8.4% above); two levels hit 80.4% (9.4% / 10.2%), in band on 35/72 against 32/72. On the test rows this did not carry
   over (it cannot foresee a reversal such as STL's), and the test figures were looked at once, after the design
   was fixed, and not used to change it.

**Tried and rejected** (pseudo-splits; "x/72" = beats the Median, the chosen design {pseudo['wins']}/72):
* Median (L1) regression per project on rolling-check features (mixture median, neighbours' log-mean, text
  length, top similarity; scipy HiGHS LP): 4-17 of 36 (origins 60% and 80%) against 26 for the mixture median;
  with the history median as a fixed anchor 8-18 of 36. Per-project coefficients are too noisy and the intercept
  follows the check period.
* Choosing per project by rolling-origin MAE on its own history among prior masses and "always the median":
  38-42/72, and 32-40/72 with checks as long as the test horizon. The history's own checks favour neighbours more than
  the next period does.
* The future falls below the history median in 50 of 72 pseudo-splits, so: P50 at a global lower quantile level
  (0.40-0.48): 42-47/72 (mean MAE ratio down to 0.921 with half the prior mass, but no more wins, and "P50"
  would no longer be a median); thresholds for moving down / up from the median set apart: 36-49/72, mean ratio
  0.930-0.967.
* A continuous (interpolated) median: 34-46/72, every one with a worse ratio. L2 logistic regression on TF-IDF
  for y < median / y > median, alone or averaged with the mixture: 32-46/72.
* Text: title counted twice 45, title only 32, code blocks and URLs stripped 43, min_df 1 / 3 43 / 38, unigrams
  only 42, CamelCase split 45-47, character 3-5-grams 41 (averaged with words 40), LSA 100 dimensions 43-44
  (40x slower), supervised term weights 42-46.
* Recency as a share of the history (half-life 10-100% of it): 38-43/72; a recency-weighted prior 40-49/72;
  neighbourhood sizes, prior masses and similarity powers around the chosen ones: 32-49/72.
* Ranges: check decay 0.4-1.0, longer check spans (20% of the history, or 25% of the origin as in the test),
  only the newest checks (origins 75-95%), more checks (origins 30-95%), a larger prior share for the range (mass
  x2 / x4 / x16) or the history's own spread alone: 17-39 of 72 in band, mean coverage 78-85%. The only one in band
  more often (39/72: two levels with check decay 0.6) covers 78.6% on average and 74% on the newest pseudo-split;
  none is clearly better.

Timing (synthetic history of 10,000 items, 5-60 words each, 3,000-word vocabulary):
fit {fit_s:.2f} s (includes the 10 rolling-origin checks), one suggestion {suggest_s * 1000:.1f} ms;
the whole 18-project evaluation took {eval_s:.1f} s, the 72 pseudo-splits {pseudo_s:.1f} s.
"""
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
