from __future__ import annotations

from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from tradeoff.customers import service as customer_service
from tradeoff.errors import FieldError, InvalidInput
from tradeoff.feedback.model import Embedding, Feedback, has_tag, said_before, said_since
from tradeoff.feedback.schemas import FeedbackCreate, FeedbackUpdate
from tradeoff.records import service as records
from tradeoff.records.service import RecordSpec
from tradeoff.storage.base import utcnow
from tradeoff.storage.uow import Actor, UnitOfWork


def _linked() -> Any:
    from tradeoff.links.live import linked_to_live

    return linked_to_live()

SPEC = RecordSpec(
    name="feedback",
    plural="feedback",
    model=Feedback,
    sorts={"reported_at": Feedback.reported_at, "created_at": Feedback.created_at, "id": Feedback.id,
           "confidence": Feedback.sureness},  # triage's: least sure first, to check its guesses where it matters
    default_sort="-reported_at",
    # feedback of unknown date was dated when it was imported: it comes after every dated item, not as the newest
    sort_last={"reported_at": Feedback.date_unknown},
    filters={
        "source": lambda v: Feedback.source == v,
        "customer_id": lambda v: Feedback.customer_id == int(v),
        "reporter": lambda v: Feedback.reporter == v,
        "since": said_since,
        "until": said_before,
        "tag": has_tag,
        "dated": lambda v: Feedback.date_unknown == (sa.false() if v else sa.true()),
        "kind": lambda v: Feedback.kind == v,
        "sentiment": lambda v: Feedback.sentiment == v,
        "triaged": lambda v: Feedback.triaged_at.is_not(None) if v else Feedback.triaged_at.is_(None),
        "kind_source": lambda v: Feedback.kind_source == v,
        # linked to a problem or feature (as itself or as the item it was merged into), or not yet: the inbox
        # (a link to an archived problem or feature only does not count: links.live)
        "linked": lambda v: _linked() if v else ~_linked(),
    },
    snapshot_fields=("text", "source", "customer_id", "reporter", "reported_at", "date_unknown", "tags", "kind", "sentiment",
                     "score_kind", "score"),
    load_options=(joinedload(Feedback.customer),),
)


def _values(uow: UnitOfWork, workspace_id: int, data: FeedbackCreate | FeedbackUpdate, *, partial: bool) -> dict[str, Any]:
    values: dict[str, Any] = data.model_dump(exclude_unset=partial)
    if values.get("customer_id") is not None:
        customer_service_get(uow, workspace_id, values["customer_id"])
    if "source" in values:
        if values["source"] is None:
            raise InvalidInput("source cannot be null", [FieldError(["body", "source"], "cannot be null")])
        values["source"] = values["source"].value
    if "text" in values and values["text"] is None:
        raise InvalidInput("text cannot be null", [FieldError(["body", "text"], "cannot be null")])
    for enum_field in ("score_kind", "kind", "sentiment"):
        if values.get(enum_field) is not None:
            values[enum_field] = values[enum_field].value
    if partial and values.get("kind") is not None:
        values["kind_source"] = "pm"  # a correction: never overwritten by triage, and learned from
        values["kind_confidence"] = 1.0
        values["triaged_at"] = values.get("triaged_at") or utcnow()
    if "tags" in values:
        values["tags"] = sorted(set(values["tags"] or []))
    if not partial and values.get("reported_at") is None:
        values["reported_at"] = utcnow()
    if partial and "reported_at" in values and values["reported_at"] is None:
        del values["reported_at"]
    return values


def customer_service_get(uow: UnitOfWork, workspace_id: int, customer_id: int) -> None:
    try:
        records.get(uow=uow, spec=customer_service.SPEC, workspace_id=workspace_id, record_id=customer_id)
    except Exception as exc:
        raise InvalidInput(
            f"customer_id: no customer {customer_id} in this workspace",
            [FieldError(["body", "customer_id"], "unknown customer", customer_id)],
        ) from exc


