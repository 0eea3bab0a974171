"""The invitation link (/invite/<token>): the invited person accepts or declines, signed in as the invited email, or
(with no account yet) chooses their own name and password and joins. An unknown, expired, withdrawn or used link
says so, and nothing more. Failed uses are limited per IP; every form carries the session's CSRF token."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select

from tradeoff.accounts import invitations
from tradeoff.accounts import service as accounts
from tradeoff.accounts.model import Invitation, Membership, User
from tradeoff.errors import Conflict, NotFound, PermissionDenied, TradeoffError
from tradeoff.web import session as web_session
from tradeoff.web.forms import FormState, error_to_state
from tradeoff.web.render import LABELS, redirect, render
from tradeoff.web.session import CheckedForm, Uow

router = APIRouter()
Token = Annotated[str, Path(min_length=1, max_length=64)]
# the token is the key: never send it onward in a Referer, and keep the page out of search engines
HEADERS = {"Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex, nofollow"}
JOIN_FIELDS = {"name", "password", "confirm_password"}


def guard(request: Request) -> invitations.InviteGuard:
    g = getattr(request.app.state, "invite_guard", None)
    if g is None:
        g = request.app.state.invite_guard = invitations.InviteGuard(engine=web_session.container(request).engine)
    return g


def _ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _failed(request: Request, exc: TradeoffError) -> HTMLResponse:
    """A link that cannot be used, or a use refused: counted against the IP, and said plainly."""
    guard(request).failed(ip=_ip(request))
    title = "This invitation cannot be used" if isinstance(exc, NotFound) else "Not allowed"
    return render(request, "error.html", exc.status, HEADERS, page_title=title, status=exc.status, title=title,
                  message=exc.message, back="/", back_label="Go to Tradeoff")


def _open(request: Request, uow: Uow, token: str) -> Invitation:
    guard(request).check(ip=_ip(request))
    return invitations.by_token(uow=uow, token=token)


def _page(request: Request, uow: Uow, inv: Invitation, token: str, *, state: FormState | None = None,
          status_code: int = 200, done: str = "") -> HTMLResponse:
    uid = web_session.valid_user_id(request, uow)
    user = uow.session.get(User, uid) if uid is not None else None
    member = user is not None and uow.session.scalar(select(Membership.id).where(
        Membership.workspace_id == inv.workspace_id, Membership.user_id == user.id)) is not None
    context: dict[str, Any] = {
        "inv": inv, "workspace": inv.workspace, "role": LABELS.get(inv.role, inv.role), "user": user,
        "wrong_account": user is not None and user.email != inv.email, "already_member": member,
        "state": state or FormState(), "base": invitations.link(token), "done": done,
        "min_password": accounts.MIN_PASSWORD,
        "inviter": "" if inv.invited_by.startswith("cli:") else inv.invited_by,
    }
    return render(request, "invite.html", status_code, HEADERS, page_title="Invitation", **context)


@router.get("/invite/{token}", response_class=HTMLResponse)
def invitation_page(request: Request, uow: Uow, token: Token) -> HTMLResponse:
    try:
        inv = _open(request, uow, token)
    except NotFound as exc:
        return _failed(request, exc)
    return _page(request, uow, inv, token)


def _as_invited(request: Request, uow: Any, token: str, act: Any, then: Any) -> Response:
    """Accept or decline: signed in (else to the login page and back), the link still open, as the invited email;
    `then` answers with what `act` returned."""
    uid = web_session.valid_user_id(request, uow)
    if uid is None:
        return redirect(f"/login?next={invitations.link(token)}", request)
    try:
        _open(request, uow, token)
        done = act(uow=uow, token=token, user_id=uid)
    except (NotFound, PermissionDenied) as exc:
        uow.session.rollback()
        return _failed(request, exc)
    return then(done)  # type: ignore[no-any-return]


@router.post("/invite/{token}/accept")
def accept(request: Request, form: CheckedForm, uow: Uow, token: Token) -> Response:
    return _as_invited(request, uow, token, invitations.accept, lambda ws: redirect(f"/w/{ws.slug}", request))


@router.post("/invite/{token}/decline", response_class=HTMLResponse)
def decline(request: Request, form: CheckedForm, uow: Uow, token: Token) -> Response:
    return _as_invited(request, uow, token, invitations.decline, lambda inv: _page(
        request, uow, inv, token, done=f"You declined the invitation to {inv.workspace.name}. The link no longer works."))


@router.post("/invite/{token}/join", response_class=HTMLResponse)
def join(request: Request, form: CheckedForm, uow: Uow, token: Token) -> Response:
    """A new person chooses their name and password and joins; they are signed in."""
    try:
        inv = _open(request, uow, token)
    except NotFound as exc:
        return _failed(request, exc)
    raw = {k: v if isinstance(v := form.get(k), str) else "" for k in JOIN_FIELDS}
    state = FormState(values={"name": raw["name"]})  # passwords are never sent back into the page
    if web_session.valid_user_id(request, uow) is not None:
        state.message = "You are signed in: sign out first to create a new account."
        return _page(request, uow, inv, token, state=state, status_code=409)
    if raw["password"] != raw["confirm_password"]:
        state.add("confirm_password", "does not match the password")
        return _page(request, uow, inv, token, state=state, status_code=422)
    try:
        user = invitations.join(uow=uow, token=token, name=raw["name"], password=raw["password"])
    except NotFound as exc:
        uow.session.rollback()
        return _failed(request, exc)
    except TradeoffError as exc:
        if exc.status not in (409, 422):
            raise
        uow.session.rollback()
        if isinstance(exc, Conflict):  # an existing account: counted, as a failed sign-in would be
            guard(request).failed(ip=_ip(request))
        error_to_state(exc, state, JOIN_FIELDS)
        return _page(request, uow, inv, token, state=state, status_code=exc.status)
    web_session.sign_in(request, user.id, user.session_epoch)
    return redirect(f"/w/{inv.workspace.slug}", request)


@router.post("/invite/{token}/sign-out")
def sign_out(request: Request, form: CheckedForm, uow: Uow, token: Token) -> Response:
    """Signed in with another account than the invited one: sign out and come back to the link."""
    web_session.sign_out(request, uow)  # revoked on the server too, as at /logout
    return redirect(invitations.link(token), request)
