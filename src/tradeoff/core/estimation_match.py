"""Is there finished work similar enough to a new item to suggest a range from it? And what did similar work
take in elapsed time?

A reference class is only as good as its likeness to the new item. The suggestion of
:class:`~tradeoff.core.estimation_index.ReferenceIndex` falls back towards the history's overall spread when
nothing is alike, and that spread is no estimate of *this* item: so a range is suggested only when at least
``MIN_SIMILAR`` history items reach ``SIMILARITY_FLOOR``, and otherwise the answer is "nothing similar enough
(best match 0.07)".

Similarity here is the cosine over *all* of the new text's terms (``TfidfModel.known_share``): the index's own
cosine leaves out the terms its vocabulary lacks, so a feature sharing one common word with an unrelated history
could look 0.30 alike. The suggestion's numbers (P10/P50/P90) are the index's, unchanged; only the decision to
show them and the similarities shown as evidence use the whole-text cosine.

How the floor and the count were chosen (``bench/bench_estimate_suggestion.py``, docs/benchmarks.md: the 18
story-point projects of ``../shared/data/estimation``, each history's newest 20% asked against its oldest 80%, and
the same items asked against the histories of other organisations' projects): with 3 items at 0.10 or more, 3.0%
of the items asked against unrelated work get a range, against 58% of those asked against their own project; the
suggestions of the own-project items turned away were no better than the history's median (MAE 0.99 of the
median's), those kept beat it (0.86). On the index's own cosine, letting as little unrelated work through (3 items
at 0.20: 5.4%) keeps only 33% of the own-project items.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from tradeoff.core.estimation_index import ReferenceIndex
from tradeoff.core.estimation_text import TfidfModel, top_k_similar
from tradeoff.core.estimation_types import HistoryItem, Neighbour, Suggestion
from tradeoff.errors import InvalidInput

SIMILARITY_FLOOR = 0.10
"""Whole-text cosine similarity (0-1) from which a history item counts as similar to the new item."""
MIN_SIMILAR = 3
"""Similar items needed before a range is suggested."""
LOOKED_AT = 40
"""How many of the most similar items are counted (the reference index's largest neighbourhood)."""


@dataclass(frozen=True)
class Resemblance:
    """How alike a history is to a new text.

    `closest`: the most similar history items, most similar first (`similarity`: whole-text cosine, 0-1);
    `best`: the highest similarity (0 for an empty history); `similar`: how many of the `LOOKED_AT` most similar
    reach `floor`; `enough`: at least `needed` of them do, so a range may be suggested.
    """

    closest: tuple[Neighbour, ...]
    best: float
    similar: int
    enough: bool
    floor: float
    needed: int


class SimilarWork:
    """A history's text index for whole-text similarity: fit once (:meth:`fit`, or :meth:`of_index` to share a
    reference index's vocabulary), then ask :meth:`resemblance` for each new text."""

    def __init__(self, history: tuple[HistoryItem, ...], model: TfidfModel, matrix: sp.csr_matrix) -> None:
        self.history = history
        self.model = model
        self.matrix = matrix

    @classmethod
    def fit(cls, history: Sequence[HistoryItem]) -> SimilarWork:
        """Index `history` (any number of items; `actual` in any unit, e.g. days of cycle time)."""
        items = tuple(history)
        texts = [item.text for item in items]
        model = TfidfModel.fit(texts)
        return cls(items, model, model.transform(texts))

    @classmethod
    def of_index(cls, index: ReferenceIndex) -> SimilarWork:
        """The same history, vocabulary and vectors as a fitted reference index (nothing is refitted)."""
        return cls(index.history, index.model, index.matrix)

    def resemblance(
        self, text: str, *, show: int = 5, floor: float = SIMILARITY_FLOOR, needed: int = MIN_SIMILAR
    ) -> Resemblance:
        """The `show` history items most similar to `text` (title + description) and whether at least `needed`
        of them reach `floor` (see the module's notes for the defaults)."""
        if not isinstance(text, str):
            raise InvalidInput(f"text must be the feature's title and description, got {type(text).__name__}")
        if show < 0 or needed < 1:
            raise InvalidInput(f"show must be >= 0 and needed >= 1, got {show} and {needed}")
        if not 0.0 < floor <= 1.0:
            raise InvalidInput(f"floor must be a similarity in (0, 1], got {floor!r}")
        if not self.history or not self.model.vocabulary:
            return Resemblance((), 0.0, 0, False, floor, needed)
        k = max(show, needed, LOOKED_AT)
        idx, cosines = top_k_similar(self.model.transform([text]), self.matrix, k)
        sims = np.clip(cosines[0] * self.model.known_share([text])[0], 0.0, 1.0)
        closest = tuple(
            Neighbour(self.history[j].key, self.history[j].actual, round(float(s), 4))
            for j, s in zip(idx[0, :show], sims[:show], strict=True)
            if s > 0.0
        )
        similar = int(np.sum(sims >= floor - 1e-12))
        best = float(sims[0]) if sims.size else 0.0
        return Resemblance(closest, round(best, 4), similar, similar >= needed, floor, needed)


@dataclass(frozen=True)
class Verdict:
    """A reference-class answer: the resemblance, and the suggestion when enough items are similar (else None).
    `explanation` words either, in `unit`."""

    resemblance: Resemblance
    suggestion: Suggestion | None
    explanation: str


def suggest_if_similar(
    index: ReferenceIndex,
    text: str,
    *,
    show: int = 5,
    unit: str = "points",
    floor: float = SIMILARITY_FLOOR,
    needed: int = MIN_SIMILAR,
    similar_work: SimilarWork | None = None,
) -> Verdict:
    """Suggest P10/P50/P90 for `text` from `index` (in its `unit`) only when at least `needed` of its items are
    at whole-text similarity `floor` or more; otherwise no suggestion, and the best match said.

    `similar_work`: the index's :class:`SimilarWork` when already built (:meth:`SimilarWork.of_index`).
    The suggestion's figures are exactly ``index.suggest(text)``'s.
    """
    matcher = similar_work if similar_work is not None else SimilarWork.of_index(index)
    found = matcher.resemblance(text, show=show, floor=floor, needed=needed)
    n = len(index.history)
    if not found.enough:
        return Verdict(found, None, _nothing_similar(found, n))
    s = index.suggest(text, show=0, unit=unit)
    return Verdict(found, s, _explain(s, found, n, unit))


def _nothing_similar(found: Resemblance, n: int) -> str:
    some = (f"only {found.similar} reach{'es' * (found.similar == 1)} it" if found.similar else "none reaches it")
    return (f"Nothing similar enough in your history (best match {found.best:.2f}): a range needs at least "
            f"{found.needed} of the {n:,} items at similarity {found.floor:.2f} or more, and {some}. "
            "Their overall spread says nothing about this feature, so no range is suggested.")


def _explain(s: Suggestion, found: Resemblance, n: int, unit: str) -> str:
    parts = [f"Suggested {s.p50:g} {unit} (P10 {s.p10:g} - P90 {s.p90:g}): {found.similar} of the {n:,} items "
             f"are similar enough (similarity {found.floor:.2f} or more)."]
    if found.closest:
        listed = ", ".join(f"{c.key} ({c.actual:g}, similarity {c.similarity:.2f})" for c in found.closest)
        parts.append(f"Most similar: {listed}.")
    parts.append(f"The median of the {n:,} items is {s.history_median:g} {unit}; the suggestion leaves it only as "
                 "far as similar items agree (recent ones count more).")
    if s.calibrated and s.calibration_coverage is not None:
        parts.append(f"Checked on this history (each recent item predicted only from the items before it, the "
                     f"newest weighing most), {s.calibration_coverage:.0%} of items fell inside such a range.")
    else:
        parts.append("With so short a history the range is not yet checked against held-out items; treat it as "
                     "rough.")
    return " ".join(parts)


@dataclass(frozen=True)
class ElapsedSpread:
    """What similar finished items took in elapsed days (start, or creation, to done): `items` of them (`keys`),
    the `low` and `high` ends (10th and 90th percentiles, or the extremes for fewer than 10 items) and the
    `median`. Elapsed time includes waiting: context for an estimate, never effort."""

    items: int
    low: float
    median: float
    high: float
    keys: tuple[str, ...] = ()


def elapsed_spread(days: Sequence[float], keys: Sequence[str] = ()) -> ElapsedSpread | None:
    """The spread of elapsed `days` (each >= 0) of similar finished items (`keys`: theirs, kept as given); None
    when there are none."""
    values = np.asarray(days, dtype=np.float64)
    if values.size == 0:
        return None
    if not np.all(np.isfinite(values)) or np.any(values < 0):
        raise InvalidInput("days must be finite numbers >= 0")
    if values.size < 10:
        low, high = float(values.min()), float(values.max())
    else:
        low, high = (float(v) for v in np.quantile(values, [0.1, 0.9]))
    return ElapsedSpread(int(values.size), round(low, 1), round(float(np.median(values)), 1), round(high, 1),
                         tuple(keys))


def similar_elapsed(matcher: SimilarWork, text: str, *, floor: float = SIMILARITY_FLOOR, needed: int = MIN_SIMILAR,
                    at_most: int = 20) -> ElapsedSpread | None:
    """The elapsed-days spread of the (up to `at_most`) items of `matcher` (actuals in days) at similarity
    `floor` or more to `text`; None when fewer than `needed` are (the same rule as for a suggested range)."""
    found = matcher.resemblance(text, show=at_most, floor=floor, needed=needed)
    alike = [c for c in found.closest if c.similarity >= floor - 1e-12]
    return elapsed_spread([c.actual for c in alike], [c.key for c in alike]) if found.enough else None
