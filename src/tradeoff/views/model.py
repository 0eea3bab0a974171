from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from tradeoff.storage.base import Base, JSONType, Timestamps, WorkspaceScoped


class SavedView(Timestamps, WorkspaceScoped, Base):
    """A list's search, filters, sort and archived switch under a name. A personal view is seen by its owner only;
    a shared one by every member of the workspace."""

    __tablename__ = "saved_views"
    __table_args__ = (Index("ix_saved_views_list", "workspace_id", "collection"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    collection: Mapped[str] = mapped_column(String(40), nullable=False)
    name: Mapped[str] = mapped_column(String(80), nullable=False)
    query: Mapped[dict[str, Any]] = mapped_column(JSONType, nullable=False, default=dict)
    shared: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=True)
    owner: Mapped[str] = mapped_column(String(254), nullable=False, default="")
