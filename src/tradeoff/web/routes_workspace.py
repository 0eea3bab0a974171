"""Workspace pages: home, audit log, API tokens, members and invitations, and your account (password, sessions)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from tradeoff.accounts import invitations
from tradeoff.accounts import service as accounts
from tradeoff.accounts.model import Role
from tradeoff.accounts.schemas import InvitationIn, TokenCreate
from tradeoff.accounts.service import Member
from tradeoff.attention import service as attention_service
from tradeoff.audit import service as audit
from tradeoff.errors import Conflict, RateLimited, TradeoffError
from tradeoff.feedback import service as feedback_service
from tradeoff.records import service as records
from tradeoff.storage.base import utcnow
from tradeoff.storage.uow import UnitOfWork
from tradeoff.web import context as ctx
from tradeoff.web import session as web_session
from tradeoff.web.forms import FormState, error_to_state, validation_to_state
from tradeoff.web.records_ui import ALL
from tradeoff.web.render import LABELS, redirect, render
from tradeoff.web.session import CheckedForm, CurrentMember, Uow

router = APIRouter()
W = "/w/{slug}"
AUDIT_PAGE = 50
RECORD_TYPES = ("product", "customer", "feedback", "problem", "feature", "api_token", "user", "invitation",
                "workspace")


@router.get(W, response_class=HTMLResponse)
def home(request: Request, m: CurrentMember, uow: Uow) -> HTMLResponse:
    counts = [(ui, records.count(uow=uow, spec=ui.spec, workspace_id=m.workspace_id)) for ui in ALL]
    recent = records.list_page(uow=uow, spec=feedback_service.SPEC, workspace_id=m.workspace_id, limit=8).items
    events = audit.list_events(uow=uow, workspace_id=m.workspace_id, limit=8)
    now = utcnow()
    attention = attention_service.attention(uow=uow, workspace_id=m.workspace_id, now=now)
    calm = None if attention else attention_service.calm(uow=uow, workspace_id=m.workspace_id, now=now)
    return render(request, "home.html", **ctx.page_context(uow, m, "home"), page_title="Home", counts=counts,
                  recent=recent, events=events, attention=attention, calm=calm,
                  names=ctx.record_names(uow, m.workspace_id, events))


@router.get(f"{W}/audit", response_class=HTMLResponse)
def audit_page(request: Request, m: CurrentMember, uow: Uow) -> HTMLResponse:
    params = request.query_params
    record_type = params.get("record_type") or None
    record_id = int(params["record_id"]) if params.get("record_id", "").isdecimal() else None
    before_id = int(params["before"]) if params.get("before", "").isdecimal() else None
    events = audit.list_events(uow=uow, workspace_id=m.workspace_id, record_type=record_type, record_id=record_id,
                               before_id=before_id, limit=AUDIT_PAGE)
    older = events[-1].id if len(events) == AUDIT_PAGE else None
    return render(request, "audit.html", **ctx.page_context(uow, m, "audit"), page_title="Audit log", events=events,
                  names=ctx.record_names(uow, m.workspace_id, events),
                  record_type=record_type, record_id=record_id, record_types=RECORD_TYPES, older=older,
                  before_id=before_id)


def _tokens_view(request: Request, uow: UnitOfWork, m: Member, *, created: str | None = None,
                 state: FormState | None = None, status_code: int = 200) -> HTMLResponse:
    tokens = accounts.list_tokens(uow=uow, workspace_id=m.workspace_id, user_id=m.user_id)
    return render(request, "tokens.html", status_code, **ctx.page_context(uow, m, "tokens"), page_title="API tokens",
                  tokens=tokens, created=created, state=state or FormState(),
                  api_base=f"{request.base_url}api/v1/workspaces/{m.workspace_slug}")


@router.get(f"{W}/tokens", response_class=HTMLResponse)
def tokens_page(request: Request, m: CurrentMember, uow: Uow) -> HTMLResponse:
    return _tokens_view(request, uow, m)


@router.post(f"{W}/tokens", response_class=HTMLResponse)
def create_token(request: Request, form: CheckedForm, m: CurrentMember, uow: Uow) -> HTMLResponse:
    name = form.get("name")
    state = FormState(values={"name": name if isinstance(name, str) else ""})
    try:
        body = TokenCreate.model_validate(state.values)
    except ValidationError as exc:
        validation_to_state(exc, state, {"name"})
        return _tokens_view(request, uow, m, state=state, status_code=422)
    _, token = accounts.create_token(uow=uow, workspace_id=m.workspace_id, user_id=m.user_id, name=body.name,
                                     actor=m.actor("web"))
    uow.session.commit()  # the token is shown once, so it must exist before the page shows it
    return _tokens_view(request, uow, m, created=token)


@router.post(f"{W}/tokens/{{token_id:int}}/revoke")
def revoke_token(request: Request, form: CheckedForm, m: CurrentMember, uow: Uow, token_id: int) -> Response:
    accounts.revoke_token(uow=uow, workspace_id=m.workspace_id, user_id=m.user_id, token_id=token_id,
                          actor=m.actor("web"))
    return redirect(f"/w/{m.workspace_slug}/tokens", request)


def _members_view(request: Request, uow: UnitOfWork, m: Member, state: FormState | None = None,
                  flash: str = "", status_code: int = 200, invited: str = "") -> HTMLResponse:
    rows = accounts.members(uow=uow, workspace_id=m.workspace_id)
    roles = [(r.value, LABELS.get(r.value, r.value)) for r in Role]
    return render(request, "members.html", status_code, **ctx.page_context(uow, m, "members"), page_title="Members",
                  rows=rows, roles=roles, state=state or FormState(values={"role": "pm"}), flash=flash,
                  invitations=invitations.pending(uow=uow, workspace_id=m.workspace_id), invited=invited,
                  valid_days=invitations.VALID_DAYS)


@router.get(f"{W}/members", response_class=HTMLResponse)
def members_page(request: Request, m: CurrentMember, uow: Uow) -> HTMLResponse:
    m.require("manage")
    return _members_view(request, uow, m)


@router.post(f"{W}/invitations", response_class=HTMLResponse)
def invite(request: Request, form: CheckedForm, m: CurrentMember, uow: Uow) -> Response:
    """Invite an email with a role: the answer is the same whether or not the person has an account, and shows the
    link once for the owner to pass on."""
    m.require("manage")
    values = {k: v for k in ("email", "role") if isinstance(v := form.get(k), str)}
    state = FormState(values=values)
    try:
        body = InvitationIn.model_validate(values)
        row, token = invitations.invite(uow=uow, workspace_id=m.workspace_id, email=str(body.email), role=body.role,
                                        actor=m.actor("web"))
    except ValidationError as exc:
        validation_to_state(exc, state, {"email", "role"})
        return _members_view(request, uow, m, state, status_code=422)
    except TradeoffError as exc:
        if exc.status not in (409, 422):  # 409: already a member
            raise
        uow.session.rollback()
        error_to_state(exc, state, {"email", "role"})
        return _members_view(request, uow, m, state, status_code=422)
    uow.session.commit()  # the link is shown once, so the invitation must exist before the page shows it
    return _members_view(request, uow, m, flash=f"Invitation for {row.email} as {LABELS[row.role]}: send them "
                         "this link. They choose their own password, or sign in if they already have an account.",
                         invited=str(request.base_url).rstrip("/") + invitations.link(token))


@router.post(f"{W}/invitations/{{invitation_id:int}}/revoke", response_class=HTMLResponse)
def revoke_invitation(request: Request, form: CheckedForm, m: CurrentMember, uow: Uow, invitation_id: int) -> Response:
    m.require("manage")
    row = invitations.revoke(uow=uow, workspace_id=m.workspace_id, invitation_id=invitation_id, actor=m.actor("web"))
    return _members_view(request, uow, m, flash=f"The invitation for {row.email} is withdrawn; its link no longer "
                                                "works.")


@router.post(f"{W}/members/{{user_id:int}}/role", response_class=HTMLResponse)
def change_role(request: Request, form: CheckedForm, m: CurrentMember, uow: Uow, user_id: int) -> Response:
    """A member's role from the members table (the last owner stays an owner: the page says why)."""
    m.require("manage")
    raw = form.get("role")
    if not isinstance(raw, str) or raw not in {r.value for r in Role}:
        return _members_view(request, uow, m, FormState(values={"role": "pm"}, message=f"unknown role '{raw}'"),
                             status_code=422)
    try:
        row = accounts.change_role(uow=uow, workspace_id=m.workspace_id, user_id=user_id, role=Role(raw),
                                   actor=m.actor("web"))
    except Conflict as exc:
        uow.session.rollback()
        return _members_view(request, uow, m, FormState(values={"role": "pm"}, message=exc.message), status_code=409)
    return _members_view(request, uow, m, flash=f"{row.user.email} is now {LABELS[raw]}.")


