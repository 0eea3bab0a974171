"""The decision log: context, options weighed, the choice, who is disappointed and why, and what it touches."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import Column, Date, ForeignKey, Index, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tradeoff.storage.base import Archivable, Base, JSONType, Timestamps, Versioned, WorkspaceScoped

if TYPE_CHECKING:
    from tradeoff.features.model import Feature
    from tradeoff.feedback.model import Feedback
    from tradeoff.problems.model import Problem


def _link_table(name: str, target: str, column: str) -> Table:
    return Table(
        name,
        Base.metadata,
        Column("decision_id", ForeignKey("decisions.id", ondelete="CASCADE"), primary_key=True),
        Column(column, ForeignKey(f"{target}.id", ondelete="CASCADE"), primary_key=True, index=True),
    )


decision_problems = _link_table("decision_problems", "problems", "problem_id")
decision_features = _link_table("decision_features", "features", "feature_id")
decision_feedback = _link_table("decision_feedback", "feedback", "feedback_id")


class Decision(Versioned, Archivable, Timestamps, WorkspaceScoped, Base):
    """`options`: [{name, pros: [..], cons: [..], cost, value}]; `disappointed`: [{who, why}]."""

    __tablename__ = "decisions"
    __table_args__ = (Index("ix_decisions_ws_decided", "workspace_id", "decided_on", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    context: Mapped[str] = mapped_column(Text, nullable=False, default="")
    options: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, nullable=False, default=list)
    choice: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    rationale: Mapped[str] = mapped_column(Text, nullable=False, default="")
    disappointed: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, nullable=False, default=list)
    decided_by: Mapped[str] = mapped_column(String(254), nullable=False, default="")
    decided_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id", ondelete="SET NULL"), nullable=True,
                                                   index=True)

    problems: Mapped[list[Problem]] = relationship(secondary=decision_problems, lazy="raise_on_sql",
                                                   order_by="Problem.id")
    features: Mapped[list[Feature]] = relationship(secondary=decision_features, lazy="raise_on_sql",
                                                   order_by="Feature.id")
    feedback: Mapped[list[Feedback]] = relationship(secondary=decision_feedback, lazy="raise_on_sql",
                                                    order_by="Feedback.id")

    @property
    def problem_ids(self) -> list[int]:
        return [p.id for p in self.problems]

    @property
    def feature_ids(self) -> list[int]:
        return [f.id for f in self.features]

    @property
    def feedback_ids(self) -> list[int]:
        return [f.id for f in self.feedback]

    @property
    def chosen_option(self) -> dict[str, Any] | None:
        return next((o for o in self.options if o.get("name") == self.choice), None)
