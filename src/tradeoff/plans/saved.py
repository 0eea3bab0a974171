"""Saved what-ifs: a PM keeps the what-ifs worth discussing ("hire one more", "drop Dunning", "move the Acme
deadline") and compares them side by side with the plan, value, what each adds and drops, and each promise's
chance. Each keeps its answer; when the plan has been solved since, it says so and can be compared again."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from tradeoff.errors import FieldError, InvalidInput, NotFound
from tradeoff.plans import service as plan_service
from tradeoff.plans.model import Plan, SavedWhatIf
from tradeoff.plans.schemas import WhatIfIn
from tradeoff.storage.base import iso_utc, utcnow
from tradeoff.storage.uow import Actor, UnitOfWork

# what a plan keeps: enough for the choices a PM weighs, few enough to read side by side
MAX_SAVED = 12


def save(*, uow: UnitOfWork, workspace_id: int, actor: Actor, plan_id: int, data: WhatIfIn) -> SavedWhatIf:
    """Solve the what-if beside the plan (as `plans.service.what_if`) and keep it with its answer."""
    from tradeoff.audit import service as audit

    plan = plan_service.get(uow=uow, workspace_id=workspace_id, plan_id=plan_id)
    if not plan.result:
        raise InvalidInput(f"plan '{plan.name}' is not solved yet: solve it before saving a what-if of it",
                           [FieldError(["plan"], "not solved")])
    kept = len(saved(uow=uow, workspace_id=workspace_id, plan_id=plan.id))
    if kept >= MAX_SAVED:
        raise InvalidInput(f"plan '{plan.name}' keeps {MAX_SAVED} what-ifs at most: delete one first",
                           [FieldError(["plan"], "too many saved what-ifs", kept)])
    result = plan_service.what_if(uow=uow, workspace_id=workspace_id, plan_id=plan.id, data=data)
    row = SavedWhatIf(workspace_id=workspace_id, plan_id=plan.id, name=result["scenario"]["name"],
                      changes=data.model_dump(mode="json", exclude={"name"}), result=result,
                      plan_solved_at=plan.solved_at, compared_at=utcnow(), saved_by=actor.label)
    uow.session.add(row)
    uow.session.flush()
    audit.record(uow=uow, workspace_id=workspace_id, actor=actor, action="create", record_type="what_if",
                 record_id=row.id, after={"plan_id": plan.id, "name": row.name, **row.changes})
    return row


def saved(*, uow: UnitOfWork, workspace_id: int, plan_id: int) -> list[SavedWhatIf]:
    """A plan's saved what-ifs, oldest first."""
    return list(uow.session.scalars(select(SavedWhatIf).where(
        SavedWhatIf.workspace_id == workspace_id, SavedWhatIf.plan_id == plan_id).order_by(SavedWhatIf.id)))


def get(*, uow: UnitOfWork, workspace_id: int, plan_id: int, what_if_id: int) -> SavedWhatIf:
    row = uow.session.get(SavedWhatIf, what_if_id)
    if row is None or row.workspace_id != workspace_id or row.plan_id != plan_id:
        raise NotFound(f"what-if {what_if_id} of plan {plan_id} not found")
    return row


def compare_again(*, uow: UnitOfWork, workspace_id: int, actor: Actor, plan_id: int, what_if_id: int) -> SavedWhatIf:
    """Solve a saved what-if again against the plan's answer as it is now. A what-if whose features left the plan
    is refused, naming them: delete it, or save a new one."""
    from tradeoff.audit import service as audit

    row = get(uow=uow, workspace_id=workspace_id, plan_id=plan_id, what_if_id=what_if_id)
    plan = plan_service.get(uow=uow, workspace_id=workspace_id, plan_id=plan_id)
    data = WhatIfIn.model_validate({**row.changes, "name": row.name})
    row.result = plan_service.what_if(uow=uow, workspace_id=workspace_id, plan_id=plan.id, data=data)
    row.plan_solved_at, row.compared_at = plan.solved_at, utcnow()
    uow.session.flush()
    audit.record(uow=uow, workspace_id=workspace_id, actor=actor, action="compare", record_type="what_if",
                 record_id=row.id, after={"value": row.result["scenario"].get("value")})
    return row