@router.post(f"{W}/members/{{user_id:int}}/remove", response_class=HTMLResponse)
def remove_member(request: Request, form: CheckedForm, m: CurrentMember, uow: Uow, user_id: int) -> Response:
    m.require("manage")
    try:
        accounts.remove_member(uow=uow, workspace_id=m.workspace_id, user_id=user_id, actor=m.actor("web"))
    except Conflict as exc:
        uow.session.rollback()
        return _members_view(request, uow, m, FormState(values={"role": "pm"}, message=exc.message), status_code=409)
    return _members_view(request, uow, m, flash="Removed from the workspace; their API tokens for it are revoked.")


ACCOUNT_FIELDS = {"current_password", "new_password", "confirm_password"}


def _account_view(request: Request, uow: UnitOfWork, m: Member, state: FormState | None = None,
                  flash: str = "", status_code: int = 200) -> HTMLResponse:
    return render(request, "account.html", status_code, **ctx.page_context(uow, m, "account"),
                  page_title="Your account", state=state or FormState(), flash=flash,
                  min_password=accounts.MIN_PASSWORD)


@router.get(f"{W}/account", response_class=HTMLResponse)
def account_page(request: Request, m: CurrentMember, uow: Uow) -> HTMLResponse:
    changed = request.query_params.get("changed") == "1"
    return _account_view(request, uow, m, flash="Your password was changed; every other session was signed out."
                         if changed else "")


