"""Objectives with measurable key results, linked to the problems and features that serve them."""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Any

from sqlalchemy import Column, ForeignKey, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tradeoff.storage.base import Archivable, Base, JSONType, Timestamps, Versioned, WorkspaceScoped

if TYPE_CHECKING:
    from tradeoff.features.model import Feature
    from tradeoff.problems.model import Problem


class Stage(enum.StrEnum):
    """A product's business stage; it sets the default weights of weighted scoring."""

    growth = "growth"
    retention = "retention"
    profitability = "profitability"


objective_problems = Table(
    "objective_problems",
    Base.metadata,
    Column("objective_id", ForeignKey("objectives.id", ondelete="CASCADE"), primary_key=True),
    Column("problem_id", ForeignKey("problems.id", ondelete="CASCADE"), primary_key=True, index=True),
)

objective_features = Table(
    "objective_features",
    Base.metadata,
    Column("objective_id", ForeignKey("objectives.id", ondelete="CASCADE"), primary_key=True),
    Column("feature_id", ForeignKey("features.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Objective(Versioned, Archivable, Timestamps, WorkspaceScoped, Base):
    """An objective of a product; `key_results` are dicts {metric, baseline, target, current, unit, due}."""

    __tablename__ = "objectives"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id", ondelete="SET NULL"), nullable=True,
                                                   index=True)
    key_results: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, nullable=False, default=list)

    problems: Mapped[list[Problem]] = relationship(secondary=objective_problems, lazy="raise_on_sql",
                                                   order_by="Problem.id")
    features: Mapped[list[Feature]] = relationship(secondary=objective_features, lazy="raise_on_sql",
                                                   order_by="Feature.id")

    @property
    def problem_ids(self) -> list[int]:
        return [p.id for p in self.problems]

    @property
    def feature_ids(self) -> list[int]:
        return [f.id for f in self.features]

    @staticmethod
    def progress(kr: dict[str, Any]) -> float | None:
        """Share of the way from baseline to target (0–1, may exceed 1); None without a current value."""
        current, baseline, target = kr.get("current"), kr.get("baseline"), kr.get("target")
        if current is None or baseline is None or target is None or target == baseline:
            return None
        return float((current - baseline) / (target - baseline))
