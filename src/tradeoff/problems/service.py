from __future__ import annotations

from typing import Any

from tradeoff.errors import FieldError, InvalidInput
from tradeoff.problems.model import Problem
from tradeoff.problems.schemas import ProblemCreate, ProblemUpdate
from tradeoff.products import service as product_service
from tradeoff.records import service as records
from tradeoff.records.service import RecordSpec
from tradeoff.storage.uow import Actor, UnitOfWork

SPEC = RecordSpec(
    name="problem",
    plural="problems",
    model=Problem,
    sorts={"created_at": Problem.created_at, "updated_at": Problem.updated_at, "id": Problem.id},
    default_sort="-created_at",
    filters={
        "product_id": lambda v: Problem.product_id == int(v),
        "segment": lambda v: Problem.segment == v,
        "persona": lambda v: Problem.persona == v,
    },
    snapshot_fields=("statement", "persona", "segment", "product_id"),
)


def check_product(uow: UnitOfWork, workspace_id: int, product_id: int | None) -> None:
    if product_id is not None:
        records.get_many(uow=uow, spec=product_service.SPEC, workspace_id=workspace_id, ids=[product_id], field_name="product_id")


def create(*, uow: UnitOfWork, workspace_id: int, actor: Actor, data: ProblemCreate) -> Problem:
    check_product(uow, workspace_id, data.product_id)
    return records.create(uow=uow, spec=SPEC, workspace_id=workspace_id, actor=actor, values=data.model_dump())  # type: ignore[no-any-return]


def update(*, uow: UnitOfWork, workspace_id: int, actor: Actor, record_id: int, data: ProblemUpdate, if_match: int | None) -> Problem:
    obj = records.get(uow=uow, spec=SPEC, workspace_id=workspace_id, record_id=record_id)
    values: dict[str, Any] = data.model_dump(exclude_unset=True)
    if "statement" in values and values["statement"] is None:
        raise InvalidInput("statement cannot be null", [FieldError(["body", "statement"], "cannot be null")])
    check_product(uow, workspace_id, values.get("product_id"))
    return records.update(uow=uow, spec=SPEC, workspace_id=workspace_id, actor=actor, obj=obj, values=values, if_match=if_match)  # type: ignore[no-any-return]
