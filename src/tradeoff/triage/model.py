from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tradeoff.storage.base import Base, JSONType, UTCDateTime, WorkspaceScoped, utcnow


class KindModel(WorkspaceScoped, Base):
    """A workspace's fine-tuned feedback-kind model (the `ml` extra): adapters of the local sentence model
    trained on the seed examples and the PM's corrections. One per workspace; tuning again replaces it.
    Derived data: rebuilt by `tradeoff triage tune`, so backups leave it out."""

    __tablename__ = "kind_models"
    __table_args__ = (UniqueConstraint("workspace_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    method: Mapped[str] = mapped_column(String(80), nullable=False)
    classes: Mapped[list[str]] = mapped_column(JSONType, nullable=False)
    examples: Mapped[int] = mapped_column(Integer, nullable=False)  # texts trained on (seed + corrections)
    corrections: Mapped[int] = mapped_column(Integer, nullable=False)  # of which a PM's corrections
    seconds: Mapped[float] = mapped_column(Float, nullable=False)  # wall time the tuning took
    weights: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)  # TunedKindModel.to_bytes()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    def is_due(self, corrections_now: int, *, growth: float) -> bool:
        """Worth tuning again: the corrections grew by at least `growth` (0.25 = a quarter) since this one."""
        return corrections_now >= self.corrections * (1.0 + growth) and corrections_now > self.corrections
