"""The decision log. Rule: changing a decided feature's status (or its scoring inputs, hence its priority)
invites a new decision record — `decision_prompt` says so, for every door to show."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tradeoff.audit import service as audit
from tradeoff.decisions.model import Decision, decision_features, decision_feedback, decision_problems
from tradeoff.decisions.schemas import DecisionCreate, DecisionUpdate
from tradeoff.errors import FieldError, InvalidInput
from tradeoff.features import service as feature_service
from tradeoff.feedback import service as feedback_service
from tradeoff.problems import service as problem_service
from tradeoff.records import service as records
from tradeoff.records.service import RecordSpec
from tradeoff.storage.base import utcnow
from tradeoff.storage.uow import Actor, UnitOfWork

SPEC = RecordSpec(
    name="decision",
    plural="decisions",
    model=Decision,
    sorts={"decided_on": Decision.decided_on, "created_at": Decision.created_at, "updated_at": Decision.updated_at,
           "title": Decision.title, "id": Decision.id},
    default_sort="-created_at",
    filters={
        "product_id": lambda v: Decision.product_id == int(v),
        "feature_id": lambda v: Decision.id.in_(select(decision_features.c.decision_id)
                                                .where(decision_features.c.feature_id == int(v))),
        "problem_id": lambda v: Decision.id.in_(select(decision_problems.c.decision_id)
                                                .where(decision_problems.c.problem_id == int(v))),
        "feedback_id": lambda v: Decision.id.in_(select(decision_feedback.c.decision_id)
                                                 .where(decision_feedback.c.feedback_id == int(v))),
    },
    snapshot_fields=("title", "context", "options", "choice", "rationale", "disappointed", "decided_by",
                     "decided_on", "product_id"),
    load_options=(selectinload(Decision.problems), selectinload(Decision.features), selectinload(Decision.feedback)),
)
LINKS = {"problem_ids": ("problems", problem_service.SPEC), "feature_ids": ("features", feature_service.SPEC),
         "feedback_ids": ("feedback", feedback_service.SPEC)}


def _check_choice(options: list[dict[str, Any]], choice: str) -> None:
    names = [o["name"] for o in options]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise InvalidInput(f"options: each option needs its own name; repeated: {', '.join(dupes)}",
                           [FieldError(["body", "options"], "repeated option name", dupes[0])])
    if choice and names and choice not in names:
        raise InvalidInput(f"choice '{choice}' is not one of the options ({', '.join(names)})",
                           [FieldError(["body", "choice"], "not one of the options", choice)])


def _linked(uow: UnitOfWork, workspace_id: int, values: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for key, (attr, spec) in LINKS.items():
        if key in values:
            ids = values.pop(key)
            if ids is None:
                raise InvalidInput(f"{key} cannot be null", [FieldError(["body", key], "cannot be null")])
            out[attr] = records.get_many(uow=uow, spec=spec, workspace_id=workspace_id, ids=ids, field_name=key)
    return out


def _ids(obj: Decision) -> dict[str, list[int]]:
    return {"problem_ids": obj.problem_ids, "feature_ids": obj.feature_ids, "feedback_ids": obj.feedback_ids}


def create(*, uow: UnitOfWork, workspace_id: int, actor: Actor, data: DecisionCreate) -> Decision:
    problem_service.check_product(uow, workspace_id, data.product_id)
    values = data.model_dump(mode="json")
    values["decided_on"] = data.decided_on
    _check_choice(values["options"], values["choice"])
    if values["choice"] and values["decided_on"] is None:
        values["decided_on"] = utcnow().date()
    links = _linked(uow, workspace_id, values)
    obj = Decision(workspace_id=workspace_id, **values, **links)
    uow.session.add(obj)
    uow.session.flush()
    audit.record(uow=uow, workspace_id=workspace_id, actor=actor, action="create", record_type="decision",
                 record_id=obj.id, after=SPEC.snapshot(obj) | _ids(obj))
    return obj


def update(*, uow: UnitOfWork, workspace_id: int, actor: Actor, record_id: int, data: DecisionUpdate,
           if_match: int | None) -> Decision:
    obj: Decision = records.get(uow=uow, spec=SPEC, workspace_id=workspace_id, record_id=record_id)
    values: dict[str, Any] = data.model_dump(mode="json", exclude_unset=True)
    if "decided_on" in values:
        values["decided_on"] = data.decided_on
    for required in ("title", "options", "disappointed", "context", "choice", "rationale", "decided_by"):
        if required in values and values[required] is None:
            raise InvalidInput(f"{required} cannot be null", [FieldError(["body", required], "cannot be null")])
    problem_service.check_product(uow, workspace_id, values.get("product_id"))
    _check_choice(values.get("options", obj.options), values.get("choice", obj.choice))
    choice = values.get("choice", obj.choice)
    decided_on = values.get("decided_on", obj.decided_on)
    if choice and decided_on is None:  # a choice recorded is a decision taken: dated today unless dated
        values["decided_on"] = utcnow().date()
    before_ids = _ids(obj)
    links = _linked(uow, workspace_id, values)
    if links:
        values["updated_at"] = utcnow()  # an association change alone would not bump the version
    values |= links
    after_ids = {k: [o.id for o in links[a]] if a in links else before_ids[k] for k, (a, _) in LINKS.items()}
    return records.update(  # type: ignore[no-any-return]
        uow=uow, spec=SPEC, workspace_id=workspace_id, actor=actor, obj=obj, values=values, if_match=if_match,
        extra_before=before_ids, extra_after=after_ids,
    )


def for_record(*, uow: UnitOfWork, workspace_id: int, kind: str, record_id: int) -> list[Decision]:
    """Decisions linked to a problem, feature or feedback item (active ones, newest first)."""
    table, col = {"problem": (decision_problems, "problem_id"), "feature": (decision_features, "feature_id"),
                  "feedback": (decision_feedback, "feedback_id")}[kind]
    stmt = (records.base_query(SPEC, workspace_id).where(Decision.archived_at.is_(None), Decision.id.in_(
        select(table.c.decision_id).where(table.c[col] == record_id))).order_by(Decision.id.desc()))
    return list(uow.session.scalars(stmt).unique())


def timeline(*, uow: UnitOfWork, workspace_id: int, product_id: int | None = None, limit: int = 200) -> list[Decision]:
    """Decisions in the order they were taken (newest first), for one product or the whole workspace."""
    stmt = records.base_query(SPEC, workspace_id).where(Decision.archived_at.is_(None))
    if product_id is not None:
        stmt = stmt.where(Decision.product_id == product_id)
    stmt = stmt.order_by(Decision.decided_on.desc().nulls_last(), Decision.id.desc()).limit(limit)
    return list(uow.session.scalars(stmt).unique())


def decision_prompt(*, uow: UnitOfWork, workspace_id: int, feature_id: int, change: str) -> str | None:
    """The invitation to record a decision when a decided feature's priority or status changes; None when the
    feature has no linked decision. change: what changed, in words ("status planned → idea")."""
    linked = for_record(uow=uow, workspace_id=workspace_id, kind="feature", record_id=feature_id)
    if not linked:
        return None
    latest = linked[0]
    return (f"This feature has {len(linked)} linked decision{'s' if len(linked) != 1 else ''} (latest: "
            f"#{latest.id} '{latest.title}'). Its {change}: record a decision — the options, who is disappointed "
            "and why.")


def pending_prompt(*, uow: UnitOfWork, workspace_id: int, feature_id: int) -> str | None:
    """The invitation still open on a feature's page: its status changed after its latest linked decision was
    recorded (so the change has not been written down yet). None otherwise."""
    from tradeoff.audit.model import AuditEvent

    linked = for_record(uow=uow, workspace_id=workspace_id, kind="feature", record_id=feature_id)
    if not linked:
        return None
    since = max(d.updated_at for d in linked)
    events = uow.session.scalars(
        select(AuditEvent).where(AuditEvent.workspace_id == workspace_id, AuditEvent.record_type == "feature",
                                 AuditEvent.record_id == feature_id, AuditEvent.action == "update",
                                 AuditEvent.at > since).order_by(AuditEvent.id.desc()))
    for e in events:
        change = (e.changes or {}).get("status")
        if change:
            return decision_prompt(uow=uow, workspace_id=workspace_id, feature_id=feature_id,
                                   change=f"status changed {change.get('before')} → {change.get('after')}")
    return None


def unrecorded_changes(*, uow: UnitOfWork, workspace_id: int) -> list[tuple[int, str]]:
    """Features whose status changed after their latest linked decision, with the invitation to write the change
    down (principle 4), in feature order."""
    fids = sorted(set(uow.session.scalars(
        select(decision_features.c.feature_id).join(Decision, Decision.id == decision_features.c.decision_id)
        .where(Decision.workspace_id == workspace_id, Decision.archived_at.is_(None)))))
    out = []
    for fid in fids:
        prompt = pending_prompt(uow=uow, workspace_id=workspace_id, feature_id=fid)
        if prompt:
            out.append((fid, prompt))
    return out


def open_decisions(*, uow: UnitOfWork, workspace_id: int) -> list[Decision]:
    """Decisions recorded without a choice yet: the ones waiting for someone to decide, oldest first."""
    return list(uow.session.scalars(records.base_query(SPEC, workspace_id).where(
        Decision.archived_at.is_(None), Decision.choice == "").order_by(Decision.id)).unique())
