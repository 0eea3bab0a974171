"""A blocker or risk an engineer or PM records: what it is, the component, the extra effort it adds (a range in
person-days) and the features it holds up."""

from __future__ import annotations

import enum

from sqlalchemy import CheckConstraint, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from tradeoff.storage.base import Archivable, Base, JSONType, Timestamps, Versioned, WorkspaceScoped


class BlockerKind(enum.StrEnum):
    blocker = "blocker"  # work that must happen first
    risk = "risk"  # may happen; its effort is what it would cost if it does


class Blocker(Versioned, Archivable, Timestamps, WorkspaceScoped, Base):
    __tablename__ = "blockers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    kind: Mapped[str] = mapped_column(String(10), nullable=False, default=BlockerKind.blocker.value)
    component_id: Mapped[int | None] = mapped_column(ForeignKey("components.id", ondelete="SET NULL"), nullable=True,
                                                     index=True)
    # extra effort in person-days, as a range
    extra_optimistic: Mapped[float] = mapped_column(Float, nullable=False)
    extra_likely: Mapped[float] = mapped_column(Float, nullable=False)
    extra_pessimistic: Mapped[float] = mapped_column(Float, nullable=False)
    feature_ids: Mapped[list[int]] = mapped_column(JSONType, nullable=False, default=list)
    # the chance the work is needed: 1 for a blocker (it must be done); a risk's chance of happening
    likelihood: Mapped[float] = mapped_column(Float, nullable=False, default=1.0)
    recorded_by: Mapped[str] = mapped_column(String(254), nullable=False, default="")

    __table_args__ = (CheckConstraint("likelihood > 0 AND likelihood <= 1", name="likelihood_in_range"),)

    @property
    def extra(self) -> tuple[float, float, float]:
        return (self.extra_optimistic, self.extra_likely, self.extra_pessimistic)
