"""The per-workspace triage model: the built-in seed examples plus that workspace's corrections.

Fitting takes a fraction of a second; the fitted classifier is cached per workspace and refitted when the set
of corrections changes (a correction bumps the fingerprint)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from sqlalchemy import func, select

from tradeoff.core.text import classify
from tradeoff.feedback.model import Feedback
from tradeoff.storage.uow import UnitOfWork

EmbedFn = Callable[[Sequence[str]], np.ndarray]


@dataclass
class _Cached:
    fingerprint: tuple[int, str]
    classifier: classify.TextClassifier


class TriageEngine:
    """Holds fitted classifiers per workspace and the optional embedder (the `ml` extra)."""

    def __init__(self, embed: EmbedFn | None = None, method: str = "lexical") -> None:
        self.embed = embed
        self.method = method
        self._cache: dict[int, _Cached] = {}
        self._lock = threading.Lock()

    def _corrections(self, uow: UnitOfWork, workspace_id: int) -> list[classify.LabelledText]:
        rows = uow.session.execute(
            select(Feedback.text, Feedback.kind).where(
                Feedback.workspace_id == workspace_id, Feedback.kind_source == "pm", Feedback.kind.is_not(None))
            .order_by(Feedback.id)
        ).all()
        return [classify.LabelledText(text, kind) for text, kind in rows if kind is not None]

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
        clf = classify.fit_kind_classifier(self._corrections(uow, workspace_id), embed=self.embed)
        with self._lock:
            self._cache[workspace_id] = _Cached(fp, clf)
        return clf

    def classify(self, uow: UnitOfWork, workspace_id: int, texts: Sequence[str]) -> list[classify.KindPrediction]:
        clf = self.classifier(uow, workspace_id)
        embeddings = self.embed(texts) if self.embed is not None else None
        return classify.predict(clf, texts, embeddings=embeddings)


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
    return TriageEngine(embed=embedder.embed, method=embedder.name)
