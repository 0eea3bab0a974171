"""Web sessions and CSRF.

The session is a signed cookie (Starlette's SessionMiddleware, itsdangerous under the hood, keyed with the
install's secret key): HttpOnly, SameSite=Lax, Secure when `secure_cookies` is set. It holds the user id and a
per-session CSRF token that every form carries in a hidden input (and htmx sends as the X-CSRF-Token header).
Nothing secret about the user (password, API tokens) ever goes into it or into a log line.

A signed cookie is valid wherever a copy of it is, so each session also carries a random id, when it began and
when it was last used. Signing out revokes the id on the server (`revoked_sessions`, looked up with the user's
epoch in one query per request); a session ends after MAX_AGE however much it is used, and after
`session_idle_days` unused.
"""

from __future__ import annotations

import hmac
import secrets
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Depends, Path, Request
from starlette.datastructures import FormData

from tradeoff.accounts import service as accounts
from tradeoff.accounts.service import Member
from tradeoff.bootstrap import Container
from tradeoff.errors import PermissionDenied
from tradeoff.storage.uow import UnitOfWork

COOKIE = "tradeoff_session"
MAX_AGE = 14 * 24 * 3600  # two weeks: a session ends then, however much it is used
SEEN_EVERY = 60  # seconds between two records of a session's last use (each one sends the cookie again)
BACKGROUND = frozenset({"bell"})  # htmx polls (the notification bell): an open tab is not a person using it
clock: Callable[[], float] = time.time  # seconds since the epoch; tests move it
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"


class LoginRequired(Exception):
    """Raised when a page needs a signed-in user; the web error handler redirects to /login."""

    def __init__(self, next_url: str) -> None:
        super().__init__(next_url)
        self.next_url = next_url


def csrf_token(request: Request) -> str:
    """This session's CSRF token, created on first use (so the login form has one too)."""
    token = request.session.get("csrf")
    if not isinstance(token, str) or len(token) < 20:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


def valid_user_id(request: Request, unit: UnitOfWork) -> int | None:
    """The signed-in user, if the session is still valid: not signed out, younger than MAX_AGE, used within the
    idle timeout, the user active and the session at their current epoch (a password change or "sign out
    everywhere" ends older sessions). A stale session is cleared."""
    uid = request.session.get("uid")
    if not isinstance(uid, int):
        return None
    sid, began, seen = (request.session.get(k) for k in ("sid", "iat", "seen"))
    if not isinstance(sid, str) or not isinstance(began, int) or not isinstance(seen, int):
        sign_out(request)  # a session from before sessions had ids cannot be revoked: sign in again
        return None
    now = int(clock())
    idle = container(request).settings.session_idle_days * 24 * 3600
    if now - began > MAX_AGE or now - seen > idle:
        sign_out(request)
        return None
    epoch = accounts.live_session_epoch(uow=unit, user_id=uid, session_id=sid)
    if epoch is None or request.session.get("ep", 0) != epoch:
        sign_out(request)
        return None
    if now - seen >= SEEN_EVERY and request.headers.get("HX-Trigger") not in BACKGROUND:
        request.session["seen"] = now
    return uid


def sign_in(request: Request, uid: int, epoch: int) -> None:
    """Start a fresh session for `uid` at the user's session `epoch`: a new id and CSRF token, nothing carried over
    from before login."""
    request.session.clear()
    now = int(clock())
    request.session.update(uid=uid, ep=epoch, sid=secrets.token_urlsafe(24), iat=now, seen=now,
                           csrf=secrets.token_urlsafe(32))


def sign_out(request: Request, unit: UnitOfWork | None = None) -> None:
    """End this session. The cookie is cleared (an empty session makes the middleware expire it); given a unit of
    work, the session's id is also revoked, so a copy of the cookie kept elsewhere stops working too."""
    sid, began = request.session.get("sid"), request.session.get("iat")
    if unit is not None and isinstance(sid, str) and isinstance(began, int):
        accounts.revoke_session(uow=unit, session_id=sid, expires_at=datetime.fromtimestamp(began + MAX_AGE, UTC),
                                now=datetime.fromtimestamp(clock(), UTC))
    request.session.clear()


async def checked_form(request: Request) -> FormData:
    """The POSTed form, after checking its CSRF token against the session's. Missing or wrong → 403."""
    form = await request.form()
    sent = form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER) or ""
    expected = request.session.get("csrf")
    if not isinstance(sent, str) or not isinstance(expected, str) or not hmac.compare_digest(sent, expected):
        raise PermissionDenied("this form is missing its security token or it has expired; reload the page and try again")
    return form


CheckedForm = Annotated[FormData, Depends(checked_form)]


def container(request: Request) -> Container:
    return request.app.state.container  # type: ignore[no-any-return]


def uow(request: Request) -> Iterator[UnitOfWork]:
    with container(request).unit_of_work() as unit:
        yield unit


# "function" scope: the transaction commits before the response leaves, so the page a redirect leads to
# (or the next htmx request) always sees what the POST wrote.
Uow = Annotated[UnitOfWork, Depends(uow, scope="function")]


def signed_in_user(request: Request, unit: Uow) -> int:
    uid = valid_user_id(request, unit)
    if uid is None:
        raise LoginRequired(str(request.url.path) + (f"?{request.url.query}" if request.url.query else ""))
    return uid


UserId = Annotated[int, Depends(signed_in_user)]


def member(request: Request, unit: Uow, uid: UserId,
           slug: Annotated[str, Path(max_length=64)]) -> Member:
    """The signed-in user's membership in `slug`; outsiders get NotFound (the workspace does not exist for them)."""
    m = accounts.membership(uow=unit, slug=slug, user_id=uid)
    request.state.member = m
    return m


CurrentMember = Annotated[Member, Depends(member)]


def can(m: Member, need: str) -> bool:
    try:
        m.require(need)
    except PermissionDenied:
        return False
    return True


def permissions(m: Member) -> dict[str, Any]:
    return {"edit": can(m, "edit"), "evidence": can(m, "evidence"), "manage": can(m, "manage"),
            "technical": can(m, "technical"), "promise": can(m, "promise")}
