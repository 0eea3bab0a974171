"""Publishing events, and what members see of them: subscriptions and in-app notifications.

Other domains call `publish(uow, workspace_id, event_type, payload, subject=...)` inside their own unit of work:
the event, the in-app notifications of its subscribers and the pending webhook deliveries are written in the same
transaction as the change itself, so a rolled-back change notifies nobody. Delivery happens later, in the
background worker or `tradeoff webhooks deliver`.
"""

from __future__ import annotations

import json
import uuid
from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update

from tradeoff.accounts.model import Membership, User, Workspace
from tradeoff.errors import FieldError, InvalidInput, NotFound
from tradeoff.notifications.model import (
    PUBLISHED,
    TITLES,
    Delivery,
    DeliveryStatus,
    Event,
    EventType,
    Notification,
    Subscription,
    Webhook,
)
from tradeoff.storage.base import utcnow
from tradeoff.storage.uow import UnitOfWork

MAX_PAYLOAD_BYTES = 64 * 1024  # a webhook body bigger than this is refused, not truncated


def event_type_of(value: str | EventType, *, field: str = "event_type", published_only: bool = True) -> EventType:
    try:
        et = EventType(value)
    except ValueError:
        et = None
    if et is None or (published_only and et not in PUBLISHED):
        names = ", ".join(e.value for e in (PUBLISHED if published_only else EventType))
        raise InvalidInput(f"{field}: unknown event type '{value}'; choose one of {names}",
                           [FieldError(["body", field], "unknown event type", str(value))])
    return et


def webhook_body(*, event: Event, workspace_slug: str) -> str:
    """The JSON a receiver gets: the event, where it happened, and its data. Compact and key-sorted."""
    return json.dumps({
        "event": event.event_type,
        "event_id": event.id,
        "created_at": event.created_at.isoformat(),
        "workspace": workspace_slug,
        "subject": event.subject,
        "summary": event.summary,
        "data": event.payload,
    }, separators=(",", ":"), sort_keys=True, ensure_ascii=False, default=str)


def publish(
    uow: UnitOfWork, workspace_id: int, event_type: str | EventType, payload: Mapping[str, Any], *,
    subject: str = "", summary: str = "", link: str = "", only_users: Collection[int] | None = None,
    addressed_to: Collection[int] | None = None, responsible: Collection[int] = (), now: datetime | None = None,
    by: int | None = None,
) -> Event:
    """Record an event and fan it out: an in-app notification to each member subscribed to `event_type`
    (narrowed to `only_users` when given, e.g. a feature's owner), and a pending delivery to each active webhook
    that wants it. `payload` must be JSON-serialisable; the webhook body may be at most 64 KiB.
    `subject` names the record ("feature:12", "commitment:3"); `link` is a web path for the notification.
    `addressed_to` (a mention) notifies those members in-app whether or not they subscribed, and no one else;
    `responsible` (who made a promise, who owns the feature) are notified besides the subscribers. `by`: the member
    whose action raised the event; nobody is notified in-app of what they did themselves (webhooks still get it)."""
    et = event_type_of(event_type)
    try:
        data = json.loads(json.dumps(dict(payload), default=str))
    except (TypeError, ValueError) as exc:
        raise InvalidInput(f"payload of {et.value} is not JSON-serialisable: {exc}") from exc
    ws = uow.session.get(Workspace, workspace_id)
    if ws is None:
        raise NotFound(f"workspace {workspace_id} not found")
    event = Event(workspace_id=workspace_id, event_type=et.value, subject=subject[:100], summary=summary[:500],
                  payload=data, created_at=now or utcnow())
    uow.session.add(event)
    uow.session.flush()
    body = webhook_body(event=event, workspace_slug=ws.slug)
    size = len(body.encode("utf-8"))
    if size > MAX_PAYLOAD_BYTES:
        raise InvalidInput(f"the {et.value} webhook payload is {size} bytes, over the {MAX_PAYLOAD_BYTES}-byte limit; "
                           "send less data (link to the record instead of embedding it)",
                           [FieldError(["payload"], "too large", size)])
    if addressed_to is not None:  # a mention: the members named, subscribed or not
        stmt = select(Membership.user_id).where(Membership.workspace_id == workspace_id,
                                                Membership.user_id.in_(list(addressed_to) or [-1]))
    else:
        stmt = (select(Subscription.user_id)
                .join(Membership, (Membership.user_id == Subscription.user_id)
                      & (Membership.workspace_id == Subscription.workspace_id))
                .where(Subscription.workspace_id == workspace_id, Subscription.event_type == et.value,
                       Subscription.in_app.is_(True)))
        if only_users is not None:
            stmt = stmt.where(Subscription.user_id.in_(list(only_users) or [-1]))
    title = TITLES[et] if not summary else summary[:200]
    recipients = set(uow.session.scalars(stmt))
    if responsible:
        recipients |= set(uow.session.scalars(select(Membership.user_id).where(
            Membership.workspace_id == workspace_id, Membership.user_id.in_(list(responsible)))))
    recipients.discard(by)
    for uid in sorted(recipients):
        uow.session.add(Notification(workspace_id=workspace_id, user_id=uid, event_id=event.id, event_type=et.value,
                                     title=title, body=summary, link=link[:300], created_at=event.created_at))
    hooks = uow.session.scalars(select(Webhook).where(Webhook.workspace_id == workspace_id, Webhook.active.is_(True))
                                .order_by(Webhook.id))
    for hook in hooks:
        if hook.wants(et.value):
            uow.session.add(Delivery(workspace_id=workspace_id, uid=new_delivery_uid(), webhook_id=hook.id,
                                     event_id=event.id, event_type=et.value, body=body,
                                     status=DeliveryStatus.pending.value, attempts=0,
                                     next_attempt_at=event.created_at, created_at=event.created_at))
    uow.session.flush()
    return event


