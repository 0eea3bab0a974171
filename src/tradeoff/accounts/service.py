"""People, workspaces, roles, passwords (argon2) and API tokens (stored as SHA-256, shown once)."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, delete, exists, func, select
from sqlalchemy.orm import joinedload

from tradeoff.accounts.model import ApiToken, Membership, RevokedSession, Role, User, Workspace
from tradeoff.accounts.ratelimit import LoginThrottle
from tradeoff.accounts.schemas import check_slug
from tradeoff.audit import service as audit
from tradeoff.errors import (
    Conflict,
    FieldError,
    InvalidInput,
    NotFound,
    PermissionDenied,
    Unauthenticated,
)
from tradeoff.storage.base import utcnow
from tradeoff.storage.uow import Actor, UnitOfWork

_hasher = PasswordHasher()
TOKEN_PREFIX = "tdo_"
MIN_PASSWORD = 8


@dataclass(frozen=True)
class Member:
    """The authenticated caller inside one workspace."""

    user_id: int
    email: str
    name: str
    workspace_id: int
    workspace_slug: str
    workspace_name: str
    role: Role

    def actor(self, via: str) -> Actor:
        return Actor(user_id=self.user_id, label=self.email, via=via)

    def require(self, need: str) -> None:
        """need: 'read' | 'edit' | 'technical' | 'evidence' | 'promise' | 'manage'. 'technical' is what engineers
        may change besides reading: estimates, components and work history; 'promise': commitments to customers."""
        allowed = {
            "read": True,
            "evidence": True,
            "edit": self.role.edits_records,
            "technical": self.role.edits_technical,
            "promise": self.role.makes_promises,
            "manage": self.role.manages_workspace,
        }[need]
        if not allowed:
            raise PermissionDenied(f"{self.role.label}s cannot do this in workspace {self.workspace_slug}")


def use_password_hasher(hasher: PasswordHasher) -> None:
    """Swap the argon2 parameters (tests use argon2's cheapest profile; production keeps the library default)."""
    global _hasher
    _hasher = hasher


def check_password_rules(password: str, field: str = "password") -> None:
    """The rules a new password must meet; `field` names the form or body field in the error."""
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(
            f"{field.replace('_', ' ')} must be at least {MIN_PASSWORD} characters",
            [FieldError(["body", field], f"shorter than {MIN_PASSWORD} characters")],
        )


def hash_password(password: str) -> str:
    check_password_rules(password)
    return _hasher.hash(password)


_dummy: tuple[PasswordHasher, str] | None = None


def _dummy_hash() -> str:
    """The hash of a random password, made with the current hasher's parameters: checking a password against it
    costs what checking a real one costs, and never succeeds."""
    global _dummy
    if _dummy is None or _dummy[0] is not _hasher:
        _dummy = (_hasher, _hasher.hash(secrets.token_urlsafe(16)))
    return _dummy[1]


def _verify(hash_: str | None, password: str) -> bool:
    """Whether `password` matches `hash_`. With no hash (an unknown or inactive user, an account without a
    password) one verification is still spent, against a dummy hash, so that the time a wrong login takes does not
    tell whether the email has an account."""
    if not hash_:
        _verify(_dummy_hash(), password)
        return False
    try:
        return _hasher.verify(hash_, password)
    except (VerificationError, InvalidHashError):
        return False


def normalise_email(email: str) -> str:
    email = email.strip().lower()
    if "@" not in email or len(email) > 254 or email.startswith("@") or email.endswith("@"):
        raise InvalidInput(f"'{email}' is not an email address", [FieldError(["body", "email"], "not an email", email)])
    return email


@dataclass(frozen=True)
class SavedUser:
    user: User
    created: bool
    password_reset: bool = False  # an existing account was given a new password
    tokens_revoked: int = 0  # API tokens that reset revoked


def save_user(*, uow: UnitOfWork, email: str, name: str = "", password: str | None = None,
              actor: Actor | None = None) -> SavedUser:
    """Add a person, or update an existing one. A password given for an existing account is an admin's reset
    (`tradeoff user add EMAIL --password-stdin`): it follows a forgotten, lost or leaked password, so it also ends
    every web session signed in with the old one and revokes every API token the person has, in every workspace
    (tokens made by whoever knew the old password must not outlive it)."""
    email = normalise_email(email)
    user = uow.session.scalar(select(User).where(User.email == email))
    if user is not None:
        revoked = 0
        if password is not None:
            user.password_hash = hash_password(password)
            user.session_epoch += 1
            revoked = revoke_all_tokens(uow=uow, user_id=user.id, actor=actor, why="password reset")
        if name and not user.name:
            user.name = name
        return SavedUser(user, False, password is not None, revoked)
    user = User(email=email, name=name, password_hash=hash_password(password) if password is not None else None)
    uow.session.add(user)
    uow.session.flush()
    return SavedUser(user, True)


def get_or_create_user(*, uow: UnitOfWork, email: str, name: str = "", password: str | None = None) -> tuple[User, bool]:
    """`save_user`, answering (the user, whether the account is new)."""
    saved = save_user(uow=uow, email=email, name=name, password=password)
    return saved.user, saved.created


def create_workspace(*, uow: UnitOfWork, slug: str, name: str, owner: User, actor: Actor) -> Workspace:
    try:
        check_slug(slug)
    except ValueError as exc:
        raise InvalidInput(f"workspace slug '{slug}': {exc}", [FieldError(["body", "slug"], str(exc), slug)]) from exc
    if uow.session.scalar(select(Workspace.id).where(Workspace.slug == slug)) is not None:
        raise Conflict(f"workspace '{slug}' already exists", [FieldError(["body", "slug"], "already exists", slug)])
    ws = Workspace(slug=slug, name=name)
    uow.session.add(ws)
    uow.session.flush()
    uow.session.add(Membership(workspace_id=ws.id, user_id=owner.id, role=Role.owner.value))
    audit.record(uow=uow, workspace_id=ws.id, actor=actor, action="create", record_type="workspace", record_id=ws.id,
                 after={"slug": slug, "name": name, "owner": owner.email})
    return ws


def workspace_by_slug(*, uow: UnitOfWork, slug: str) -> Workspace:
    ws = uow.session.scalar(select(Workspace).where(Workspace.slug == slug))
    if ws is None:
        raise NotFound(f"workspace '{slug}' not found")
    return ws


def set_member(*, uow: UnitOfWork, workspace: Workspace, user: User, role: Role, actor: Actor) -> Membership:
    m = uow.session.scalar(select(Membership).where(Membership.workspace_id == workspace.id, Membership.user_id == user.id))
    before = {"role": m.role} if m else {}
    if m is None:
        m = Membership(workspace_id=workspace.id, user_id=user.id, role=role.value)
        uow.session.add(m)
    else:
        if role != Role.owner:
            _keep_an_owner(uow, m, user.email, "stop being an owner")
        m.role = role.value
    uow.session.flush()
    audit.record(uow=uow, workspace_id=workspace.id, actor=actor, action="member", record_type="user", record_id=user.id,
                 before=before, after={"role": role.value, "email": user.email})
    return m


def _keep_an_owner(uow: UnitOfWork, m: Membership, email: str, change: str) -> None:
    """A workspace always keeps an owner, or nobody could manage its members again."""
    if m.role == Role.owner.value and uow.session.scalar(select(func.count()).select_from(Membership).where(
            Membership.workspace_id == m.workspace_id, Membership.role == Role.owner.value)) == 1:
        raise Conflict(f"{email} is the workspace's only owner and cannot {change}: make someone else an owner "
                       "first, so that someone can still manage its members")


def member_row(*, uow: UnitOfWork, workspace_id: int, user_id: int | None = None, email: str | None = None) -> Membership:
    """One member of a workspace, by user id or email (its user loaded); NotFound for anyone else."""
    stmt = select(Membership).join(User, User.id == Membership.user_id).options(joinedload(Membership.user)).where(
        Membership.workspace_id == workspace_id)
    stmt = stmt.where(User.id == user_id) if user_id is not None else stmt.where(User.email == normalise_email(email or ""))
    m = uow.session.scalar(stmt)
    if m is None:
        raise NotFound(f"{email or f'user {user_id}'} is not a member of this workspace")
    return m


def change_role(*, uow: UnitOfWork, workspace_id: int, user_id: int, role: Role, actor: Actor) -> Membership:
    m = member_row(uow=uow, workspace_id=workspace_id, user_id=user_id)
    return set_member(uow=uow, workspace=m.workspace, user=m.user, role=role, actor=actor)


def remove_member(*, uow: UnitOfWork, workspace_id: int, user_id: int, actor: Actor) -> None:
    """Take a person out of a workspace: their membership goes and their API tokens for it are revoked (their
    account, and their part in the history, stay)."""
    m = member_row(uow=uow, workspace_id=workspace_id, user_id=user_id)
    email = m.user.email
    _keep_an_owner(uow, m, email, "leave")
    now = utcnow()
    for token in uow.session.scalars(select(ApiToken).where(ApiToken.workspace_id == workspace_id,
                                                            ApiToken.user_id == user_id,
                                                            ApiToken.revoked_at.is_(None))):
        token.revoked_at = now
    uow.session.delete(m)
    uow.session.flush()
    audit.record(uow=uow, workspace_id=workspace_id, actor=actor, action="member", record_type="user",
                 record_id=user_id, before={"role": m.role, "email": email}, after={"removed": True})


def members(*, uow: UnitOfWork, workspace_id: int) -> list[Membership]:
    return list(uow.session.scalars(
        select(Membership).options(joinedload(Membership.user))
        .where(Membership.workspace_id == workspace_id).order_by(Membership.id)
    ))


def membership(*, uow: UnitOfWork, slug: str, user_id: int) -> Member:
    """The caller's membership in `slug`. Outsiders get NotFound: a workspace they cannot see does not exist for them."""
    row = uow.session.execute(
        select(Membership, Workspace, User)
        .join(Workspace, Workspace.id == Membership.workspace_id)
        .join(User, User.id == Membership.user_id)
        .where(Workspace.slug == slug, Membership.user_id == user_id, User.is_active.is_(True))
    ).first()
    if row is None:
        raise NotFound(f"workspace '{slug}' not found")
    m, ws, user = row
    return Member(user.id, user.email, user.name, ws.id, ws.slug, ws.name, Role(m.role))


def workspaces_of(*, uow: UnitOfWork, user_id: int) -> list[tuple[Workspace, Role]]:
    rows = uow.session.execute(
        select(Workspace, Membership.role).join(Membership, Membership.workspace_id == Workspace.id)
        .where(Membership.user_id == user_id).order_by(Workspace.name)
    ).all()
    return [(ws, Role(role)) for ws, role in rows]


class LoginGuard:
    """Authenticates email + password under `LoginThrottle`: failures count per account and client address, per
    client address, and (with a much higher ceiling that spares addresses the owner signed in from) per account."""

    def __init__(self, attempts_per_minute: int, engine: Engine | None = None) -> None:
        """With an engine the counts are kept in the database, shared by every server process; without one, in this
        process only."""
        self.throttle = LoginThrottle(attempts_per_minute, engine)

    def login(self, *, uow: UnitOfWork, email: str, password: str, ip: str, has_session: bool = False) -> User:
        """`ip`: the client's address. `has_session`: the caller holds a valid session of this account."""
        email = email.strip().lower()
        self.throttle.check(email=email, ip=ip, has_session=has_session)
        user = uow.session.scalar(select(User).where(User.email == email))
        # an unknown or inactive account has no hash to check: _verify then spends a check on a dummy one, at the
        # same cost, and fails
        if not _verify(user.password_hash if user is not None and user.is_active else None, password):
            self.throttle.failed(email=email, ip=ip)
            raise Unauthenticated("email or password is wrong")
        assert user is not None
        self.throttle.succeeded(email=email, ip=ip)
        return user

    def change_password(self, *, uow: UnitOfWork, user_id: int, current: str, new: str, ip: str) -> int:
        """A signed-in user's own password change. The current password is checked under the same per-address limits
        as a login (a stolen session must not become a way to guess it); the account's ceiling spares the signed-in
        caller. Ends every other session; returns the new epoch."""
        user = uow.session.get(User, user_id)
        if user is None or not user.is_active:
            raise Unauthenticated("sign in again")
        try:
            self.login(uow=uow, email=user.email, password=current, ip=ip, has_session=True)
        except Unauthenticated:
            raise InvalidInput("your current password is wrong",
                               [FieldError(["body", "current_password"], "wrong password")]) from None
        check_password_rules(new, "new_password")
        if new == current:
            raise InvalidInput("the new password is the same as the current one",
                               [FieldError(["body", "new_password"], "same as the current password")])
        user.password_hash = hash_password(new)
        return end_sessions(uow=uow, user_id=user_id)


def live_session_epoch(*, uow: UnitOfWork, user_id: int, session_id: str) -> int | None:
    """`session_epoch` for a web session that has not been signed out: None when the user is unknown or deactivated,
    or `session_id` was revoked. One query (the revoked ids are looked up by primary key)."""
    revoked = exists().where(RevokedSession.sid == session_id)
    row = uow.session.execute(select(User.session_epoch, User.is_active, revoked.label("revoked"))
                              .where(User.id == user_id)).first()
    if row is None or not row.is_active or row.revoked:
        return None
    return int(row.session_epoch)


def revoke_session(*, uow: UnitOfWork, session_id: str, expires_at: datetime, now: datetime) -> None:
    """End one web session (signing out): its id is refused until `expires_at`, when the session would have ended
    anyway. Ids whose sessions have ended since are deleted on the way."""
    uow.session.execute(delete(RevokedSession).where(RevokedSession.expires_at < now))
    if expires_at > now and uow.session.get(RevokedSession, session_id) is None:
        uow.session.add(RevokedSession(sid=session_id, expires_at=expires_at))
    uow.session.flush()


def end_sessions(*, uow: UnitOfWork, user_id: int, revoke_tokens: bool = False, actor: Actor | None = None) -> int:
    """End every web session of the user ("sign out everywhere"), and with `revoke_tokens` every API token they
    have in any workspace too. Returns the new epoch, which the caller's own session may take to stay signed in."""
    user = uow.session.get(User, user_id)
    if user is None:
        raise NotFound(f"user {user_id} not found")
    user.session_epoch += 1
    if revoke_tokens:
        revoke_all_tokens(uow=uow, user_id=user_id, actor=actor, why="signed out everywhere")
    uow.session.flush()
    return user.session_epoch


def revoke_all_tokens(*, uow: UnitOfWork, user_id: int, actor: Actor | None, why: str) -> int:
    """Revoke every API token of a person still in use, in every workspace (each revocation in that workspace's
    audit log when an `actor` is given, `why` saying what caused it). Returns how many were revoked."""
    tokens = list(uow.session.scalars(select(ApiToken).where(ApiToken.user_id == user_id,
                                                             ApiToken.revoked_at.is_(None)).order_by(ApiToken.id)))
    for token in tokens:
        token.revoke()
        if actor is not None:
            audit.record(uow=uow, workspace_id=token.workspace_id, actor=actor, action="revoke",
                         record_type="api_token", record_id=token.id, after={"prefix": token.prefix, "why": why})
    uow.session.flush()
    return len(tokens)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(*, uow: UnitOfWork, workspace_id: int, user_id: int, name: str, actor: Actor) -> tuple[ApiToken, str]:
    """Returns the stored token row and the plaintext token, which is never stored or shown again."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(workspace_id=workspace_id, user_id=user_id, name=name, prefix=token[:10], token_hash=_token_hash(token))
    uow.session.add(row)
    uow.session.flush()
    audit.record(uow=uow, workspace_id=workspace_id, actor=actor, action="create", record_type="api_token",
                 record_id=row.id, after={"name": name, "prefix": row.prefix})
    return row, token


def list_tokens(*, uow: UnitOfWork, workspace_id: int, user_id: int) -> list[ApiToken]:
    return list(uow.session.scalars(
        select(ApiToken).where(ApiToken.workspace_id == workspace_id, ApiToken.user_id == user_id).order_by(ApiToken.id)
    ))


def revoke_token(*, uow: UnitOfWork, workspace_id: int, user_id: int, token_id: int, actor: Actor) -> ApiToken:
    row = uow.session.scalar(select(ApiToken).where(
        ApiToken.id == token_id, ApiToken.workspace_id == workspace_id, ApiToken.user_id == user_id))
    if row is None:
        raise NotFound(f"token {token_id} not found")
    row.revoke()
    audit.record(uow=uow, workspace_id=workspace_id, actor=actor, action="revoke", record_type="api_token",
                 record_id=row.id, after={"prefix": row.prefix})
    return row


def authenticate_token(*, uow: UnitOfWork, token: str, slug: str) -> Member:
    """A bearer token is valid for its own workspace only; anything else is 401 (bad token) or 404 (other workspace)."""
    row = uow.session.scalar(select(ApiToken).where(ApiToken.token_hash == _token_hash(token)))
    if row is None or row.revoked_at is not None:
        raise Unauthenticated("the API token is unknown or revoked")
    member = membership(uow=uow, slug=slug, user_id=row.user_id)
    if member.workspace_id != row.workspace_id:
        raise NotFound(f"workspace '{slug}' not found")
    now = utcnow()
    if row.last_used_at is None or now - row.last_used_at > timedelta(seconds=60):
        row.last_used_at = now
    return member
