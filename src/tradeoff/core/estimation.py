"""Reference-class estimation: suggest a range for a new feature from the most similar finished work.

Method (deterministic, no model needed):

1. Texts (title + description) become TF-IDF vectors (:mod:`tradeoff.core.estimation_text`).
2. For a new text, the finished items most similar to it (cosine similarity) are its reference class.
   Optionally, precomputed text vectors (a sentence model's embeddings, computed outside the core and
   passed in) are blended into the similarity; on the public histories they did not beat TF-IDF alone.
   Newer items count more: an item's weight is its similarity times 0.5 ** (age / half-life), age being
   the number of finished items after it (half-life 1,000 items), because a team's sizing habits drift.
3. The predictive distribution of the actual is a mixture: the team's whole history (the prior, with a
   fixed mass) plus each neighbour with its weight. Neighbours move the median away from the team's
   median only when they are similar enough and agree with each other; that matters because the plain
   median is hard to beat on mean absolute error. The mixture is averaged over a few neighbourhood sizes
   and prior masses (an ensemble), which makes it less sensitive to either choice.
4. P50 is the mixture's median. P10 and P90 are mixture quantiles at two tail levels, each calibrated by
   rolling-origin checks on the history itself: at origins 50%, 55%, ... 95% of the history, the next 10%
   is predicted from the items before the origin only; the lower level is set so that 10% of those
   checked items fall below P10 and the upper one so that 10% fall above P90 (for the default 80% range),
   the newest checks weighing more (each step back x0.8). Calibrating the two sides separately keeps
   P10 and P90 honest on their own when a team's work drifts one way (smaller or larger than it used to
   be). Bounds are inclusive: actuals are discrete (1, 2, 3, 5, 8 ...), and an actual equal to a bound
   counts as inside. Items differ in how far their neighbours spread the mixture, so the same levels give
   each item its own bounds.

History order matters: pass it oldest first; recency and the checks use later items as "the future".
Everything depends on the actuals only through their order, so any increasing change of unit (points to
half-points, days to hours) changes the suggestions in the same way.

The tuning constants and the input and output types live in ``estimation_types``, the fitted index
(``ReferenceIndex``) in ``estimation_index``; this module is the entry point: the one-off suggestion, and the
index and types a caller needs to use it.
"""

from __future__ import annotations

from collections.abc import Sequence

from tradeoff.core.estimation_index import ReferenceIndex
from tradeoff.core.estimation_types import HistoryItem, Suggestion
from tradeoff.errors import InvalidInput

__all__ = ["HistoryItem", "ReferenceIndex", "Suggestion", "suggest_estimate"]


def suggest_estimate(
    history: Sequence[HistoryItem], text: str, *, k: int = 5, unit: str = "points"
) -> Suggestion:
    """Suggest P10/P50/P90 (in `unit`, the unit of `history`'s actuals) for a new item's `text`.

    `history`: finished items, oldest first, each with its actual points or days.
    `k`: how many of the most similar finished items to show as evidence.
    For many suggestions against the same history, fit a :class:`ReferenceIndex` once instead.
    """
    if k < 0:
        raise InvalidInput(f"k (neighbours to show) must be >= 0, got {k}")
    return ReferenceIndex.fit(history).suggest(text, show=k, unit=unit)
