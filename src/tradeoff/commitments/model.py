"""Commitments: a feature promised to a customer by a date; the chance of keeping it; threshold crossings."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tradeoff.storage.base import (
    Archivable,
    Base,
    Timestamps,
    UTCDateTime,
    Versioned,
    WorkspaceScoped,
    utcnow,
)

DEFAULT_RISK_THRESHOLD = 0.7


class Commitment(Versioned, Archivable, Timestamps, WorkspaceScoped, Base):
    __tablename__ = "commitments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    feature_id: Mapped[int] = mapped_column(ForeignKey("features.id", ondelete="CASCADE"), nullable=False, index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), nullable=False,
                                             index=True)
    due: Mapped[date] = mapped_column(Date, nullable=False)
    promised_by: Mapped[str] = mapped_column(String(254), nullable=False, default="")
    note: Mapped[str] = mapped_column(Text, nullable=False, default="")
    # the last forecast's chance (0-1) of the feature being done by `due`; None: not forecast (reason says why)
    probability: Mapped[float | None] = mapped_column(Float, nullable=True)
    forecast_reason: Mapped[str] = mapped_column(Text, nullable=False, default="")
    forecast_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # the first day the last forecast gives the workspace threshold's chance: the date that could be promised
    kept_by: Mapped[date | None] = mapped_column(Date, nullable=True)

    def at_risk(self, threshold: float) -> bool:
        """Below the workspace's threshold, or not forecastable at all (nobody can vouch for it)."""
        return self.probability is None or self.probability < threshold


class CommitmentEvent(WorkspaceScoped, Base):
    """A commitment's probability crossed the workspace threshold (down: at risk; up: safe again)."""

    __tablename__ = "commitment_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitments.id", ondelete="CASCADE"), nullable=False,
                                               index=True)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)  # "at_risk" | "back_on_track"
    probability_before: Mapped[float | None] = mapped_column(Float, nullable=True)
    probability_after: Mapped[float | None] = mapped_column(Float, nullable=True)
    threshold: Mapped[float] = mapped_column(Float, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)


class DeliverySettings(Timestamps, WorkspaceScoped, Base):
    """Per-workspace delivery settings (one row per workspace, created on first change)."""

    __tablename__ = "delivery_settings"
    __table_args__ = (UniqueConstraint("workspace_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    risk_threshold: Mapped[float] = mapped_column(Float, nullable=False, default=DEFAULT_RISK_THRESHOLD)
