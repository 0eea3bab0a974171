from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, Field, StringConstraints

from tradeoff.customers.model import Segment
from tradeoff.records.schemas import Input, LongText, Name, Output, RecordOut, ShortText

Currency = Annotated[
    str,
    BeforeValidator(lambda v: v.strip().upper() if isinstance(v, str) else v),
    StringConstraints(pattern=r"^[A-Z]{3}$"),
]
Money = Annotated[
    Decimal,
    Field(ge=0, le=Decimal("999999999999"), max_digits=14, decimal_places=2),
    AfterValidator(lambda d: d.quantize(Decimal("0.01"))),
]


class CustomerCreate(Input):
    name: Name
    segment: Segment = Segment.other
    arr: Money = Decimal(0)
    currency: Currency = "USD"
    plan: ShortText = ""
    renewal_date: date | None = None
    account_owner: ShortText = ""
    notes: LongText = ""
    external_id: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)] | None = None


class CustomerUpdate(Input):
    name: Name | None = None
    segment: Segment | None = None
    arr: Money | None = None
    currency: Currency | None = None
    plan: ShortText | None = None
    renewal_date: date | None = None
    account_owner: ShortText | None = None
    notes: LongText | None = None
    external_id: Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)] | None = None


class CustomerOut(RecordOut):
    name: str
    segment: Segment
    arr: Decimal
    currency: str
    plan: str
    renewal_date: date | None
    account_owner: str
    notes: str
    external_id: str | None


class CustomerRef(Output):
    id: int
    name: str
    segment: str
    arr: Decimal
    currency: str


class CustomerFilters(Output):
    model_config = {"extra": "ignore"}
    segment: Segment | None = None
    currency: str | None = None
    min_arr: Decimal | None = None
    account_owner: str | None = None
    external_id: str | None = None
