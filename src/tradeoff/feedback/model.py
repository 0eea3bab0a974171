from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tradeoff.storage.base import Archivable, Base, JSONType, Timestamps, UTCDateTime, Versioned, WorkspaceScoped, utcnow

if TYPE_CHECKING:
    from tradeoff.customers.model import Customer
    from tradeoff.links.model import Link


class Source(enum.StrEnum):
    sales_call = "sales_call"
    support = "support"
    survey = "survey"
    interview = "interview"
    usage = "usage"
    other = "other"


class Feedback(Versioned, Archivable, Timestamps, WorkspaceScoped, Base):
    """Evidence: what a customer said, verbatim, where it came from and who heard it."""

    __tablename__ = "feedback"
    __table_args__ = (
        Index("ix_feedback_ws_reported", "workspace_id", "reported_at"),
        Index("ix_feedback_ws_customer", "workspace_id", "customer_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    text: Mapped[str] = mapped_column(Text, nullable=False)
    source: Mapped[str] = mapped_column(String(20), nullable=False, default=Source.other.value)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id", ondelete="SET NULL"), nullable=True)
    reporter: Mapped[str] = mapped_column(String(254), nullable=False, default="")
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    tags: Mapped[list[str]] = mapped_column(JSONType, nullable=False, default=list)

    customer: Mapped[Customer | None] = relationship(lazy="raise_on_sql")
    links: Mapped[list[Link]] = relationship(back_populates="feedback", lazy="raise_on_sql", passive_deletes=True)
