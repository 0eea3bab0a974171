from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints, model_validator

from tradeoff.customers.schemas import CustomerRef
from tradeoff.records.schemas import Input, Output

Quote = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5_000)]


class LinkCreate(Input):
    feedback_id: int
    problem_id: int | None = None
    feature_id: int | None = None
    quote: Quote | None = None

    @model_validator(mode="after")
    def _one_target(self) -> LinkCreate:
        if (self.problem_id is None) == (self.feature_id is None):
            raise ValueError("give exactly one of problem_id or feature_id")
        return self


class LinkUpdate(Input):
    quote: Quote | None = None


class LinkFilters(BaseModel):
    model_config = {"extra": "ignore"}
    feedback_id: int | None = None
    feature_id: int | None = None
    problem_id: int | None = None


class LinkOut(Output):
    id: int
    version: int = Field(description="The link's ETag: send it as If-Match to PATCH or DELETE it")
    feedback_id: int
    problem_id: int | None
    feature_id: int | None
    quote: str | None
    created_by: str
    created_at: datetime


class EvidenceOut(BaseModel):
    """One piece of evidence behind a problem or feature."""

    link_id: int
    feedback_id: int
    text: str
    quote: str | None
    source: str
    reported_at: datetime
    date_unknown: bool = Field(False, description="When it was said is not known: `reported_at` is when it was "
                                                  "imported")
    customer: CustomerRef | None
    duplicate_of_id: int | None = Field(None, description="Set when this item was merged into that one as a duplicate: "
                                        "it stays evidence (its customer asked too)")
    via_problem_id: int | None = Field(None, description="For a feature: set when this evidence is linked to a "
                                       "problem the feature solves (that problem), not to the feature itself")


class AskingCustomer(BaseModel):
    id: int
    name: str
    segment: str
    arr: Decimal
    currency: str
    feedback_count: int
    lifecycle: str = Field("customer", description="customer, or prospect (not a customer yet: no ARR)")
    deal_value: Decimal = Field(Decimal(0), description="Their open deal's expected ARR, in `currency`; 0: none")
    deal_close: date | None = Field(None, description="When that deal is expected to close")


class DemandOut(BaseModel):
    feedback_count: int
    customer_count: int
    arr_by_currency: dict[str, Decimal]
    evidence: list[EvidenceOut]
    customers: list[AskingCustomer]


class CustomerRequestOut(BaseModel):
    """Something a customer asked for and where it stands."""

    feedback_id: int
    text: str
    reported_at: datetime
    date_unknown: bool = Field(False, description="When it was said is not known: `reported_at` is when it was "
                                                  "imported")
    source: str
    target_kind: Literal["problem", "feature"] | None
    target_id: int | None
    target_title: str | None
    status: str | None
