"""Invitations: how a person joins a workspace.

An owner invites an email with a role and passes the link on (Tradeoff sends no email). The answer is the same
whether or not an account exists for that email, and the inviter never sets or learns the invitee's password: the
person opens the link and accepts, signed in as the invited email, or (with no account yet) chooses their own name
and password. The link's token is stored only as its SHA-256, like an API token, and shown once.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, Engine, select, update

from tradeoff.accounts.model import Invitation, Membership, Role, User, Workspace
from tradeoff.accounts.ratelimit import SharedWindowLimiter, SlidingWindowLimiter, WindowLimiter
from tradeoff.accounts.service import check_password_rules, hash_password, normalise_email, set_member
from tradeoff.audit import service as audit
from tradeoff.errors import Conflict, FieldError, InvalidInput, NotFound, PermissionDenied, RateLimited
from tradeoff.storage.base import iso_utc, utcnow
from tradeoff.storage.uow import Actor, UnitOfWork

VALID_DAYS = 7
TOKEN_BYTES = 32  # 43 URL-safe characters: 256 random bits, so a link cannot be guessed
ASK_AGAIN = "Ask the person who invited you for a new link."


def link(token: str) -> str:
    """The invitation's address, relative to the server."""
    return f"/invite/{token}"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invite(*, uow: UnitOfWork, workspace_id: int, email: str, role: Role, actor: Actor,
           now: datetime | None = None) -> tuple[Invitation, str]:
    """Invite `email` into the workspace with `role`: returns the invitation and its token, which is never stored or
    shown again. A pending invitation of the same email is revoked (its link stops working). Whether an account
    exists for the email changes nothing here; only a current member of this workspace is refused (the owner sees
    the members anyway)."""
    email = normalise_email(email)
    now = now or utcnow()
    member = uow.session.scalar(select(Membership.id).join(User, User.id == Membership.user_id).where(
        Membership.workspace_id == workspace_id, User.email == email))
    if member is not None:
        why = "already a member of this workspace: change their role in the members list"
        raise Conflict(f"{email} is {why}", [FieldError(["body", "email"], why, email)])
    replaced = _pending_of(uow, workspace_id, email, now)
    for inv in replaced:
        inv.revoke(now)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    row = Invitation(workspace_id=workspace_id, email=email, role=role.value, token_hash=_hash(token),
                     invited_by=actor.label, created_at=now, expires_at=now + timedelta(days=VALID_DAYS))
    uow.session.add(row)
    uow.session.flush()
    audit.record(uow=uow, workspace_id=workspace_id, actor=actor, action="create", record_type="invitation",
                 record_id=row.id, after={"email": email, "role": role.value, "expires_at": iso_utc(row.expires_at),
                                          **({"replaces": [inv.id for inv in replaced]} if replaced else {})})
    return row, token


def _pending_of(uow: UnitOfWork, workspace_id: int, email: str, now: datetime) -> list[Invitation]:
    return [inv for inv in uow.session.scalars(select(Invitation).where(
        Invitation.workspace_id == workspace_id, Invitation.email == email)) if inv.state(now) == "pending"]


def pending(*, uow: UnitOfWork, workspace_id: int, now: datetime | None = None) -> list[Invitation]:
    """The workspace's invitations that can still be accepted, newest first."""
    now = now or utcnow()
    rows = uow.session.scalars(select(Invitation).where(
        Invitation.workspace_id == workspace_id, Invitation.accepted_at.is_(None), Invitation.declined_at.is_(None),
        Invitation.revoked_at.is_(None), Invitation.expires_at > now).order_by(Invitation.id.desc()))
    return list(rows)


def revoke(*, uow: UnitOfWork, workspace_id: int, invitation_id: int, actor: Actor,
           now: datetime | None = None) -> Invitation:
    """Withdraw a pending invitation: its link answers 'withdrawn' from now on."""
    now = now or utcnow()
    row = uow.session.get(Invitation, invitation_id)
    if row is None or row.workspace_id != workspace_id or row.state(now) != "pending":
        raise NotFound(f"no pending invitation {invitation_id} in this workspace")
    row.revoke(now)
    audit.record(uow=uow, workspace_id=workspace_id, actor=actor, action="revoke", record_type="invitation",
                 record_id=row.id, after={"email": row.email})
    return row


def by_token(*, uow: UnitOfWork, token: str, now: datetime | None = None) -> Invitation:
    """The pending invitation behind a link; NotFound saying plainly why a link no longer works (it tells nothing
    about any account)."""
    now = now or utcnow()
    row = uow.session.scalar(select(Invitation).where(Invitation.token_hash == _hash(token))) \
        if 20 <= len(token) <= 64 else None
    if row is None:
        raise NotFound(f"This invitation link is not valid: check that you have all of it. {ASK_AGAIN}")
    state = row.state(now)
    if state == "expired":
        raise NotFound(f"This invitation expired on {row.expires_at:%Y-%m-%d}. {ASK_AGAIN}")
    if state == "revoked":
        raise NotFound(f"This invitation was withdrawn (or replaced by a newer one). {ASK_AGAIN}")
    if state in ("accepted", "declined"):
        raise NotFound(f"This invitation has already been used. {ASK_AGAIN}")
    return row


