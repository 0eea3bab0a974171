"""What one unit of work has already computed from the forecast's inputs, kept until it writes one of them.

A batch of a hundred promises forecasts each as it is made, and each forecast reads every estimate, team, feature,
the live plan and the work history. Making a promise changes none of these, so the first forecast of the
transaction can serve the whole batch. The memo lives in the session (`Session.info`) and is forgotten when its
transaction ends, or as soon as the transaction writes anything other than the records a forecast never reads
(`NOT_INPUTS`: promises and their events, the audit trail, notifications, idempotency keys). Writes are seen at
the connection, so a Core statement or an import's bulk update counts as much as an ORM flush.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, SessionTransaction

from tradeoff.storage.uow import UnitOfWork

T = TypeVar("T")

#: tables whose writes leave every forecast input as it was
NOT_INPUTS = frozenset({"commitments", "commitment_events", "audit_events", "notification_events", "notifications",
                        "webhook_deliveries", "idempotency_keys"})
_READS = ("select", "(", "pragma", "savepoint", "release", "show", "set ", "begin", "commit", "rollback")
_WRITES = re.compile(r"\b(?:insert|update|delete|merge)\b", re.I)
_TARGET = re.compile(r'^\s*(?:insert\s+(?:or\s+\w+\s+)?into|update|delete\s+from)\s+"?(?:\w+"?\.)?"?(\w+)', re.I)
_INFO = "tradeoff.forecast_memo"


class _Memo:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.answers: dict[Hashable, Any] = {}
        self.writes = 0  # input writes seen so far: an answer computed across one is not kept

    def seen(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        head = statement.lstrip()[:12].lower()
        if head.startswith(_READS) or (head.startswith("with") and not _WRITES.search(statement)):
            return
        target = _TARGET.match(statement)
        if target is not None and target.group(1).lower() in NOT_INPUTS:
            return
        self.writes += 1
        self.answers.clear()

    def forget(self) -> None:
        self.answers.clear()
        if event.contains(self.connection, "before_cursor_execute", self.seen):
            event.remove(self.connection, "before_cursor_execute", self.seen)


def _forget(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is not None and not transaction.nested:  # a flush's own, inside the transaction
        return
    memo = session.info.pop(_INFO, None)
    if memo is not None:
        memo.forget()


def remembered(uow: UnitOfWork, key: Hashable, compute: Callable[[], T]) -> T:
    """`compute()`'s answer, computed once per transaction of `uow` while it writes no forecast input. The
    answer is shared by every caller of the transaction: it must not be changed."""
    session = uow.session
    connection = session.connection()
    memo: _Memo | None = session.info.get(_INFO)
    if memo is None or memo.connection is not connection:
        if memo is not None:
            memo.forget()
        memo = _Memo(connection)
        session.info[_INFO] = memo
        event.listen(connection, "before_cursor_execute", memo.seen)
        if not event.contains(session, "after_transaction_end", _forget):
            event.listen(session, "after_transaction_end", _forget)
    if key in memo.answers:
        return memo.answers[key]  # type: ignore[no-any-return]
    writes = memo.writes
    value = compute()
    if memo.writes == writes:
        memo.answers[key] = value
    return value
