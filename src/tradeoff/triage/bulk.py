"""One action on many feedback items at once (link them, set their kind or keep triage's guesses, archive or restore
them, merge them as duplicates into one), all or nothing: every item is checked before any is changed, and each change is audited as if made one by one.
Links are made for all the items together (`links.service.create_many`): a few statements however many there are."""

from __future__ import annotations

from collections.abc import Callable
from itertools import islice
from typing import Any

from tradeoff.errors import FieldError, InvalidInput
from tradeoff.exports import service as exports
from tradeoff.feedback import service as feedback_service
from tradeoff.feedback.model import Feedback, Kind
from tradeoff.feedback.schemas import FeedbackUpdate
from tradeoff.links import service as link_service
from tradeoff.records import service as records
from tradeoff.storage.uow import Actor, UnitOfWork
from tradeoff.triage import service as triage
from tradeoff.triage.schemas import MAX_BULK, BulkIn

NEEDS = {"link": "evidence", "kind": "edit", "confirm": "edit", "archive": "edit", "restore": "edit",
         "merge": "edit"}  # the permission each asks


def apply(*, uow: UnitOfWork, workspace_id: int, actor: Actor, data: BulkIn) -> dict[str, Any]:
    """Apply `data.action` to every item of `data.ids`, or to every item `data.match` matches. Unknown ids (or a
    target not in this workspace) refuse the whole request, naming them, as does a match of more than `MAX_BULK`
    items; items that already are as asked (linked there, of that kind, archived) are listed as skipped, not
    changed again. Returns how many were asked for, what was done and what was skipped, and why."""
    ids = list(dict.fromkeys(data.ids)) if data.ids is not None else _matched(uow, workspace_id, data)
    items = records.get_many(uow=uow, spec=feedback_service.SPEC, workspace_id=workspace_id, ids=ids,
                             field_name="ids")
    if data.action == "link":  # all at once: a few statements however many items
        links, linked = link_service.create_many(uow=uow, workspace_id=workspace_id, actor=actor,
                                                 feedback_ids=[fb.id for fb in items], feature_id=data.feature_id,
                                                 problem_id=data.problem_id)
        return {"action": data.action, "matched": len(ids), "done": [link.feedback_id for link in links],
                "skipped": [{"id": fb.id, "reason": "already linked there"} for fb in items if fb.id in linked]}
    why_not, act = _action(uow, workspace_id, actor, data)
    done: list[int] = []
    skipped: list[dict[str, Any]] = []
    for fb in items:
        reason = why_not(fb)
        if reason is None:  # neither done nor skipped: the item a merge keeps
            continue
        if reason:
            skipped.append({"id": fb.id, "reason": reason})
        else:
            act(fb)
            done.append(fb.id)
    return {"action": data.action, "matched": len(ids), "done": done, "skipped": skipped}


Check = Callable[[Feedback], str | None]  # why an item is left as it is ("" = act on it; None = not one to act on)
Act = Callable[[Feedback], object]


def _action(uow: UnitOfWork, workspace_id: int, actor: Actor, data: BulkIn) -> tuple[Check, Act]:
    """What `data.action` (any but link) checks on each item before acting, and what it does to it."""
    def set_kind(fb: Feedback, kind: Kind) -> object:  # a person's kind ("pm"): learned from like a correction
        return feedback_service.update(uow=uow, workspace_id=workspace_id, actor=actor, record_id=fb.id,
                                       data=FeedbackUpdate(kind=kind), if_match=None)

    if data.action == "kind":
        wanted = data.kind
        assert wanted is not None  # BulkIn asks it of this action
        return (lambda fb: f"already corrected to {wanted.value}" if (fb.kind, fb.kind_source) == (wanted.value, "pm")
                else "", lambda fb: set_kind(fb, wanted))
    if data.action == "confirm":  # each keeps its own guess, now a person's kind
        return (lambda fb: "not triaged yet" if fb.kind is None else f"already checked as {fb.kind}"
                if fb.kind_source == "pm" else "", lambda fb: set_kind(fb, Kind(fb.kind)))
    if data.action == "merge":
        into = _survivor(uow, workspace_id, data)
        return (lambda fb: None if fb.id == into.id else "already merged into it" if fb.duplicate_of_id == into.id
                else "archived: restore it to merge it" if fb.archived else "",
                lambda fb: triage.merge(uow=uow, workspace_id=workspace_id, actor=actor, feedback_id=fb.id,
                                        into_id=into.id))
    archive = data.action == "archive"
    return (lambda fb: ("already archived" if archive else "not archived") if fb.archived == archive else "",
            lambda fb: records.set_archived(uow=uow, spec=feedback_service.SPEC, workspace_id=workspace_id,
                                            actor=actor, record_id=fb.id, archived=archive))


def earliest(*, uow: UnitOfWork, workspace_id: int, ids: list[int]) -> int:
    """Of these feedback items, the one reported first (the original report, which a merge keeps); unknown ids are
    refused, naming them."""
    items = records.get_many(uow=uow, spec=feedback_service.SPEC, workspace_id=workspace_id, ids=ids,
                             field_name="ids")
    return min(items, key=lambda f: (f.reported_at, f.id)).id  # type: ignore[no-any-return]


def _survivor(uow: UnitOfWork, workspace_id: int, data: BulkIn) -> Feedback:
    assert data.into_id is not None  # BulkIn asks it of a merge
    keep: Feedback = records.get_many(uow=uow, spec=feedback_service.SPEC, workspace_id=workspace_id,
                                      ids=[data.into_id], field_name="into_id")[0]
    if keep.archived:
        msg = f"feedback {keep.id} is archived: the item that stays must be live"
        raise InvalidInput(f"into_id: {msg}", [FieldError(["body", "into_id"], msg, keep.id)])
    return keep


def _matched(uow: UnitOfWork, workspace_id: int, data: BulkIn) -> list[int]:
    match = data.match
    assert match is not None  # BulkIn holds ids or match
    filters = match.model_dump(exclude={"q", "archived"}, exclude_none=True)
    ids = matching_ids(uow=uow, workspace_id=workspace_id, q=match.q, filters=filters, sort=None,
                       archived=match.archived)
    if ids is None:
        msg = f"more than {MAX_BULK:,} feedback items match; narrow the search or filters (one action takes at most " \
              f"{MAX_BULK:,})"
        raise InvalidInput(f"match: {msg}", [FieldError(["body", "match"], msg)])
    return ids


def matching_ids(*, uow: UnitOfWork, workspace_id: int, q: str | None, filters: dict[str, Any], sort: str | None,
                 archived: bool) -> list[int] | None:
    """The ids of every feedback item a list's search and filters match, on all its pages, to act on them at once;
    None when more than `MAX_BULK` match (one action takes no more)."""
    found = exports.matching(uow=uow, spec=feedback_service.SPEC, workspace_id=workspace_id, q=q, filters=filters,
                             sort=sort, archived=archived)
    ids = [f.id for f in islice(found, MAX_BULK + 1)]
    return ids if len(ids) <= MAX_BULK else None
