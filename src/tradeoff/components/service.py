"""Component catalogue. Engineers may change components (a technical record): the doors ask for the
'technical' permission, which owners, PMs and engineers have."""

from __future__ import annotations

from typing import Any

from tradeoff.components.model import Component
from tradeoff.components.schemas import ComponentCreate, ComponentUpdate
from tradeoff.errors import FieldError, InvalidInput
from tradeoff.records import service as records
from tradeoff.records.service import RecordSpec
from tradeoff.storage.uow import Actor, UnitOfWork
from tradeoff.teams import service as team_service

SPEC = RecordSpec(
    name="component",
    plural="components",
    model=Component,
    sorts={"name": Component.name, "debt_level": Component.debt_level, "created_at": Component.created_at,
           "id": Component.id},
    default_sort="name",
    filters={
        "kind": lambda v: Component.kind == str(getattr(v, "value", v)),
        "owner_team_id": lambda v: Component.owner_team_id == int(v),
        "min_debt": lambda v: Component.debt_level >= int(v),
    },
    searchable=False,
    snapshot_fields=("name", "kind", "debt_level", "owner_team_id", "description"),
)


def _check(uow: UnitOfWork, workspace_id: int, values: dict[str, Any], exclude: int | None = None) -> None:
    if values.get("owner_team_id") is not None:
        records.get_many(uow=uow, spec=team_service.SPEC, workspace_id=workspace_id, ids=[values["owner_team_id"]],
                         field_name="owner_team_id")
    if "name" in values:
        stmt = records.base_query(SPEC, workspace_id).where(Component.name == values["name"])
        if exclude is not None:
            stmt = stmt.where(Component.id != exclude)
        if uow.session.scalars(stmt).first() is not None:
            raise InvalidInput(f"a component named '{values['name']}' already exists",
                               [FieldError(["body", "name"], "already exists", values["name"])])


def create(*, uow: UnitOfWork, workspace_id: int, actor: Actor, data: ComponentCreate) -> Component:
    values = data.model_dump()
    values["kind"] = data.kind.value
    _check(uow, workspace_id, values)
    obj: Component = records.create(uow=uow, spec=SPEC, workspace_id=workspace_id, actor=actor, values=values)
    return obj


def update(*, uow: UnitOfWork, workspace_id: int, actor: Actor, record_id: int, data: ComponentUpdate,
           if_match: int | None) -> Component:
    obj: Component = records.get(uow=uow, spec=SPEC, workspace_id=workspace_id, record_id=record_id)
    values: dict[str, Any] = data.model_dump(exclude_unset=True)
    for required in ("name", "kind", "debt_level", "description"):
        if required in values and values[required] is None:
            raise InvalidInput(f"{required} cannot be null", [FieldError(["body", required], "cannot be null")])
    if "kind" in values:
        values["kind"] = str(values["kind"])
    _check(uow, workspace_id, values, exclude=obj.id)
    out: Component = records.update(uow=uow, spec=SPEC, workspace_id=workspace_id, actor=actor, obj=obj,
                                    values=values, if_match=if_match)
    return out


def by_ids(*, uow: UnitOfWork, workspace_id: int, ids: list[int]) -> dict[int, Component]:
    if not ids:
        return {}
    stmt = records.base_query(SPEC, workspace_id).where(Component.id.in_(ids))
    return {c.id: c for c in uow.session.scalars(stmt)}
