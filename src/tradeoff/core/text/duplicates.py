"""Similar and duplicate suggestions: rank existing items (feedback, problems, features, issues) by how
close they are to a new text.

The score fuses, with fixed weights, up to four signals, each in [0, 1]:
- BM25 of the new item's title against the existing titles, divided by the best candidate's BM25;
- BM25 of the new title + body against the existing titles + bodies, divided likewise;
- TF-IDF cosine of title + body (identifier-aware tokens: ``DFSClient`` also gives ``dfs``, ``client``);
- cosine of sentence embeddings, when the caller passes them (negative cosines count as 0).
The fused score is the weighted mean, so it stays in [0, 1]. The two BM25 parts are relative to the
best candidate; the cosines are absolute, so a new text with no real match scores low overall.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from tradeoff.core.text.lexical import (
    Bm25Index,
    TfidfConfig,
    TfidfModel,
    bm25_scores,
    bm25_self_score,
    build_bm25,
    code_tokens,
    fit_tfidf,
    transform_tfidf,
    word_tokens,
)

F32 = npt.NDArray[np.float32]
F64 = npt.NDArray[np.float64]


@dataclass(frozen=True)
class TextItem:
    """An item to compare: a short `title` (summary) and an optional longer `body` (description)."""

    title: str
    body: str = ""

    @property
    def full(self) -> str:
        return f"{self.title}\n{self.body}" if self.body else self.title


@dataclass(frozen=True)
class SimilarItem:
    """`index` is the position in the candidate list, `score` the fused similarity in [0, 1]."""

    index: int
    score: float


@dataclass(frozen=True)
class SimilarityWeights:
    """Relative weights of the signals (any non-negative numbers)."""

    bm25_title: float = 1.0
    bm25_full: float = 1.0
    tfidf_full: float = 1.0
    # Semantic similarity catches reworded reports the three lexical signals miss; with the local
    # model it counts as much as two of them (the best of a small grid on the Hadoop duplicates).
    embedding: float = 2.0


def match_tokens(text: str) -> list[str]:
    """Tokens used for matching: words without stop words, plus identifier pieces."""
    return word_tokens(text, drop_stop_words=True) + code_tokens(text)


_TFIDF = TfidfConfig(word_ngram=(1, 1), char_ngram=None, code_aware=True)


@dataclass(frozen=True)
class SimilarityIndex:
    """Lexical indexes over a fixed list of candidate items (build once, query many times)."""

    items: tuple[TextItem, ...]
    bm25_title: Bm25Index
    bm25_full: Bm25Index
    tfidf: TfidfModel
    tfidf_rows: sp.csr_matrix  # (n_items x features), unit-length rows
    embeddings: F32 | None


def build_similarity_index(items: Sequence[TextItem], *, embeddings: F32 | None = None) -> SimilarityIndex:
    """Prepare candidates for ``rank_similar``. `embeddings`: optional (n_items x d) unit-length rows."""
    if embeddings is not None and embeddings.shape[0] != len(items):
        raise ValueError(f"{embeddings.shape[0]} embeddings for {len(items)} items")
    fulls = [it.full for it in items]
    tfidf = fit_tfidf(fulls, _TFIDF)
    return SimilarityIndex(
        items=tuple(items),
        bm25_title=build_bm25([match_tokens(it.title) for it in items]),
        bm25_full=build_bm25([match_tokens(f) for f in fulls]),
        tfidf=tfidf,
        tfidf_rows=transform_tfidf(tfidf, fulls),
        embeddings=None if embeddings is None else np.asarray(embeddings, dtype=np.float32),
    )


def _absolute(index: Bm25Index, tokens: Sequence[str], positions: npt.NDArray[np.int64]) -> F64:
    """BM25 of the indexed items at `positions` divided by the query's self-score, clipped to [0, 1]."""
    top = bm25_self_score(index, tokens)
    if top <= 0:
        return np.zeros(positions.size)
    return np.clip(bm25_scores(index, tokens)[positions] / top, 0.0, 1.0)


