"""TF-IDF text vectors and cosine similarity for reference-class estimation (pure numpy/scipy).

A small, dependency-free equivalent of scikit-learn's ``TfidfVectorizer(sublinear_tf=True,
ngram_range=(1, 2))``: lower-cased word tokens, unigrams plus bigrams, smoothed IDF, L2-normalised
rows, so the dot product of two rows is their cosine similarity (0 = nothing in common, 1 = same words).
Precomputed dense unit vectors (a sentence model's embeddings, computed outside the core) can be blended
into that similarity (:class:`VectorSimilarity`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from tradeoff.errors import InvalidInput

_TOKEN = re.compile(r"[a-z][a-z0-9_]+")


def tokenize(text: str) -> list[str]:
    """Lower-cased word tokens of two or more characters, starting with a letter."""
    return _TOKEN.findall(text.lower())


def _terms(text: str) -> list[str]:
    words = tokenize(text)
    return words + [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]


@dataclass(frozen=True)
class TfidfModel:
    """A fitted vocabulary (term -> column) with one IDF weight per column; `documents`: how many texts it was
    fitted on (0 when unknown)."""

    vocabulary: dict[str, int]
    idf: NDArray[np.float64]
    documents: int = 0

    @classmethod
    def fit(cls, texts: Sequence[str], *, min_df: int = 2) -> TfidfModel:
        """Learn the vocabulary and IDF weights from `texts`.

        `min_df`: a term must occur in at least this many texts to count (rare terms add noise);
        it is lowered to 1 automatically when that would leave the vocabulary empty.
        """
        doc_freq: Counter[str] = Counter()
        for text in texts:
            doc_freq.update(set(_terms(text)))
        for threshold in (min_df, 1):
            kept = sorted(term for term, count in doc_freq.items() if count >= threshold)
            if kept:
                break
        n = len(texts)
        counts = np.array([doc_freq[t] for t in kept], dtype=np.float64)
        idf = np.log((1.0 + n) / (1.0 + counts)) + 1.0
        return cls(vocabulary={t: i for i, t in enumerate(kept)}, idf=idf, documents=n)

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """Rows of L2-normalised TF-IDF weights (sublinear term frequency), one per text."""
        rows: list[int] = []
        cols: list[int] = []
        vals: list[float] = []
        vocabulary = self.vocabulary
        idf = self.idf.tolist()  # plain floats: numpy scalars per term made this loop most of a fit's time
        sublinear: dict[int, float] = {}  # count -> 1 + log(count), the same float operations, once per count
        for i, text in enumerate(texts):
            counts = Counter(t for t in _terms(text) if t in vocabulary)
            for term, count in counts.items():
                col = vocabulary[term]
                tf = sublinear.get(count)
                if tf is None:
                    tf = sublinear[count] = 1.0 + float(np.log(count))
                rows.append(i)
                cols.append(col)
                vals.append(tf * idf[col])
        matrix = sp.csr_matrix(
            (np.asarray(vals, dtype=np.float64), (rows, cols)),
            shape=(len(texts), len(self.vocabulary)),
        )
        norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
        norms[norms == 0.0] = 1.0
        return sp.csr_matrix(sp.diags(1.0 / norms) @ matrix)

    def known_share(self, texts: Sequence[str]) -> NDArray[np.float64]:
        """For each text, the share (0-1) of its TF-IDF weight that falls on terms of the vocabulary.

        :meth:`transform` drops the terms the vocabulary lacks and normalises what is left, so a text that
        shares one common word with the fitted texts and nothing else looks as alike to them as a text that
        shares all of its words. Multiplying a cosine similarity by this share gives the cosine over all of
        the text's terms: a term the vocabulary lacks weighs what the IDF formula gives a term in no fitted
        text, log(1 + n) + 1 (the largest IDF weight when `documents` is unknown). The share is the L2 norm of
        the known terms' weights over that of all terms (sublinear term frequency, as `transform`); 0 for a
        text without a term.
        """
        unseen = (float(np.log1p(self.documents)) + 1.0 if self.documents > 0
                  else float(self.idf.max()) if self.idf.size else 1.0)
        out = np.zeros(len(texts), dtype=np.float64)
        for i, text in enumerate(texts):
            known = total = 0.0
            for term, count in Counter(_terms(text)).items():
                col = self.vocabulary.get(term)
                weight = (1.0 + float(np.log(count))) * (float(self.idf[col]) if col is not None else unseen)
                total += weight * weight
                if col is not None:
                    known += weight * weight
            out[i] = float(np.sqrt(known / total)) if total > 0.0 else 0.0
        return out


def unit_rows(vectors: object, rows: int, name: str, width: int | None = None) -> NDArray[np.float64]:
    """`vectors` (e.g. sentence embeddings) as a float array of `rows` L2-normalised rows, one per text.

    `name` words the error messages; `width`, when given, is the number of columns required. All-zero rows
    stay zero (similar to nothing). Raises InvalidInput on a wrong shape or a non-finite value.
    """
    try:
        array = np.asarray(vectors, dtype=np.float64)
    except (TypeError, ValueError):
        raise InvalidInput(f"{name} must be a matrix of numbers, one row per text") from None
    if array.ndim != 2 or array.shape[0] != rows or array.shape[1] == 0:
        raise InvalidInput(f"{name} must have one row per text ({rows} rows), got shape {array.shape}")
    if width is not None and array.shape[1] != width:
        raise InvalidInput(
            f"{name} have {array.shape[1]} columns but the history's vectors have {width}; "
            "embed both with the same model"
        )
    if not np.all(np.isfinite(array)):
        raise InvalidInput(f"{name} must be finite numbers (no NaN or infinity)")
    norms = np.linalg.norm(array, axis=1, keepdims=True)
    out: NDArray[np.float64] = array / np.where(norms > 0.0, norms, 1.0)
    return out


@dataclass(frozen=True)
class VectorSimilarity:
    """Dense unit vectors (e.g. sentence embeddings) blended into the TF-IDF cosine similarity.

    `queries` and `corpus` hold one L2-normalised row per query / corpus text (same width). The blended
    similarity of a pair is (1 - `weight`) x TF-IDF cosine + `weight` x max(0, vector cosine) ** `power`;
    both terms lie in [0, 1], so the blend does too. A `power` above 1 lowers and spreads out cosines
    that sit high and close together (sentence models), putting them on TF-IDF's scale.
    """

    queries: NDArray[np.float64]
    corpus: NDArray[np.float64]
    weight: float
    power: float = 1.0


def top_k_similar(
    queries: sp.csr_matrix,
    corpus: sp.csr_matrix,
    k: int,
    *,
    chunk: int = 512,
    weights: NDArray[np.float64] | None = None,
    vectors: VectorSimilarity | None = None,
) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """Indices and cosine similarities of the `k` highest-ranked corpus rows for each query row.

    Rows are ranked by cosine similarity, or by similarity x `weights[row]` when `weights` (one factor
    >= 0 per corpus row) is given; the similarities returned are the plain cosine similarities (0-1 for
    the non-negative TF-IDF rows), or the blended ones when `vectors` is given (see
    :class:`VectorSimilarity`). Both arrays have shape (n_queries, k), best-ranked first, ties broken
    by position in the corpus. Work is chunked so memory stays bounded (about `chunk` x n_corpus floats).
    """
    n_q, n_c = queries.shape[0], corpus.shape[0]
    k = min(k, n_c)
    if weights is not None and weights.shape != (n_c,):
        raise ValueError(f"weights must have one value per corpus row ({n_c}), got shape {weights.shape}")
    if vectors is not None and (vectors.queries.shape[0] != n_q or vectors.corpus.shape[0] != n_c):
        raise ValueError(
            f"vectors must have one row per query ({n_q}) and per corpus row ({n_c}), got "
            f"{vectors.queries.shape[0]} and {vectors.corpus.shape[0]}"
        )
    idx_out = np.zeros((n_q, k), dtype=np.int64)
    sim_out = np.zeros((n_q, k), dtype=np.float64)
    corpus_t = sp.csr_matrix(corpus.T)
    for start in range(0, n_q, chunk):
        block = np.asarray((queries[start : start + chunk] @ corpus_t).toarray(), dtype=np.float64)
        if vectors is not None and vectors.weight > 0.0:
            dense = np.clip(vectors.queries[start : start + chunk] @ vectors.corpus.T, 0.0, 1.0) ** vectors.power
            block = (1.0 - vectors.weight) * block + vectors.weight * dense
        ranked = block if weights is None else block * weights[None, :]
        if k < n_c:
            part = np.argpartition(-ranked, k - 1, axis=1)[:, :k]
        else:
            part = np.tile(np.arange(n_c), (block.shape[0], 1))
        keys = np.take_along_axis(ranked, part, axis=1)
        # stable order: by rank key, then by position in the history (deterministic ties)
        order = np.lexsort((part, -keys))
        best = np.take_along_axis(part, order, axis=1)
        idx_out[start : start + chunk] = best
        sim_out[start : start + chunk] = np.take_along_axis(block, best, axis=1)
    return idx_out, sim_out
