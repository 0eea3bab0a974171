from __future__ import annotations

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from tradeoff.storage.base import Archivable, Base, Timestamps, Versioned, WorkspaceScoped


class Problem(Versioned, Archivable, Timestamps, WorkspaceScoped, Base):
    """A problem statement in the user's words, for a persona and segment."""

    __tablename__ = "problems"
    __table_args__ = (Index("ix_problems_ws_created", "workspace_id", "created_at", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    statement: Mapped[str] = mapped_column(Text, nullable=False)
    persona: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    segment: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id", ondelete="SET NULL"), nullable=True, index=True)
