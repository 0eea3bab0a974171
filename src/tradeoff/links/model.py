from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tradeoff.storage.base import Base, Timestamps, UTCDateTime, Versioned, WorkspaceScoped

if TYPE_CHECKING:
    from tradeoff.feedback.model import Feedback


class Link(Versioned, Timestamps, WorkspaceScoped, Base):
    """Evidence → problem or feature, with an optional highlighted quote from the feedback."""

    __tablename__ = "links"
    __table_args__ = (
        CheckConstraint("(problem_id IS NULL) <> (feature_id IS NULL)", name="exactly_one_target"),
        UniqueConstraint("feedback_id", "problem_id", "feature_id", name="uq_links_target"),
        # a record's evidence is read by workspace and target: without these the planner may walk every link
        Index("ix_links_ws_feature", "workspace_id", "feature_id"),
        Index("ix_links_ws_problem", "workspace_id", "problem_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    feedback_id: Mapped[int] = mapped_column(ForeignKey("feedback.id", ondelete="CASCADE"), nullable=False, index=True)
    problem_id: Mapped[int | None] = mapped_column(ForeignKey("problems.id", ondelete="CASCADE"), nullable=True, index=True)
    feature_id: Mapped[int | None] = mapped_column(ForeignKey("features.id", ondelete="CASCADE"), nullable=True, index=True)
    quote: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_by: Mapped[str] = mapped_column(String(254), nullable=False, default="")

    feedback: Mapped[Feedback] = relationship(back_populates="links", lazy="raise_on_sql")

    @property
    def target_kind(self) -> str:
        return "problem" if self.problem_id is not None else "feature"

    @property
    def target_id(self) -> int:
        return self.problem_id if self.problem_id is not None else self.feature_id  # type: ignore[return-value]


class ToldAsker(WorkspaceScoped, Base):
    """Closing the loop: the person behind a piece of feedback was told that a feature it stands behind shipped
    (when, and by whom). Kept per feature, since one piece of feedback can stand behind several."""

    __tablename__ = "told_askers"
    __table_args__ = (UniqueConstraint("feature_id", "feedback_id", name="uq_told_askers"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    feature_id: Mapped[int] = mapped_column(ForeignKey("features.id", ondelete="CASCADE"), nullable=False)
    feedback_id: Mapped[int] = mapped_column(ForeignKey("feedback.id", ondelete="CASCADE"), nullable=False, index=True)
    told_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    told_by: Mapped[str] = mapped_column(String(254), nullable=False, default="", server_default="")