def delete(*, uow: UnitOfWork, workspace_id: int, actor: Actor, plan_id: int, what_if_id: int) -> None:
    from tradeoff.audit import service as audit

    row = get(uow=uow, workspace_id=workspace_id, plan_id=plan_id, what_if_id=what_if_id)
    audit.record(uow=uow, workspace_id=workspace_id, actor=actor, action="delete", record_type="what_if",
                 record_id=row.id, before={"plan_id": plan_id, "name": row.name, **row.changes})
    uow.session.delete(row)
    uow.session.flush()


def outdated(plan: Plan, row: SavedWhatIf) -> bool:
    """Whether the plan has been solved (or unsolved) since the what-if was compared with it."""
    was, now = row.plan_solved_at, plan.solved_at if plan.result else None
    return (was is None) != (now is None) or (was is not None and now is not None and iso_utc(was) != iso_utc(now))


def as_dict(plan: Plan, row: SavedWhatIf) -> dict[str, Any]:
    """One saved what-if: its changes, when it was compared and whether that is still the plan's answer, and the
    figures to put beside the others (value, difference, added / removed / moved, promises' chances)."""
    res = row.result
    sc, diff, dates = res.get("scenario", {}), res.get("diff") or {}, res.get("dates") or {}
    return {
        "id": row.id, "plan_id": row.plan_id, "name": row.name, "changes": row.changes, "saved_by": row.saved_by,
        "created_at": row.created_at, "compared_at": row.compared_at, "plan_solved_at": row.plan_solved_at,
        "outdated": outdated(plan, row),
        "infeasible": sc.get("infeasible") or None,
        "plan_value": res.get("plan", {}).get("value"), "value": sc.get("value"),
        "value_difference": diff.get("value_difference"), "value_unit": res.get("plan", {}).get("value_unit", ""),
        "added": diff.get("added", []), "removed": diff.get("removed", []), "moved": diff.get("moved", []),
        "promises": [{"commitment_id": c["commitment_id"], "probability": c["what_if_probability"]}
                     for c in dates.get("commitments", [])],
        "p85": [{"feature_id": f["feature_id"], "p85": f["what_if_p85"]} for f in dates.get("features", [])],
        "dates_declined": dates.get("reason") if dates and dates.get("status") != "ok" else None,
    }


def side_by_side(*, uow: UnitOfWork, workspace_id: int, plan_id: int) -> dict[str, Any]:
    """The plan and its saved what-ifs in columns: each one's figures, and one row per promise and per feature
    with the plan's figure and each what-if's (None where the what-if leaves it out or gives no date)."""
    plan = plan_service.get(uow=uow, workspace_id=workspace_id, plan_id=plan_id)
    kept = saved(uow=uow, workspace_id=workspace_id, plan_id=plan.id)
    rows = [as_dict(plan, r) for r in kept]
    promises: dict[int, dict[str, Any]] = {}
    features: dict[int, dict[str, Any]] = {}
    for k, r in enumerate(kept):
        dates = r.result.get("dates") or {}
        for c in dates.get("commitments", []):
            row = promises.setdefault(c["commitment_id"], {
                **{key: c[key] for key in ("commitment_id", "feature_id", "title", "customer", "due")},
                "plan_probability": c["plan_probability"], "what_ifs": [None] * len(rows),
                "what_if_dues": [None] * len(rows)})
            row["what_ifs"][k] = c["what_if_probability"]
            if c.get("what_if_due", c["due"]) != c["due"]:  # the what-if moves its deadline: its chance is by then
                row["what_if_dues"][k] = c["what_if_due"]
        for f in dates.get("features", []):
            row = features.setdefault(f["feature_id"], {"feature_id": f["feature_id"], "title": f["title"],
                                                        "plan_p85": f["plan_p85"], "what_ifs": [None] * len(rows)})
            row["what_ifs"][k] = f["what_if_p85"]
    plan_result = plan.result or {}
    return {"plan_id": plan.id, "plan_name": plan.name, "plan_value": plan_result.get("value"),
            "value_unit": plan_result.get("value_unit", ""), "plan_solved_at": plan.solved_at,
            "what_ifs": rows, "promises": list(promises.values()),
            "features": [f for f in features.values() if any(d != f["plan_p85"] for d in f["what_ifs"])]}
