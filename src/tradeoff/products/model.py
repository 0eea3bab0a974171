from __future__ import annotations

from typing import Any

from sqlalchemy import Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tradeoff.storage.base import Archivable, Base, JSONType, Timestamps, Versioned, WorkspaceScoped


class Product(Versioned, Archivable, Timestamps, WorkspaceScoped, Base):
    __tablename__ = "products"
    __table_args__ = (UniqueConstraint("workspace_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    # business stage (growth | retention | profitability) and the team's override of its default weights
    stage: Mapped[str | None] = mapped_column(String(20), nullable=True)
    criteria_weights: Mapped[dict[str, Any] | None] = mapped_column(JSONType, nullable=True)
