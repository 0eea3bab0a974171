"""Exact and IVF nearest-neighbour search."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tradeoff.core.text.index import build_ivf, exact_search, ivf_search, recall_at_k, spherical_kmeans


def _unit(rng: np.random.Generator, n: int, d: int) -> np.ndarray:
    x = rng.standard_normal((n, d)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def test_exact_search_by_hand() -> None:
    vecs = np.array([[1, 0], [0, 1], [0.6, 0.8], [-1, 0]], dtype=np.float32)
    res = exact_search(vecs, np.array([1, 0], dtype=np.float32), k=3, chunk_rows=2)
    assert res.ids.tolist() == [[0, 2, 1]]
    assert np.allclose(res.scores, [[1.0, 0.6, 0.0]])


def test_exact_search_pads_when_fewer_than_k() -> None:
    res = exact_search(np.eye(2, dtype=np.float32), np.array([[1, 0]], dtype=np.float32), k=4)
    assert res.ids.tolist() == [[0, 1, -1, -1]]
    assert np.isneginf(res.scores[0, 2:]).all()


def test_exact_search_rejects_wrong_dimension() -> None:
    with pytest.raises(ValueError, match="dimensions"):
        exact_search(np.eye(3, dtype=np.float32), np.ones(2, dtype=np.float32))


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 300), st.integers(1, 12), st.integers(1, 64), st.integers(0, 10_000))
def test_chunked_exact_matches_brute_force(n: int, k: int, chunk: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    vecs = _unit(rng, n, 8)
    q = _unit(rng, 3, 8)
    res = exact_search(vecs, q, k=k, chunk_rows=chunk)
    brute = np.sort(q @ vecs.T, axis=1)[:, ::-1][:, : min(k, n)]
    assert np.allclose(res.scores[:, : min(k, n)], brute, atol=1e-6)


def test_ivf_probing_every_cell_is_exact() -> None:
    rng = np.random.default_rng(1)
    vecs = _unit(rng, 2000, 16)
    q = _unit(rng, 20, 16)
    index = build_ivf(vecs, rng=np.random.default_rng(2), n_lists=32)
    assert sorted(index.ids.tolist()) == list(range(2000))
    approx = ivf_search(index, q, k=10, n_probe=32)
    exact = exact_search(vecs, q, k=10)
    assert recall_at_k(approx, exact) == 1.0
    assert np.allclose(approx.scores, exact.scores, atol=1e-5)


def test_ivf_recall_on_clustered_data_with_few_probes() -> None:
    rng = np.random.default_rng(3)
    centres = _unit(rng, 40, 32)
    members = centres[rng.integers(0, 40, 4000)] + 0.15 * rng.standard_normal((4000, 32)).astype(np.float32)
    vecs = (members / np.linalg.norm(members, axis=1, keepdims=True)).astype(np.float32)
    q = vecs[rng.choice(4000, 50, replace=False)] + 0.05 * rng.standard_normal((50, 32)).astype(np.float32)
    index = build_ivf(vecs, rng=np.random.default_rng(4), n_lists=64)
    recall = recall_at_k(ivf_search(index, q, k=10, n_probe=8), exact_search(vecs, q, k=10))
    assert recall >= 0.9


def test_kmeans_finds_separated_groups() -> None:
    vecs = np.array([[1, 0], [0.99, 0.14], [0, 1], [0.14, 0.99]], dtype=np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    cents = spherical_kmeans(vecs, 2, rng=np.random.default_rng(0))
    assign = np.argmax(vecs @ cents.T, axis=1)
    assert assign[0] == assign[1] and assign[2] == assign[3] and assign[0] != assign[2]


def test_ivf_one_query_matches_batch_rows() -> None:
    # One query takes the single-threaded path, a batch the BLAS path for centroids: same answers.
    rng = np.random.default_rng(5)
    vecs = _unit(rng, 3000, 24)
    q = _unit(rng, 12, 24)
    index = build_ivf(vecs, rng=np.random.default_rng(6), n_lists=40)
    batch = ivf_search(index, q, k=7, n_probe=5)
    for row in range(q.shape[0]):
        one = ivf_search(index, q[row], k=7, n_probe=5)
        assert one.ids[0].tolist() == batch.ids[row].tolist()
        assert np.allclose(one.scores[0], batch.scores[row], atol=1e-6)


def test_ivf_scores_are_exact_dot_products_best_first() -> None:
    rng = np.random.default_rng(7)
    vecs = _unit(rng, 500, 16)
    q = _unit(rng, 4, 16)
    res = ivf_search(build_ivf(vecs, rng=np.random.default_rng(8), n_lists=10), q, k=10, n_probe=2)
    for row in range(4):
        assert np.allclose(res.scores[row], vecs[res.ids[row]] @ q[row], atol=1e-6)
        assert (np.diff(res.scores[row]) <= 1e-7).all()


def test_ivf_pads_when_probed_cells_hold_fewer_than_k() -> None:
    vecs = np.array([[1, 0], [0.9, 0.1], [0, 1], [0.1, 0.9]], dtype=np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    index = build_ivf(vecs, rng=np.random.default_rng(0), n_lists=2)
    res = ivf_search(index, np.array([1, 0], dtype=np.float32), k=5, n_probe=1)
    assert sorted(res.ids[0, :2].tolist()) == [0, 1]
    assert res.ids[0, 2:].tolist() == [-1, -1, -1]
    assert np.isneginf(res.scores[0, 2:]).all()


@pytest.mark.parametrize(("k", "n_probe", "field"), [(0, 4, "k"), (3, 0, "n_probe")])
def test_ivf_rejects_non_positive_k_and_probe(k: int, n_probe: int, field: str) -> None:
    vecs = _unit(np.random.default_rng(9), 50, 8)
    index = build_ivf(vecs, rng=np.random.default_rng(10), n_lists=4)
    with pytest.raises(ValueError, match=field):
        ivf_search(index, vecs[0], k=k, n_probe=n_probe)