def similarity_scores(
    index: SimilarityIndex,
    query: TextItem,
    *,
    query_embedding: F32 | None = None,
    positions: Sequence[int] | npt.NDArray[np.int64] | None = None,
    weights: SimilarityWeights | None = None,
) -> F64:
    """Fused similarity in [0, 1] of `query` with the indexed items at `positions` (default: all),
    one value per position in that order. BM25 parts are relative to the best of those items."""
    w = weights or SimilarityWeights()
    n = len(index.items)
    pos = np.arange(n, dtype=np.int64) if positions is None else np.asarray(positions, dtype=np.int64)
    if pos.size and (pos.min() < 0 or pos.max() >= n):
        raise ValueError(f"positions must be within 0..{n - 1}")
    if pos.size == 0:
        return np.zeros(0)
    parts: list[tuple[float, F64]] = [
        (w.bm25_title, _absolute(index.bm25_title, match_tokens(query.title), pos)),
        (w.bm25_full, _absolute(index.bm25_full, match_tokens(query.full), pos)),
    ]
    q_rows = transform_tfidf(index.tfidf, [query.full])
    cos = np.asarray((index.tfidf_rows @ q_rows.T).toarray(), dtype=np.float64).ravel()
    parts.append((w.tfidf_full, np.clip(cos[pos], 0.0, 1.0)))
    if index.embeddings is not None and query_embedding is not None:
        emb = index.embeddings[pos] @ np.asarray(query_embedding, dtype=np.float32).ravel()
        parts.append((w.embedding, np.clip(np.asarray(emb, dtype=np.float64), 0.0, 1.0)))
    total = sum(weight for weight, _ in parts)
    if total <= 0:
        raise ValueError("at least one similarity weight must be positive")
    fused = sum(weight * values for weight, values in parts) / total
    return np.clip(np.asarray(fused, dtype=np.float64), 0.0, 1.0)


def rank_similar(
    index: SimilarityIndex,
    query: TextItem,
    *,
    top_k: int = 5,
    query_embedding: F32 | None = None,
    candidates: Sequence[int] | None = None,
    min_score: float = 0.0,
    weights: SimilarityWeights | None = None,
) -> list[SimilarItem]:
    """The `top_k` indexed items most similar to `query`, best first (ties: earlier index first).

    candidates: optional positions to consider (e.g. only items created before the query, or only
        open problems); BM25 parts are then relative to the best of these candidates.
    min_score: drop items scoring below this (0..1).
    """
    pos = (
        np.arange(len(index.items), dtype=np.int64)
        if candidates is None
        else np.asarray(sorted(set(candidates)), dtype=np.int64)
    )
    scores = similarity_scores(index, query, query_embedding=query_embedding, positions=pos, weights=weights)
    order = np.argsort(-scores, kind="stable")
    out: list[SimilarItem] = []
    for j in order[:top_k]:
        if scores[j] < min_score:
            break
        out.append(SimilarItem(index=int(pos[j]), score=float(scores[j])))
    return out


def find_similar(
    query: str,
    existing: Sequence[str],
    *,
    top_k: int = 5,
    query_embedding: F32 | None = None,
    existing_embeddings: F32 | None = None,
    min_score: float = 0.0,
) -> list[SimilarItem]:
    """One-shot convenience: the `top_k` texts of `existing` most similar to `query`, scores in [0, 1].

    Each text is split into a title and a body by ``split_title``.
    """
    index = build_similarity_index([split_title(t) for t in existing], embeddings=existing_embeddings)
    return rank_similar(
        index, split_title(query), top_k=top_k, query_embedding=query_embedding, min_score=min_score
    )


TITLE_MIN_TOKENS = 3
NAME_WORD_MIN = 5  # a name's first word counts on its own when at least this long ("Westmark", not "Acme")


def without_names(text: str, names: Collection[str]) -> str:
    """`text` without the given names (a customer's, say), each as a whole phrase in any case, and without a name's
    first word when it is distinctive (`NAME_WORD_MIN` letters or more: "Westmark" for Westmark Freight). Who
    asked is not what was asked: two requests from one customer are not alike for carrying its name."""
    for name in sorted({n.strip() for n in names if n and n.strip()}, key=len, reverse=True):
        for pattern in _name_patterns(name):
            text = pattern.sub(" ", text)
    return text


@functools.lru_cache(maxsize=4096)
def _name_patterns(name: str) -> tuple[re.Pattern[str], ...]:
    """The patterns `without_names` removes a name by, compiled once: themes compare 2,000 items of up to as many
    customers, more names than `re` keeps compiled."""
    whole = re.compile(rf"(?<!\w){re.escape(name)}(?!\w)", re.IGNORECASE)
    first = name.split()[0]
    if len(first) < NAME_WORD_MIN:
        return (whole,)
    return whole, re.compile(rf"(?<![\w-]){re.escape(first)}(?![\w-])", re.IGNORECASE)


def split_title(text: str) -> TextItem:
    """A free text as title and body. The title is its first line with at least `TITLE_MIN_TOKENS` distinct words
    other than stop words: an email's "Hi Lena," or "Good morning," or a bare "Subject: Request" says nothing about
    the request, and as a title it would match every other email that opens the same way. The other lines, in
    order, are the body; a text with no such line is all title."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    for i, line in enumerate(lines):
        if len(set(word_tokens(line, drop_stop_words=True))) >= TITLE_MIN_TOKENS:
            return TextItem(title=line, body="\n".join(lines[:i] + lines[i + 1:]))
    return TextItem(title=" ".join(lines))
