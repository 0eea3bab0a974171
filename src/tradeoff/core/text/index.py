"""Nearest-neighbour search over stored unit-length embeddings (cosine similarity = dot product).

Two searches with the same result shape:
- ``exact_search``: a float32 matrix product in chunks; right answers, cost grows with the collection.
- ``IvfIndex``: an inverted-file index. Spherical k-means (numpy, seeded `rng`) cuts the collection
  into `n_lists` cells; a query scores the cell centroids, then only the vectors of the `n_probe`
  closest cells, exactly. Approximate: measure recall against ``exact_search``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

F32 = npt.NDArray[np.float32]
I64 = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Neighbours:
    """`ids[q, j]` is the row of the j-th most similar stored vector for query q; `scores` its cosine.

    Rows with fewer than k candidates are padded with id -1 and score -inf.
    """

    ids: I64
    scores: F32


def _as_queries(queries: F32, dim: int) -> F32:
    q = np.asarray(queries, dtype=np.float32)
    if q.ndim == 1:
        q = q[None, :]
    if q.shape[1] != dim:
        raise ValueError(f"queries have {q.shape[1]} dimensions, the stored vectors {dim}")
    return q


def _top_k(scores: F32, k: int) -> tuple[I64, F32]:
    """Indices and values of the k largest scores per row, best first."""
    n = scores.shape[1]
    if k >= n:
        part = np.argsort(-scores, axis=1, kind="stable")
    else:
        part = np.argpartition(-scores, k - 1, axis=1)[:, :k]
        vals = np.take_along_axis(scores, part, axis=1)
        order = np.argsort(-vals, axis=1, kind="stable")
        part = np.take_along_axis(part, order, axis=1)
    return part.astype(np.int64), np.take_along_axis(scores, part, axis=1)


def exact_search(vectors: F32, queries: F32, k: int = 10, *, chunk_rows: int = 131_072) -> Neighbours:
    """The k stored vectors with the highest dot product with each query (exact).

    vectors: (n, d) stored vectors, unit length for cosine. queries: (q, d) or (d,).
    chunk_rows: rows multiplied at a time (bounds temporary memory to q x chunk_rows floats).
    """
    n, dim = vectors.shape
    q = _as_queries(queries, dim)
    k_eff = min(k, n)
    best_ids = np.full((q.shape[0], 0), -1, dtype=np.int64)
    best_scores = np.full((q.shape[0], 0), -np.inf, dtype=np.float32)
    for start in range(0, n, chunk_rows):
        block = vectors[start : start + chunk_rows]
        scores = q @ block.T
        ids, vals = _top_k(scores, k_eff)
        merged_ids = np.concatenate([best_ids, ids + start], axis=1)
        merged_vals = np.concatenate([best_scores, vals], axis=1)
        top, top_vals = _top_k(merged_vals, k_eff)
        best_ids = np.take_along_axis(merged_ids, top, axis=1)
        best_scores = top_vals
    return _pad(best_ids, best_scores, k)


def _pad(ids: I64, scores: F32, k: int) -> Neighbours:
    if ids.shape[1] < k:
        extra = k - ids.shape[1]
        ids = np.concatenate([ids, np.full((ids.shape[0], extra), -1, dtype=np.int64)], axis=1)
        scores = np.concatenate(
            [scores, np.full((scores.shape[0], extra), -np.inf, dtype=np.float32)], axis=1
        )
    return Neighbours(ids=ids, scores=scores.astype(np.float32))


def spherical_kmeans(vectors: F32, n_clusters: int, *, rng: np.random.Generator, iterations: int = 10) -> F32:
    """Unit-length centroids of `n_clusters` cells maximising the summed cosine of members (Lloyd steps).

    Starts from distinct random rows; an emptied cell is re-seeded with a random row.
    """
    n = vectors.shape[0]
    if not 1 <= n_clusters <= n:
        raise ValueError(f"n_clusters must be in 1..{n}, got {n_clusters}")
    centroids = vectors[rng.choice(n, size=n_clusters, replace=False)].astype(np.float32)
    for _ in range(iterations):
        assign = assign_cells(vectors, centroids)
        members = sp.csr_matrix((np.ones(n, dtype=np.float32), (assign, np.arange(n))), shape=(n_clusters, n))
        sums = np.asarray(members @ vectors, dtype=np.float32)
        counts = np.bincount(assign, minlength=n_clusters)
        empty = counts == 0
        if empty.any():
            sums[empty] = vectors[rng.choice(n, size=int(empty.sum()), replace=False)]
        norms = np.linalg.norm(sums, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        centroids = (sums / norms).astype(np.float32)
    return centroids


def assign_cells(vectors: F32, centroids: F32, *, chunk_rows: int = 65_536) -> I64:
    """Index of the most similar centroid for each vector."""
    out = np.empty(vectors.shape[0], dtype=np.int64)
    for start in range(0, vectors.shape[0], chunk_rows):
        out[start : start + chunk_rows] = np.argmax(vectors[start : start + chunk_rows] @ centroids.T, axis=1)
    return out


@dataclass(frozen=True)
class IvfIndex:
    """Vectors grouped by cell: cell c holds rows ``vectors[offsets[c]:offsets[c+1]]``, whose original
    row numbers are ``ids[offsets[c]:offsets[c+1]]``."""

    centroids: F32
    vectors: F32
    ids: I64
    offsets: I64

    @property
    def n_lists(self) -> int:
        return int(self.centroids.shape[0])

    def __len__(self) -> int:
        return int(self.vectors.shape[0])


def build_ivf(
    vectors: F32,
    *,
    rng: np.random.Generator,
    n_lists: int | None = None,
    train_size: int = 65_536,
    iterations: int = 10,
) -> IvfIndex:
    """Build an IVF index over (n, d) unit-length vectors.

    n_lists: number of cells; default about 4 * sqrt(n). train_size: rows sampled for k-means.
    The index keeps its own copy of the vectors, ordered by cell (n x d float32 bytes).
    """
    n = vectors.shape[0]
    if n == 0:
        raise ValueError("cannot build an index over zero vectors")
    lists = n_lists or max(1, min(n, int(4 * np.sqrt(n))))
    sample = vectors if n <= train_size else vectors[rng.choice(n, size=train_size, replace=False)]
    centroids = spherical_kmeans(
        np.asarray(sample, dtype=np.float32), min(lists, sample.shape[0]), rng=rng, iterations=iterations
    )
    assign = assign_cells(vectors, centroids)
    order = np.argsort(assign, kind="stable")
    counts = np.bincount(assign, minlength=centroids.shape[0])
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    return IvfIndex(
        centroids=centroids,
        vectors=np.ascontiguousarray(vectors[order], dtype=np.float32),
        ids=order.astype(np.int64),
        offsets=offsets,
    )


def _dot_rows(block: F32, query: F32) -> F32:
    """block @ query in numpy's own single-threaded loop (np.einsum without `optimize`), not BLAS.

    One query touches a few thousand rows: a multi-threaded BLAS call gains little there, and on a
    busy machine its threads wait for each other (measured: p95 52 ms instead of 4 ms at load 2.5).
    """
    out: F32 = np.einsum("nd,d->n", block, query)
    return out


def ivf_search(index: IvfIndex, queries: F32, k: int = 10, *, n_probe: int = 32) -> Neighbours:
    """Approximate k nearest stored vectors per query, scanning the `n_probe` most similar cells.

    queries: (q, d) or (d,) unit-length vectors. k: neighbours per query (at least 1).
    n_probe: cells scanned per query (at least 1; more cells = higher recall, proportionally slower).
    Scores are exact float32 dot products of the scanned vectors; only the cell choice is approximate.
    """
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    if n_probe < 1:
        raise ValueError(f"n_probe must be at least 1, got {n_probe}")
    q = _as_queries(queries, index.vectors.shape[1])
    probe = min(n_probe, index.n_lists)
    # Many queries: one BLAS call over the centroids is worth it.
    cell_scores = _dot_rows(index.centroids, q[0])[None, :] if q.shape[0] == 1 else q @ index.centroids.T
    if probe < index.n_lists:
        cells = np.argpartition(-cell_scores, probe - 1, axis=1)[:, :probe]
    else:
        cells = np.broadcast_to(np.arange(index.n_lists), (q.shape[0], index.n_lists))
    ids = np.full((q.shape[0], k), -1, dtype=np.int64)
    scores = np.full((q.shape[0], k), -np.inf, dtype=np.float32)
    offsets = index.offsets
    for row in range(q.shape[0]):
        bounds = [(int(offsets[c]), int(offsets[c + 1])) for c in cells[row]]
        bounds = [(lo, hi) for lo, hi in bounds if hi > lo]
        if not bounds:
            continue
        cand_scores = np.concatenate([_dot_rows(index.vectors[lo:hi], q[row]) for lo, hi in bounds])
        cand_ids = np.concatenate([index.ids[lo:hi] for lo, hi in bounds])
        take = min(k, cand_ids.shape[0])
        best = np.argpartition(-cand_scores, take - 1)[:take] if take < cand_ids.shape[0] else np.arange(take)
        best = best[np.argsort(-cand_scores[best], kind="stable")]
        ids[row, :take] = cand_ids[best]
        scores[row, :take] = cand_scores[best]
    return Neighbours(ids=ids, scores=scores)


def recall_at_k(approx: Neighbours, exact: Neighbours) -> float:
    """Share of the exact top-k ids that the approximate search also returned (0..1)."""
    hits = 0
    total = 0
    for a, e in zip(approx.ids, exact.ids, strict=True):
        truth = {int(i) for i in e if i >= 0}
        hits += len(truth & {int(i) for i in a})
        total += len(truth)
    return hits / total if total else 1.0