def create(*, uow: UnitOfWork, workspace_id: int, actor: Actor, data: FeedbackCreate) -> Feedback:
    obj = records.create(
        uow=uow, spec=SPEC, workspace_id=workspace_id, actor=actor, values=_values(uow, workspace_id, data, partial=False)
    )
    return records.get(uow=uow, spec=SPEC, workspace_id=workspace_id, record_id=obj.id)  # type: ignore[no-any-return]


def create_many(*, uow: UnitOfWork, workspace_id: int, actor: Actor, items: list[FeedbackCreate]) -> list[Feedback]:
    """All or nothing: any invalid item raises with its index, and the caller's transaction rolls back."""
    out = []
    for i, data in enumerate(items):
        try:
            out.append(create(uow=uow, workspace_id=workspace_id, actor=actor, data=data))
        except InvalidInput as exc:
            raise InvalidInput(
                f"item {i}: {exc.message}", [FieldError(["body", "items", i, *e.loc[1:]], e.msg, e.value) for e in exc.errors]
            ) from exc
    return out


def recorded_already(*, uow: UnitOfWork, workspace_id: int,
                     items: list[tuple[str, int | None]]) -> dict[int, Feedback]:
    """Which of `items` (text, customer id) the workspace already has: feedback from the same customer (or none)
    with the same words, spacing aside, not archived; index in `items` -> the oldest such feedback."""
    texts = sorted({t.strip() for t, _ in items})
    known: dict[tuple[str, int | None], Feedback] = {}
    for k in range(0, len(texts), 500):
        for fb in uow.session.scalars(sa.select(Feedback).where(
                Feedback.workspace_id == workspace_id, Feedback.archived_at.is_(None),
                Feedback.text.in_(texts[k:k + 500])).order_by(Feedback.id)):
            known.setdefault((" ".join(fb.text.split()), fb.customer_id), fb)
    return {i: found for i, (t, c) in enumerate(items) if (found := known.get((" ".join(t.split()), c))) is not None}


RESUBMITTED_WITHIN_MINUTES = 10  # every item already saved this recently: the same batch sent twice


def resubmitted(already: dict[int, Feedback], count: int) -> bool:
    """Whether a batch of `count` items, of which `already` (as `recorded_already` finds them) are on record, is
    the same batch sent again (a double click, a reload): every item saved within the last few minutes."""
    just_now = utcnow() - timedelta(minutes=RESUBMITTED_WITHIN_MINUTES)
    return count > 0 and len(already) == count and all(f.created_at >= just_now for f in already.values())


def update(*, uow: UnitOfWork, workspace_id: int, actor: Actor, record_id: int, data: FeedbackUpdate, if_match: int | None) -> Feedback:
    obj = records.get(uow=uow, spec=SPEC, workspace_id=workspace_id, record_id=record_id)
    values = _values(uow, workspace_id, data, partial=True)
    if values.get("reported_at") not in (None, obj.reported_at):
        values["date_unknown"] = False  # a person gave the day it was said: from now on it is known
    reworded = "text" in values and values["text"] != obj.text
    records.update(uow=uow, spec=SPEC, workspace_id=workspace_id, actor=actor, obj=obj, values=values, if_match=if_match)
    if reworded:  # triaged again (a kind a person set stays) and its stored vectors, of the old words, dropped
        uow.session.execute(sa.update(Feedback).where(Feedback.id == record_id).values(triaged_at=None)
                            .execution_options(synchronize_session=False))
        uow.session.execute(sa.delete(Embedding).where(
            Embedding.workspace_id == workspace_id, Embedding.record_kind == "feedback",
            Embedding.record_id == record_id).execution_options(synchronize_session=False))
        uow.session.expire(obj, ["triaged_at"])
    uow.session.expire(obj, ["customer"])
    return records.get(uow=uow, spec=SPEC, workspace_id=workspace_id, record_id=record_id)  # type: ignore[no-any-return]
