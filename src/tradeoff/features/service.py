from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tradeoff.audit import service as audit
from tradeoff.errors import FieldError, InvalidInput
from tradeoff.features.model import Feature, FeatureStatus, feature_problems
from tradeoff.features.schemas import FeatureCreate, FeatureUpdate
from tradeoff.notifications import hooks as notifications
from tradeoff.problems import service as problem_service
from tradeoff.records import service as records
from tradeoff.records.service import RecordSpec
from tradeoff.storage.base import utcnow
from tradeoff.storage.uow import Actor, UnitOfWork

SPEC = RecordSpec(
    name="feature",
    plural="features",
    model=Feature,
    sorts={"title": Feature.title, "created_at": Feature.created_at, "updated_at": Feature.updated_at, "id": Feature.id},
    default_sort="-created_at",
    filters={
        "status": lambda v: Feature.status == v,
        "product_id": lambda v: Feature.product_id == int(v),
        "owner": lambda v: Feature.owner == v,
        "persona": lambda v: Feature.persona == v,
    },
    snapshot_fields=("title", "description", "status", "persona", "user_flow", "acceptance_criteria", "owner", "product_id",
                     "public", "public_title", "public_description"),
    load_options=(selectinload(Feature.problems),),
)


def _problems(uow: UnitOfWork, workspace_id: int, ids: list[int]) -> list[Any]:
    return records.get_many(uow=uow, spec=problem_service.SPEC, workspace_id=workspace_id, ids=ids, field_name="problem_ids")


def create(*, uow: UnitOfWork, workspace_id: int, actor: Actor, data: FeatureCreate) -> Feature:
    problem_service.check_product(uow, workspace_id, data.product_id)
    problems = _problems(uow, workspace_id, data.problem_ids)
    values = data.model_dump(exclude={"problem_ids"})
    values["status"] = data.status.value
    obj = Feature(workspace_id=workspace_id, problems=problems, **values)
    if data.status is FeatureStatus.shipped:
        obj.shipped_at = utcnow()
    uow.session.add(obj)
    uow.session.flush()
    audit.record(
        uow=uow, workspace_id=workspace_id, actor=actor, action="create", record_type="feature", record_id=obj.id,
        after=SPEC.snapshot(obj) | {"problem_ids": obj.problem_ids},
    )
    return obj


def update(*, uow: UnitOfWork, workspace_id: int, actor: Actor, record_id: int, data: FeatureUpdate, if_match: int | None) -> Feature:
    obj: Feature = records.get(uow=uow, spec=SPEC, workspace_id=workspace_id, record_id=record_id)
    values: dict[str, Any] = data.model_dump(exclude_unset=True)
    for required in ("title", "status", "user_flow", "acceptance_criteria", "problem_ids"):
        if required in values and values[required] is None:
            raise InvalidInput(f"{required} cannot be null", [FieldError(["body", required], "cannot be null")])
    if "status" in values:
        values["status"] = FeatureStatus(values["status"]).value
    problem_service.check_product(uow, workspace_id, values.get("product_id"))
    before_ids = obj.problem_ids
    if "problem_ids" in values:
        values["problems"] = _problems(uow, workspace_id, values.pop("problem_ids"))
        values["updated_at"] = utcnow()  # an association change alone would not bump the version
    after_ids = [p.id for p in values["problems"]] if "problems" in values else before_ids
    before_status = obj.status
    if values.get("status") == FeatureStatus.shipped.value and before_status != FeatureStatus.shipped.value:
        values["shipped_at"] = utcnow()  # the changelog's date
    obj = records.update(
        uow=uow, spec=SPEC, workspace_id=workspace_id, actor=actor, obj=obj, values=values, if_match=if_match,
        extra_before={"problem_ids": before_ids}, extra_after={"problem_ids": after_ids},
    )
    if obj.status != before_status:  # a decided item changing status invites a decision record
        from tradeoff.decisions import service as decision_service

        obj.decision_prompt = decision_service.decision_prompt(
            uow=uow, workspace_id=workspace_id, feature_id=obj.id, change=f"status changed {before_status} → {obj.status}")
        notifications.feature_status_changed(uow=uow, feature=obj, before=before_status, actor=actor)
        if FeatureStatus.shipped.value in (before_status, obj.status):  # it leaves (or rejoins) the backlog
            from tradeoff.commitments import service as commitment_service

            commitment_service.refresh(uow=uow, workspace_id=workspace_id)
    return obj


def titles(*, uow: UnitOfWork, workspace_id: int, ids: Iterable[int]) -> dict[int, str]:
    """id -> title of the workspace's features among `ids` (archived ones too: they are still named)."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    return dict(uow.session.execute(select(Feature.id, Feature.title).where(
        Feature.workspace_id == workspace_id, Feature.id.in_(wanted))).all())


def solving(*, uow: UnitOfWork, workspace_id: int, problem_id: int) -> list[Feature]:
    """The features (not archived) that solve `problem_id`, newest first."""
    stmt = (
        records.base_query(SPEC, workspace_id)
        .join(feature_problems, feature_problems.c.feature_id == Feature.id)
        .where(feature_problems.c.problem_id == problem_id, Feature.archived_at.is_(None))
        .order_by(Feature.id.desc())
    )
    return list(uow.session.scalars(stmt).unique())
