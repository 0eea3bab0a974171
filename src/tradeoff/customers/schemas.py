from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, Field, StringConstraints, model_validator

from tradeoff.customers.model import Lifecycle, Segment
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


def _not_future(d: date | None) -> date | None:
    if d is not None and d > date.today() + timedelta(days=1):
        raise ValueError(f"{d} is in the future: a customer since that day is not one yet")
    return d


Since = Annotated[date | None, AfterValidator(_not_future), Field(
    description="When they became a customer (the CRM's 'customer since'); empty: when the record was made here. "
                "A customer for fewer than 90 days counts as new in demand.")]


DealValue = Annotated[Money, Field(description="The open deal's expected ARR, in the customer's currency (a prospect's "
                                                "first deal or a customer's expansion); 0: no open deal")]
DealClose = Annotated[date | None, Field(description="When Sales expect the open deal to close")]
LifecycleField = Annotated[Lifecycle, Field(description="customer: pays today (ARR); prospect: Sales are trying to win "
                                                        "them, ARR 0, what they would pay is the deal value")]


def _prospect_pays_nothing(lifecycle: Lifecycle | None, arr: Decimal | None) -> None:
    if lifecycle == Lifecycle.prospect and arr:
        raise ValueError("arr: a prospect pays nothing yet; give what they would pay as deal_value")


class CustomerCreate(Input):
    name: Name
    segment: Segment = Segment.other
    arr: Money = Decimal("0.00")
    currency: Currency = "USD"
    plan: ShortText = ""
    renewal_date: date | None = None
    customer_since: Since = None
    account_owner: ShortText = ""
    notes: LongText = ""
    external_id: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)] | None = None
    lifecycle: LifecycleField = Lifecycle.customer
    deal_value: DealValue = Decimal("0.00")
    deal_close: DealClose = None

    @model_validator(mode="after")
    def _prospect(self) -> CustomerCreate:
        _prospect_pays_nothing(self.lifecycle, self.arr)
        return self


class CustomerUpdate(Input):
    name: Name | None = None
    segment: Segment | None = None
    arr: Money | None = None
    currency: Currency | None = None
    plan: ShortText | None = None
    renewal_date: date | None = None
    customer_since: Since = None
    account_owner: ShortText | None = None
    notes: LongText | None = None
    external_id: Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)] | None = None
    lifecycle: LifecycleField | None = None
    deal_value: DealValue | None = None
    deal_close: DealClose = None

    @model_validator(mode="after")
    def _prospect(self) -> CustomerUpdate:
        _prospect_pays_nothing(self.lifecycle, self.arr)
        return self


class DealIn(Input):
    """A customer's or prospect's open deal, as Sales keep it: what it would add (0: no open deal) and when it should
    close."""

    deal_value: DealValue
    deal_close: DealClose = None


class CustomerOut(RecordOut):
    name: str
    segment: Segment
    arr: Decimal
    currency: str
    plan: str
    renewal_date: date | None
    customer_since: date | None
    account_owner: str
    notes: str
    external_id: str | None
    lifecycle: Lifecycle
    deal_value: Decimal
    deal_close: date | None


class CustomerRef(Output):
    id: int
    name: str
    segment: str
    arr: Decimal
    currency: str
    lifecycle: str = "customer"


class CustomerFilters(Output):
    model_config = {"extra": "ignore"}
    segment: Segment | None = None
    currency: str | None = None
    min_arr: Decimal | None = None
    account_owner: str | None = None
    external_id: str | None = None
    lifecycle: Lifecycle | None = None
    min_deal_value: Decimal | None = None


Rate = Annotated[float, Field(gt=0, le=1_000_000, allow_inf_nan=False)]


class MoneySettingsIn(Input):
    """The currency totals are shown in, and what one unit of each other currency is worth in it
    (e.g. currency USD, rates {"EUR": 1.08}: EUR 100 counts as USD 108)."""

    currency: Currency
    rates: Annotated[dict[Currency, Rate], Field(max_length=50)] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _no_rate_for_itself(self) -> MoneySettingsIn:
        if self.currency in self.rates:
            raise ValueError(f"rates: {self.currency} is the currency totals are in; it needs no rate")
        return self


class MoneySettingsOut(Output):
    currency: str = Field(description="The currency ARR totals, scores, rankings and plan values are in")
    rates: dict[str, float] = Field(description="What one unit of each other currency is worth in `currency`")
    set: bool = Field(description="False: nothing set yet; `currency` is the one most customers pay in, and ARR "
                                  "in other currencies is left out of totals (each screen says how much)")
    unconverted: list[str] = Field(description="Currencies customers pay in that have no rate: their ARR is left out")
