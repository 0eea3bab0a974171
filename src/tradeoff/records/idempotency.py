"""Idempotency-Key handling for batch creates: same key + same body replays; same key + other body is a conflict."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from tradeoff.errors import Conflict, FieldError, InvalidInput
from tradeoff.records.model import IdempotencyRecord
from tradeoff.storage.uow import UnitOfWork


def body_hash(body: Any) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True, default=str, separators=(",", ":")).encode()).hexdigest()


def run_once(
    *, uow: UnitOfWork, workspace_id: int, scope: str, key: str | None, body: Any, status_code: int,
    run: Callable[[], Any],
) -> tuple[int, Any]:
    """Run `run()` (which returns a JSON-able response) at most once per key; return (status, response)."""
    if key is None:
        return status_code, run()
    if not 1 <= len(key) <= 200:
        raise InvalidInput("Idempotency-Key must be 1–200 characters",
                           [FieldError(["header", "Idempotency-Key"], "length out of range", key[:50])])
    digest = body_hash(body)
    prior = uow.session.scalar(select(IdempotencyRecord).where(
        IdempotencyRecord.workspace_id == workspace_id, IdempotencyRecord.scope == scope, IdempotencyRecord.key == key))
    if prior is not None:
        if prior.request_hash != digest:
            raise Conflict(f"Idempotency-Key '{key}' was already used with a different request body; use a new key")
        return prior.status_code, prior.response
    response = run()
    uow.session.add(IdempotencyRecord(workspace_id=workspace_id, scope=scope, key=key, request_hash=digest,
                                      status_code=status_code, response=response))
    uow.session.flush()
    return status_code, response
