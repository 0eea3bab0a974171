"""API shapes for subscriptions, in-app notifications, webhooks and their delivery log."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field, StringConstraints

from tradeoff.notifications.model import EventType
from tradeoff.records.schemas import Input, Output

Url = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
Description = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]


class SubscriptionsIn(Input):
    event_types: list[EventType] = Field(max_length=len(EventType),
                                         description="Every event type you want in-app (and 'digest.weekly' for the "
                                                     "weekly digest); the list replaces your current one.")


class SubscriptionsOut(Output):
    event_types: list[str]
    available: list[str]


class NotificationOut(Output):
    id: int
    event_type: str
    title: str
    body: str
    link: str
    created_at: datetime
    read_at: datetime | None
    unread: bool


class NotificationsOut(Output):
    items: list[NotificationOut]
    unread: int
    next: str | None


class WebhookCreate(Input):
    url: Url
    event_types: list[EventType] = Field(min_length=1, max_length=len(EventType))
    description: Description = ""


class WebhookUpdate(Input):
    url: Url | None = None
    event_types: list[EventType] | None = Field(None, min_length=1, max_length=len(EventType))
    description: Description | None = None
    active: bool | None = None


class WebhookOut(Output):
    id: int
    version: int = Field(description="The webhook's ETag: send it as If-Match to PATCH or DELETE it")
    url: str
    description: str
    event_types: list[str]
    active: bool
    secret_hint: str = Field(description="The first characters of the signing secret, to tell secrets apart.")
    created_by: str
    created_at: datetime


class WebhookCreated(WebhookOut):
    secret: str = Field(description="The signing secret. Shown only this once: store it in the receiver.")


class AttemptOut(Output):
    number: int
    at: datetime
    status_code: int | None
    error: str | None
    duration_ms: int


class DeliveryOut(Output):
    id: int
    uid: str
    webhook_id: int
    event_type: str
    status: str
    attempts: int
    next_attempt_at: datetime | None
    last_status_code: int | None
    last_error: str | None
    created_at: datetime
    finished_at: datetime | None


class DeliveryDetailOut(DeliveryOut):
    body: str
    attempt_log: list[AttemptOut]


class DigestOut(Output):
    period_start: datetime
    period_end: datetime
    text: str
    empty: bool
