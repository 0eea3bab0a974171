"""Work history: finished and open work items imported from a tracker (CSV today, sync later)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tradeoff.storage.base import Base, Timestamps, UTCDateTime, WorkspaceScoped


class WorkItem(Timestamps, WorkspaceScoped, Base):
    __tablename__ = "work_items"
    __table_args__ = (
        UniqueConstraint("workspace_id", "key"),
        Index("ix_work_items_ws_resolved", "workspace_id", "resolved_at"),
        Index("ix_work_items_ws_updated", "workspace_id", "updated_at"),  # the work history's fingerprint
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(100), nullable=False)  # the tracker's key, e.g. HADOOP-1234
    title: Mapped[str] = mapped_column(String(500), nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    type: Mapped[str] = mapped_column(String(50), nullable=False, default="")
    status: Mapped[str] = mapped_column(String(50), nullable=False, default="")
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)  # "created" in the tracker
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    points: Mapped[float | None] = mapped_column(Float, nullable=True)
    feature_id: Mapped[int | None] = mapped_column(ForeignKey("features.id", ondelete="SET NULL"), nullable=True,
                                                   index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"), nullable=True, index=True)
    # how it came: "csv" (a file naming no tracker), "csv:jira", "csv:azure-devops", "csv:github", "demo"; keys are
    # unique only within one tracker, so an import does not overwrite another tracker's item (workitems.trackers)
    source: Mapped[str] = mapped_column(String(20), nullable=False, default="csv")

    @property
    def done(self) -> bool:
        return self.resolved_at is not None

    @property
    def cancelled(self) -> bool:
        """Closed without being done: its status, or the reason kept beside it ('Done (Won't Do)'), says so."""
        return self.cancelled_status(self.status)

    @staticmethod
    def cancelled_status(status: str) -> bool:
        """Whether an item of this status was closed without being done (`cancelled`), for rows read as columns."""
        from tradeoff.workitems.trackers import CANCELLED, words

        reason = status.rpartition("(")[2].removesuffix(")") if status.endswith(")") else ""
        return words(status) in CANCELLED or words(reason) in CANCELLED

    @property
    def cycle_days(self) -> float | None:
        """Days from start (or creation) to resolution; None while open."""
        begin = self.started_at or self.opened_at
        if self.resolved_at is None or begin is None:
            return None
        return max(0.0, (self.resolved_at - begin).total_seconds() / 86400.0)
