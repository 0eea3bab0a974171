"""Notifications routes: subscriptions, in-app notifications, webhooks, delivery log, re-send, digest preview."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from tradeoff.api.deps import BeforeId, CurrentMember, IfMatch, Uow, etag, next_cursor
from tradeoff.api.responses.records import MarkedRead
from tradeoff.notifications import digest as digest_service
from tradeoff.notifications import service as notifications
from tradeoff.notifications import webhooks
from tradeoff.notifications.model import EventType
from tradeoff.notifications.schemas import (
    AttemptOut,
    DeliveryDetailOut,
    DeliveryOut,
    DigestOut,
    NotificationOut,
    NotificationsOut,
    SubscriptionsIn,
    SubscriptionsOut,
    WebhookCreate,
    WebhookCreated,
    WebhookOut,
    WebhookUpdate,
)
from tradeoff.storage.base import utcnow

router = APIRouter(tags=["notifications"])
W = "/workspaces/{workspace}"


def _allow_private(request: Request) -> bool:
    return bool(request.app.state.container.settings.webhook_allow_private)


@router.get(f"{W}/subscriptions", operation_id="getSubscriptions", response_model=SubscriptionsOut,
            summary="The event types you are subscribed to")
def get_subscriptions(member: CurrentMember, uow: Uow) -> Any:
    subs = notifications.subscriptions(uow=uow, workspace_id=member.workspace_id, user_id=member.user_id)
    return SubscriptionsOut(event_types=[s.event_type for s in subs], available=[e.value for e in EventType])


@router.put(f"{W}/subscriptions", operation_id="setSubscriptions", response_model=SubscriptionsOut,
            summary="Replace your subscriptions")
def set_subscriptions(member: CurrentMember, uow: Uow, body: SubscriptionsIn) -> Any:
    subs = notifications.set_subscriptions(uow=uow, workspace_id=member.workspace_id, user_id=member.user_id,
                                           event_types=[e.value for e in body.event_types])
    return SubscriptionsOut(event_types=[s.event_type for s in subs], available=[e.value for e in EventType])


@router.get(f"{W}/notifications", operation_id="listNotifications", response_model=NotificationsOut,
            summary="Your in-app notifications, newest first, with the unread count")
def list_notifications(
    member: CurrentMember, uow: Uow, before: BeforeId, unread: bool = False,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Any:
    items = notifications.notifications(uow=uow, workspace_id=member.workspace_id, user_id=member.user_id,
                                        unread_only=unread, before_id=before, limit=limit)
    count = notifications.unread_count(uow=uow, workspace_id=member.workspace_id, user_id=member.user_id)
    return NotificationsOut(items=[NotificationOut.model_validate(n) for n in items], unread=count,
                            next=next_cursor(items, limit))


@router.post(f"{W}/notifications/{{notification_id}}/read", operation_id="markNotificationRead",
             response_model=NotificationOut, summary="Mark one notification read")
def mark_read(member: CurrentMember, uow: Uow, notification_id: int) -> Any:
    return notifications.mark_read(uow=uow, workspace_id=member.workspace_id, user_id=member.user_id,
                                   notification_id=notification_id)


@router.post(f"{W}/notifications/read-all", operation_id="markAllNotificationsRead", response_model=MarkedRead,
             response_model_exclude_unset=True,
             summary="Mark all your notifications read")
def mark_all_read(member: CurrentMember, uow: Uow) -> Any:
    return {"marked": notifications.mark_all_read(uow=uow, workspace_id=member.workspace_id, user_id=member.user_id)}


@router.get(f"{W}/digest", operation_id="previewDigest", response_model=DigestOut,
            summary="Your weekly digest as it would be sent now (nothing is sent)")
def preview_digest(member: CurrentMember, uow: Uow) -> Any:
    d = digest_service.build_digest(uow=uow, workspace_id=member.workspace_id, user_id=member.user_id, now=utcnow())
    return DigestOut(period_start=d.period_start, period_end=d.period_end, text=d.render(), empty=d.empty)


@router.get(f"{W}/webhooks", operation_id="listWebhooks", response_model=list[WebhookOut])
def list_webhooks(member: CurrentMember, uow: Uow) -> Any:
    member.require("edit")
    return webhooks.list_webhooks(uow=uow, workspace_id=member.workspace_id)


@router.post(f"{W}/webhooks", operation_id="createWebhook", response_model=WebhookCreated, status_code=201,
             summary="Add a webhook; its signing secret is in this response only")
def create_webhook(member: CurrentMember, uow: Uow, body: WebhookCreate, request: Request, response: Response) -> Any:
    member.require("edit")
    hook, secret = webhooks.create(uow=uow, workspace_id=member.workspace_id, actor=member.actor("api"),
                                   url=body.url, event_types=[e.value for e in body.event_types],
                                   description=body.description, allow_private=_allow_private(request))
    response.headers["ETag"] = etag(hook.version)
    return WebhookCreated(**WebhookOut.model_validate(hook).model_dump(), secret=secret)


@router.get(f"{W}/webhooks/{{webhook_id}}", operation_id="getWebhook", response_model=WebhookOut)
def get_webhook(member: CurrentMember, uow: Uow, webhook_id: int, response: Response) -> Any:
    member.require("edit")
    hook = webhooks.get(uow=uow, workspace_id=member.workspace_id, webhook_id=webhook_id)
    response.headers["ETag"] = etag(hook.version)
    return hook


@router.patch(f"{W}/webhooks/{{webhook_id}}", operation_id="updateWebhook", response_model=WebhookOut)
def update_webhook(member: CurrentMember, uow: Uow, webhook_id: int, body: WebhookUpdate, request: Request,
                   version: IfMatch, response: Response) -> Any:
    member.require("edit")
    values = body.model_dump(exclude_unset=True)
    if values.get("event_types") is not None:
        values["event_types"] = [e.value for e in body.event_types or []]
    hook = webhooks.update(uow=uow, workspace_id=member.workspace_id, actor=member.actor("api"), webhook_id=webhook_id,
                           allow_private=_allow_private(request), if_match=version, **values)
    response.headers["ETag"] = etag(hook.version)
    return hook


@router.delete(f"{W}/webhooks/{{webhook_id}}", operation_id="deleteWebhook", status_code=204)
def delete_webhook(member: CurrentMember, uow: Uow, webhook_id: int, version: IfMatch) -> Response:
    member.require("edit")
    webhooks.delete(uow=uow, workspace_id=member.workspace_id, actor=member.actor("api"), webhook_id=webhook_id,
                    if_match=version)
    return Response(status_code=204)


@router.get(f"{W}/webhooks/{{webhook_id}}/deliveries", operation_id="listWebhookDeliveries",
            response_model=list[DeliveryOut], summary="The delivery log of a webhook, newest first (the next page "
            "is in the Link header, rel=\"next\")")
def list_deliveries(member: CurrentMember, uow: Uow, webhook_id: int, before: BeforeId, request: Request,
                    response: Response, limit: Annotated[int, Query(ge=1, le=200)] = 50) -> Any:
    member.require("edit")
    rows = webhooks.deliveries(uow=uow, workspace_id=member.workspace_id, webhook_id=webhook_id, limit=limit,
                               before_id=before)
    # the body stays a list (as clients read it); the next page is where RFC 8288 puts it for a list
    if nxt := next_cursor(rows, limit):
        after = request.url.remove_query_params("before_id").include_query_params(cursor=nxt)
        response.headers["Link"] = f'<{after}>; rel="next"'
    return rows


@router.get(f"{W}/deliveries/{{delivery_id}}", operation_id="getWebhookDelivery", response_model=DeliveryDetailOut,
            summary="One delivery: its body and every attempt (status code, error, duration)")
def get_delivery(member: CurrentMember, uow: Uow, delivery_id: int) -> Any:
    member.require("edit")
    d = webhooks.delivery(uow=uow, workspace_id=member.workspace_id, delivery_id=delivery_id)
    log = webhooks.attempts(uow=uow, workspace_id=member.workspace_id, delivery_id=delivery_id)
    return DeliveryDetailOut(**DeliveryOut.model_validate(d).model_dump(), body=d.body,
                             attempt_log=[AttemptOut.model_validate(a) for a in log])


@router.post(f"{W}/deliveries/{{delivery_id}}/resend", operation_id="resendWebhookDelivery",
             response_model=DeliveryOut, status_code=201, summary="Send a delivery again (as a new delivery)")
def resend(member: CurrentMember, uow: Uow, delivery_id: int) -> Any:
    member.require("edit")
    return webhooks.resend(uow=uow, workspace_id=member.workspace_id, actor=member.actor("api"),
                           delivery_id=delivery_id)
