from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tradeoff.storage.base import Base, Timestamps, UTCDateTime, WorkspaceScoped

if TYPE_CHECKING:
    from tradeoff.feedback.model import Feedback


class Link(Timestamps, WorkspaceScoped, Base):
    """Evidence → problem or feature, with an optional highlighted quote from the feedback."""

    __tablename__ = "links"
    __table_args__ = (
        CheckConstraint("(problem_id IS NULL) <> (feature_id IS NULL)", name="exactly_one_target"),
        UniqueConstraint("feedback_id", "problem_id", "feature_id", name="uq_links_target"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    feedback_id: Mapped[int] = mapped_column(ForeignKey("feedback.id", ondelete="CASCADE"), nullable=False, index=True)
    problem_id: Mapped[int | None] = mapped_column(ForeignKey("problems.id", ondelete="CASCADE"), nullable=True, index=True)
    feature_id: Mapped[int | None] = mapped_column(ForeignKey("features.id", ondelete="CASCADE"), nullable=True, index=True)
    quote: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_by: Mapped[str] = mapped_column(String(254), nullable=False, default="")
    # closing the loop: when the customer behind this evidence was told the feature shipped, and by whom
    told_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    told_by: Mapped[str] = mapped_column(String(254), nullable=False, default="", server_default="")

    feedback: Mapped[Feedback] = relationship(back_populates="links", lazy="raise_on_sql")

    @property
    def target_kind(self) -> str:
        return "problem" if self.problem_id is not None else "feature"

    @property
    def target_id(self) -> int:
        return self.problem_id if self.problem_id is not None else self.feature_id  # type: ignore[return-value]