def new_delivery_uid() -> str:
    return uuid.uuid4().hex


def user_ids_by_email(uow: UnitOfWork, workspace_id: int, emails: Iterable[str]) -> list[int]:
    """Members of the workspace with these emails (case-insensitive); people who are not members are skipped."""
    wanted = {e.strip().lower() for e in emails if e and e.strip()}
    if not wanted:
        return []
    return list(uow.session.scalars(
        select(User.id).join(Membership, Membership.user_id == User.id)
        .where(Membership.workspace_id == workspace_id, func.lower(User.email).in_(wanted))
    ))


def member_ids_by_handle(uow: UnitOfWork, workspace_id: int, handles: Iterable[str]) -> list[int]:
    """Members named by @handles: a whole email, or the part of it before the @ (case-insensitive)."""
    wanted = {h.strip().lower() for h in handles if h and h.strip()}
    if not wanted:
        return []
    rows = uow.session.execute(select(User.id, User.email).join(Membership, Membership.user_id == User.id)
                               .where(Membership.workspace_id == workspace_id))
    return sorted({uid for uid, email in rows
                   if email.lower() in wanted or email.lower().split("@", 1)[0] in wanted})


@dataclass(frozen=True)
class Mentionable:
    handle: str  # what to write after @: the part of the email before the @, or the whole email when shared
    name: str
    email: str
    user_id: int

    @property
    def named_by(self) -> set[str]:
        """Every @handle that notifies this member (what `member_ids_by_handle` resolves)."""
        return {self.email, self.email.split("@", 1)[0]}


def mentionable(uow: UnitOfWork, workspace_id: int) -> list[Mentionable]:
    """The workspace's members as a comment can name them, by name: the short handle (before the @) where no other
    member has it, else the whole email (a shared short handle would notify all who have it)."""
    rows = list(uow.session.execute(select(User.email, User.name, User.id).join(Membership, Membership.user_id == User.id)
                                    .where(Membership.workspace_id == workspace_id)))
    short = Counter(email.lower().split("@", 1)[0] for email, _, _ in rows)
    people = []
    for email, name, user_id in rows:
        local = email.lower().split("@", 1)[0]
        people.append(Mentionable(local if short[local] == 1 else email.lower(), name or email, email.lower(), user_id))
    return sorted(people, key=lambda p: (p.name.lower(), p.handle))


# --- subscriptions -------------------------------------------------------------------------------------------

def subscriptions(*, uow: UnitOfWork, workspace_id: int, user_id: int) -> list[Subscription]:
    return list(uow.session.scalars(select(Subscription).where(
        Subscription.workspace_id == workspace_id, Subscription.user_id == user_id).order_by(Subscription.event_type)))


def set_subscriptions(*, uow: UnitOfWork, workspace_id: int, user_id: int, event_types: Iterable[str]) -> list[Subscription]:
    """Replace a member's subscriptions with `event_types` (published types plus 'digest.weekly')."""
    wanted = {event_type_of(t, field="event_types", published_only=False).value for t in event_types}
    current = {s.event_type: s for s in subscriptions(uow=uow, workspace_id=workspace_id, user_id=user_id)}
    for name, sub in current.items():
        if name not in wanted:
            uow.session.delete(sub)
    for name in sorted(wanted - set(current)):
        uow.session.add(Subscription(workspace_id=workspace_id, user_id=user_id, event_type=name, in_app=True))
    uow.session.flush()
    return subscriptions(uow=uow, workspace_id=workspace_id, user_id=user_id)


def subscribe(*, uow: UnitOfWork, workspace_id: int, user_id: int, event_type: str) -> Subscription:
    name = event_type_of(event_type, published_only=False).value
    sub = uow.session.scalar(select(Subscription).where(
        Subscription.workspace_id == workspace_id, Subscription.user_id == user_id, Subscription.event_type == name))
    if sub is None:
        sub = Subscription(workspace_id=workspace_id, user_id=user_id, event_type=name, in_app=True)
        uow.session.add(sub)
        uow.session.flush()
    return sub


# --- in-app notifications ------------------------------------------------------------------------------------

def notifications(*, uow: UnitOfWork, workspace_id: int, user_id: int, unread_only: bool = False,
                  before_id: int | None = None, limit: int = 50) -> list[Notification]:
    stmt = select(Notification).where(Notification.workspace_id == workspace_id, Notification.user_id == user_id)
    if unread_only:
        stmt = stmt.where(Notification.read_at.is_(None))
    if before_id is not None:
        stmt = stmt.where(Notification.id < before_id)
    return list(uow.session.scalars(stmt.order_by(Notification.id.desc()).limit(limit)))


def unread_count(*, uow: UnitOfWork, workspace_id: int, user_id: int) -> int:
    return int(uow.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.workspace_id == workspace_id, Notification.user_id == user_id,
        Notification.read_at.is_(None))) or 0)


def mark_read(*, uow: UnitOfWork, workspace_id: int, user_id: int, notification_id: int) -> Notification:
    n = uow.session.scalar(select(Notification).where(
        Notification.id == notification_id, Notification.workspace_id == workspace_id, Notification.user_id == user_id))
    if n is None:
        raise NotFound(f"notification {notification_id} not found")
    n.mark_read(utcnow())
    uow.session.flush()
    return n


def mark_all_read(*, uow: UnitOfWork, workspace_id: int, user_id: int) -> int:
    result = uow.session.execute(update(Notification).where(
        Notification.workspace_id == workspace_id, Notification.user_id == user_id, Notification.read_at.is_(None),
    ).values(read_at=utcnow()))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
