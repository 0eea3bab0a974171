"""Scoring inputs per feature, a workspace's custom formulas and its scoring settings."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tradeoff.storage.base import Base, JSONType, Timestamps, WorkspaceScoped


class ScoringInput(Timestamps, WorkspaceScoped, Base):
    """The numbers a PM entered for one feature: field -> number, or [low, likely, high] when uncertain."""

    __tablename__ = "scoring_inputs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    feature_id: Mapped[int] = mapped_column(ForeignKey("features.id", ondelete="CASCADE"), nullable=False,
                                            unique=True)
    values: Mapped[dict[str, Any]] = mapped_column(JSONType, nullable=False, default=dict)


class ScoringFormula(Timestamps, WorkspaceScoped, Base):
    """A team's own scoring formula, in the safe expression language of `tradeoff.core.formula`."""

    __tablename__ = "scoring_formulas"
    __table_args__ = (UniqueConstraint("workspace_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(60), nullable=False)
    text: Mapped[str] = mapped_column(Text, nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")


class ScoringSettings(Timestamps, WorkspaceScoped, Base):
    """A workspace's default framework (a built-in one or a custom formula's name)."""

    __tablename__ = "scoring_settings"
    __table_args__ = (UniqueConstraint("workspace_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    default_framework: Mapped[str] = mapped_column(String(60), nullable=False, default="rice")
