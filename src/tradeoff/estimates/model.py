"""A feature's estimate: a range with a confidence, its complexity drivers, the components it touches, who
builds it, what kind of work it is and what it needs first."""

from __future__ import annotations

import enum
from typing import Any

from sqlalchemy import Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tradeoff.storage.base import Base, JSONType, Timestamps, Versioned, WorkspaceScoped


class EffortUnit(enum.StrEnum):
    days = "days"  # person-days
    points = "points"


class WorkCategory(enum.StrEnum):
    feature = "feature"
    tech_debt = "tech_debt"
    platform = "platform"


TECHNICAL = frozenset({WorkCategory.tech_debt.value, WorkCategory.platform.value})  # what allocation rules reserve for


class DriverName(enum.StrEnum):
    new_api = "new_api"
    data_migration = "data_migration"
    refactor = "refactor"
    third_party = "third_party"
    security_review = "security_review"
    unknowns = "unknowns"


class Estimate(Versioned, Timestamps, WorkspaceScoped, Base):
    __tablename__ = "estimates"
    __table_args__ = (UniqueConstraint("feature_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    feature_id: Mapped[int] = mapped_column(ForeignKey("features.id", ondelete="CASCADE"), nullable=False)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"), nullable=True, index=True)
    # work done by other teams: team id (as text) -> its share of the effort (0-1); `team_id` does the rest
    team_shares: Mapped[dict[str, float]] = mapped_column(JSONType, nullable=False, default=dict)
    optimistic: Mapped[float] = mapped_column(Float, nullable=False)
    likely: Mapped[float] = mapped_column(Float, nullable=False)
    pessimistic: Mapped[float] = mapped_column(Float, nullable=False)
    unit: Mapped[str] = mapped_column(String(10), nullable=False, default=EffortUnit.days.value)
    confidence: Mapped[float] = mapped_column(Float, nullable=False, default=0.8)
    drivers: Mapped[list[Any]] = mapped_column(JSONType, nullable=False, default=list)  # [{name, component_id}]
    component_ids: Mapped[list[int]] = mapped_column(JSONType, nullable=False, default=list)
    depends_on: Mapped[list[int]] = mapped_column(JSONType, nullable=False, default=list)  # feature ids
    category: Mapped[str] = mapped_column(String(20), nullable=False, default=WorkCategory.feature.value)
    notes: Mapped[str] = mapped_column(Text, nullable=False, default="")
    estimated_by: Mapped[str] = mapped_column(String(254), nullable=False, default="")

    @property
    def technical(self) -> bool:
        """Tech-debt and platform work: what allocation rules reserve capacity for."""
        return self.category in TECHNICAL