def _user(uow: UnitOfWork, user_id: int) -> User:
    user = uow.session.get(User, user_id)
    if user is None or not user.is_active:
        raise PermissionDenied("sign in again")
    return user


def _check_invitee(inv: Invitation, user: User) -> None:
    """The link is a bearer secret, but the invitation names a person: only the account with its email joins."""
    if user.email != inv.email:
        raise PermissionDenied(f"This invitation is for {inv.email}, and you are signed in as {user.email}. "
                               "Sign out, then open the link again.")


def _claim(uow: UnitOfWork, inv: Invitation, now: datetime, column: str) -> None:
    """Mark the invitation used, once: of two requests racing with the same link, the second finds it used."""
    done = cast(CursorResult[Any], uow.session.execute(update(Invitation).where(
        Invitation.id == inv.id, Invitation.accepted_at.is_(None), Invitation.declined_at.is_(None),
        Invitation.revoked_at.is_(None)).values({column: now}).execution_options(synchronize_session=False)))
    if done.rowcount != 1:
        raise NotFound(f"This invitation has already been used. {ASK_AGAIN}")
    uow.session.refresh(inv)


def accept(*, uow: UnitOfWork, token: str, user_id: int, now: datetime | None = None) -> Workspace:
    """The signed-in person (who must have the invited email) joins with the invited role. Someone already a member
    keeps the role they have. Returns the workspace."""
    now = now or utcnow()
    inv = by_token(uow=uow, token=token, now=now)
    user = _user(uow, user_id)
    _check_invitee(inv, user)
    _claim(uow, inv, now, "accepted_at")
    _join(uow, inv, user)
    return inv.workspace


def decline(*, uow: UnitOfWork, token: str, user_id: int, now: datetime | None = None) -> Invitation:
    now = now or utcnow()
    inv = by_token(uow=uow, token=token, now=now)
    user = _user(uow, user_id)
    _check_invitee(inv, user)
    _claim(uow, inv, now, "declined_at")
    audit.record(uow=uow, workspace_id=inv.workspace_id, actor=Actor(user_id=user.id, label=user.email, via="web"),
                 action="decline", record_type="invitation", record_id=inv.id, after={"email": inv.email})
    return inv


def join(*, uow: UnitOfWork, token: str, name: str, password: str, now: datetime | None = None) -> User:
    """A new person accepts: their account is created with the name and password they chose, and they join with
    the invited role. An email that already has an account must sign in instead: nobody holding a link can set the
    password of an existing account."""
    now = now or utcnow()
    inv = by_token(uow=uow, token=token, now=now)
    name = name.strip()
    if not name or len(name) > 200:
        why = "enter your name" if not name else "at most 200 characters"
        raise InvalidInput(f"name: {why}", [FieldError(["body", "name"], why)])
    check_password_rules(password)
    if uow.session.scalar(select(User.id).where(User.email == inv.email)) is not None:
        raise Conflict(f"There is already an account for {inv.email}: sign in with it to accept. (A forgotten "
                       "password is set again by the server's operator, with `tradeoff user add`.)")
    _claim(uow, inv, now, "accepted_at")
    user = User(email=inv.email, name=name, password_hash=hash_password(password))
    uow.session.add(user)
    uow.session.flush()
    _join(uow, inv, user)
    return user


def _join(uow: UnitOfWork, inv: Invitation, user: User) -> None:
    actor = Actor(user_id=user.id, label=user.email, via="web")
    already = uow.session.scalar(select(Membership).where(Membership.workspace_id == inv.workspace_id,
                                                          Membership.user_id == user.id))
    if already is None:
        set_member(uow=uow, workspace=inv.workspace, user=user, role=inv.role_enum, actor=actor)
    audit.record(uow=uow, workspace_id=inv.workspace_id, actor=actor, action="accept", record_type="invitation",
                 record_id=inv.id, after={"email": inv.email, "role": already.role if already else inv.role})


class InviteGuard:
    """Limits failed uses of invitation links per IP (an unknown or ended link, the wrong account, a refused sign-up):
    tokens have 256 random bits, so this only keeps a scripted search, or someone trying passwords at the sign-up
    form, from costing the server anything. In the database, shared by every server process, when given an engine."""

    def __init__(self, failures_per_hour: int = 30, engine: Engine | None = None) -> None:
        self.limiter: WindowLimiter = (SharedWindowLimiter(engine, "invite-ip", failures_per_hour, 3600.0) if engine
                                       else SlidingWindowLimiter(failures_per_hour, 3600.0))

    def check(self, *, ip: str) -> None:
        if self.limiter.blocked(f"ip:{ip}"):
            raise RateLimited("too many invitation links tried from here; wait an hour, or ask for a new link")

    def failed(self, *, ip: str) -> None:
        self.limiter.hit(f"ip:{ip}")
