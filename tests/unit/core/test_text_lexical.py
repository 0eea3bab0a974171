"""Tokens, TF-IDF, BM25 and hashed vectors."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from tradeoff.core.text.lexical import (
    TfidfConfig,
    bm25_scores,
    build_bm25,
    char_ngrams,
    code_tokens,
    fit_tfidf,
    hashed_embedding,
    transform_tfidf,
    word_ngrams,
    word_tokens,
)


def test_word_tokens_keep_negations_and_drop_stop_words() -> None:
    assert word_tokens("Can't log in — the SSO page!") == ["can't", "log", "in", "the", "sso", "page"]
    assert word_tokens("the export is broken", drop_stop_words=True) == ["export", "broken"]


def test_code_tokens_split_identifiers() -> None:
    toks = code_tokens("NPE in FSDownload.java")
    assert {"fsdownload.java", "fsdownload", "java", "fs", "download", "npe"} <= set(toks)


def test_ngrams_by_hand() -> None:
    assert word_ngrams(["a", "b", "c"], 1, 2) == ["a", "b", "c", "a b", "b c"]
    assert char_ngrams("ab", 2, 3) == [" a", "ab", "b ", " ab", "ab "]


def test_tfidf_rows_are_unit_length_and_identical_texts_score_one() -> None:
    texts = ["export to pdf fails", "please add sso", "export to pdf fails"]
    model = fit_tfidf(texts)
    rows = transform_tfidf(model, texts)
    norms = np.sqrt(np.asarray(rows.multiply(rows).sum(axis=1)).ravel())
    assert np.allclose(norms, 1.0, atol=1e-5)
    sims = (rows @ rows.T).toarray()
    assert math.isclose(sims[0, 2], 1.0, abs_tol=1e-5)
    assert sims[0, 1] < 0.3


def test_tfidf_idf_by_hand() -> None:
    # Two docs; "a" in both, "b" in one: smoothed idf = ln((1+n)/(1+df)) + 1.
    model = fit_tfidf(["a b", "a"], TfidfConfig(word_ngram=(1, 1), char_ngram=None))
    idf = dict(zip(sorted(model.word_vocab), model.word_idf, strict=True))
    assert math.isclose(idf["a"], 1.0, rel_tol=1e-6)
    assert math.isclose(idf["b"], math.log(3 / 2) + 1.0, rel_tol=1e-6)


def test_unknown_words_give_zero_row() -> None:
    model = fit_tfidf(["alpha beta"], TfidfConfig(word_ngram=(1, 1), char_ngram=None))
    assert transform_tfidf(model, ["gamma"]).nnz == 0


def test_bm25_by_hand() -> None:
    # Equal-length docs, so the length factor is 1: score = idf * tf*(k1+1)/(tf+k1).
    index = build_bm25([["x", "y"], ["y", "z"]], k1=1.2, b=0.75)
    idf_x = math.log(1 + (2 - 1 + 0.5) / (1 + 0.5))
    scores = bm25_scores(index, ["x"])
    assert math.isclose(scores[0], idf_x * 2.2 / 2.2, rel_tol=1e-5)
    assert scores[1] == 0.0
    assert bm25_scores(index, ["nothing"]).tolist() == [0.0, 0.0]


def test_hashed_embedding_is_stable_and_similar_for_similar_texts() -> None:
    a = hashed_embedding(["export to pdf times out", "pdf export times out", "we love the new dashboard"], 256)
    assert a.dtype == np.float32 and a.shape == (3, 256)
    assert np.allclose(np.linalg.norm(a, axis=1), 1.0, atol=1e-5)
    assert float(a[0] @ a[1]) > float(a[0] @ a[2])
    assert np.array_equal(a, hashed_embedding(["export to pdf times out", "pdf export times out",
                                               "we love the new dashboard"], 256))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.text(min_size=0, max_size=40), min_size=1, max_size=6))
def test_tfidf_cosines_bounded(texts: list[str]) -> None:
    model = fit_tfidf(texts)
    rows = transform_tfidf(model, texts)
    sims = (rows @ rows.T).toarray()
    assert np.all(sims <= 1.0 + 1e-5) and np.all(sims >= -1e-6)
    emb = hashed_embedding(texts, 64)
    norms = np.linalg.norm(emb, axis=1)
    assert np.all((np.abs(norms - 1.0) < 1e-5) | (norms == 0.0))
