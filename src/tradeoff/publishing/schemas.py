"""Share links (managed by owners and PMs) and the public, customer-facing shapes: nothing internal in them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field, StringConstraints

from tradeoff.records.schemas import Input, Output

Label = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]


class ShareCreate(Input):
    product_id: int = Field(description="The product whose roadmap and changelog the link shows.")
    label: Label = Field("", description="A note for your team, e.g. 'customer newsletter'.")


class ShareOut(Output):
    id: int
    product_id: int
    label: str
    token: str
    path: str = Field(description="Public address of the roadmap, relative to the server: /p/<token>")
    active: bool
    created_by: str
    created_at: datetime
    revoked_at: datetime | None


class PublicItem(BaseModel):
    """One roadmap or changelog entry, in customer-facing words only."""

    model_config = ConfigDict(frozen=True)
    ref: str = Field(description="Opaque reference used to upvote the item.")
    title: str
    description: str
    shipped_on: date | None = None


class PublicRoadmap(BaseModel):
    model_config = ConfigDict(frozen=True)
    product: str
    now: list[PublicItem]
    next: list[PublicItem]
    later: list[PublicItem]
    shipped: list[PublicItem]


Name = Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)]
Message = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]


class PublicSubmissionIn(BaseModel):
    """What a customer sends from the public page: feedback (a message) or an upvote of an item (a ref)."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)
    kind: Literal["feedback", "upvote"]
    email: EmailStr = Field(max_length=254)
    name: Name = ""
    company: Name = ""
    message: Message = ""
    ref: Annotated[str, StringConstraints(max_length=40)] = ""
    website: str = ""  # the honeypot: a hidden field people never fill
