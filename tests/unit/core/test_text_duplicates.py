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


def test_an_unrelated_best_match_scores_low() -> None:
    # BM25 is measured against the query's own score, not the best candidate's: sharing one common word with
    # the only candidate is not "the same request"
    res = find_similar("reports are slow on Mondays", ["Dark mode for reports"], top_k=1)
    assert res and res[0].score < 0.3
    same = find_similar("Dark mode for reports", ["Dark mode for reports", "Okta login"], top_k=1)
    assert same[0].index == 0 and same[0].score > 0.9


words = st.sampled_from(["export", "invoice", "pdf", "slow", "okta", "login", "report", "tax", "csv", "chart"])
docs = st.lists(words, min_size=1, max_size=6).map(" ".join)


@settings(max_examples=40, deadline=None)
@given(st.lists(docs, min_size=2, max_size=8), docs, st.data())
def test_an_items_score_does_not_depend_on_the_other_candidates(existing: list[str], query: str,
                                                                data: st.DataObject) -> None:
    index = build_similarity_index([TextItem(t) for t in existing])
    every = similarity_scores(index, TextItem(query))
    some = sorted(data.draw(st.sets(st.integers(0, len(existing) - 1), min_size=1)))
    assert np.allclose(similarity_scores(index, TextItem(query), positions=some), every[some])


@settings(max_examples=40, deadline=None)
@given(st.lists(docs, min_size=1, max_size=8), st.data())
def test_bm25_self_score_is_what_an_identical_document_scores(existing: list[str], data: st.DataObject) -> None:
    from tradeoff.core.text.lexical import bm25_scores, bm25_self_score, build_bm25, word_tokens

    tokens = [word_tokens(t) for t in existing]
    index = build_bm25(tokens)
    i = data.draw(st.integers(0, len(existing) - 1))
    assert bm25_scores(index, tokens[i])[i] == pytest.approx(bm25_self_score(index, tokens[i]), rel=1e-5)
    # a word the index has never seen can only lower how much of the query is matched
    assert bm25_self_score(index, [*tokens[i], "zebra"]) > bm25_self_score(index, tokens[i])


def test_a_greeting_is_not_the_title() -> None:
    from tradeoff.core.text.duplicates import split_title

    item = split_title("Hi Lena,\n\nCan we keep our existing Stripe account for card payments?\nCheers")
    assert item.title == "Can we keep our existing Stripe account for card payments?"
    assert "Hi Lena," in item.body and "Cheers" in item.body  # nothing is lost
    assert split_title("Subject: Request\nGood morning,\nSlack alerts break every few weeks").title \
        == "Slack alerts break every few weeks"
    assert split_title("Export CSV").title == "Export CSV"  # no line long enough: all of it
    # emails that open alike but ask different things are not the same request
    emails = [f"Hi Lena,\n\n{ask}\nCheers" for ask in (
        "Can we keep our existing Stripe account for card payments?", "Invoices in Spanish for our Madrid clients",
        "Please add a dark mode to the dashboard", "The PDF export times out on large reports")]
    res = find_similar("Hi Lena,\n\nOur warehouse robots bump into the shelves.", emails, top_k=1)
    assert res[0].score < 0.2  # below what triage shows
    same = find_similar("Hi Lena,\n\nExporting a large report to PDF times out", emails, top_k=1)
    assert same[0].index == 3 and same[0].score > 0.3


def test_who_asked_is_not_what_was_asked() -> None:
    from tradeoff.core.text.duplicates import without_names

    assert without_names("Quick sync with Westmark Freight: select all and send", ["Westmark Freight"]).split() \
        == ["Quick", "sync", "with", ":", "select", "all", "and", "send"]
    assert "Westmark" not in without_names("westmark wants it, WESTMARK said", ["Westmark Freight"])  # any case
    # a short or generic first word stays: "Acme Payments" does not take "payments" out of every text
    assert without_names("Card payments fail for Acme", ["Acme Payments"]) == "Card payments fail for Acme"
    asks = ["Westmark Freight: the dashboard is slow", "Please add SEPA direct debit"]
    plain = find_similar("Westmark Freight: we need SEPA direct debit", asks, top_k=1)
    named = find_similar(without_names("Westmark Freight: we need SEPA direct debit", ["Westmark Freight"]),
                         [without_names(a, ["Westmark Freight"]) for a in asks], top_k=1)
    assert named[0].index == 1 and (plain[0].index != 1 or plain[0].score < named[0].score)
