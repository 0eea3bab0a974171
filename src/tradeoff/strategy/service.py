"""Objectives and key results, their links to problems and features, and a product's business stage."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import selectinload

from tradeoff.audit import service as audit
from tradeoff.errors import FieldError, InvalidInput
from tradeoff.features import service as feature_service
from tradeoff.problems import service as problem_service
from tradeoff.products import service as product_service
from tradeoff.records import service as records
from tradeoff.records.service import RecordSpec
from tradeoff.scoring import scores as scoring_scores
from tradeoff.storage.base import utcnow
from tradeoff.storage.uow import Actor, UnitOfWork
from tradeoff.strategy.model import Objective
from tradeoff.strategy.schemas import ObjectiveCreate, ObjectiveUpdate

SPEC = RecordSpec(
    name="objective",
    plural="objectives",
    model=Objective,
    sorts={"title": Objective.title, "created_at": Objective.created_at, "id": Objective.id},
    default_sort="title",
    filters={"product_id": lambda v: Objective.product_id == int(v)},
    searchable=False,
    snapshot_fields=("title", "description", "product_id", "key_results"),
    load_options=(selectinload(Objective.problems), selectinload(Objective.features)),
)


def _check_key_results(krs: list[dict[str, Any]]) -> None:
    for i, kr in enumerate(krs):
        if kr["baseline"] == kr["target"]:
            raise InvalidInput(f"key_results[{i}]: target equals baseline ({kr['baseline']:g}); a key result must "
                               "move the metric", [FieldError(["body", "key_results", i, "target"], "equals baseline")])


def _links(uow: UnitOfWork, workspace_id: int, values: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for key, attr, spec in (("problem_ids", "problems", problem_service.SPEC),
                            ("feature_ids", "features", feature_service.SPEC)):
        if key in values:
            ids = values.pop(key)
            if ids is None:
                raise InvalidInput(f"{key} cannot be null", [FieldError(["body", key], "cannot be null")])
            out[attr] = records.get_many(uow=uow, spec=spec, workspace_id=workspace_id, ids=ids, field_name=key)
    return out


def create(*, uow: UnitOfWork, workspace_id: int, actor: Actor, data: ObjectiveCreate) -> Objective:
    problem_service.check_product(uow, workspace_id, data.product_id)
    values = data.model_dump(mode="json")
    _check_key_results(values["key_results"])
    links = _links(uow, workspace_id, values)
    obj = Objective(workspace_id=workspace_id, **values, **links)
    uow.session.add(obj)
    uow.session.flush()
    audit.record(uow=uow, workspace_id=workspace_id, actor=actor, action="create", record_type="objective",
                 record_id=obj.id, after=SPEC.snapshot(obj) | {"problem_ids": obj.problem_ids,
                                                              "feature_ids": obj.feature_ids})
    return obj


def update(*, uow: UnitOfWork, workspace_id: int, actor: Actor, record_id: int, data: ObjectiveUpdate,
           if_match: int | None) -> Objective:
    obj: Objective = records.get(uow=uow, spec=SPEC, workspace_id=workspace_id, record_id=record_id)
    values: dict[str, Any] = data.model_dump(mode="json", exclude_unset=True)
    for required in ("title", "description", "key_results"):
        if required in values and values[required] is None:
            raise InvalidInput(f"{required} cannot be null", [FieldError(["body", required], "cannot be null")])
    problem_service.check_product(uow, workspace_id, values.get("product_id"))
    if "key_results" in values:
        _check_key_results(values["key_results"])
    before = {"problem_ids": obj.problem_ids, "feature_ids": obj.feature_ids}
    links = _links(uow, workspace_id, values)
    if links:
        values["updated_at"] = utcnow()
    values |= links
    after = {"problem_ids": [p.id for p in links["problems"]] if "problems" in links else before["problem_ids"],
             "feature_ids": [f.id for f in links["features"]] if "features" in links else before["feature_ids"]}
    return records.update(uow=uow, spec=SPEC, workspace_id=workspace_id, actor=actor, obj=obj,  # type: ignore[no-any-return]
                          values=values, if_match=if_match, extra_before=before, extra_after=after)


def product_strategy(*, uow: UnitOfWork, workspace_id: int, product_id: int) -> dict[str, Any]:
    """A product's business stage, the weights it sets (and the team's overrides), and its objectives."""
    product = records.get(uow=uow, spec=product_service.SPEC, workspace_id=workspace_id, record_id=product_id)
    objectives = records.list_page(uow=uow, spec=SPEC, workspace_id=workspace_id, filters={"product_id": product_id},
                                   limit=200).items
    return {
        "product_id": product_id, "name": product.name, **scoring_scores.stage_weights(product),
        "objectives": [{"id": o.id, "title": o.title, "problem_ids": o.problem_ids, "feature_ids": o.feature_ids,
                        "key_results": [kr | {"progress": Objective.progress(kr)} for kr in o.key_results]}
                       for o in objectives],
    }
