"""Stored sentence embeddings of feedback, problems and features, and the nearest stored feedback to a text.

With the `ml` extra, the triage worker embeds each feedback item as it triages it and stores the vector, with a
short hash of the text it was made from; on later rounds it embeds what has none yet (problems and features, new
or edited, and feedback triaged before the model was installed). Similar-item suggestions then read vectors
instead of running the model, and find reworded requests among all of a workspace's feedback through the
nearest-neighbour search of ``core.text.index``, not only among items that share a word with the new one.

A vector is used only while its hash matches its record's current text; a stale or missing one is made on the
spot (remembered by the engine, not stored: suggestions are read-only) until the worker stores a fresh one.
Vectors of different methods are never mixed (``Embedding.method`` is the embedder's name).
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import ColumnElement, Select, and_, exists, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from tradeoff.core.text import index as vector_index
from tradeoff.features.model import Feature
from tradeoff.feedback.model import Embedding, Feedback
from tradeoff.problems.model import Problem
from tradeoff.storage.uow import UnitOfWork

if TYPE_CHECKING:
    from tradeoff.triage.engine import TriageEngine

F32 = npt.NDArray[np.float32]
EXACT_UP_TO = 100_000  # above this many stored vectors, nearest-neighbour search goes through an IVF index
N_PROBE = 32  # IVF cells searched per query (recall 1.0 on the 1,000,000-vector benchmark)
_CHUNK = 500  # ids per IN (...) list


def text_hash(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=8).hexdigest()


def feature_text(title: str, description: str | None) -> str:
    return f"{title}\n{description or ''}".strip()


def texts(uow: UnitOfWork, workspace_id: int, kind: str, ids: Collection[int] | None = None) -> dict[int, str]:
    """The text each record of `kind` is compared by (feedback's text, a problem's statement, a feature's title and
    description), for the live records among `ids` (default: all)."""
    model: Any = {"feedback": Feedback, "problem": Problem, "feature": Feature}.get(kind)
    if model is None:
        raise ValueError(f"unknown record kind {kind!r}")
    columns = {"feedback": (Feedback.text,), "problem": (Problem.statement,),
               "feature": (Feature.title, Feature.description)}[kind]
    stmt: Select[Any] = select(model.id, *columns).where(
        model.workspace_id == workspace_id, model.archived_at.is_(None)).order_by(model.id)
    out: dict[int, str] = {}
    for part in _chunks(ids) if ids is not None else [None]:
        for row in uow.session.execute(stmt if part is None else stmt.where(model.id.in_(part))):
            out[int(row[0])] = feature_text(*row[1:]) if kind == "feature" else str(row[1])
    return out


def _chunks(ids: Iterable[int]) -> list[list[int]]:
    items = sorted(set(ids))
    return [items[i:i + _CHUNK] for i in range(0, len(items), _CHUNK)]


def _vector(blob: bytes, dim: int) -> F32:
    return np.frombuffer(blob, dtype=np.float32, count=dim)


def stored(uow: UnitOfWork, workspace_id: int, method: str, kind: str, current: Mapping[int, str]) -> dict[int, F32]:
    """The stored vectors of the records in `current` (id -> text) that were made from that same text."""
    out: dict[int, F32] = {}
    for part in _chunks(current):
        rows = uow.session.execute(select(Embedding.record_id, Embedding.text_hash, Embedding.dim, Embedding.vector)
                                   .where(Embedding.workspace_id == workspace_id, Embedding.record_kind == kind,
                                          Embedding.method == method, Embedding.record_id.in_(part)))
        for rid, digest, dim, blob in rows:
            if digest == text_hash(current[rid]):
                out[int(rid)] = _vector(blob, dim)
    return out


def save(uow: UnitOfWork, workspace_id: int, method: str, kind: str, current: Mapping[int, str],
         vectors: F32) -> None:
    """Store one vector per record of `current` (in its order), replacing any earlier one of this method in place
    (one upsert: no lookup of what is already stored, so storing costs the same however many vectors there are)."""
    ids = list(current)
    if len(ids) != len(vectors):
        raise ValueError(f"{len(vectors)} vectors for {len(ids)} records")
    if not ids:
        return
    dialect = uow.session.get_bind().dialect.name
    upsert: Any = pg_insert(Embedding) if dialect == "postgresql" else sqlite_insert(Embedding)
    upsert = upsert.on_conflict_do_update(
        index_elements=["record_kind", "record_id", "method"],
        set_={"dim": upsert.excluded.dim, "vector": upsert.excluded.vector, "text_hash": upsert.excluded.text_hash})
    uow.session.execute(upsert, [
        {"workspace_id": workspace_id, "record_kind": kind, "record_id": rid, "method": method,
         "dim": int(vec.shape[0]), "vector": np.asarray(vec, dtype=np.float32).tobytes(),
         "text_hash": text_hash(current[rid])}
        for rid, vec in zip(ids, vectors, strict=True)])


def vectors_for(uow: UnitOfWork, engine: TriageEngine, workspace_id: int, kind: str,
                current: Mapping[int, str]) -> F32:
    """One unit vector per record of `current`, in its order: stored where fresh, else made now (not stored)."""
    if not current:
        return np.zeros((0, 0), dtype=np.float32)
    have = stored(uow, workspace_id, engine.method, kind, current)
    missing = [rid for rid in current if rid not in have]
    if missing:
        have.update(zip(missing, engine.embed_texts([current[rid] for rid in missing]), strict=True))
    return np.vstack([have[rid] for rid in current]).astype(np.float32, copy=False)


def fill(uow: UnitOfWork, engine: TriageEngine, workspace_id: int, *, limit: int = 256) -> int:
    """Embed and store up to `limit` records that have no vector of the engine's method made from their current
    text: problems and features (new or edited) and feedback already triaged (edited, or triaged before the model
    was installed). Returns how many were stored."""
    if engine.embed is None:
        return 0
    done = 0
    for kind in ("problem", "feature"):
        current = texts(uow, workspace_id, kind)
        digests = {int(rid): digest for rid, digest in uow.session.execute(
            select(Embedding.record_id, Embedding.text_hash).where(
                Embedding.workspace_id == workspace_id, Embedding.record_kind == kind,
                Embedding.method == engine.method))}
        todo = {rid: t for rid, t in current.items() if digests.get(rid) != text_hash(t)}
        done += _embed_and_save(uow, engine, workspace_id, kind, dict(list(todo.items())[:limit - done]))
        if done >= limit:
            return done
    has_vector = exists().where(Embedding.record_kind == "feedback", Embedding.record_id == Feedback.id,
                                Embedding.method == engine.method)
    rows = uow.session.execute(
        select(Feedback.id, Feedback.text).where(
            Feedback.workspace_id == workspace_id, Feedback.archived_at.is_(None),
            Feedback.triaged_at.is_not(None), ~has_vector).order_by(Feedback.id).limit(limit - done))
    return done + _embed_and_save(uow, engine, workspace_id, "feedback", {int(i): str(t) for i, t in rows})


def _embed_and_save(uow: UnitOfWork, engine: TriageEngine, workspace_id: int, kind: str,
                    current: Mapping[int, str]) -> int:
    if not current:
        return 0
    save(uow, workspace_id, engine.method, kind, current, engine.embed_texts(list(current.values())))
    return len(current)


def workspaces_to_fill(uow: UnitOfWork) -> list[int]:
    """Workspaces with live problems, features or triaged feedback (the ones `fill` may have work in)."""
    found: set[int] = set()
    for model in (Problem, Feature, Feedback):
        found.update(uow.session.scalars(select(model.workspace_id).where(model.archived_at.is_(None)).distinct()))
    return sorted(found)


@dataclass(frozen=True)
class _Matrix:
    """A workspace's stored feedback vectors as loaded: a base (searched exactly, or through `ivf` when large) and a
    tail of vectors stored since the base was loaded, searched exactly. `top` is the largest row id loaded."""

    top: int
    ids: npt.NDArray[np.int64]
    vectors: F32  # empty when `ivf` holds them
    ivf: vector_index.IvfIndex | None
    tail_ids: npt.NDArray[np.int64]
    tail: F32


class FeedbackVectors:
    """Each workspace's stored feedback vectors held in memory for nearest-neighbour search.

    Every search first asks the database for the largest stored row id (an index lookup): vectors stored since
    are read and appended to a tail searched exactly, so a new feedback item costs one small read, not a reload.
    The whole set is read again when the tail outgrows a tenth of the base, or when the newest rows were
    deleted. Up to `EXACT_UP_TO` vectors are searched exactly; above, through an IVF index built on reload. An
    edited item's vector is deleted and stored anew (a new row, so it joins the tail); until a reload its old
    vector may linger in memory too: suggestions score candidates with fresh vectors, so it can only add a
    candidate, never a wrong score."""

    def __init__(self) -> None:
        self._cache: dict[tuple[int, str], _Matrix] = {}
        self._lock = threading.Lock()

    def nearest(self, uow: UnitOfWork, workspace_id: int, method: str, query: F32, k: int,
                exclude: Collection[int] = ()) -> list[int]:
        """The ids of the `k` stored feedback vectors closest to `query`, best first, leaving out `exclude`."""
        m = self._matrix(uow, workspace_id, method)
        want = k + len(exclude)
        q = np.asarray(query, dtype=np.float32)
        scored: list[tuple[float, int]] = []
        if m.ids.size:
            found = (vector_index.ivf_search(m.ivf, q, min(want, m.ids.size), n_probe=N_PROBE)
                     if m.ivf is not None else vector_index.exact_search(m.vectors, q, min(want, m.ids.size)))
            scored += [(float(s), int(m.ids[r])) for r, s in zip(found.ids[0], found.scores[0], strict=True)
                       if r >= 0]
        if m.tail_ids.size:
            found = vector_index.exact_search(m.tail, q, min(want, m.tail_ids.size))
            scored += [(float(s), int(m.tail_ids[r])) for r, s in zip(found.ids[0], found.scores[0], strict=True)
                       if r >= 0]
        out: list[int] = []
        for _, rid in sorted(scored, key=lambda t: -t[0]):
            if rid not in exclude and rid not in out:
                out.append(rid)
        return out[:k]

    def warm(self, uow: UnitOfWork, workspace_id: int, method: str) -> None:
        """Bring the workspace's vectors in memory up to date now (the worker does, so that a request never waits
        for a large workspace's first read and index build)."""
        self._matrix(uow, workspace_id, method)

    def _where(self, workspace_id: int, method: str) -> ColumnElement[bool]:
        return and_(Embedding.workspace_id == workspace_id, Embedding.record_kind == "feedback",
                    Embedding.method == method)

    def _read(self, uow: UnitOfWork, workspace_id: int, method: str,
              after: int = 0) -> tuple[npt.NDArray[np.int64], F32]:
        ids: list[int] = []
        rows: list[F32] = []
        for rid, dim, blob in uow.session.execute(
                select(Embedding.record_id, Embedding.dim, Embedding.vector)
                .where(self._where(workspace_id, method), Embedding.id > after).order_by(Embedding.id)):
            ids.append(int(rid))
            rows.append(_vector(blob, dim))
        return np.asarray(ids, dtype=np.int64), (np.vstack(rows) if rows else np.zeros((0, 1), dtype=np.float32))

    def _matrix(self, uow: UnitOfWork, workspace_id: int, method: str) -> _Matrix:
        # ORDER BY … LIMIT 1 rather than max(): one step down the index on any planner statistics
        top = int(uow.session.scalar(select(Embedding.id).where(self._where(workspace_id, method))
                                     .order_by(Embedding.id.desc()).limit(1)) or 0)
        with self._lock:
            hit = self._cache.get((workspace_id, method))
        if hit is not None and hit.top == top:
            return hit
        if hit is not None and top > hit.top:
            new_ids, new_rows = self._read(uow, workspace_id, method, after=hit.top)
            tail_ids = np.concatenate([hit.tail_ids, new_ids])
            if tail_ids.size <= max(1000, hit.ids.size // 10):
                tail = np.vstack([hit.tail, new_rows]) if hit.tail_ids.size else new_rows
                return self._keep(workspace_id, method, _Matrix(top, hit.ids, hit.vectors, hit.ivf, tail_ids, tail))
        ids, rows = self._read(uow, workspace_id, method)
        ivf = None
        if ids.size > EXACT_UP_TO:  # the index keeps its own copy, ordered by cell: drop the one read
            ivf = vector_index.build_ivf(rows, rng=np.random.default_rng(0))
            rows = np.zeros((0, 1), dtype=np.float32)
        return self._keep(workspace_id, method, _Matrix(top, ids, rows, ivf, np.zeros(0, dtype=np.int64),
                                                        np.zeros((0, 1), dtype=np.float32)))

    def _keep(self, workspace_id: int, method: str, matrix: _Matrix) -> _Matrix:
        with self._lock:
            self._cache[(workspace_id, method)] = matrix
        return matrix
