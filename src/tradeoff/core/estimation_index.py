"""The fitted reference class (``ReferenceIndex``, method in ``estimation``): the TF-IDF index of a history, the
ensemble mixture of the whole-history prior and the nearest neighbours, the rolling-origin calibration of the
P10/P90 levels, and the suggestions with their explanation.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from tradeoff.core.estimation_text import TfidfModel, VectorSimilarity, top_k_similar, unit_rows
from tradeoff.core.estimation_types import (
    FOLD_DECAY,
    FOLD_ORIGINS,
    FOLD_SPAN,
    MIN_CALIBRATION_HISTORY,
    MIN_HISTORY,
    NEIGHBOUR_COUNTS,
    PRIOR_MASSES,
    RECENCY_HALF_LIFE,
    TAIL_MAX,
    TAIL_MIN,
    VECTOR_POWER,
    VECTOR_WEIGHT,
    HistoryItem,
    Neighbour,
    Suggestion,
)
from tradeoff.errors import InvalidInput


def _validate(history: Sequence[HistoryItem]) -> NDArray[np.float64]:
    if len(history) < MIN_HISTORY:
        raise InvalidInput(
            f"history: need at least {MIN_HISTORY} finished items with an actual value to suggest "
            f"an estimate, got {len(history)}; import or finish more work items first"
        )
    actuals = np.empty(len(history), dtype=np.float64)
    for i, item in enumerate(history):
        value = item.actual
        if not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
            raise InvalidInput(
                f"history[{i}].actual ({item.key!r}) must be a finite number >= 0, got {value!r}"
            )
        if not isinstance(item.text, str):
            raise InvalidInput(f"history[{i}].text ({item.key!r}) must be text, got {type(item.text).__name__}")
        actuals[i] = float(value)
    return actuals


def _quantile(values: NDArray[np.float64], cdf: NDArray[np.float64], level: float) -> NDArray[np.float64]:
    """Smallest value whose cumulative probability reaches `level`, row by row."""
    out: NDArray[np.float64] = values[np.argmax(cdf >= level - 1e-9, axis=1)]
    return out


def _cdf_at(
    values: NDArray[np.float64], cdf: NDArray[np.float64], actual: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Row by row, F(y) and F(y-): the cumulative probability at the actual y and strictly below it.

    y is below the lower bound quantile(t) exactly when F(y) < t, and above the upper bound
    quantile(1 - t) exactly when F(y-) >= 1 - t (`values` sorted, y one of them or not).
    """
    rows = np.arange(len(actual))
    at = np.searchsorted(values, actual, side="right") - 1
    below = np.searchsorted(values, actual, side="left") - 1
    f_at = np.where(at >= 0, cdf[rows, np.maximum(at, 0)], 0.0)
    f_below = np.where(below >= 0, cdf[rows, np.maximum(below, 0)], 0.0)
    return f_at, f_below


def _level_for_share(scores: NDArray[np.float64], weights: NDArray[np.float64], share: float) -> float:
    """A level t in [TAIL_MIN, TAIL_MAX] such that the weighted share of `scores` strictly below t is as
    close to `share` as any such level allows.

    All levels between two neighbouring distinct scores give the same share; t is the middle of that gap
    (within the clip range), so a small change in a score does not flip which side of t it falls on.
    Scores equal to 9 decimals count as equal (floating-point noise in cumulative sums).
    """
    distinct, inverse = np.unique(np.round(scores, 9), return_inverse=True)
    mass = np.bincount(inverse.ravel(), weights=weights, minlength=len(distinct))
    below = np.r_[0.0, np.cumsum(mass)] / mass.sum()  # below[j]: share under the j smallest distinct scores
    open_low = np.r_[-np.inf, distinct]  # gap j holds the levels in (open_low[j], high[j]]
    high = np.minimum(np.r_[distinct, np.inf], TAIL_MAX)
    low = np.maximum(open_low, TAIL_MIN)
    feasible = (high >= low) & (open_low < high)
    gaps = np.flatnonzero(feasible)
    j = int(gaps[np.argmin(np.abs(below[gaps] - share))])
    return float((low[j] + high[j]) / 2.0)


