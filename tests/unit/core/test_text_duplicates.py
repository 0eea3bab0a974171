"""Similar / duplicate suggestions."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tradeoff.core.text.duplicates import (
    SimilarityWeights,
    TextItem,
    build_similarity_index,
    find_similar,
    rank_similar,
    similarity_scores,
)

EXISTING = [
    "PDF export times out on large reports",
    "Add single sign-on with Okta",
    "Dashboard charts overlap on small screens",
    "NullPointerException in DFSClient when closing stream",
]


def test_find_similar_ranks_the_obvious_match_first() -> None:
    res = find_similar("exporting large reports to PDF times out", EXISTING, top_k=2)
    assert res[0].index == 0
    assert 0.0 <= res[1].score <= res[0].score <= 1.0


def test_identifier_pieces_match() -> None:
    res = find_similar("NPE closing dfs client stream", EXISTING, top_k=1)
    assert res[0].index == 3


def test_candidates_restrict_and_min_score_filters() -> None:
    index = build_similarity_index([TextItem(t) for t in EXISTING])
    res = rank_similar(index, TextItem("PDF export times out"), candidates=[1, 2, 3], top_k=3)
    assert all(r.index != 0 for r in res)
    assert rank_similar(index, TextItem("zzzz qqqq"), min_score=0.01) == []
    with pytest.raises(ValueError, match="positions"):
        similarity_scores(index, TextItem("x"), positions=[7])


def test_embeddings_change_the_ranking() -> None:
    items = [TextItem("alpha"), TextItem("beta")]
    emb = np.array([[1, 0], [0, 1]], dtype=np.float32)
    index = build_similarity_index(items, embeddings=emb)
    only_embedding = SimilarityWeights(bm25_title=0, bm25_full=0, tfidf_full=0, embedding=1)
    res = rank_similar(index, TextItem("gamma"), query_embedding=np.array([0, 1], dtype=np.float32),
                       weights=only_embedding)
    assert res[0].index == 1 and abs(res[0].score - 1.0) < 1e-6


def test_empty_index() -> None:
    assert find_similar("anything", []) == []


@settings(max_examples=30, deadline=None)
@given(st.lists(st.text(max_size=40), min_size=1, max_size=6), st.text(max_size=40))
def test_scores_in_unit_interval(existing: list[str], query: str) -> None:
    res = find_similar(query, existing, top_k=10)
    assert len(res) == len(existing)
    assert all(0.0 <= r.score <= 1.0 for r in res)
    assert [r.score for r in res] == sorted((r.score for r in res), reverse=True)
