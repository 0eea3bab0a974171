from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, EmailStr, StringConstraints, field_validator

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
    email: EmailStr
    role: Role
    name: Annotated[str, StringConstraints(max_length=200)] = ""


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
