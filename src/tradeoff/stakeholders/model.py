"""Stakeholder votes: a member of a group (sales, support, ...) scores a feature, with a reason."""

from __future__ import annotations

from sqlalchemy import Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tradeoff.storage.base import Base, Timestamps, WorkspaceScoped


class Vote(Timestamps, WorkspaceScoped, Base):
    __tablename__ = "stakeholder_votes"
    __table_args__ = (UniqueConstraint("feature_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    feature_id: Mapped[int] = mapped_column(ForeignKey("features.id", ondelete="CASCADE"), nullable=False, index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    voter: Mapped[str] = mapped_column(String(254), nullable=False, default="")
    group: Mapped[str] = mapped_column(String(20), nullable=False)
    score: Mapped[float] = mapped_column(Float, nullable=False)
    reason: Mapped[str] = mapped_column(Text, nullable=False, default="")
