"""Adopting a solved plan: the features it chooses that are still ideas or in discovery become planned, so the
roadmap board, the briefs and the changelog treat them as the plan does (they give dates only to planned work)."""

from __future__ import annotations

from tradeoff.errors import FieldError, InvalidInput
from tradeoff.features import service as feature_service
from tradeoff.features.model import Feature, FeatureStatus
from tradeoff.features.schemas import FeatureUpdate
from tradeoff.plans import service as plan_service
from tradeoff.plans.model import Plan
from tradeoff.storage.uow import Actor, UnitOfWork

NOT_YET = (FeatureStatus.idea.value, FeatureStatus.discovery.value)


def chosen_not_planned(*, uow: UnitOfWork, workspace_id: int, plan: Plan) -> list[Feature]:
    """The features the plan's last solve schedules whose status is still idea or discovery, in its order."""
    ids = [int(r["feature_id"]) for r in (plan.result or {}).get("schedule", [])]
    if not ids:
        return []
    found = {f.id: f for f in uow.session.query(Feature).filter(Feature.workspace_id == workspace_id,
                                                                Feature.id.in_(ids))}
    return [found[i] for i in dict.fromkeys(ids) if i in found and found[i].status in NOT_YET]


def mark_planned(*, uow: UnitOfWork, workspace_id: int, actor: Actor, plan_id: int) -> list[Feature]:
    """Mark every feature the plan chooses that is still an idea or in discovery as planned (one audited status
    change each, as if done one by one); the others are left as they are. Returns the features changed."""
    plan = plan_service.get(uow=uow, workspace_id=workspace_id, plan_id=plan_id)
    if not plan.result:
        raise InvalidInput(f"plan '{plan.name}' is not solved yet: solve it, then mark what it chooses as planned",
                           [FieldError(["path", "plan_id"], "not solved", plan_id)])
    changed = []
    for f in chosen_not_planned(uow=uow, workspace_id=workspace_id, plan=plan):
        changed.append(feature_service.update(uow=uow, workspace_id=workspace_id, actor=actor, record_id=f.id,
                                              data=FeatureUpdate(status=FeatureStatus.planned), if_match=None))
    return changed
