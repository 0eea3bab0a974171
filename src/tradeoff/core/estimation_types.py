"""Reference-class estimation's tuning constants, its input (``HistoryItem``) and its outputs (``Neighbour``,
``Suggestion``). The method is described in ``estimation``.
"""

from __future__ import annotations

from dataclasses import dataclass

NEIGHBOUR_COUNTS: tuple[int, ...] = (10, 20, 40)
"""Neighbourhood sizes averaged by the ensemble."""
PRIOR_MASSES: tuple[float, ...] = (1.0, 2.0, 4.0)
"""Weight of the whole-history prior, in units of cosine similarity (a neighbour at similarity 0.5 weighs 0.5)."""
MIN_HISTORY = 5
"""Fewer finished items than this and no suggestion is made."""
MIN_CALIBRATION_HISTORY = 30
"""Below this many items the P10-P90 level is not calibrated (the default 10%/90% is used and said so)."""
FOLD_ORIGINS: tuple[float, ...] = tuple(round(0.5 + 0.05 * i, 2) for i in range(10))
"""Rolling-origin checks start at these fractions of the history (oldest first)."""
FOLD_SPAN = 0.1
"""Each check predicts the next this-fraction of the history."""
FOLD_DECAY = 0.8
"""Weight of a check relative to the next newer one."""
RECENCY_HALF_LIFE = 1000.0
"""A finished item's weight as a neighbour halves for every this-many finished items after it."""
TAIL_MIN, TAIL_MAX = 0.001, 0.499
VECTOR_WEIGHT = 0.25
"""Share of the similarity taken from precomputed text vectors when they are given (the rest is TF-IDF)."""
VECTOR_POWER = 3.0
"""Vector cosines are raised to this power before blending. Sentence-model cosines between issues of one
project sit high and close together (top-10 neighbour about 0.45, top-40 about 0.35 for all-MiniLM-L6-v2)
where TF-IDF's are low and spread (0.15 and 0.08); cubing puts them on TF-IDF's scale, so the prior
masses above keep their meaning. Weight and power were chosen on pseudo-splits of the histories
(docs/benchmarks.d/estimation.md); there the vectors did not beat TF-IDF alone."""


@dataclass(frozen=True)
class HistoryItem:
    """A finished work item: its tracker `key`, its `text` (title + description) and its `actual`
    effort (story points or days, >= 0, the same unit for the whole history)."""

    key: str
    text: str
    actual: float


@dataclass(frozen=True)
class Neighbour:
    """A similar finished item shown as evidence: `similarity` is cosine similarity in [0, 1] (the blended
    one when the index was fitted with text vectors)."""

    key: str
    actual: float
    similarity: float


@dataclass(frozen=True)
class Suggestion:
    """A suggested range for a new item, in the history's unit (points or days).

    `point` is the suggested single value (= `p50`, the median, which minimises the mean absolute error);
    `p10`/`p90` bound a range meant to contain the actual ~80% of the time, with ~10% below P10 and ~10%
    above P90; `calibrated` says whether those levels were set by rolling-origin checks on the history
    (`calibration_coverage`: the share, 0-1, of checked items that fell inside, recent checks weighted more).
    """

    p10: float
    p50: float
    p90: float
    point: float
    neighbours: tuple[Neighbour, ...]
    history_median: float
    n_history: int
    calibrated: bool
    calibration_coverage: float | None
    explanation: str
