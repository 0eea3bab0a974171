"""Workspace pages for notifications (the bell, the list, subscriptions), webhooks with their delivery log,
and public roadmap links."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from tradeoff.accounts.service import Member
from tradeoff.errors import TradeoffError
from tradeoff.notifications import service as notifications
from tradeoff.notifications import webhooks
from tradeoff.notifications.model import ADDRESSED, TITLES, EventType
from tradeoff.publishing import service as publishing
from tradeoff.storage.uow import UnitOfWork
from tradeoff.web import context as ctx
from tradeoff.web.render import redirect, render
from tradeoff.web.session import CheckedForm, CurrentMember, Uow, container

router = APIRouter()
W = "/w/{slug}"
EVENT_CHOICES = [(e.value, TITLES[e]) for e in EventType if e not in ADDRESSED]  # mentions reach you anyway
HOOK_CHOICES = [(e.value, TITLES[e]) for e in EventType if e is not EventType.digest_weekly]


@router.get(f"{W}/notifications/bell", response_class=HTMLResponse)
def bell(request: Request, m: CurrentMember, uow: Uow) -> HTMLResponse:
    n = notifications.unread_count(uow=uow, workspace_id=m.workspace_id, user_id=m.user_id)
    return render(request, "notifications/bell.html", unread=n, base=f"/w/{m.workspace_slug}")


def _list_view(request: Request, uow: UnitOfWork, m: Member, flash: str = "") -> HTMLResponse:
    items = notifications.notifications(uow=uow, workspace_id=m.workspace_id, user_id=m.user_id, limit=100)
    subs = {s.event_type for s in notifications.subscriptions(uow=uow, workspace_id=m.workspace_id, user_id=m.user_id)}
    unread = notifications.unread_count(uow=uow, workspace_id=m.workspace_id, user_id=m.user_id)
    return render(request, "notifications/list.html", **ctx.page_context(uow, m, "notifications"),
                  page_title="Notifications", items=items, subs=subs, choices=EVENT_CHOICES, unread=unread, flash=flash)


@router.get(f"{W}/notifications", response_class=HTMLResponse)
def notifications_page(request: Request, m: CurrentMember, uow: Uow) -> HTMLResponse:
    return _list_view(request, uow, m)


@router.post(f"{W}/notifications/{{notification_id:int}}/read")
def read_one(request: Request, form: CheckedForm, m: CurrentMember, uow: Uow, notification_id: int) -> Response:
    n = notifications.mark_read(uow=uow, workspace_id=m.workspace_id, user_id=m.user_id, notification_id=notification_id)
    target = n.link if n.link.startswith("/w/") and form.get("go") else f"/w/{m.workspace_slug}/notifications"
    return redirect(target, request)


@router.post(f"{W}/notifications/read-all")
def read_all(request: Request, form: CheckedForm, m: CurrentMember, uow: Uow) -> Response:
    notifications.mark_all_read(uow=uow, workspace_id=m.workspace_id, user_id=m.user_id)
    return redirect(f"/w/{m.workspace_slug}/notifications", request)


@router.post(f"{W}/subscriptions", response_class=HTMLResponse)
def save_subscriptions(request: Request, form: CheckedForm, m: CurrentMember, uow: Uow) -> HTMLResponse:
    chosen = [v for v in form.getlist("event_types") if isinstance(v, str)]
    notifications.set_subscriptions(uow=uow, workspace_id=m.workspace_id, user_id=m.user_id, event_types=chosen)
    return _list_view(request, uow, m, flash="Subscriptions saved.")


# --- webhooks ---------------------------------------------------------------------------------------------------

def _hooks_view(request: Request, uow: UnitOfWork, m: Member, *, created: str = "", error: str = "",
                values: dict[str, object] | None = None, status_code: int = 200) -> HTMLResponse:
    hooks = webhooks.list_webhooks(uow=uow, workspace_id=m.workspace_id)
    return render(request, "notifications/webhooks.html", status_code, **ctx.page_context(uow, m, "webhooks"),
                  page_title="Webhooks", hooks=hooks, created=created, error=error, choices=HOOK_CHOICES,
                  values=values or {"event_types": []})


@router.get(f"{W}/webhooks", response_class=HTMLResponse)
def webhooks_page(request: Request, m: CurrentMember, uow: Uow) -> HTMLResponse:
    m.require("edit")
    return _hooks_view(request, uow, m)


@router.post(f"{W}/webhooks", response_class=HTMLResponse)
def create_webhook(request: Request, form: CheckedForm, m: CurrentMember, uow: Uow) -> HTMLResponse:
    m.require("edit")
    url = str(form.get("url") or "")[:2000]
    description = str(form.get("description") or "")[:200]
    types = [v for v in form.getlist("event_types") if isinstance(v, str)]
    try:
        _, secret = webhooks.create(uow=uow, workspace_id=m.workspace_id, actor=m.actor("web"), url=url,
                                    event_types=types, description=description,
                                    allow_private=container(request).settings.webhook_allow_private)
    except TradeoffError as exc:
        if exc.status != 422:
            raise
        uow.session.rollback()
        return _hooks_view(request, uow, m, error=exc.message, status_code=422,
                           values={"url": url, "description": description, "event_types": types})
    uow.session.commit()  # the secret is shown once, so the webhook must exist before the page shows it
    return _hooks_view(request, uow, m, created=secret)


@router.post(f"{W}/webhooks/{{webhook_id:int}}/toggle")
def toggle_webhook(request: Request, form: CheckedForm, m: CurrentMember, uow: Uow, webhook_id: int) -> Response:
    m.require("edit")
    hook = webhooks.get(uow=uow, workspace_id=m.workspace_id, webhook_id=webhook_id)
    webhooks.update(uow=uow, workspace_id=m.workspace_id, actor=m.actor("web"), webhook_id=webhook_id,
                    active=not hook.active)
    return redirect(f"/w/{m.workspace_slug}/webhooks", request)


@router.post(f"{W}/webhooks/{{webhook_id:int}}/delete")
def delete_webhook(request: Request, form: CheckedForm, m: CurrentMember, uow: Uow, webhook_id: int) -> Response:
    m.require("edit")
    webhooks.delete(uow=uow, workspace_id=m.workspace_id, actor=m.actor("web"), webhook_id=webhook_id)
    return redirect(f"/w/{m.workspace_slug}/webhooks", request)


@router.get(f"{W}/webhooks/{{webhook_id:int}}", response_class=HTMLResponse)
def webhook_page(request: Request, m: CurrentMember, uow: Uow, webhook_id: int) -> HTMLResponse:
    m.require("edit")
    hook = webhooks.get(uow=uow, workspace_id=m.workspace_id, webhook_id=webhook_id)
    rows = webhooks.deliveries(uow=uow, workspace_id=m.workspace_id, webhook_id=webhook_id, limit=100)
    log = webhooks.attempts_of(uow=uow, workspace_id=m.workspace_id, delivery_ids=[d.id for d in rows])
    return render(request, "notifications/webhook.html", **ctx.page_context(uow, m, "webhooks"),
                  page_title="Webhook deliveries", hook=hook, deliveries=rows, log=log)


@router.post(f"{W}/deliveries/{{delivery_id:int}}/resend")
def resend(request: Request, form: CheckedForm, m: CurrentMember, uow: Uow, delivery_id: int) -> Response:
    m.require("edit")
    d = webhooks.resend(uow=uow, workspace_id=m.workspace_id, actor=m.actor("web"), delivery_id=delivery_id)
    return redirect(f"/w/{m.workspace_slug}/webhooks/{d.webhook_id}", request)


# --- public roadmap links -----------------------------------------------------------------------------------------

def _shares_view(request: Request, uow: UnitOfWork, m: Member, *, error: str = "", status_code: int = 200) -> HTMLResponse:
    shares = publishing.list_shares(uow=uow, workspace_id=m.workspace_id)
    return render(request, "notifications/shares.html", status_code, **ctx.page_context(uow, m, "shares"),
                  page_title="Public roadmap", shares=shares, products=ctx.product_choices(uow, m.workspace_id),
                  names=ctx.product_names(uow, m.workspace_id), error=error,
                  origin=str(request.base_url).rstrip("/"))


@router.get(f"{W}/shares", response_class=HTMLResponse)
def shares_page(request: Request, m: CurrentMember, uow: Uow) -> HTMLResponse:
    m.require("edit")
    return _shares_view(request, uow, m)


@router.post(f"{W}/shares", response_class=HTMLResponse)
def create_share(request: Request, form: CheckedForm, m: CurrentMember, uow: Uow) -> Response:
    m.require("edit")
    raw = str(form.get("product_id") or "")
    if not raw.isdecimal():
        return _shares_view(request, uow, m, error="choose a product to share", status_code=422)
    try:
        publishing.create_share(uow=uow, workspace_id=m.workspace_id, actor=m.actor("web"), product_id=int(raw),
                                label=str(form.get("label") or "")[:200].strip())
    except TradeoffError as exc:
        if exc.status != 422:
            raise
        uow.session.rollback()
        return _shares_view(request, uow, m, error=exc.message, status_code=422)
    return redirect(f"/w/{m.workspace_slug}/shares", request)


@router.post(f"{W}/shares/{{share_id:int}}/revoke")
def revoke_share(request: Request, form: CheckedForm, m: CurrentMember, uow: Uow, share_id: int) -> Response:
    m.require("edit")
    publishing.revoke_share(uow=uow, workspace_id=m.workspace_id, actor=m.actor("web"), share_id=share_id)
    return redirect(f"/w/{m.workspace_slug}/shares", request)
