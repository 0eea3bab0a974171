"""Managing webhooks (URL, secret shown once, event types), their delivery log, and manual re-send."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import select

from tradeoff.audit import service as audit
from tradeoff.errors import FieldError, InvalidInput, NotFound
from tradeoff.notifications.model import Delivery, DeliveryAttempt, DeliveryStatus, Webhook
from tradeoff.notifications.service import event_type_of, new_delivery_uid
from tradeoff.notifications.urls import Resolver, check_url, resolve
from tradeoff.records import service as records
from tradeoff.storage.base import utcnow
from tradeoff.storage.uow import Actor, UnitOfWork

SECRET_PREFIX = "whsec_"
MAX_WEBHOOKS = 20


def audited_url(url: str) -> str:
    """A receiver's address as the audit log keeps it: scheme and host only. Its path and query often carry a
    credential (a Slack hook's token), and every member can read the audit log."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}" + ("/…" if parts.path.strip("/") or parts.query else "")


def _event_types(values: Iterable[str]) -> list[str]:
    types = sorted({event_type_of(v, field="event_types").value for v in values})
    if not types:
        raise InvalidInput("event_types: choose at least one event type",
                           [FieldError(["body", "event_types"], "empty")])
    return types


def create(*, uow: UnitOfWork, workspace_id: int, actor: Actor, url: str, event_types: Iterable[str],
           description: str = "", allow_private: bool = False, resolver: Resolver = resolve) -> tuple[Webhook, str]:
    """A new webhook and its signing secret (returned here once; the API and web UI never show it again)."""
    url = check_url(url, allow_private=allow_private, resolver=resolver)
    types = _event_types(event_types)
    count = len(list_webhooks(uow=uow, workspace_id=workspace_id))
    if count >= MAX_WEBHOOKS:
        raise InvalidInput(f"this workspace already has {count} webhooks (the most allowed); delete one first")
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    hook = Webhook(workspace_id=workspace_id, url=url, description=description, secret=secret, event_types=types,
                   active=True, created_by=actor.label)
    uow.session.add(hook)
    uow.session.flush()
    audit.record(uow=uow, workspace_id=workspace_id, actor=actor, action="create", record_type="webhook",
                 record_id=hook.id, after={"url": audited_url(url), "event_types": types})  # never the secret
    return hook, secret


def list_webhooks(*, uow: UnitOfWork, workspace_id: int) -> list[Webhook]:
    return list(uow.session.scalars(select(Webhook).where(Webhook.workspace_id == workspace_id).order_by(Webhook.id)))


def get(*, uow: UnitOfWork, workspace_id: int, webhook_id: int) -> Webhook:
    hook = uow.session.scalar(select(Webhook).where(Webhook.workspace_id == workspace_id, Webhook.id == webhook_id))
    if hook is None:
        raise NotFound(f"webhook {webhook_id} not found in this workspace")
    return hook


def update(*, uow: UnitOfWork, workspace_id: int, actor: Actor, webhook_id: int, url: str | None = None,
           event_types: Iterable[str] | None = None, description: str | None = None, active: bool | None = None,
           allow_private: bool = False, resolver: Resolver = resolve, if_match: int | None = None) -> Webhook:
    hook = get(uow=uow, workspace_id=workspace_id, webhook_id=webhook_id)
    records.check_version("webhook", hook, if_match)
    old_url = hook.url
    before: dict[str, object] = {"url": audited_url(hook.url), "event_types": list(hook.event_types),
                                 "active": hook.active}
    if url is not None:
        hook.url = check_url(url, allow_private=allow_private, resolver=resolver)
    if event_types is not None:
        hook.event_types = _event_types(event_types)
    if description is not None:
        hook.description = description
    if active is not None:
        hook.active = active
    uow.session.flush()
    shown = audited_url(hook.url)
    if hook.url != old_url and shown == before["url"]:
        shown += " (changed)"  # the secret part changed: say so without showing it
    after: dict[str, object] = {"url": shown, "event_types": list(hook.event_types), "active": hook.active}
    if after != before:
        audit.record(uow=uow, workspace_id=workspace_id, actor=actor, action="update", record_type="webhook",
                     record_id=hook.id, before=before, after=after)
    return hook


def delete(*, uow: UnitOfWork, workspace_id: int, actor: Actor, webhook_id: int, if_match: int | None = None) -> None:
    hook = get(uow=uow, workspace_id=workspace_id, webhook_id=webhook_id)
    records.check_version("webhook", hook, if_match)
    audit.record(uow=uow, workspace_id=workspace_id, actor=actor, action="delete", record_type="webhook",
                 record_id=hook.id, before={"url": audited_url(hook.url), "event_types": list(hook.event_types)})
    uow.session.delete(hook)
    uow.session.flush()


def deliveries(*, uow: UnitOfWork, workspace_id: int, webhook_id: int, limit: int = 50,
               before_id: int | None = None) -> list[Delivery]:
    get(uow=uow, workspace_id=workspace_id, webhook_id=webhook_id)
    stmt = select(Delivery).where(Delivery.workspace_id == workspace_id, Delivery.webhook_id == webhook_id)
    if before_id is not None:
        stmt = stmt.where(Delivery.id < before_id)
    return list(uow.session.scalars(stmt.order_by(Delivery.id.desc()).limit(limit)))


def delivery(*, uow: UnitOfWork, workspace_id: int, delivery_id: int) -> Delivery:
    d = uow.session.scalar(select(Delivery).where(Delivery.workspace_id == workspace_id, Delivery.id == delivery_id))
    if d is None:
        raise NotFound(f"delivery {delivery_id} not found in this workspace")
    return d


def attempts(*, uow: UnitOfWork, workspace_id: int, delivery_id: int) -> list[DeliveryAttempt]:
    delivery(uow=uow, workspace_id=workspace_id, delivery_id=delivery_id)
    return list(uow.session.scalars(select(DeliveryAttempt).where(
        DeliveryAttempt.workspace_id == workspace_id, DeliveryAttempt.delivery_id == delivery_id,
    ).order_by(DeliveryAttempt.number)))


def attempts_of(*, uow: UnitOfWork, workspace_id: int, delivery_ids: list[int]) -> dict[int, list[DeliveryAttempt]]:
    out: dict[int, list[DeliveryAttempt]] = {i: [] for i in delivery_ids}
    if delivery_ids:
        for a in uow.session.scalars(select(DeliveryAttempt).where(
                DeliveryAttempt.workspace_id == workspace_id, DeliveryAttempt.delivery_id.in_(delivery_ids),
        ).order_by(DeliveryAttempt.delivery_id, DeliveryAttempt.number)):
            out[a.delivery_id].append(a)
    return out


def resend(*, uow: UnitOfWork, workspace_id: int, actor: Actor, delivery_id: int,
           now: datetime | None = None) -> Delivery:
    """Queue the same body again as a new delivery (new X-Tradeoff-Delivery id, same event_id in the body)."""
    old = delivery(uow=uow, workspace_id=workspace_id, delivery_id=delivery_id)
    now = now or utcnow()
    new = Delivery(workspace_id=workspace_id, uid=new_delivery_uid(), webhook_id=old.webhook_id, event_id=old.event_id,
                   event_type=old.event_type, body=old.body, status=DeliveryStatus.pending.value, attempts=0,
                   next_attempt_at=now, created_at=now)
    uow.session.add(new)
    uow.session.flush()
    audit.record(uow=uow, workspace_id=workspace_id, actor=actor, action="resend", record_type="webhook",
                 record_id=old.webhook_id, after={"delivery": new.uid, "resent_from": old.uid})
    return new