def _recency(n: int, half_life: float | None) -> NDArray[np.float64]:
    """Weight of each of `n` items (oldest first) as a neighbour: 1 for the newest, halving every
    `half_life` items back (all 1 when `half_life` is None)."""
    if half_life is None:
        return np.ones(n, dtype=np.float64)
    age = np.arange(n - 1, -1, -1, dtype=np.float64)
    out: NDArray[np.float64] = 0.5 ** (age / half_life)
    return out


class ReferenceIndex:
    """A fitted reference class: fit once per history (:meth:`fit`), then :meth:`suggest` quickly."""

    def __init__(
        self,
        *,
        history: tuple[HistoryItem, ...],
        actuals: NDArray[np.float64],
        model: TfidfModel,
        matrix: sp.csr_matrix,
        vectors: NDArray[np.float64] | None,
        vector_weight: float,
        vector_power: float,
        neighbour_counts: tuple[int, ...],
        prior_masses: tuple[float, ...],
        half_life: float | None,
        tail_low: float,
        tail_high: float,
        calibrated: bool,
        calibration_coverage: float | None,
    ) -> None:
        self.history = history
        self.actuals = actuals
        self.model = model
        self.matrix = matrix
        self.vectors = vectors
        self.vector_weight = vector_weight
        self.vector_power = vector_power
        self.neighbour_counts = neighbour_counts
        self.prior_masses = prior_masses
        self.half_life = half_life
        self.tail_low = tail_low
        self.tail_high = tail_high
        self.calibrated = calibrated
        self.calibration_coverage = calibration_coverage
        self.values: NDArray[np.float64] = np.unique(actuals)
        self._positions = np.searchsorted(self.values, actuals)
        counts = np.bincount(self._positions, minlength=len(self.values)).astype(np.float64)
        self._prior_cdf = np.cumsum(counts) / counts.sum()
        self.median = float(_quantile(self.values, self._prior_cdf[None, :], 0.5)[0])

    @classmethod
    def fit(
        cls,
        history: Sequence[HistoryItem],
        *,
        neighbour_counts: tuple[int, ...] = NEIGHBOUR_COUNTS,
        prior_masses: tuple[float, ...] = PRIOR_MASSES,
        coverage: float = 0.8,
        fold_decay: float = FOLD_DECAY,
        half_life: float | None = RECENCY_HALF_LIFE,
        vectors: object | None = None,
        vector_weight: float = VECTOR_WEIGHT,
        vector_power: float = VECTOR_POWER,
    ) -> ReferenceIndex:
        """Fit the index on `history` (oldest first) and calibrate its P10-P90 range.

        `coverage`: share of future items the P10-P90 range should contain (0.8 = P10..P90); half of the
        rest should fall below P10 and half above P90.
        `fold_decay`: weight of each rolling-origin check relative to the next newer one (1 = all equal,
        smaller = the most recent history counts more, so recent drift sets the width).
        `half_life`: in finished items; a neighbour's weight halves for every this-many items finished
        after it (None = all items count the same whatever their age).
        `vectors`: optional precomputed text vectors of the history (one row per item, same order; e.g.
        sentence-model embeddings of title + description), normalised to unit length here. With them,
        similarity is (1 - `vector_weight`) x TF-IDF cosine + `vector_weight` x max(0, vector cosine) **
        `vector_power`, in [0, 1]; every suggestion then needs the new text's vector too.
        """
        if not 0.0 < coverage < 1.0:
            raise InvalidInput(f"coverage must be between 0 and 1 (exclusive), got {coverage!r}")
        if not 0.0 < fold_decay <= 1.0:
            raise InvalidInput(f"fold_decay must be in (0, 1], got {fold_decay!r}")
        if not neighbour_counts or min(neighbour_counts) < 1:
            raise InvalidInput(f"neighbour_counts must be positive integers, got {neighbour_counts!r}")
        if not prior_masses or min(prior_masses) <= 0:
            raise InvalidInput(f"prior_masses must be positive, got {prior_masses!r}")
        if half_life is not None and not (math.isfinite(half_life) and half_life > 0):
            raise InvalidInput(f"half_life must be a positive number of items or None, got {half_life!r}")
        if not 0.0 <= vector_weight <= 1.0:
            raise InvalidInput(f"vector_weight must be between 0 and 1, got {vector_weight!r}")
        if not (math.isfinite(vector_power) and vector_power > 0):
            raise InvalidInput(f"vector_power must be a positive number, got {vector_power!r}")
        actuals = _validate(history)
        units = None if vectors is None else unit_rows(vectors, len(history), "history vectors")
        items = tuple(history)
        texts = [item.text for item in items]
        model = TfidfModel.fit(texts)
        tail = (1.0 - coverage) / 2.0
        index = cls(
            history=items,
            actuals=actuals,
            model=model,
            matrix=model.transform(texts),
            vectors=units,
            vector_weight=vector_weight,
            vector_power=vector_power,
            neighbour_counts=neighbour_counts,
            prior_masses=prior_masses,
            half_life=half_life,
            tail_low=tail,
            tail_high=tail,
            calibrated=False,
            calibration_coverage=None,
        )
        if len(items) >= MIN_CALIBRATION_HISTORY:
            index._calibrate(coverage, fold_decay)
        return index

    def _calibrate(self, coverage: float, fold_decay: float) -> None:
        """Choose the two tail levels from rolling-origin checks on the history itself.

        For each origin (50%, 55%, ... 95% of the history) the items of the next 10% are predicted from
        the items before the origin only, as if they were new (recency counted from the origin). The lower
        level is the one below which a share (1 - `coverage`) / 2 of the checked items' actuals fall
        (y < quantile(level)), the upper level likewise above (y > quantile(1 - level)); folds are
        weighted by `fold_decay` per step back in time. The TF-IDF vocabulary is the full history's (text
        only, no actual values leak forward).
        """
        n = len(self.history)
        f_at: list[NDArray[np.float64]] = []
        f_below: list[NDArray[np.float64]] = []
        weights: list[NDArray[np.float64]] = []
        origins = [round(n * f) for f in FOLD_ORIGINS]
        for back, start in enumerate(reversed(origins)):
            stop = min(n, start + max(1, round(n * FOLD_SPAN)))
            if start < MIN_HISTORY or stop <= start:
                continue
            queries = None if self.vectors is None else self.vectors[start:stop]
            cdf, _, _ = self._mixture_cdf(self.matrix[start:stop], queries, start)
            at, below = _cdf_at(self.values, cdf, self.actuals[start:stop])
            f_at.append(at)
            f_below.append(below)
            weights.append(np.full(stop - start, fold_decay**back / (stop - start)))
        if not weights:
            return
        at, below, w = np.concatenate(f_at), np.concatenate(f_below), np.concatenate(weights)
        side = (1.0 - coverage) / 2.0
        self.tail_low = _level_for_share(at, w, side)
        self.tail_high = _level_for_share(1.0 - below, w, side)
        inside = (at >= self.tail_low) & (1.0 - below > self.tail_high)
        self.calibration_coverage = round(float(np.sum(w[inside]) / w.sum()), 4)
        self.calibrated = True

    def _mixture_cdf(
        self, queries: sp.csr_matrix, query_vectors: NDArray[np.float64] | None, upto: int
    ) -> tuple[NDArray[np.float64], NDArray[np.int64], NDArray[np.float64]]:
        """Ensemble mixture CDF over `self.values` (rows = queries) using the first `upto` history items,
        plus the top neighbours (indices into the history, highest weight first) and their similarities."""
        k_max = max(self.neighbour_counts)
        recency = _recency(upto, self.half_life)
        blend = None
        if self.vectors is not None and query_vectors is not None:
            blend = VectorSimilarity(query_vectors, self.vectors[:upto], self.vector_weight, self.vector_power)
        idx, sims = top_k_similar(queries, self.matrix[:upto], k_max, weights=recency, vectors=blend)
        sims = np.clip(sims, 0.0, 1.0)
        weight = sims * recency[idx]
        counts = np.bincount(self._positions[:upto], minlength=len(self.values)).astype(np.float64)
        prior_cdf = np.cumsum(counts) / counts.sum()
        m, n_values = queries.shape[0], len(self.values)
        rows = np.repeat(np.arange(m), idx.shape[1]).reshape(idx.shape)
        pos = self._positions[idx]
        cdf = np.zeros((m, n_values), dtype=np.float64)
        for k in self.neighbour_counts:
            mass = np.zeros((m, n_values), dtype=np.float64)
            np.add.at(mass, (rows[:, :k], pos[:, :k]), weight[:, :k])
            neighbour_cdf = np.cumsum(mass, axis=1)
            total = weight[:, :k].sum(axis=1, keepdims=True)
            for w0 in self.prior_masses:
                cdf += (w0 * prior_cdf[None, :] + neighbour_cdf) / (w0 + total)
        cdf /= len(self.neighbour_counts) * len(self.prior_masses)
        return cdf, idx, sims

    def suggest_many(
        self, texts: Sequence[str], *, show: int = 5, unit: str = "points", vectors: object | None = None
    ) -> list[Suggestion]:
        """Suggestions for several new texts at once (faster than one by one); see :meth:`suggest`.

        `vectors`: the texts' vectors (one row each), required when the index was fitted with vectors.
        """
        if not texts:
            return []
        cdf, idx, sims = self._mixture_cdf(
            self.model.transform(texts), self._query_vectors(vectors, len(texts)), len(self.history)
        )
        p10 = _quantile(self.values, cdf, self.tail_low)
        p50 = _quantile(self.values, cdf, 0.5)
        p90 = _quantile(self.values, cdf, 1.0 - self.tail_high)
        out: list[Suggestion] = []
        for r in range(len(texts)):
            neighbours = tuple(
                Neighbour(self.history[j].key, float(self.actuals[j]), round(float(s), 4))
                for j, s in zip(idx[r, :show], sims[r, :show], strict=True)
                if s > 0.0
            )
            lo, mid, hi = float(p10[r]), float(p50[r]), float(p90[r])
            out.append(
                Suggestion(
                    p10=lo,
                    p50=mid,
                    p90=hi,
                    point=mid,
                    neighbours=neighbours,
                    history_median=self.median,
                    n_history=len(self.history),
                    calibrated=self.calibrated,
                    calibration_coverage=self.calibration_coverage,
                    explanation=self._explain(lo, mid, hi, neighbours, unit),
                )
            )
        return out

    def _query_vectors(self, vectors: object | None, rows: int) -> NDArray[np.float64] | None:
        if self.vectors is None:
            if vectors is not None:
                raise InvalidInput("this index was fitted without vectors; suggest from the text alone")
            return None
        if vectors is None:
            raise InvalidInput(
                "this index was fitted with text vectors: give the new text's vector as well, embedded "
                "with the same model"
            )
        return unit_rows(vectors, rows, "query vectors", width=self.vectors.shape[1])

    def suggest(
        self, text: str, *, show: int = 5, unit: str = "points", vector: object | None = None
    ) -> Suggestion:
        """Suggest P10/P50/P90 for a new item's `text` (title + description) in the history's `unit`.

        `show`: how many of the most similar finished items to return as evidence.
        `vector`: the text's vector (one row of numbers), required when the index was fitted with vectors.
        """
        if not isinstance(text, str):
            raise InvalidInput(f"text must be the feature's title and description, got {type(text).__name__}")
        return self.suggest_many([text], show=show, unit=unit, vectors=None if vector is None else [vector])[0]

    def _explain(self, lo: float, mid: float, hi: float, neighbours: tuple[Neighbour, ...], unit: str) -> str:
        parts = [f"Suggested {_fmt(mid)} {unit} (P10 {_fmt(lo)} - P90 {_fmt(hi)})."]
        if neighbours:
            listed = ", ".join(f"{n.key} ({_fmt(n.actual)}, similarity {n.similarity:.2f})" for n in neighbours)
            parts.append(f"Most similar finished items (recent ones count more): {listed}.")
        else:
            parts.append("No finished item resembles this text, so this is the history's overall spread.")
        parts.append(
            f"The median of the {len(self.history)} finished items is {_fmt(self.median)} {unit}; "
            "the suggestion leaves it only when similar items agree."
        )
        if self.calibrated and self.calibration_coverage is not None:
            parts.append(
                f"Checked on this history (each recent item predicted only from the items before "
                f"it, the newest weighing most), {self.calibration_coverage:.0%} of items fell inside such a range."
            )
        else:
            parts.append(
                f"With fewer than {MIN_CALIBRATION_HISTORY} finished items the range is not yet checked "
                "against held-out history; treat it as rough."
            )
        return " ".join(parts)


def _fmt(value: float) -> str:
    return f"{value:g}"
