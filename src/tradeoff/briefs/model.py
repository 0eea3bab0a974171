"""Saved versions of briefs: the rendered Markdown and a fingerprint of its content, so a PM can see what changed
since the last brief they sent."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from tradeoff.storage.base import Base, Timestamps, WorkspaceScoped


class BriefVersion(Timestamps, WorkspaceScoped, Base):
    __tablename__ = "briefs"
    __table_args__ = (Index("ix_briefs_ws_audience_scope", "workspace_id", "audience", "scope_key", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    audience: Mapped[str] = mapped_column(String(20), nullable=False)
    # "product:3|release:R1|customer:7" ("all" for the whole roadmap): versions are compared within one scope
    scope_key: Mapped[str] = mapped_column(String(300), nullable=False)
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id", ondelete="SET NULL"), nullable=True)
    release: Mapped[str | None] = mapped_column(String(200), nullable=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id", ondelete="SET NULL"), nullable=True)
    as_of: Mapped[date] = mapped_column(Date, nullable=False)
    markdown: Mapped[str] = mapped_column(Text, nullable=False)
    fingerprint: Mapped[str] = mapped_column(String(64), nullable=False)
    saved_by: Mapped[str] = mapped_column(String(254), nullable=False, default="")
    note: Mapped[str] = mapped_column(String(500), nullable=False, default="")
