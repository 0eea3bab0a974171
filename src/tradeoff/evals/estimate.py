"""`tradeoff eval estimate`: reference-class suggestions against real story-point histories.

Two CSV layouts are understood (see ../shared/data/README.md):

* GPT2SP (`issuekey,title,description,storypoint,split_mark`): rows marked `train` and `val` are the
  history (oldest first, `val` being the newest part), rows marked `test` are predicted.
* Tawosi (`issuekey,created,title,description,storypoint`): rows sorted by `created`; the first 80% are
  the history, the last 20% are predicted (a chronological split).

Test labels are only used to score. Baselines predict the history's median / mean for every item.

`--method`: "lexical" (TF-IDF, what `tradeoff suggest-estimate` uses), "model" (TF-IDF blended with the
local sentence model's embeddings of title + description; needs `pip install tradeoff[ml]`) or "auto" (the
product's choice, which is lexical: the model did not beat it on pseudo-splits of the histories, see
docs/benchmarks.d/estimation.md).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
from scipy.stats import binom

from tradeoff.core.estimation import HistoryItem, ReferenceIndex
from tradeoff.core.estimation_types import VECTOR_POWER, VECTOR_WEIGHT
from tradeoff.embeddings import Embedder, ModelEmbedder, get_embedder
from tradeoff.errors import FieldError, InvalidInput
from tradeoff.evals._textcsv import CsvRow, read_csv

MODEL_MAX_LENGTH = 256
"""Tokens of title + description the sentence model reads (issue descriptions are long)."""
METHOD = (
    "nearest neighbours by {similarity}, weighted by similarity x recency (half-life 1,000 items); "
    "mixture of the neighbours and the whole history (ensemble k=10/20/40, prior mass 1/2/4); P50 = mixture "
    "median; P10 and P90 = mixture quantiles at two tail levels calibrated separately by rolling-origin "
    "checks on the history (origins 50-95%, next 10% predicted from earlier items only, newer checks "
    "weighted x1.25 per step; 10% of checked items below P10, 10% above P90)"
)
LEXICAL_SIMILARITY = "TF-IDF (uni+bigrams) cosine similarity"
MODEL_SIMILARITY = (
    "{lexical:.0%} TF-IDF (uni+bigrams) cosine + {model:.0%} {name} cosine to the power {power:g} (sentence "
    "embeddings of title + description, first {tokens} tokens; the power puts it on TF-IDF's scale)"
)
_BASE_COLUMNS = ("issuekey", "title", "description", "storypoint")
_CREATED_FORMATS = ("%m/%d/%Y %H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S")
MAX_POINTS = 100_000
"""The largest story-point value read (the product's own limit on an effort, `estimates.schemas.Effort`)."""


def _parse_created(row: CsvRow, path: Path) -> datetime:
    value = row.values["created"]
    for fmt in _CREATED_FORMATS:
        try:
            return datetime.strptime(value.strip(), fmt)
        except ValueError:
            continue
    raise InvalidInput(f"{row.where(path)}: column 'created' has an unreadable date {value!r}")


def _points(row: CsvRow, path: Path) -> float:
    """The row's story points: the same rule for history and test rows, so no NaN, infinity or absurd value
    can reach a score."""
    raw = row.values["storypoint"]
    try:
        points = float(raw)
    except ValueError:
        points = math.nan
    if not (math.isfinite(points) and 0 <= points <= MAX_POINTS):
        raise InvalidInput(
            f"{row.where(path)}: column 'storypoint' must be a number from 0 to {MAX_POINTS:,}, got {raw!r}",
            [FieldError(["row", row.number, "storypoint"], "not a story-point value", raw)],
        )
    return points


def _load(path: Path) -> tuple[list[HistoryItem], list[HistoryItem]]:
    """Split one project file into (history oldest first, items to predict)."""
    columns, rows = read_csv(path, _BASE_COLUMNS)
    if "split_mark" not in columns and "created" not in columns:
        raise InvalidInput(
            f"{path.name}: missing required column 'split_mark' (or 'created' for a chronological split)"
        )
    items: list[tuple[HistoryItem, str, datetime | None]] = []
    for row in rows:
        values = row.values
        item = HistoryItem(key=values["issuekey"], text=f"{values['title']} {values['description']}",
                           actual=_points(row, path))
        if "split_mark" in columns:
            mark = values["split_mark"].strip()
            if mark not in ("train", "val", "test"):
                raise InvalidInput(f"{row.where(path)}: column 'split_mark' must be train, val or test, got {mark!r}")
            items.append((item, mark, None))
        else:
            items.append((item, "", _parse_created(row, path)))
    if "split_mark" in columns:
        history = [i for i, m, _ in items if m == "train"] + [i for i, m, _ in items if m == "val"]
        test = [i for i, m, _ in items if m == "test"]
    else:
        ordered = [i for i, _, _ in sorted(items, key=lambda t: t[2] or datetime.min)]
        cut = int(len(ordered) * 0.8)
        history, test = ordered[:cut], ordered[cut:]
    if not test:
        raise InvalidInput(f"{path.name}: no items to predict (no 'test' rows or too few rows)")
    return history, test


def chance_in_band(n: int, coverage: float = 0.8, low: float = 0.75, high: float = 0.85) -> float:
    """Probability (0-1) that a range which is exactly `coverage` right covers between `low` and `high`
    (inclusive) of `n` independent items: the best any method can expect on a test set of that size."""
    lo, hi = math.ceil(low * n - 1e-9), math.floor(high * n + 1e-9)
    return float(binom.cdf(hi, n, coverage) - binom.cdf(lo - 1, n, coverage))


def resolve_embedder(method: str) -> Embedder | None:
    """The sentence embedder `method` asks for, or None for TF-IDF alone.

    "auto" is what the product uses (TF-IDF); "model" without the optional extra raises InvalidInput
    telling how to install it.
    """
    if method not in ("auto", "lexical", "model"):
        raise InvalidInput(f"unknown method {method!r}: use auto, lexical or model")
    if method != "model":
        return None
    embedder = get_embedder("model")
    if isinstance(embedder, ModelEmbedder):
        embedder.max_length = MODEL_MAX_LENGTH
    return embedder


def evaluate_project(path: Path, *, embedder: Embedder | None = None) -> dict[str, Any]:
    """Score one project file; see :func:`evaluate_estimates` for the fields. With `embedder`, history
    and test texts are embedded and blended into the similarity (the test texts only, never their labels)."""
    history, test = _load(path)
    texts = [item.text for item in test]
    try:
        if embedder is None:
            index = ReferenceIndex.fit(history)
            suggestions = index.suggest_many(texts, show=0)
        else:
            vectors = embedder.embed([item.text for item in history] + texts)
            index = ReferenceIndex.fit(history, vectors=vectors[: len(history)])
            suggestions = index.suggest_many(texts, show=0, vectors=vectors[len(history) :])
    except InvalidInput as exc:  # e.g. too short a history: say which file
        raise InvalidInput(f"{path.name}: {exc.message}", exc.errors) from exc
    actual = np.array([item.actual for item in test])
    train = np.array([item.actual for item in history])
    point = np.array([s.point for s in suggestions])
    lo = np.array([s.p10 for s in suggestions])
    hi = np.array([s.p90 for s in suggestions])
    errors = np.abs(actual - point)
    mae = float(errors.mean())
    median_mae = float(np.abs(actual - np.median(train)).mean())
    return {
        "file": path.name,
        "n_train": len(history),
        "n_test": len(test),
        "mae": round(mae, 4),
        "mdae": round(float(np.median(errors)), 4),
        "baseline_mean_mae": round(float(np.abs(actual - train.mean()).mean()), 4),
        "baseline_median_mae": round(median_mae, 4),
        "interval_coverage": round(float(np.mean((actual >= lo) & (actual <= hi))), 4),
        "below_p10": round(float(np.mean(actual < lo)), 4),
        "above_p90": round(float(np.mean(actual > hi)), 4),
        "chance_in_band": round(chance_in_band(len(test)), 4),
        "calibration_coverage": index.calibration_coverage,
        "beats_median": bool(mae < median_mae - 1e-12),
    }


def evaluate_estimates(
    paths: Sequence[Path], *, method: str = "auto", seed: int = 0, embedder: Embedder | None = None
) -> dict[str, Any]:
    """Evaluate reference-class suggestions on story-point CSV files.

    `method`: "lexical", "model" or "auto" (see the module docstring). `embedder`: use this embedder for
    "model" instead of loading the local model (a test fake, or a caching wrapper); ignored otherwise.
    Returns ``{"method", "similarity", "description", "seed", "projects": [{file, n_train, n_test, mae, mdae, baseline_mean_mae,
    baseline_median_mae, interval_coverage, below_p10, above_p90, chance_in_band, calibration_coverage,
    beats_median}], "summary": {"beats_median", "of", "coverage_in_75_85", "mean_coverage",
    "expected_in_band_if_calibrated"}}``; `method` is "lexical" or the embedder's name (what ran),
    `similarity` how items were compared and `description` the whole method, in words. MAE figures are in story points; coverage is the share (0-1) of
    predicted items whose actual fell inside the suggested P10-P90 (bounds inclusive), `below_p10` /
    `above_p90` the shares outside on each side; `chance_in_band` is the probability that a perfectly
    calibrated 80% range lands within 75-85% on that many test items (binomial).
    The method is deterministic; `seed` is recorded for the report only.
    """
    if not paths:
        raise InvalidInput("paths: give at least one CSV file to evaluate")
    if method != "model" or embedder is None:
        embedder = resolve_embedder(method)
    projects = [evaluate_project(Path(p), embedder=embedder) for p in paths]
    if embedder is None:
        similarity = LEXICAL_SIMILARITY
    else:
        tokens = getattr(embedder, "max_length", "all")
        similarity = MODEL_SIMILARITY.format(
            lexical=1.0 - VECTOR_WEIGHT, model=VECTOR_WEIGHT, power=VECTOR_POWER, name=embedder.name, tokens=tokens
        )
    return {
        "method": "lexical" if embedder is None else embedder.name,
        "similarity": similarity,
        "description": METHOD.format(similarity=similarity),
        "seed": seed,
        "projects": projects,
        "summary": {
            "beats_median": sum(p["beats_median"] for p in projects),
            "of": len(projects),
            "coverage_in_75_85": sum(0.75 <= p["interval_coverage"] <= 0.85 for p in projects),
            "mean_coverage": round(float(np.mean([p["interval_coverage"] for p in projects])), 4),
            "expected_in_band_if_calibrated": round(sum(p["chance_in_band"] for p in projects), 2),
        },
    }


def render_estimates(result: dict[str, Any]) -> str:
    """A plain-text table of :func:`evaluate_estimates`'s result for a terminal."""
    header = (
        f"{'project':<24}{'train':>6}{'test':>6}{'MAE':>8}{'MdAE':>7}{'median':>8}{'mean':>8}"
        f"{'P10-P90':>9}{'chance':>8}  beats median"
    )
    lines = [f"Method: {result['method']} — {result['description']}", "", header, "-" * len(header)]
    for p in result["projects"]:
        lines.append(
            f"{p['file']:<24}{p['n_train']:>6}{p['n_test']:>6}{p['mae']:>8.2f}{p['mdae']:>7.2f}"
            f"{p['baseline_median_mae']:>8.2f}{p['baseline_mean_mae']:>8.2f}{p['interval_coverage']:>9.0%}"
            f"{p['chance_in_band']:>8.0%}  {'yes' if p['beats_median'] else 'no'}"
        )
    s = result["summary"]
    lines += [
        "",
        f"Beats the Median baseline on {s['beats_median']} of {s['of']} projects; "
        f"P10-P90 coverage within 75-85% on {s['coverage_in_75_85']} of {s['of']} "
        f"(mean coverage {s['mean_coverage']:.1%}; a perfectly calibrated range would manage "
        f"{s['expected_in_band_if_calibrated']:.1f} in expectation).",
        "MAE in story points (lower is better); 'median'/'mean' = MAE of always predicting the history's median/mean;",
        "'chance' = probability that a perfectly calibrated 80% range lands within 75-85% on that many test items.",
    ]
    return "\n".join(lines)
