"""Idempotency-Key handling for batch creates: same key + same body replays; same key + other body is a conflict.

Concurrent requests with one key are serialised by the key's unique row: the first claims it before doing the
work, in the same transaction; the others' insert of the same key waits for that transaction and then fails,
after which they read and replay the first result (or, if there is none to read, are told to retry)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from tradeoff.errors import Conflict, FieldError, InvalidInput
from tradeoff.records.model import IdempotencyRecord
from tradeoff.storage.uow import UnitOfWork


def body_hash(body: Any) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True, default=str, separators=(",", ":")).encode()).hexdigest()


def run_once(
    *, uow: UnitOfWork, workspace_id: int, scope: str, key: str | None, body: Any, status_code: int,
    run: Callable[[], Any],
) -> tuple[int, Any]:
    """Run `run()` (which returns a JSON-able response) at most once per key; return (status, response).
    Call it before the use case writes anything: a request that loses the race for the key rolls back."""
    if key is None:
        return status_code, run()
    if not 1 <= len(key) <= 200:
        raise InvalidInput("Idempotency-Key must be 1–200 characters",
                           [FieldError(["header", "Idempotency-Key"], "length out of range", key[:50])])
    digest = body_hash(body)

    def prior() -> IdempotencyRecord | None:
        return uow.session.scalar(select(IdempotencyRecord).where(
            IdempotencyRecord.workspace_id == workspace_id, IdempotencyRecord.scope == scope,
            IdempotencyRecord.key == key))

    first = prior()
    if first is None:
        claim = IdempotencyRecord(workspace_id=workspace_id, scope=scope, key=key, request_hash=digest,
                                  status_code=status_code, response={})
        uow.session.add(claim)
        try:
            uow.session.flush()  # waits while another request holds the key, then fails if it succeeded
        except IntegrityError:
            uow.session.rollback()
            first = prior()
            if first is None:
                raise Conflict(f"a request with Idempotency-Key '{key}' is still in progress; "
                               "retry to get its result") from None
        else:
            claim.response = run()
            uow.session.flush()
            return status_code, claim.response
    if first.request_hash != digest:
        raise Conflict(f"Idempotency-Key '{key}' was already used with a different request body; use a new key")
    return first.status_code, first.response
