from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from tradeoff.errors import Conflict, FieldError
from tradeoff.products.model import Product
from tradeoff.products.schemas import ProductCreate, ProductUpdate
from tradeoff.records import service as records
from tradeoff.records.service import RecordSpec
from tradeoff.storage.uow import Actor, UnitOfWork

SPEC = RecordSpec(
    name="product",
    plural="products",
    model=Product,
    sorts={"name": Product.name, "created_at": Product.created_at, "id": Product.id},
    default_sort="name",
    snapshot_fields=("name", "description", "stage", "criteria_weights"),
)


def _unique_name(uow: UnitOfWork, workspace_id: int, name: str, exclude: int | None = None) -> None:
    stmt = select(Product.id).where(Product.workspace_id == workspace_id, Product.name == name)
    if exclude is not None:
        stmt = stmt.where(Product.id != exclude)
    if uow.session.scalar(stmt) is not None:
        raise Conflict(f"a product named '{name}' already exists", [FieldError(["body", "name"], "already exists", name)])


def create(*, uow: UnitOfWork, workspace_id: int, actor: Actor, data: ProductCreate) -> Product:
    _unique_name(uow, workspace_id, data.name)
    try:
        return records.create(uow=uow, spec=SPEC, workspace_id=workspace_id, actor=actor, values=data.model_dump())  # type: ignore[no-any-return]
    except IntegrityError as exc:  # a concurrent create with the same name
        raise Conflict(f"a product named '{data.name}' already exists") from exc


def update(*, uow: UnitOfWork, workspace_id: int, actor: Actor, record_id: int, data: ProductUpdate, if_match: int | None) -> Product:
    obj = records.get(uow=uow, spec=SPEC, workspace_id=workspace_id, record_id=record_id)
    values: dict[str, Any] = data.model_dump(exclude_unset=True)
    if values.get("name"):
        _unique_name(uow, workspace_id, values["name"], exclude=record_id)
    return records.update(uow=uow, spec=SPEC, workspace_id=workspace_id, actor=actor, obj=obj, values=values, if_match=if_match)  # type: ignore[no-any-return]


def find_by_name(*, uow: UnitOfWork, workspace_id: int, name: str) -> Product | None:
    return uow.session.scalar(select(Product).where(Product.workspace_id == workspace_id, Product.name == name))
