from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, Column, ForeignKey, Index, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tradeoff.storage.base import (
    Archivable,
    Base,
    JSONType,
    Timestamps,
    UTCDateTime,
    Versioned,
    WorkspaceScoped,
)

if TYPE_CHECKING:
    from tradeoff.problems.model import Problem


class FeatureStatus(enum.StrEnum):
    idea = "idea"
    discovery = "discovery"
    planned = "planned"
    in_progress = "in_progress"
    shipped = "shipped"
    wont_do = "wont_do"


feature_problems = Table(
    "feature_problems",
    Base.metadata,
    Column("feature_id", ForeignKey("features.id", ondelete="CASCADE"), primary_key=True),
    Column("problem_id", ForeignKey("problems.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Feature(Versioned, Archivable, Timestamps, WorkspaceScoped, Base):
    __tablename__ = "features"
    __table_args__ = (
        Index("ix_features_ws_status", "workspace_id", "status"),
        Index("ix_features_ws_created", "workspace_id", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    status: Mapped[str] = mapped_column(String(20), nullable=False, default=FeatureStatus.idea.value)
    persona: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    user_flow: Mapped[list[str]] = mapped_column(JSONType, nullable=False, default=list)
    acceptance_criteria: Mapped[list[str]] = mapped_column(JSONType, nullable=False, default=list)
    owner: Mapped[str] = mapped_column(String(254), nullable=False, default="")
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id", ondelete="SET NULL"), nullable=True, index=True)
    # the public roadmap: only features marked public appear there, in customer-facing words when given
    public: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    public_title: Mapped[str | None] = mapped_column(String(300), nullable=True)
    public_description: Mapped[str | None] = mapped_column(Text, nullable=True)
    shipped_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)  # when status last became shipped

    problems: Mapped[list[Problem]] = relationship(secondary=feature_problems, lazy="raise_on_sql", order_by="Problem.id")

    # Not stored: features.service.update sets it when a status change invites a decision record (FeatureOut
    # shows it). A plain annotation would make the ORM try to map it, so only the type checker sees one.
    if TYPE_CHECKING:
        decision_prompt: str | None
    else:
        decision_prompt = None

    @property
    def problem_ids(self) -> list[int]:
        return [p.id for p in self.problems]
