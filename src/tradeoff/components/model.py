"""The component catalogue: services and modules, who owns them, and how indebted they are."""

from __future__ import annotations

import enum

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tradeoff.storage.base import Archivable, Base, Timestamps, Versioned, WorkspaceScoped


class ComponentKind(enum.StrEnum):
    service = "service"
    module = "module"


class Component(Versioned, Archivable, Timestamps, WorkspaceScoped, Base):
    __tablename__ = "components"
    __table_args__ = (UniqueConstraint("workspace_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    kind: Mapped[str] = mapped_column(String(10), nullable=False, default=ComponentKind.service.value)
    # 0 (none) to 5 (severe): how much harder the component makes any change to it
    debt_level: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    owner_team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"), nullable=True,
                                                      index=True)
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")

    @property
    def indebted(self) -> bool:
        return self.debt_level >= 3
