"""Write and read the audit trail. Values are made JSON-safe; secret fields never enter it."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from tradeoff.audit.model import AuditEvent
from tradeoff.storage.base import iso_utc
from tradeoff.storage.uow import Actor, UnitOfWork

SECRET_FIELDS = frozenset({"password", "password_hash", "token", "token_hash", "secret"})


def jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    return value


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Fields that changed, as {field: {"before": x, "after": y}}; secrets are dropped."""
    out: dict[str, dict[str, Any]] = {}
    for key in sorted(set(before) | set(after)):
        if key in SECRET_FIELDS:
            continue
        b, a = jsonable(before.get(key)), jsonable(after.get(key))
        if b != a:
            out[key] = {"before": b, "after": a}
    return out


def record(
    *,
    uow: UnitOfWork,
    workspace_id: int | None,
    actor: Actor,
    action: str,
    record_type: str,
    record_id: int | None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    event = AuditEvent(
        workspace_id=workspace_id,
        actor_id=actor.user_id,
        actor_label=actor.label,
        via=actor.via,
        action=action,
        record_type=record_type,
        record_id=record_id,
        changes=diff(before or {}, after or {}),
    )
    uow.session.add(event)
    return event


def list_events(
    *, uow: UnitOfWork, workspace_id: int, record_type: str | None = None, record_id: int | None = None,
    before_id: int | None = None, limit: int = 50,
) -> list[AuditEvent]:
    stmt = select(AuditEvent).where(AuditEvent.workspace_id == workspace_id)
    if record_type:
        stmt = stmt.where(AuditEvent.record_type == record_type)
    if record_id is not None:
        stmt = stmt.where(AuditEvent.record_id == record_id)
    if before_id is not None:
        stmt = stmt.where(AuditEvent.id < before_id)
    return list(uow.session.scalars(stmt.order_by(AuditEvent.id.desc()).limit(limit)))


def event_out(e: AuditEvent) -> dict[str, Any]:
    """One event as the API and the CLI's --json give it."""
    return {"id": e.id, "at": iso_utc(e.at), "actor": e.actor_label, "via": e.via, "action": e.action,
            "record_type": e.record_type, "record_id": e.record_id, "changes": e.changes}
