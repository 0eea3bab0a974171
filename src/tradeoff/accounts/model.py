"""People, workspaces, memberships and API tokens."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tradeoff.storage.base import Base, Timestamps, UTCDateTime, utcnow


class Role(enum.StrEnum):
    owner = "owner"
    pm = "pm"
    engineer = "engineer"
    stakeholder = "stakeholder"

    @property
    def edits_records(self) -> bool:
        """Owners and PMs edit everything."""
        return self in (Role.owner, Role.pm)

    @property
    def edits_technical(self) -> bool:
        """Owners, PMs and engineers change technical records: estimates, components, teams' work history."""
        return self in (Role.owner, Role.pm, Role.engineer)

    @property
    def makes_promises(self) -> bool:
        """Owners, PMs and stakeholders (sales and customer success) record, move and withdraw commitments to
        customers; engineers say what things cost, not what is promised."""
        return self in (Role.owner, Role.pm, Role.stakeholder)

    @property
    def label(self) -> str:
        """The role as people say it: 'PM', 'Stakeholder'."""
        return "PM" if self is Role.pm else self.value.capitalize()

    @property
    def adds_evidence(self) -> bool:
        """Everyone but a pure reader may add feedback and comments; all roles can."""
        return True

    @property
    def manages_workspace(self) -> bool:
        return self is Role.owner


class User(Timestamps, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    password_hash: Mapped[str | None] = mapped_column(String(200), nullable=True)
    is_active: Mapped[bool] = mapped_column(default=True, nullable=False)
    # A web session is valid only while it carries the user's current epoch: a new password or "sign out
    # everywhere" bumps it, which ends every session signed in before (the session cookie itself stays stateless).
    session_epoch: Mapped[int] = mapped_column(Integer, default=0, server_default="0", nullable=False)

    memberships: Mapped[list[Membership]] = relationship(back_populates="user", cascade="all, delete-orphan")

    @property
    def display_name(self) -> str:
        return self.name or self.email


class Workspace(Timestamps, Base):
    __tablename__ = "workspaces"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)

    memberships: Mapped[list[Membership]] = relationship(back_populates="workspace", cascade="all, delete-orphan")


class Membership(Timestamps, Base):
    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("workspace_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    role: Mapped[str] = mapped_column(String(20), nullable=False)

    workspace: Mapped[Workspace] = relationship(back_populates="memberships")
    user: Mapped[User] = relationship(back_populates="memberships")

    @property
    def role_enum(self) -> Role:
        return Role(self.role)


class ApiToken(Base):
    """A bearer token. Only its SHA-256 is stored; the token itself is shown once at creation."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False, index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    prefix: Mapped[str] = mapped_column(String(16), nullable=False)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    user: Mapped[User] = relationship()
    workspace: Mapped[Workspace] = relationship()

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def revoke(self) -> None:
        if self.revoked_at is None:
            self.revoked_at = utcnow()


class RateEvent(Base):
    """One counted attempt (a failed login, a public submission) for the sliding-window limits shared by every
    server process. The key (an account's email, an IP) is stored only as its SHA-256."""

    __tablename__ = "rate_events"
    __table_args__ = (Index("ix_rate_events_key_at", "key_hash", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)


class Invitation(Base):
    """An owner's invitation of an email address into a workspace with a role. Only the SHA-256 of its token is
    stored: the link (/invite/<token>) is shown once, to the inviter, who passes it on. The person it names joins by
    opening the link and accepting (signed in as that email) or, with no account yet, by choosing their own name and
    password. It ends when accepted, declined, revoked (inviting the same email again revokes it) or expired."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False, index=True)
    email: Mapped[str] = mapped_column(String(254), nullable=False)
    role: Mapped[str] = mapped_column(String(20), nullable=False)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    invited_by: Mapped[str] = mapped_column(String(254), nullable=False)  # who sent it, as the audit trail names them
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    declined_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    workspace: Mapped[Workspace] = relationship()

    @property
    def role_enum(self) -> Role:
        return Role(self.role)

    def state(self, now: datetime) -> str:
        """'accepted' | 'declined' | 'revoked' | 'expired' | 'pending' (the first that applies)."""
        if self.accepted_at is not None:
            return "accepted"
        if self.declined_at is not None:
            return "declined"
        if self.revoked_at is not None:
            return "revoked"
        return "expired" if now >= self.expires_at else "pending"

    def revoke(self, now: datetime) -> None:
        if self.state(now) == "pending":
            self.revoked_at = now


class RevokedSession(Base):
    """A web session ended by signing out. The session cookie is signed, not stored, so a copy of it would work
    until it expires; its random id is kept here until then (`expires_at`, the session's own end at the latest),
    and every request's session is looked up by it."""

    __tablename__ = "revoked_sessions"

    sid: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, index=True)
