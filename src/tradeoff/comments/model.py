from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from tradeoff.storage.base import Base, Timestamps, Versioned, WorkspaceScoped


class Comment(Versioned, Timestamps, WorkspaceScoped, Base):
    __tablename__ = "comments"
    __table_args__ = (CheckConstraint("(problem_id IS NULL) <> (feature_id IS NULL)", name="exactly_one_target"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    problem_id: Mapped[int | None] = mapped_column(ForeignKey("problems.id", ondelete="CASCADE"), nullable=True, index=True)
    feature_id: Mapped[int | None] = mapped_column(ForeignKey("features.id", ondelete="CASCADE"), nullable=True, index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    author: Mapped[str] = mapped_column(String(254), nullable=False, default="")
    body: Mapped[str] = mapped_column(Text, nullable=False)

    @property
    def target(self) -> tuple[str, int]:
        """What the comment is on: ("feature", id) or ("problem", id); the table holds exactly one of the two."""
        if self.feature_id is not None:
            return "feature", self.feature_id
        return "problem", int(self.problem_id or 0)
