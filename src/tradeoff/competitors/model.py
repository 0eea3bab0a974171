"""Competitors and what they offer against our features (have / planned / gap)."""

from __future__ import annotations

import enum

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tradeoff.storage.base import Archivable, Base, Timestamps, Versioned, WorkspaceScoped


class CapabilityStatus(enum.StrEnum):
    have = "have"  # the competitor offers it
    planned = "planned"  # the competitor has announced it
    gap = "gap"  # the competitor does not offer it


class Competitor(Versioned, Archivable, Timestamps, WorkspaceScoped, Base):
    __tablename__ = "competitors"
    __table_args__ = (UniqueConstraint("workspace_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    website: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    notes: Mapped[str] = mapped_column(Text, nullable=False, default="")


class Capability(Timestamps, WorkspaceScoped, Base):
    __tablename__ = "competitor_capabilities"
    __table_args__ = (UniqueConstraint("competitor_id", "feature_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    competitor_id: Mapped[int] = mapped_column(ForeignKey("competitors.id", ondelete="CASCADE"), nullable=False)
    feature_id: Mapped[int] = mapped_column(ForeignKey("features.id", ondelete="CASCADE"), nullable=False,
                                            index=True)
    status: Mapped[str] = mapped_column(String(10), nullable=False)
    note: Mapped[str] = mapped_column(Text, nullable=False, default="")
