"""A workspace's fine-tuned kind model (the `ml` extra): what it learns from, when it is due, where it is kept.

Tuning takes minutes of CPU, so it never holds a transaction open: the training set is read in one unit of work,
the model is trained outside any, and the result is written in another (replacing the workspace's previous one).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select

from tradeoff import embeddings
from tradeoff.core.text import classify
from tradeoff.embeddings.tuning import TuneSettings, fine_tune_kind_model
from tradeoff.errors import InvalidInput
from tradeoff.feedback.model import Feedback
from tradeoff.storage.uow import UnitOfWork
from tradeoff.triage.model import KindModel

#: tune again once the corrections have grown by this share since the last tuning
RETUNE_GROWTH = 0.25


@dataclass(frozen=True)
class KindModelInfo:
    method: str
    examples: int
    corrections: int
    seconds: float
    created_at: datetime

    def as_dict(self) -> dict[str, Any]:
        return {"method": self.method, "examples": self.examples, "corrections": self.corrections,
                "seconds": round(self.seconds, 1), "created_at": self.created_at.isoformat()}


def _info(row: KindModel) -> KindModelInfo:
    return KindModelInfo(row.method, row.examples, row.corrections, row.seconds, row.created_at)


def corrections(*, uow: UnitOfWork, workspace_id: int) -> list[classify.LabelledText]:
    """The kinds a PM set or fixed in this workspace, oldest first."""
    rows = uow.session.execute(
        select(Feedback.text, Feedback.kind).where(
            Feedback.workspace_id == workspace_id, Feedback.kind_source == "pm", Feedback.kind.is_not(None))
        .order_by(Feedback.id)
    ).all()
    return [classify.LabelledText(text, kind) for text, kind in rows if kind is not None]


def info(*, uow: UnitOfWork, workspace_id: int) -> KindModelInfo | None:
    """The workspace's tuned kind model, if it has one."""
    row = uow.session.scalar(select(KindModel).where(KindModel.workspace_id == workspace_id))
    return _info(row) if row is not None else None


def stored(*, uow: UnitOfWork, workspace_id: int) -> tuple[int, datetime] | None:
    """(id, created_at) of the workspace's tuned model: changes whenever it is replaced."""
    row = uow.session.execute(select(KindModel.id, KindModel.created_at)
                              .where(KindModel.workspace_id == workspace_id)).one_or_none()
    return (row[0], row[1]) if row is not None else None


def weights(*, uow: UnitOfWork, workspace_id: int) -> bytes | None:
    return uow.session.scalar(select(KindModel.weights).where(KindModel.workspace_id == workspace_id))


def workspaces_due(*, uow: UnitOfWork, min_corrections: int) -> list[int]:
    """Workspaces with at least `min_corrections` corrections whose tuned model is missing or out of date."""
    counts = uow.session.execute(
        select(Feedback.workspace_id, func.count()).where(Feedback.kind_source == "pm", Feedback.kind.is_not(None))
        .group_by(Feedback.workspace_id).having(func.count() >= min_corrections)
    ).all()
    models = {row.workspace_id: row for row in uow.session.scalars(
        select(KindModel).where(KindModel.workspace_id.in_([w for w, _ in counts])))}
    return [int(w) for w, n in counts
            if w not in models or models[w].is_due(int(n), growth=RETUNE_GROWTH)]


def tune(uow_factory: Callable[[], UnitOfWork], *, workspace_id: int, settings: TuneSettings | None = None,
         progress: Callable[[int, int], None] | None = None) -> KindModelInfo:
    """Fine-tune the workspace's kind model on the seed examples and its corrections, and keep it (replacing the
    previous one). Raises InvalidInput when the `ml` extra is not installed."""
    if not embeddings.model_available():
        raise InvalidInput(f"fine-tuning needs the local model: {embeddings.ML_HINT}")
    s = settings or TuneSettings()
    with uow_factory() as uow:
        fixed = corrections(uow=uow, workspace_id=workspace_id)
    if not fixed:
        raise InvalidInput("this workspace has no kind corrections yet: the kind model is fine-tuned on the kinds "
                           "a PM set or fixed, so correct a few feedback kinds first")
    texts, labels, _ = classify.kind_training_set(fixed)
    start = time.perf_counter()
    model = fine_tune_kind_model(texts, labels, settings=s, progress=progress)
    seconds = time.perf_counter() - start
    with uow_factory() as uow:
        uow.session.execute(delete(KindModel).where(KindModel.workspace_id == workspace_id))
        row = KindModel(workspace_id=workspace_id, method=f"{model.base} LoRA x{s.members}",
                        classes=list(model.classes), examples=len(texts), corrections=len(fixed),
                        seconds=seconds, weights=model.to_bytes())
        uow.session.add(row)
        uow.session.flush()
        return _info(row)
