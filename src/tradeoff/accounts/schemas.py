from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, EmailStr, Field, StringConstraints, field_validator, model_validator

from tradeoff.accounts.model import Role
from tradeoff.records.schemas import Input, Output

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}[a-z0-9]$")


def check_slug(v: str) -> str:
    if not SLUG.match(v):
        raise ValueError("use 3–64 lowercase letters, digits and hyphens, starting and ending with a letter or digit")
    return v


class WorkspaceCreate(Input):
    slug: str
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]

    _slug = field_validator("slug")(check_slug)


class WorkspaceOut(Output):
    id: int
    slug: str
    name: str


class MemberIn(Input):
    """A new role for someone who is already a member, named by user id or by email. People join by invitation
    (POST …/invitations), never here."""

    user_id: int | None = Field(None, description="The member's user id (or give their email).")
    email: EmailStr | None = Field(None, description="The member's email (or give their user id).")
    role: Role

    @model_validator(mode="after")
    def _one_person(self) -> MemberIn:
        if (self.user_id is None) == (self.email is None):
            raise ValueError("give the member's user_id or their email (one of them)")
        return self


class InvitationIn(Input):
    email: EmailStr = Field(description="Who is invited. The answer is the same whether or not they have an account.")
    role: Role = Field(description="Their role once they accept.")


class InvitationOut(Output):
    id: int
    email: str
    role: Role
    invited_by: str
    created_at: datetime
    expires_at: datetime


class InvitationCreated(InvitationOut):
    link: str = Field(description="The invitation's address relative to the server, /invite/<token>, for you to pass "
                                  "on (Tradeoff sends no email). Shown only in this answer.")


class MemberOut(BaseModel):
    user_id: int
    email: str
    name: str
    role: Role


class TokenCreate(Input):
    name: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] = ""


class TokenOut(Output):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenCreated(TokenOut):
    token: str


class MeOut(BaseModel):
    user_id: int
    email: str
    name: str
    workspace: str
    role: Role
