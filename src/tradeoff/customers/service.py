from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from tradeoff.customers.model import Customer
from tradeoff.customers.schemas import CustomerCreate, CustomerUpdate
from tradeoff.errors import FieldError, InvalidInput
from tradeoff.records import service as records
from tradeoff.records.service import RecordSpec
from tradeoff.storage.uow import Actor, UnitOfWork

SPEC = RecordSpec(
    name="customer",
    plural="customers",
    model=Customer,
    sorts={"name": Customer.name, "arr": Customer.arr, "created_at": Customer.created_at, "id": Customer.id},
    default_sort="name",
    filters={
        "segment": lambda v: Customer.segment == v,
        "currency": lambda v: Customer.currency == str(v).upper(),
        "min_arr": lambda v: Customer.arr >= v,
        "account_owner": lambda v: Customer.account_owner == v,
        "external_id": lambda v: Customer.external_id == v,
    },
    snapshot_fields=("name", "segment", "arr", "currency", "plan", "renewal_date", "account_owner", "notes", "external_id"),
)


def _check_external_id(uow: UnitOfWork, workspace_id: int, external_id: str | None, exclude: int | None = None) -> None:
    if not external_id:
        return
    stmt = select(Customer.id).where(Customer.workspace_id == workspace_id, Customer.external_id == external_id)
    if exclude is not None:
        stmt = stmt.where(Customer.id != exclude)
    if uow.session.scalar(stmt) is not None:
        raise InvalidInput(
            f"external_id '{external_id}' is already used by another customer",
            [FieldError(["body", "external_id"], "already used", external_id)],
        )


def create(*, uow: UnitOfWork, workspace_id: int, actor: Actor, data: CustomerCreate) -> Customer:
    _check_external_id(uow, workspace_id, data.external_id)
    values = data.model_dump()
    values["segment"] = data.segment.value
    return records.create(uow=uow, spec=SPEC, workspace_id=workspace_id, actor=actor, values=values)  # type: ignore[no-any-return]


def update(*, uow: UnitOfWork, workspace_id: int, actor: Actor, record_id: int, data: CustomerUpdate, if_match: int | None) -> Customer:
    obj = records.get(uow=uow, spec=SPEC, workspace_id=workspace_id, record_id=record_id)
    values: dict[str, Any] = data.model_dump(exclude_unset=True)
    for required in ("name", "segment", "arr", "currency"):
        if required in values and values[required] is None:
            raise InvalidInput(f"{required} cannot be null", [FieldError(["body", required], "cannot be null")])
    if "segment" in values:
        values["segment"] = values["segment"].value
    if values.get("external_id") == "":
        values["external_id"] = None
    _check_external_id(uow, workspace_id, values.get("external_id"), exclude=record_id)
    return records.update(uow=uow, spec=SPEC, workspace_id=workspace_id, actor=actor, obj=obj, values=values, if_match=if_match)  # type: ignore[no-any-return]


def by_names(*, uow: UnitOfWork, workspace_id: int, names: list[str]) -> dict[str, Customer]:
    """Case-insensitive lookup by name, for importers."""
    lowered = {n.strip().lower() for n in names if n.strip()}
    if not lowered:
        return {}
    rows = uow.session.scalars(
        select(Customer).where(Customer.workspace_id == workspace_id, func.lower(Customer.name).in_(lowered))
    )
    return {c.name.lower(): c for c in rows}


def main_currency(uow: UnitOfWork, workspace_id: int) -> str:
    """The currency most of the workspace's customers pay in (USD when there are none): the one totals are
    shown in, other currencies named beside."""
    from sqlalchemy import func, select

    return uow.session.scalar(
        select(Customer.currency).where(Customer.workspace_id == workspace_id)
        .group_by(Customer.currency).order_by(func.count().desc(), Customer.currency).limit(1)) or "USD"
