from __future__ import annotations

import enum
from datetime import date
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, Index, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tradeoff.storage.base import Archivable, Base, JSONType, Timestamps, Versioned, WorkspaceScoped


class Segment(enum.StrEnum):
    enterprise = "enterprise"
    mid_market = "mid_market"
    smb = "smb"
    startup = "startup"
    other = "other"


class Lifecycle(enum.StrEnum):
    """A paying customer, or a prospect: someone Sales is trying to win, who pays nothing yet."""

    customer = "customer"
    prospect = "prospect"


class Customer(Versioned, Archivable, Timestamps, WorkspaceScoped, Base):
    __tablename__ = "customers"
    __table_args__ = (
        CheckConstraint("arr >= 0", name="arr_not_negative"),
        CheckConstraint("deal_value >= 0", name="deal_value_not_negative"),
        Index("ix_customers_ws_name", "workspace_id", "name", "id"),
        Index("ix_customers_ws_arr", "workspace_id", "arr", "id"),
        Index("ix_customers_ws_external_id", "workspace_id", "external_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    segment: Mapped[str] = mapped_column(String(20), nullable=False, default=Segment.other.value)
    arr: Mapped[Decimal] = mapped_column(Numeric(14, 2), nullable=False, default=Decimal(0))
    currency: Mapped[str] = mapped_column(String(3), nullable=False, default="USD")
    plan: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    renewal_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    # when they became a customer (the CRM's "customer since"); None: when the record was made here
    customer_since: Mapped[date | None] = mapped_column(Date, nullable=True)
    account_owner: Mapped[str] = mapped_column(String(254), nullable=False, default="")
    notes: Mapped[str] = mapped_column(Text, nullable=False, default="")
    external_id: Mapped[str | None] = mapped_column(String(100), nullable=True)
    lifecycle: Mapped[str] = mapped_column(String(10), nullable=False, default=Lifecycle.customer.value,
                                           server_default=Lifecycle.customer.value)
    # an open deal (a prospect's first, or a customer's expansion): the ARR it would add, in `currency`, and when
    # Sales expect it to close; 0 and None: no open deal
    deal_value: Mapped[Decimal] = mapped_column(Numeric(14, 2), nullable=False, default=Decimal(0), server_default="0")
    deal_close: Mapped[date | None] = mapped_column(Date, nullable=True)


class MoneySettings(Timestamps, WorkspaceScoped, Base):
    """The currency a workspace totals ARR in, and what one unit of each other currency is worth in it."""

    __tablename__ = "money_settings"
    __table_args__ = (UniqueConstraint("workspace_id", name="uq_money_settings_workspace_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    currency: Mapped[str] = mapped_column(String(3), nullable=False)
    rates: Mapped[dict[str, float]] = mapped_column(JSONType, nullable=False, default=dict)
