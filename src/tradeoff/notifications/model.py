"""Events, member subscriptions, in-app notifications, webhooks and their delivery log."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tradeoff.storage.base import Base, JSONType, UTCDateTime, Versioned, WorkspaceScoped, utcnow


class EventType(enum.StrEnum):
    feature_status_changed = "feature.status_changed"
    commitment_at_risk = "commitment.at_risk"
    release_at_risk = "release.at_risk"
    forecast_moved = "forecast.moved"
    feedback_added_to_owned_feature = "feedback.added_to_owned_feature"
    brief_published = "brief.published"
    comment_mentioned = "comment.mentioned"  # in-app to the people mentioned, subscribed or not
    digest_weekly = "digest.weekly"  # a subscription to the weekly digest; never published as an event


PUBLISHED = tuple(e for e in EventType if e is not EventType.digest_weekly)
ADDRESSED = (EventType.comment_mentioned,)  # notify the people named, not subscribers: nothing to subscribe to

TITLES = {
    EventType.feature_status_changed: "Feature status changed",
    EventType.commitment_at_risk: "Commitment at risk",
    EventType.release_at_risk: "Release target at risk",
    EventType.forecast_moved: "Forecast moved",
    EventType.feedback_added_to_owned_feature: "New evidence on your feature",
    EventType.brief_published: "Brief published",
    EventType.comment_mentioned: "You were mentioned in a comment",
    EventType.digest_weekly: "Weekly digest",
}


class Event(WorkspaceScoped, Base):
    """Something that happened, as published: the source of in-app notifications, webhooks and the digest."""

    __tablename__ = "notification_events"
    __table_args__ = (Index("ix_notification_events_ws_created", "workspace_id", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_type: Mapped[str] = mapped_column(String(60), nullable=False)
    subject: Mapped[str] = mapped_column(String(100), nullable=False, default="")  # e.g. "feature:12"
    summary: Mapped[str] = mapped_column(String(500), nullable=False, default="")
    payload: Mapped[dict[str, Any]] = mapped_column(JSONType, nullable=False, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)


class Subscription(WorkspaceScoped, Base):
    """A member wants to hear about one event type: in the app (the bell) and/or in the weekly digest."""

    __tablename__ = "subscriptions"
    __table_args__ = (UniqueConstraint("workspace_id", "user_id", "event_type"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    event_type: Mapped[str] = mapped_column(String(60), nullable=False)
    in_app: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)


class Notification(WorkspaceScoped, Base):
    """One in-app message for one member; unread until they open or dismiss it."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_read", "workspace_id", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("notification_events.id", ondelete="CASCADE"),
                                                 nullable=True, index=True)
    event_type: Mapped[str] = mapped_column(String(60), nullable=False)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False, default="")
    link: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    @property
    def unread(self) -> bool:
        return self.read_at is None

    def mark_read(self, now: datetime) -> None:
        if self.read_at is None:
            self.read_at = now


class DigestRun(WorkspaceScoped, Base):
    """A weekly digest sent (or due) to one member: the last one's `sent_at` decides when the next is due."""

    __tablename__ = "digest_runs"
    __table_args__ = (Index("ix_digest_runs_user", "workspace_id", "user_id", "sent_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    period_start: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    period_end: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False, default="")


class DeliveryStatus(enum.StrEnum):
    pending = "pending"
    delivered = "delivered"
    failed = "failed"  # gave up after the last attempt


class Webhook(Versioned, WorkspaceScoped, Base):
    """An outbound endpoint: events of the chosen types are POSTed to `url`, signed with `secret`."""

    __tablename__ = "webhooks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(String(2000), nullable=False)
    description: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    # HMAC needs the secret itself, so it is stored; it is shown to people only once, at creation
    secret: Mapped[str] = mapped_column(String(100), nullable=False)
    event_types: Mapped[list[str]] = mapped_column(JSONType, nullable=False, default=list)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    created_by: Mapped[str] = mapped_column(String(254), nullable=False, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    @property
    def secret_hint(self) -> str:
        return self.secret[:8] + "…"

    def wants(self, event_type: str) -> bool:
        return self.active and event_type in self.event_types


class Delivery(WorkspaceScoped, Base):
    """One event to one webhook: its frozen body, where it stands, and when the next attempt is due."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uid: Mapped[str] = mapped_column(String(40), nullable=False, unique=True)  # X-Tradeoff-Delivery
    webhook_id: Mapped[int] = mapped_column(ForeignKey("webhooks.id", ondelete="CASCADE"), nullable=False, index=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("notification_events.id", ondelete="SET NULL"), nullable=True)
    event_type: Mapped[str] = mapped_column(String(60), nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    status: Mapped[str] = mapped_column(String(12), nullable=False, default=DeliveryStatus.pending.value)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_status_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    last_error: Mapped[str | None] = mapped_column(String(500), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class DeliveryAttempt(WorkspaceScoped, Base):
    """Every try, kept: when, how long, the receiver's status code or the network error."""

    __tablename__ = "webhook_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    delivery_id: Mapped[int] = mapped_column(ForeignKey("webhook_deliveries.id", ondelete="CASCADE"), nullable=False,
                                             index=True)
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    status_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    error: Mapped[str | None] = mapped_column(String(500), nullable=True)
    duration_ms: Mapped[int] = mapped_column(Integer, nullable=False, default=0)

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300
