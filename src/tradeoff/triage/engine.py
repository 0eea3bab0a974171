"""The per-workspace triage model: the built-in seed examples plus that workspace's corrections.

Fitting the logistic regression takes a fraction of a second; it is cached per workspace and refitted when the
set of corrections changes (a correction bumps the fingerprint). With the `ml` extra, a workspace may also have a
fine-tuned kind model (``triage.tuning``); when it does, its probabilities are pooled with the regression's."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from sqlalchemy import func, select

from tradeoff.core.text import classify
from tradeoff.embeddings.tuning import TunedKindModel
from tradeoff.feedback.model import Feedback
from tradeoff.storage.uow import UnitOfWork
from tradeoff.triage import tuning, vectors
from tradeoff.triage.themes_memo import ThemesMemo

EmbedFn = Callable[[Sequence[str]], np.ndarray]


@dataclass
class _Cached:
    fingerprint: tuple[int, str]
    classifier: classify.TextClassifier


class TriageEngine:
    """Holds fitted classifiers per workspace and the optional embedder (the `ml` extra).

    tuned: use a workspace's fine-tuned kind model when it has one (needs the extra).
    It also holds each workspace's stored feedback vectors in memory for similar-item search (``vectors``) and
    remembers the last `MEMO` vectors it made on the spot, so a suggestion asked for twice embeds nothing twice, and
    the last themes it grouped (``themes_memo``)."""

    MEMO = 4096

    def __init__(self, embed: EmbedFn | None = None, method: str = "lexical", *, tuned: bool = False) -> None:
        self.embed = embed
        self.method = method
        self.tuned = tuned
        self._cache: dict[int, _Cached] = {}
        self._tuned_cache: dict[int, tuple[tuple[int, datetime], TunedKindModel]] = {}
        self._lock = threading.Lock()
        self.vectors = vectors.FeedbackVectors()
        self.themes = ThemesMemo()  # themes as last grouped with this engine's vectors
        self._memo: OrderedDict[str, np.ndarray] = OrderedDict()

    def embed_texts(self, texts: Sequence[str]) -> np.ndarray:
        """Unit vectors of `texts` by the engine's embedder (which must be set), one row per text."""
        if self.embed is None:
            raise RuntimeError("this triage engine has no embedder")
        keys = [vectors.text_hash(t) for t in texts]
        with self._lock:
            known = {k: self._memo[k] for k in keys if k in self._memo}
        todo = list(dict.fromkeys(k for k in keys if k not in known))
        if todo:
            first = {k: t for k, t in zip(keys, texts, strict=True)}
            made = self.embed([first[k] for k in todo])
            with self._lock:
                for k, vec in zip(todo, made, strict=True):
                    known[k] = vec
                    self._memo[k] = vec
                while len(self._memo) > self.MEMO:
                    self._memo.popitem(last=False)
        if not keys:
            return np.zeros((0, 0), dtype=np.float32)
        return np.vstack([known[k] for k in keys]).astype(np.float32, copy=False)

    def _fingerprint(self, uow: UnitOfWork, workspace_id: int) -> tuple[int, str]:
        """Changes whenever a correction is added or edited: (how many, when the newest was last changed)."""
        n, latest = uow.session.execute(
            select(func.count(), func.max(Feedback.updated_at)).where(
                Feedback.workspace_id == workspace_id, Feedback.kind_source == "pm")
        ).one()
        return int(n), str(latest)

    def classifier(self, uow: UnitOfWork, workspace_id: int) -> classify.TextClassifier:
        fp = self._fingerprint(uow, workspace_id)
        with self._lock:
            hit = self._cache.get(workspace_id)
            if hit is not None and hit.fingerprint == fp:
                return hit.classifier
        clf = classify.fit_kind_classifier(tuning.corrections(uow=uow, workspace_id=workspace_id), embed=self.embed)
        with self._lock:
            self._cache[workspace_id] = _Cached(fp, clf)
        return clf

    def tuned_model(self, uow: UnitOfWork, workspace_id: int) -> TunedKindModel | None:
        """The workspace's fine-tuned kind model, or None (no model, or this engine does not use them)."""
        if not self.tuned:
            return None
        key = tuning.stored(uow=uow, workspace_id=workspace_id)
        if key is None:
            return None
        with self._lock:
            hit = self._tuned_cache.get(workspace_id)
            if hit is not None and hit[0] == key:
                return hit[1]
        data = tuning.weights(uow=uow, workspace_id=workspace_id)
        if data is None:
            return None
        model = TunedKindModel.from_bytes(data)
        with self._lock:
            self._tuned_cache[workspace_id] = (key, model)
        return model

    def classify(self, uow: UnitOfWork, workspace_id: int, texts: Sequence[str],
                 embeddings: np.ndarray | None = None) -> list[classify.KindPrediction]:
        """Kinds of `texts`; `embeddings`: their vectors when already made (else made here if the engine embeds)."""
        clf = self.classifier(uow, workspace_id)
        if embeddings is None and self.embed is not None:
            embeddings = self.embed(texts)
        proba = classify.predict_proba(clf, texts, embeddings=embeddings)
        tuned = self.tuned_model(uow, workspace_id)
        if tuned is not None and texts:
            proba = classify.pool_probabilities(proba, clf.classes, tuned.predict_proba(texts), tuned.classes)
        return classify.with_said_kinds(texts, classify.to_predictions(clf.classes, proba))


def default_engine() -> TriageEngine:
    """The model-backed engine when the `ml` extra is installed, else the lexical one."""
    try:
        from tradeoff.embeddings import get_embedder
    except ImportError:
        return TriageEngine()
    try:
        embedder = get_embedder("auto")
    except Exception:  # noqa: BLE001 - a broken optional model must not stop triage
        return TriageEngine()
    if getattr(embedder, "name", "lexical").startswith("lexical"):
        return TriageEngine()
    return TriageEngine(embed=embedder.embed, method=embedder.name, tuned=True)
