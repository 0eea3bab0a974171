"""Whether a history holds work similar enough to suggest a range from (pure core): the whole-text similarity,
the floor, and what similar finished work took in elapsed days."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.unit.core.test_estimation import WORDS, _history

from tradeoff.core.estimation import HistoryItem, ReferenceIndex
from tradeoff.core.estimation_match import (
    MIN_SIMILAR,
    SIMILARITY_FLOOR,
    SimilarWork,
    elapsed_spread,
    similar_elapsed,
    suggest_if_similar,
)
from tradeoff.core.estimation_text import TfidfModel, top_k_similar
from tradeoff.errors import InvalidInput

# --- the whole-text share -------------------------------------------------------------------------------


def test_known_share_is_one_for_known_words_and_falls_with_words_the_history_lacks() -> None:
    model = TfidfModel.fit(["database schema migration", "database schema backfill", "settings page typo"] * 2)
    known, diluted, foreign, empty = model.known_share(
        ["database schema migration", "database schema migration for quarterly revenue dashboards",
         "quarterly revenue dashboards", ""])
    assert known == pytest.approx(1.0)
    assert 0.0 < diluted < 1.0
    assert foreign == 0.0 and empty == 0.0


def test_one_shared_common_word_no_longer_looks_alike() -> None:
    """The index's own cosine drops the words it does not know: an unrelated text sharing one word with a history
    item looks as alike as a copy of it. The whole-text similarity does not."""
    history = _history()
    matcher = SimilarWork.fit(history)
    text = "quarterly revenue dashboard for the finance team, exported as a spreadsheet with charts"
    _, raw = top_k_similar(matcher.model.transform([text]), matcher.matrix, 1)
    found = matcher.resemblance(text)
    assert raw[0, 0] > 0.25  # "for" and "the": looks alike to the index alone
    assert found.best < SIMILARITY_FLOOR and not found.enough


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(WORDS + ["database", "schema", "migration", "revenue", "quarterly", "zebra"]),
                min_size=0, max_size=12))
def test_whole_text_similarity_never_exceeds_the_index_cosine(words: list[str]) -> None:
    matcher = SimilarWork.fit(_history())
    text = " ".join(words)
    share = float(matcher.model.known_share([text])[0])
    assert 0.0 <= share <= 1.0 + 1e-12
    idx, raw = top_k_similar(matcher.model.transform([text]), matcher.matrix, 40)
    found = matcher.resemblance(text, show=40)
    by_key = {matcher.history[j].key: float(r) for j, r in zip(idx[0], raw[0], strict=True)}
    assert all(n.similarity <= by_key[n.key] + 1e-4 for n in found.closest)
    assert [n.similarity for n in found.closest] == sorted((n.similarity for n in found.closest), reverse=True)
    assert found.similar == sum(1 for j in range(len(idx[0])) if raw[0, j] * share >= SIMILARITY_FLOOR - 1e-12)
    assert found.enough == (found.similar >= MIN_SIMILAR)
    assert found.best == pytest.approx(float(raw[0, 0]) * share, abs=1e-4)


# --- the verdict ----------------------------------------------------------------------------------------


def test_similar_enough_work_gives_exactly_the_index_suggestion() -> None:
    index = ReferenceIndex.fit(_history())
    text = "schema migration of the payments table with a backfill"
    v = suggest_if_similar(index, text)
    plain = index.suggest(text)
    assert v.suggestion is not None and v.resemblance.enough
    assert (v.suggestion.p10, v.suggestion.p50, v.suggestion.p90) == (plain.p10, plain.p50, plain.p90) == (13, 13, 13)
    assert all(n.key.startswith("DB-") for n in v.resemblance.closest)
    assert "Suggested 13 points" in v.explanation and "similar enough" in v.explanation


def test_unrelated_text_gets_no_range_and_its_best_match_said() -> None:
    index = ReferenceIndex.fit(_history())
    v = suggest_if_similar(index, "quarterly vendor contract renewal for the legal team")
    assert v.suggestion is None and not v.resemblance.enough
    assert v.explanation.startswith(f"Nothing similar enough in your history (best match {v.resemblance.best:.2f})")
    alone = index.suggest("quarterly vendor contract renewal for the legal team")  # what used to be shown:
    assert alone.p50 == 13 and alone.neighbours[0].similarity > 0.15  # 13 points, from sharing "for" and "the"


def test_fewer_similar_items_than_needed_is_not_enough() -> None:
    history = _history()[:20] + [HistoryItem("DB-0", "database schema migration for orders with backfill", 13),
                                 HistoryItem("DB-1", "database schema migration for users with backfill", 13)]
    index = ReferenceIndex.fit(history)
    v = suggest_if_similar(index, "database schema migration for invoices with backfill")
    assert v.resemblance.similar == 2 and v.suggestion is None and "only 2 reach it" in v.explanation
    assert suggest_if_similar(index, "database schema migration for invoices with backfill", needed=2).suggestion


def test_bad_arguments_are_refused() -> None:
    matcher = SimilarWork.fit(_history())
    with pytest.raises(InvalidInput):
        matcher.resemblance("x", floor=0.0)
    with pytest.raises(InvalidInput):
        matcher.resemblance("x", needed=0)
    assert SimilarWork.fit([]).resemblance("anything").best == 0.0


# --- elapsed time as context ----------------------------------------------------------------------------


def test_elapsed_spread_uses_the_extremes_below_ten_items_and_percentiles_from_ten() -> None:
    few = elapsed_spread([2.0, 8.0, 4.0, 6.0], ["a", "b", "c", "d"])
    assert few is not None and (few.items, few.low, few.median, few.high, few.keys) == (4, 2, 5, 8, ("a", "b", "c", "d"))
    many = elapsed_spread([float(d) for d in range(1, 101)])
    assert many is not None and (many.low, many.median, many.high) == (10.9, 50.5, 90.1)
    assert elapsed_spread([]) is None
    with pytest.raises(InvalidInput):
        elapsed_spread([-1.0])


@settings(max_examples=100, deadline=None)
@given(st.lists(st.floats(min_value=0, max_value=1e4, allow_nan=False), min_size=1, max_size=40))
def test_elapsed_spread_is_ordered_and_within_the_values(days: list[float]) -> None:
    s = elapsed_spread(days)
    assert s is not None and s.items == len(days)
    assert round(min(days), 1) - 0.05 <= s.low <= s.median <= s.high <= round(max(days), 1) + 0.05


def test_similar_elapsed_counts_only_items_at_the_floor() -> None:
    history = [HistoryItem(f"DB-{i}", f"database schema migration for table {i} with backfill", float(3 + i))
               for i in range(4)]
    history += [HistoryItem(f"UI-{i}", f"fix {w} on the settings page", 1.0) for i, w in enumerate(WORDS)]
    spread = similar_elapsed(SimilarWork.fit(history), "database schema migration with backfill")
    assert spread is not None and spread.items == 4 and (spread.low, spread.high) == (3, 6)
    assert set(spread.keys) == {"DB-0", "DB-1", "DB-2", "DB-3"}
    assert similar_elapsed(SimilarWork.fit(history), "quarterly revenue dashboards") is None


def test_of_index_shares_the_fitted_vocabulary() -> None:
    index = ReferenceIndex.fit(_history())
    shared = SimilarWork.of_index(index)
    assert shared.model is index.model and shared.matrix is index.matrix
    own = SimilarWork.fit(_history()).resemblance("schema migration for orders")
    assert [(n.key, n.similarity) for n in shared.resemblance("schema migration for orders").closest] == [
        (n.key, n.similarity) for n in own.closest]
    assert np.isclose(own.best, shared.resemblance("schema migration for orders").best)
