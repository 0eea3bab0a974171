"""Share links to a product's public roadmap, and the feedback customers send through them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from tradeoff.storage.base import Base, UTCDateTime, WorkspaceScoped, utcnow


class Share(WorkspaceScoped, Base):
    """A public, no-login link to one product's roadmap and changelog. The token is 43 random URL-safe
    characters (256 bits): the link itself is the only way in, and revoking it makes every page 404."""

    __tablename__ = "shares"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), nullable=False, index=True)
    token: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    label: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    created_by: Mapped[str] = mapped_column(String(254), nullable=False, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    @property
    def path(self) -> str:
        return f"/p/{self.token}"

    def revoke(self) -> None:
        if self.revoked_at is None:
            self.revoked_at = utcnow()


class PublicSubmission(WorkspaceScoped, Base):
    """Who sent a piece of feedback or an upvote from a public page (the feedback itself is in the inbox)."""

    __tablename__ = "public_submissions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    share_id: Mapped[int] = mapped_column(ForeignKey("shares.id", ondelete="CASCADE"), nullable=False, index=True)
    feedback_id: Mapped[int] = mapped_column(ForeignKey("feedback.id", ondelete="CASCADE"), nullable=False, index=True)
    feature_id: Mapped[int | None] = mapped_column(ForeignKey("features.id", ondelete="SET NULL"), nullable=True)
    kind: Mapped[str] = mapped_column(String(10), nullable=False)  # "feedback" | "upvote"
    name: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    email: Mapped[str] = mapped_column(String(254), nullable=False)
    company: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