@router.post(f"{W}/account/password", response_class=HTMLResponse)
def change_password(request: Request, form: CheckedForm, m: CurrentMember, uow: Uow) -> Response:
    raw = {k: v if isinstance(v := form.get(k), str) else "" for k in ACCOUNT_FIELDS}
    state = FormState()  # passwords are never sent back into the page
    if raw["new_password"] != raw["confirm_password"]:
        state.add("confirm_password", "does not match the new password")
        return _account_view(request, uow, m, state, status_code=422)
    guard = web_session.container(request).login_guard
    ip = request.client.host if request.client else "unknown"
    try:
        epoch = guard.change_password(uow=uow, user_id=m.user_id, current=raw["current_password"],
                                      new=raw["new_password"], ip=ip)
    except RateLimited as exc:
        state.message = exc.message
        return _account_view(request, uow, m, state, status_code=exc.status)
    except TradeoffError as exc:
        if exc.status != 422:
            raise
        uow.session.rollback()
        error_to_state(exc, state, ACCOUNT_FIELDS)
        return _account_view(request, uow, m, state, status_code=422)
    web_session.sign_in(request, m.user_id, epoch)  # this session goes on (with a new CSRF token); others end
    return redirect(f"/w/{m.workspace_slug}/account?changed=1", request)


@router.post(f"{W}/account/sign-out-everywhere")
def sign_out_everywhere(request: Request, form: CheckedForm, m: CurrentMember, uow: Uow) -> Response:
    accounts.end_sessions(uow=uow, user_id=m.user_id, revoke_tokens=form.get("revoke_tokens") == "1",
                          actor=m.actor("web"))
    web_session.sign_out(request, uow)
    return redirect("/login", request)
